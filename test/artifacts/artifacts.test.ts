import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import {
  agreedDigest,
  ARTIFACT_NAMES,
  besideFile,
  besideFolder,
  digestsOf,
  loadProvingArtifacts,
  parseArtifactDigests,
  parseArtifactsIndex,
  PROVING_FILES,
  sha256Of,
  verifierOf,
  writeProvingArtifacts,
  type ArtifactsIndex,
} from "../../prover/artifacts";
import { claimArtifacts } from "../helpers/circuit";

describe("published proving artifacts", function () {
  this.timeout(600_000);
  let work: string;
  let folder: string;
  let index: ArtifactsIndex;

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-artifacts-"));
    folder = path.join(work, "artifacts");
    index = await writeProvingArtifacts(folder, await claimArtifacts(2, 1));
  });

  after(() => fs.rm(work, { recursive: true, force: true }));

  it("lists every published file with its sha256 and size, and the ceremony's provenance", async () => {
    expect(Object.keys(index.files).sort()).to.deep.equal([...ARTIFACT_NAMES].sort());
    for (const name of ARTIFACT_NAMES) {
      const bytes = await fs.readFile(path.join(folder, name));
      expect(index.files[name]).to.deep.equal({ sha256: await sha256Of(bytes), bytes: bytes.length });
    }
    expect(index).to.include({ circuit: "claim_d2_k1", depth: 2, assets: 1 });
    expect(index.ceremony).to.include({ development: true, ptauKind: "development", ptauPower: 14 });
    expect(parseArtifactsIndex(JSON.parse(await fs.readFile(path.join(folder, "artifacts.json"), "utf8")))).to.deep.equal(index);
  });

  it("loads the proving files when every digest matches, and refuses a mismatch naming the file and both digests", async () => {
    const loaded = await loadProvingArtifacts(folder, "claim_d2_k1", [{ digests: digestsOf(index), source: "the manifest" }]);
    expect(loaded.verificationKey.nPublic).to.equal(3);
    const wrong = { ...digestsOf(index), "claim.wasm": "00".repeat(32) };
    await loadProvingArtifacts(folder, "claim_d2_k1", [{ digests: wrong, source: "the manifest" }]).then(
      () => expect.fail("accepted"),
      (error: Error) => expect(error.message).to.contain(`proving artifact claim.wasm at ${folder} has sha256 ${index.files["claim.wasm"].sha256}, but the manifest names ${"00".repeat(32)}`),
    );
    await loadProvingArtifacts(folder, "claim_d4_k2", [{ digests: digestsOf(index), source: "the manifest" }]).then(
      () => expect.fail("accepted"),
      (error: Error) => expect(error.message).to.contain("are for circuit claim_d2_k1, the claim is for claim_d4_k2"),
    );
    await loadProvingArtifacts(folder, "claim_d2_k1", []).then(
      () => expect.fail("accepted"),
      (error: Error) => expect(error.message).to.match(/no digest for claim\.(wasm|zkey)/),
    );
  });

  it("refuses digest sources that disagree: the package and the manifest are not of one snapshot", () => {
    const a = { digests: { "claim.zkey": "aa".repeat(32) }, source: "the claim package" };
    const b = { digests: { "claim.zkey": "bb".repeat(32) }, source: "the manifest" };
    expect(agreedDigest("claim.zkey", [a, { digests: {}, source: "x" }])).to.equal("aa".repeat(32));
    expect(() => agreedDigest("claim.zkey", [a, b])).to.throw(`the claim package names claim.zkey with sha256 ${"aa".repeat(32)}, but the manifest names ${"bb".repeat(32)}: they are not of the same snapshot`);
  });

  it("parses digest maps strictly: known names, 64 lower-case hex digits, the required ones present", () => {
    const good = Object.fromEntries(PROVING_FILES.map((name) => [name, "ab".repeat(32)]));
    expect(parseArtifactDigests(good, "claim.artifacts", PROVING_FILES)).to.deep.equal(good);
    expect(() => parseArtifactDigests({ ...good, "evil.bin": "ab".repeat(32) }, "claim.artifacts", PROVING_FILES)).to.throw('claim.artifacts names an unknown artifact "evil.bin"');
    expect(() => parseArtifactDigests({ ...good, "claim.zkey": "AB".repeat(32) }, "claim.artifacts", PROVING_FILES)).to.throw('claim.artifacts["claim.zkey"] must be a sha256 digest (64 lower-case hex digits), got "ABAB');
    expect(() => parseArtifactDigests({ "claim.wasm": "ab".repeat(32) }, "claim.artifacts", PROVING_FILES)).to.throw("claim.artifacts must name the sha256 of claim.zkey");
  });

  it("finds the manifest beside an artifacts folder and the artifacts beside a manifest, as paths and as URLs", () => {
    expect(besideFile("https://example.org/incident/manifest.json", "artifacts")).to.equal("https://example.org/incident/artifacts");
    expect(besideFolder("https://example.org/incident/artifacts/", "manifest.json")).to.equal("https://example.org/incident/manifest.json");
    expect(besideFolder("https://example.org/incident/artifacts", "manifest.json")).to.equal("https://example.org/incident/manifest.json");
    expect(besideFolder("/srv/incident/artifacts", "manifest.json")).to.equal("/srv/incident/manifest.json");
    expect(besideFile("/srv/incident/manifest.json", "artifacts")).to.equal("/srv/incident/artifacts");
  });

  it("rebuilds, from the published verification key alone, exactly the published compiled verifier", async () => {
    const loaded = await loadProvingArtifacts(folder, "claim_d2_k1", [{ digests: digestsOf(index), source: "the manifest" }]);
    const published = JSON.parse(await fs.readFile(path.join(folder, "Groth16Verifier.json"), "utf8")) as { deployedBytecode: string };
    expect((await verifierOf(loaded.verificationKey)).deployedBytecode).to.equal(published.deployedBytecode);
  });
});
