import { expect } from "chai";
import { promises as fs } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { compileSolidity, ensureClaimArtifacts, ensurePtau, exportVerifierSource, DEV_PTAU_POWER } from "../../prover/setup";

const quiet = (): void => undefined;

describe("trusted setup", () => {
  it("marks the development ceremony as such, with its provenance", async () => {
    const { keys } = await ensureClaimArtifacts(2, 1, { log: quiet });
    expect(keys.provenance.development).to.equal(true);
    expect(keys.provenance.ptau.kind).to.equal("development");
    expect(keys.provenance.ptau.power).to.equal(DEV_PTAU_POWER);
    expect(keys.provenance.zkeyVerified).to.equal(true);
    expect(keys.provenance.phase2.join(" ")).to.match(/contribute .* beacon/);
  });

  it("uses a --ptau file instead, and records it as external", async () => {
    const development = await ensurePtau(quiet);
    const { keys } = await ensureClaimArtifacts(2, 1, { log: quiet, ptau: development.file });
    expect(keys.provenance.development).to.equal(false);
    expect(keys.provenance.ptau.kind).to.equal("external");
    expect(keys.provenance.ptau.sha256).to.equal(development.sha256);
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
});
