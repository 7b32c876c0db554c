import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import * as snarkjs from "snarkjs";

import {
  claimInstance,
  compileCircuit,
  compileSolidity,
  ensureClaimArtifacts,
  ensureKeys,
  ensurePtau,
  exportVerifierSource,
  DEV_PTAU_POWER,
  sha256File,
} from "../../prover/setup";
import { nativeZKeyAvailable } from "../../prover/setup/native-zkey";
import { IN_MEMORY_PTAU_BYTES, ptauForVerification } from "../../prover/setup/ptau-source";

const quiet = (): void => undefined;

describe("trusted setup", () => {
  it("marks the development ceremony as such, with its provenance", async () => {
    const { keys } = await ensureClaimArtifacts(2, 1, { log: quiet });
    expect(keys.provenance.development).to.equal(true);
    expect(keys.provenance.ptau.kind).to.equal("development");
    expect(keys.provenance.ptau.power).to.equal(DEV_PTAU_POWER);
    expect(keys.provenance.zkeyVerification).to.be.oneOf(["from-r1cs", "from-init"]);
    expect(keys.provenance.phase2.join(" ")).to.match(/contribute/);
  });

  it("makes fresh keys with one contribution and no beacon, records how they were verified, and snarkjs's verifyFromR1cs accepts them", async () => {
    const circuit = await compileCircuit(claimInstance(2, 1), quiet);
    const ptau = await ensurePtau(quiet);
    const previous = process.env["LIFEBOAT_CACHE"];
    const cache = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-keys-"));
    process.env["LIFEBOAT_CACHE"] = cache;
    try {
      const keys = await ensureKeys(circuit, ptau, quiet);
      expect(keys.directory.startsWith(cache)).to.equal(true);
      const native = nativeZKeyAvailable();
      expect(keys.provenance.zkeyVerification).to.equal(native ? "from-init" : "from-r1cs");
      expect(keys.provenance.phase2).to.deep.equal([
        native ? "groth16 setup (native, byte-identical to snarkjs's)" : "groth16 setup",
        "contribute (64 random bytes, discarded)",
        "no beacon (one local contribution: a beacon would add nothing)",
        native ? "zkey verify from the initial key" : "zkey verify from the r1cs",
      ]);
      expect((await fs.readdir(keys.directory)).sort()).to.deep.equal([
        "Groth16Verifier.json",
        "Groth16Verifier.sol",
        "circuit.zkey",
        "provenance.json",
        "verification_key.json",
      ]);
      // The independent check auditors run (lifeboat audit) accepts the key.
      expect(await snarkjs.zKey.verifyFromR1cs(circuit.r1cs, ptau.file, keys.zkey)).to.equal(true);

      // Keys cached before zkeyVerification existed recorded zkeyVerified: true (verifyFromR1cs).
      const provenanceFile = path.join(keys.directory, "provenance.json");
      const { zkeyVerification, ...old } = keys.provenance;
      void zkeyVerification;
      await fs.writeFile(provenanceFile, JSON.stringify({ ...old, zkeyVerified: true }));
      expect((await ensureKeys(circuit, ptau, quiet)).provenance.zkeyVerification).to.equal("from-r1cs");
      await fs.writeFile(provenanceFile, JSON.stringify(old));
      let error: unknown;
      try {
        await ensureKeys(circuit, ptau, quiet);
      } catch (caught) {
        error = caught;
      }
      expect((error as Error).message).to.equal(`${provenanceFile} records no zkey verification (zkeyVerification)`);
    } finally {
      if (previous === undefined) delete process.env["LIFEBOAT_CACHE"];
      else process.env["LIFEBOAT_CACHE"] = previous;
      await fs.rm(cache, { recursive: true, force: true });
    }
  });

  it("uses a --ptau file instead, and records it as external", async () => {
    const development = await ensurePtau(quiet);
    const { keys } = await ensureClaimArtifacts(2, 1, { log: quiet, ptau: development.file });
    expect(keys.provenance.development).to.equal(false);
    expect(keys.provenance.ptau.kind).to.equal("external");
    expect(keys.provenance.ptau.sha256).to.equal(development.sha256);
  });

  it("prepares a --ptau file that holds phase 1 only, once, into its own cache, exactly as snarkjs would", async function () {
    this.timeout(120_000);
    const cache = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-phase1-"));
    const previous = process.env["LIFEBOAT_CACHE"];
    process.env["LIFEBOAT_CACHE"] = path.join(cache, "cache");
    try {
      // A public ceremony's phase-1 file: snarkjs new + contribute, never prepared.
      const phase1 = path.join(cache, "phase1.ptau");
      await snarkjs.powersOfTau.newAccumulator(await snarkjs.curves.getCurveFromName("bn128"), 6, path.join(cache, "0.ptau"));
      await snarkjs.powersOfTau.contribute(path.join(cache, "0.ptau"), phase1, "ceremony", "entropy of the ceremony");
      const lines: string[] = [];
      const ptau = await ensurePtau((line) => lines.push(line), phase1);
      expect(ptau.kind).to.equal("external");
      expect(ptau.power).to.equal(6);
      expect(ptau.file).to.not.equal(phase1);
      expect(ptau.steps[0]).to.match(/^supplied with --ptau: .*phase1\.ptau \(sha256 [0-9a-f]{64}\), phase 1 only$/);
      expect(lines.join("\n")).to.match(/holds phase 1 only: preparing phase 2 once/);
      await snarkjs.powersOfTau.preparePhase2(phase1, path.join(cache, "snarkjs.ptau"));
      expect((await fs.readFile(ptau.file)).equals(await fs.readFile(path.join(cache, "snarkjs.ptau")))).to.equal(true);
      // Once: the second call finds it, and a prepared file is used as it is.
      const again = await ensurePtau((line) => lines.push(line), phase1);
      expect(again).to.deep.equal(ptau);
      expect(lines.filter((line) => line.includes("preparing")).length).to.equal(1);
      expect((await ensurePtau(quiet, ptau.file)).steps).to.deep.equal(["supplied with --ptau"]);
      // Not a ptau at all: named, refused.
      await fs.writeFile(path.join(cache, "junk.ptau"), "ptau but nothing more");
      let error: unknown;
      try {
        await ensurePtau(quiet, path.join(cache, "junk.ptau"));
      } catch (caught) {
        error = caught;
      }
      expect((error as Error).message).to.match(/junk\.ptau/);
    } finally {
      if (previous === undefined) delete process.env["LIFEBOAT_CACHE"];
      else process.env["LIFEBOAT_CACHE"] = previous;
      await fs.rm(cache, { recursive: true, force: true });
    }
  });

  it("refuses a --ptau file that does not exist", async () => {
    let error: unknown;
    try {
      await ensureClaimArtifacts(2, 1, { log: quiet, ptau: "/nonexistent/ceremony.ptau" });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.equal("--ptau file /nonexistent/ceremony.ptau does not exist");
  });

  it("regenerating the Solidity verifier from the zkey changes nothing, source or bytecode", async () => {
    const { keys } = await ensureClaimArtifacts(4, 2, { log: quiet });
    const source = await exportVerifierSource(keys.zkey);
    expect(source).to.equal(keys.verifierSource);
    // ... and it is byte for byte what snarkjs's own `zkey export solidityverifier` writes.
    const template = await fs.readFile(path.join(path.dirname(require.resolve("snarkjs")), "..", "templates", "verifier_groth16.sol.ejs"), "utf8");
    expect(await snarkjs.zKey.exportSolidityVerifier(keys.zkey, { groth16: template })).to.equal(source);
    const compiled = compileSolidity("Groth16Verifier.sol", source, "Groth16Verifier");
    expect(compiled.deployedBytecode).to.equal(keys.verifier.deployedBytecode);
  });

  it("hands snarkjs's zkey verification a ptau up to 256 MiB in memory (snarkjs never closes the file) and a larger one by its path", async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-ptau-source-"));
    try {
      const small = path.join(directory, "small.ptau");
      await fs.writeFile(small, Buffer.from("ptau and more"));
      const { source, sha256 } = await ptauForVerification(small);
      expect(source).to.have.property("type", "mem");
      expect(Buffer.from((source as { data: Uint8Array }).data).toString()).to.equal("ptau and more");
      expect(await sha256()).to.equal(await sha256File(small));
      // A sparse file: its size without its disk space.
      const large = path.join(directory, "large.ptau");
      await fs.writeFile(large, "");
      await fs.truncate(large, IN_MEMORY_PTAU_BYTES + 1);
      expect((await ptauForVerification(large)).source).to.equal(large);
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});
