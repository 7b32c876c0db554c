import { expect } from "chai";
import { getAddress } from "ethers";

import { InputError } from "../../prover/errors";
import { parseProofFile } from "../../prover/proof/proof-file";
import { parseDeployment } from "../../prover/chain/vault";
import { parseClaimPackage, parseManifest, parseTreeLeafLine } from "../../prover/snapshot/formats";
import { fieldPath, parseWith, watchStateSchema } from "../../prover/schema";
import { testLeaves, testTree } from "../helpers/circuit";
import type { ClaimPackage } from "../../prover/snapshot/formats";

const A = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const DIGEST = "ab".repeat(32);
const DIGESTS = { "claim.wasm": DIGEST, "claim.zkey": DIGEST, "verification_key.json": DIGEST, "Groth16Verifier.sol": DIGEST, "Groth16Verifier.json": DIGEST };

const MANIFEST = {
  format: "lifeboat.manifest.v1",
  circuit: "claim_d2_k2",
  depth: 2,
  assets: ["WETH", "USDC"],
  leafCount: 3,
  root: "12345",
  totals: ["10", "20"],
  inputDigest: `sha256:${DIGEST}`,
  source: { kind: "file", format: "csv" },
  exclusions: { digest: `sha256:${DIGEST}`, accounts: [{ account: A, balances: ["1", "2"] }], notFound: [] },
  zeroAccounts: 0,
  adjustments: { digest: `sha256:${DIGEST}`, entries: [{ account: A, asset: "USDC", delta: "+5", reason: "settled by hand" }] },
  seedCommitment: `sha256:${DIGEST}`,
  setup: { development: true, warning: "dev", circuitDigest: DIGEST, constraints: 100, ptauKind: "development", ptauSha256: DIGEST, artifacts: DIGESTS },
};

/** The refusal's message, which must be an InputError. */
function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("file schemas (prover/schema)", () => {
  describe("the manifest", () => {
    it("accepts a well-formed manifest and returns it unchanged", () => {
      expect(parseManifest(MANIFEST)).to.deep.equal(MANIFEST);
    });

    it("names the file, the field as a path and the value it refuses", () => {
      const bad = { ...MANIFEST, exclusions: { ...MANIFEST.exclusions, accounts: [{ account: A, balances: ["1", "-2"] }] } };
      expect(refusal(() => parseManifest(bad, "manifest m.json"))).to.equal(
        'manifest m.json.exclusions.accounts[0].balances[1] must be a decimal integer string, got "-2"',
      );
      expect(refusal(() => parseManifest({ ...MANIFEST, totals: ["10", `${1n << 96n}`] }))).to.equal(
        `manifest.totals[1] must be below ${1n << 96n}, got "${1n << 96n}"`,
      );
      expect(refusal(() => parseManifest({ ...MANIFEST, totals: ["10"] }))).to.equal('manifest.totals must be an array of 2 decimal strings, got ["10"]');
      expect(refusal(() => parseManifest({ ...MANIFEST, root: `${21888242871839275222246405745257275088548364400416034343698204186575808495617n}` }))).to.match(
        /^manifest\.root must be below 218882428718392752222464057452572750885483644004160343436982041865758084956\d+, got/,
      );
      expect(refusal(() => parseManifest({ ...MANIFEST, leafCount: 5 }))).to.equal("manifest.leafCount must be an integer in [1, 4], got 5");
      expect(
        refusal(() =>
          parseManifest({ ...MANIFEST, adjustments: { ...MANIFEST.adjustments, entries: [{ ...MANIFEST.adjustments.entries[0], asset: "DAI" }] } }),
        ),
      ).to.equal('manifest.adjustments.entries[0].asset must be one of WETH, USDC, got "DAI"');
      expect(refusal(() => parseManifest({ ...MANIFEST, setup: { ...MANIFEST.setup, artifacts: { ...DIGESTS, "claim.zkey": "AB".repeat(32) } } }))).to.match(
        /^manifest\.setup\.artifacts\["claim\.zkey"\] must be a sha256 digest \(64 lower-case hex digits\), got "ABAB/,
      );
      expect(refusal(() => parseManifest({ ...MANIFEST, source: { kind: "ftp" } }))).to.equal('manifest.source.kind must be "file" or "chain", got "ftp"');
    });

    it("refuses an unknown field, where the old validators ignored it (a typo must not pass silently)", () => {
      expect(refusal(() => parseManifest({ ...MANIFEST, rooot: "1" }))).to.equal('manifest has an unknown field "rooot"');
      expect(refusal(() => parseManifest({ ...MANIFEST, setup: { ...MANIFEST.setup, extra: 1 } }))).to.equal('manifest.setup has an unknown field "extra"');
    });

    it("refuses a mixed-case address with a wrong checksum, and reads an all-lower-case one checksummed", () => {
      const wrongCase = `0x${A.slice(2, 3).toLowerCase()}${A.slice(3).replace("b", "B")}`;
      expect(refusal(() => parseManifest({ ...MANIFEST, exclusions: { ...MANIFEST.exclusions, notFound: [wrongCase] } }))).to.equal(
        `manifest.exclusions.notFound[0] must be a checksummed 20-byte address, got "${wrongCase}"`,
      );
      // An all-lower-case address carries no checksum and is read in its checksummed form.
      expect(parseManifest({ ...MANIFEST, exclusions: { ...MANIFEST.exclusions, notFound: [A.toLowerCase()] } }).exclusions.notFound).to.deep.equal([A]);
    });
  });

  describe("the claim package", () => {
    let claim: ClaimPackage;
    before(async () => {
      const leaf = (await testTree(testLeaves(3, 2, 9), 2, 2)).packages[1]!;
      claim = { ...leaf, account: getAddress(leaf.account), artifacts: { "claim.wasm": DIGEST, "claim.zkey": DIGEST, "verification_key.json": DIGEST } };
    });

    it("accepts a package of the tree and refuses a path step out of range, by path", () => {
      expect(parseClaimPackage(JSON.parse(JSON.stringify(claim)))).to.deep.equal(claim);
      const path = claim.path.map((step) => ({ ...step, siblingSums: [...step.siblingSums] }));
      path[1]!.siblingSums[1] = "x";
      expect(refusal(() => parseClaimPackage({ ...claim, path }, "claims/a.json"))).to.equal(
        'claims/a.json.path[1].siblingSums[1] must be a decimal integer string, got "x"',
      );
      expect(refusal(() => parseClaimPackage({ ...claim, path: claim.path.slice(1) }))).to.equal("claim package.path must have one step per level (2), got 1");
      expect(refusal(() => parseClaimPackage({ ...claim, leafIndex: 4 }))).to.equal("claim package.leafIndex must be an integer in [0, 3], got 4");
      expect(refusal(() => parseClaimPackage({ ...claim, artifacts: { "claim.wasm": DIGEST } }))).to.equal(
        "claim package.artifacts must name the sha256 of claim.zkey",
      );
      expect(refusal(() => parseClaimPackage({ ...claim, format: "lifeboat.claim.v0" }))).to.equal(
        'claim package.format must be "lifeboat.claim.v1", got "lifeboat.claim.v0"',
      );
    });

    it("a tree leaf line names its line and field", () => {
      expect(
        refusal(() => parseTreeLeafLine({ index: 0, account: claim.account, salt: claim.salt, balances: ["1"], leafHash: "1" }, 2, "tree.jsonl line 2")),
      ).to.equal('tree.jsonl line 2.balances must be an array of 2 decimal strings, got ["1"]');
    });
  });

  describe("the proof file, the deployment and the watch state", () => {
    const proof = {
      format: "lifeboat.proof.v1",
      circuit: "claim_d2_k2",
      chainId: "31337",
      vault: A,
      snapshotId: "1",
      root: "5",
      totals: ["10", "20"],
      account: A,
      amounts: ["1", "2"],
      publicSignals: ["1", "2", "3"],
      proof: {
        pi_a: ["1", "2", "1"],
        pi_b: [
          ["1", "2"],
          ["3", "4"],
          ["1", "0"],
        ],
        pi_c: ["5", "6", "1"],
        protocol: "groth16",
        curve: "bn128",
      },
      calldata: "ignored: recomputed from the proof",
    };

    it("recomputes the calldata of a proof file, and refuses a proof of another system", () => {
      expect(parseProofFile(proof).calldata).to.deep.equal({
        pA: ["1", "2"],
        pB: [
          ["2", "1"],
          ["4", "3"],
        ],
        pC: ["5", "6"],
        pubSignals: ["1", "2", "3"],
      });
      expect(refusal(() => parseProofFile({ ...proof, proof: { ...proof.proof, protocol: "plonk" } }))).to.equal(
        'proof file.proof.protocol must be "groth16", got "plonk"',
      );
      expect(refusal(() => parseProofFile({ ...proof, proof: { ...proof.proof, pi_b: [["1", "2"]] } }))).to.equal(
        'proof file.proof.pi_b must be an array of G2 coordinates (3 pairs), got [["1","2"]]',
      );
    });

    it("accepts proof coordinates in [r, q) (they are elements of the base field) and refuses q", () => {
      const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
      const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
      expect(parseProofFile({ ...proof, proof: { ...proof.proof, pi_a: [`${r}`, `${q - 1n}`, "1"] } }).calldata.pA).to.deep.equal([`${r}`, `${q - 1n}`]);
      expect(refusal(() => parseProofFile({ ...proof, proof: { ...proof.proof, pi_c: ["1", `${q}`, "1"] } }))).to.equal(
        `proof file.proof.pi_c[1] must be below ${q}, got "${q}"`,
      );
      expect(refusal(() => parseProofFile({ ...proof, publicSignals: ["1", `${r}`, "3"] }))).to.equal(
        `proof file.publicSignals[1] must be below ${r}, got "${r}"`,
      );
    });

    it("refuses a deployment file with a bad verifier address, and keeps fields other tools add", () => {
      const deployment = { format: "lifeboat.deployment.v1", chainId: "31337", vault: A, hasher: A, verifiers: { claim_d4_k2: A }, pool: "kept" };
      expect(parseDeployment(deployment)).to.deep.equal(deployment);
      expect(refusal(() => parseDeployment({ ...deployment, verifiers: { claim_d4_k2: "0x12" } }))).to.equal(
        'deployment file.verifiers.claim_d4_k2 must be a checksummed 20-byte address, got "0x12"',
      );
    });

    it("validates the watch state with its schema", () => {
      expect(parseWith(watchStateSchema, { format: "lifeboat.watch-state.v1", pool: A, lastBlock: 7 }, "state")).to.deep.equal({
        format: "lifeboat.watch-state.v1",
        pool: A,
        lastBlock: 7,
      });
      expect(refusal(() => parseWith(watchStateSchema, { format: "lifeboat.watch-state.v1", pool: A, lastBlock: 1.5 }, "state"))).to.equal(
        "state.lastBlock must be an integer in [-1, 9007199254740991], got 1.5",
      );
    });
  });

  it("writes paths with dots for names and brackets for indexes and other keys", () => {
    expect(fieldPath(["accounts", 3, "balances", 1])).to.equal(".accounts[3].balances[1]");
    expect(fieldPath(["files", "claim.wasm", "sha256"])).to.equal('.files["claim.wasm"].sha256');
  });
});
