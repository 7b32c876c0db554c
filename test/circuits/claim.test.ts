import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { leafPreimageOfWords, nodePreimageOfWords, snapshotCommitmentPreimage, type Hash } from "../../prover/tree";
import type { ClaimPackage } from "../../prover/snapshot/formats";
import type { ClaimArtifacts } from "../../prover/setup";
import { referenceHashing } from "../helpers/hashing";
import { P, claimArtifacts, readWire, refuses, satisfies, setWire, testLeaves, testTree, validInput, wireOf, witness } from "../helpers/circuit";

type Input = Record<string, unknown>;

/**
 * Rebuilds root and commitment from a (possibly dishonest) leaf and path with plain field
 * arithmetic and no range checks: the view of an attacker who controls the whole tree.
 */
function dishonestInput(hash: Hash, input: Input, _claim: ClaimPackage): Input {
  const balances = input["balances"] as bigint[];
  const siblingSums = input["siblingSums"] as bigint[][];
  const siblingHashes = input["siblingHashes"] as bigint[];
  const bits = input["pathBits"] as number[];
  const pack = (lanes: bigint[]): bigint[] => {
    const words: bigint[] = [];
    for (let j = 0; j < lanes.length; j += 2) words.push(((lanes[j] as bigint) + (lanes[j + 1] ?? 0n) * (1n << 96n)) % P);
    return words;
  };
  // The protocol's leaf and node rules on words, with the attacker's own (unchecked) packing.
  let current = hash(leafPreimageOfWords(input["account"] as bigint, input["salt"] as bigint, pack(balances)));
  let sums = [...balances];
  bits.forEach((bit, i) => {
    const [siblingHash, siblingWords] = [siblingHashes[i] as bigint, pack(siblingSums[i] as bigint[])];
    const [ownHash, ownWords] = [current, pack(sums)];
    current = hash(
      bit === 1 ? nodePreimageOfWords(siblingHash, siblingWords, ownHash, ownWords) : nodePreimageOfWords(ownHash, ownWords, siblingHash, siblingWords),
    );
    sums = sums.map((sum, k) => (sum + (siblingSums[i] as bigint[])[k]!) % P);
  });
  const totalsWords = pack(sums);
  const commitment = hash([snapshotCommitmentPreimage(0n, [], 0n)[0]!, current, totalsWords[0]!, totalsWords[1] ?? 0n, input["context"] as bigint]);
  return { ...input, amounts: pack(balances), snapshotCommitment: commitment };
}

describe("claim circuit", function () {
  let hash: Hash;
  let d3k3: ClaimArtifacts;
  let d4k2: ClaimArtifacts;
  let d2k1: ClaimArtifacts;

  before(async function () {
    hash = (await referenceHashing()).hash;
    d3k3 = await claimArtifacts(3, 3);
    d4k2 = await claimArtifacts(4, 2);
    d2k1 = await claimArtifacts(2, 1);
  });

  it("pins the constraint count of every instance", async () => {
    expect(d2k1.circuit.constraints).to.equal(CONSTRAINTS.claim_d2_k1);
    expect(d3k3.circuit.constraints).to.equal(CONSTRAINTS.claim_d3_k3);
    expect(d4k2.circuit.constraints).to.equal(CONSTRAINTS.claim_d4_k2);
  });

  describe("accepts", () => {
    it("every leaf of a full depth-3 tree with three assets", async () => {
      const { packages } = await testTree(testLeaves(8, 3, 1), 3, 3);
      for (const claim of packages) {
        expect(await satisfies(d3k3, await witness(d3k3, (await validInput(claim)) as unknown as Input))).to.equal(true);
      }
    });

    it("the only leaf of a one-leaf tree", async () => {
      const { packages } = await testTree(testLeaves(1, 2, 2), 4, 2);
      expect(await satisfies(d4k2, await witness(d4k2, (await validInput(packages[0]!)) as unknown as Input))).to.equal(true);
    });

    it("leaves of a partly filled depth-4 tree, and a one-asset tree", async () => {
      const { packages } = await testTree(testLeaves(11, 2, 3), 4, 2);
      for (const index of [0, 5, 10]) {
        await witness(d4k2, (await validInput(packages[index]!)) as unknown as Input);
      }
      const one = await testTree(testLeaves(3, 1, 4), 2, 1);
      await witness(d2k1, (await validInput(one.packages[2]!)) as unknown as Input);
    });

    it("a balance of exactly 2^96 - 1", async () => {
      const leaves = testLeaves(2, 2, 5);
      leaves[0]!.balances = [(1n << 96n) - 1n, 0n];
      leaves[1]!.balances = [0n, 3n];
      const { packages } = await testTree(leaves, 4, 2);
      await witness(d4k2, (await validInput(packages[0]!)) as unknown as Input);
    });
  });

  describe("refuses", () => {
    let claim: ClaimPackage;
    let input: Input;
    before(async () => {
      claim = (await testTree(testLeaves(6, 2, 6), 4, 2)).packages[3]!;
      input = (await validInput(claim)) as unknown as Input;
    });

    it("(the attacker's rebuild of the tree reproduces an honest input exactly)", async () => {
      const rebuilt = dishonestInput(hash, input, claim);
      expect(rebuilt["snapshotCommitment"]).to.equal(input["snapshotCommitment"]);
      await witness(d4k2, rebuilt);
    });

    it("a wrong salt", async () => {
      await refuses(d4k2, { ...input, salt: (input["salt"] as bigint) + 1n });
    });

    it("a changed balance, with the amounts changed to match", async () => {
      const balances = [...(input["balances"] as bigint[])];
      balances[0] = balances[0]! + 1n;
      await refuses(d4k2, { ...input, balances, amounts: [balances[0] + balances[1]! * (1n << 96n)] });
    });

    it("amounts that differ from the leaf's balances", async () => {
      await refuses(d4k2, { ...input, amounts: [(input["amounts"] as bigint[])[0]! + 1n] });
    });

    it("a balance of 2^96, even in a tree built around it", async () => {
      const balances = [1n << 96n, 0n];
      await refuses(d4k2, dishonestInput(hash, { ...input, balances }, claim));
    });

    it("a field-wrapped (negative) balance, even in a tree built around it", async () => {
      const balances = [P - 1n, (input["balances"] as bigint[])[1]!];
      await refuses(d4k2, dishonestInput(hash, { ...input, balances }, claim));
    });

    it("a negative sibling sum that would shrink the totals, even in a tree built around it", async () => {
      const siblingSums = (input["siblingSums"] as bigint[][]).map((sums) => [...sums]);
      siblingSums[2]![0] = P - 5n;
      await refuses(d4k2, dishonestInput(hash, { ...input, siblingSums }, claim));
    });

    it("totals of 2^96 or more, even in a tree built around them", async () => {
      const siblingSums = (input["siblingSums"] as bigint[][]).map((sums) => [...sums]);
      siblingSums[3]![1] = (1n << 96n) - 1n;
      await refuses(d4k2, dishonestInput(hash, { ...input, siblingSums }, claim));
    });

    it("a path bit that is not 0 or 1", async () => {
      const pathBits = [...(input["pathBits"] as number[])];
      pathBits[0] = 2;
      await refuses(d4k2, { ...input, pathBits });
    });

    it("a flipped path bit", async () => {
      const pathBits = [...(input["pathBits"] as number[])];
      pathBits[1] = 1 - pathBits[1]!;
      await refuses(d4k2, { ...input, pathBits });
    });

    it("each public signal tampered", async () => {
      await refuses(d4k2, { ...input, snapshotCommitment: (input["snapshotCommitment"] as bigint) + 1n });
      await refuses(d4k2, { ...input, account: (input["account"] as bigint) + 1n });
      await refuses(d4k2, { ...input, amounts: [(input["amounts"] as bigint[])[0]! + (1n << 96n)] });
    });

    it("a context other than the one in the commitment", async () => {
      await refuses(d4k2, { ...input, context: (input["context"] as bigint) + 1n });
    });

    it("a sibling hash or sibling sum other than the tree's", async () => {
      const siblingHashes = [...(input["siblingHashes"] as bigint[])];
      siblingHashes[0] = siblingHashes[0]! + 1n;
      await refuses(d4k2, { ...input, siblingHashes });
      const siblingSums = (input["siblingSums"] as bigint[][]).map((sums) => [...sums]);
      siblingSums[0]![1] = siblingSums[0]![1]! + 1n;
      await refuses(d4k2, { ...input, siblingSums });
    });

    it("an inner node built from only one child's sum (the hash binds both children's sums)", async () => {
      // Moving value from the sibling to the path node keeps the parent sum but not the parent hash.
      const siblingSums = (input["siblingSums"] as bigint[][]).map((sums) => [...sums]);
      const balances = [...(input["balances"] as bigint[])];
      siblingSums[0]![0] = siblingSums[0]![0]! - 1n;
      balances[0] = balances[0]! + 1n;
      await refuses(d4k2, { ...input, siblingSums, balances, amounts: [balances[0] + balances[1]! * (1n << 96n)] });
    });
  });

  describe("soundness: an edited valid witness breaks the constraints", () => {
    let artifacts: ClaimArtifacts;
    let valid: Uint8Array;
    before(async () => {
      artifacts = d4k2;
      const claim = (await testTree(testLeaves(6, 2, 7), 4, 2)).packages[4]!;
      valid = await witness(artifacts, (await validInput(claim)) as unknown as Input);
      expect(await satisfies(artifacts, valid)).to.equal(true);
    });

    for (const [signal, change] of [
      ["main.pathBits[0]", (value: bigint) => 1n - value],
      ["main.pathBits[2]", () => 2n],
      ["main.context", (value: bigint) => value + 1n],
      ["main.salt", (value: bigint) => value + 1n],
      ["main.siblingSums[1][0]", () => P - 1n],
      ["main.siblingHashes[3]", (value: bigint) => value + 1n],
      ["main.account", (value: bigint) => value ^ 1n],
      ["main.snapshotCommitment", (value: bigint) => value + 1n],
    ] as const) {
      it(`when ${signal} is changed`, async () => {
        const wire = await wireOf(artifacts, signal);
        expect(wire, `${signal} has no wire`).to.be.greaterThan(0);
        const tampered = setWire(valid, wire, change(readWire(valid, wire)));
        expect(await satisfies(artifacts, tampered)).to.equal(false);
      });
    }
  });

  describe("proofs", () => {
    it("verifies a proof and refuses it when any public signal is tampered", async () => {
      const claim = (await testTree(testLeaves(9, 2, 8), 4, 2)).packages[7]!;
      const wtns = await witness(d4k2, (await validInput(claim)) as unknown as Input);
      const { proof, publicSignals } = await snarkjs.groth16.prove(d4k2.keys.zkey, wtns);
      const vkey = d4k2.keys.verificationKey;
      expect(publicSignals).to.have.length(3);
      expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).to.equal(true);
      for (let i = 0; i < publicSignals.length; i += 1) {
        const tampered = [...publicSignals];
        tampered[i] = (BigInt(tampered[i]!) + 1n).toString();
        expect(await snarkjs.groth16.verify(vkey, tampered, proof), `signal ${i}`).to.equal(false);
      }
    });
  });
});

/** Pinned: a change means the circuit changed; update docs/protocol.md and the benchmark notes. */
const CONSTRAINTS = { claim_d2_k1: 1560, claim_d3_k3: 3129, claim_d4_k2: 2928 };
