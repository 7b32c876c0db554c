import { expect } from "chai";
import { createHash, createHmac } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

import { ContractFactory, getBytes, keccak256, toUtf8Bytes, type Signer } from "ethers";
import hre from "hardhat";

import { loadPoseidon, SNARK_SCALAR_FIELD } from "../../prover/hash";
import { computeVectors, VECTORS_FORMAT } from "./known-answers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const circomlibjs = require("circomlibjs") as {
  buildPoseidonReference(): Promise<{ (inputs: bigint[]): Uint8Array; F: { toObject(value: Uint8Array): bigint } }>;
  poseidonContract: { createCode(n: number): string; generateABI(n: number): unknown[] };
};

const FILE = path.resolve(__dirname, "..", "..", "docs", "vectors.json");

interface Vectors {
  format: string;
  poseidon: { n: number; inputs: string[]; output: string }[];
  seed: string;
  seedCommitment: string;
  accounts: { account: string; salt: string; order: string }[];
  leaves: { assets: number; width: number; account: string; salt: string; balances: string[]; preimage: string[]; hash: string }[];
  nodes: {
    assets: number;
    width: number;
    left: { hash: string; sums: string[] };
    right: { hash: string; sums: string[] };
    preimage: string[];
    hash: string;
    sums: string[];
  }[];
  emptySubtrees: { words: number; width: number; heights: string[] }[];
  snapshotDomain: string;
  context: { chainId: string; vault: string; snapshotId: string; tag: string; context: string };
  trees: {
    depth: number;
    assets: string[];
    input: string;
    leaves: {
      index: number;
      account: string;
      salt: string;
      balances: string[];
      leafHash: string;
      pathBits: number[];
      path: { siblingHash: string; siblingSums: string[] }[];
    }[];
    root: string;
    totals: string[];
    snapshotCommitment: { context: string; preimage: string[]; commitment: string };
  }[];
}

const big = (values: readonly string[]): bigint[] => values.map(BigInt);

/** pack() of docs/protocol.md §2, written from the text: word_j = v_2j + v_2j+1 * 2^96. */
function pack(lanes: readonly bigint[]): bigint[] {
  const words: bigint[] = [];
  for (let j = 0; j < Math.ceil(lanes.length / 2); j += 1) words.push((lanes[2 * j] ?? 0n) + (lanes[2 * j + 1] ?? 0n) * 2n ** 96n);
  return words;
}

function hmac(seed: Uint8Array, tag: string, account: string): Buffer {
  return createHmac("sha256", seed)
    .update(Buffer.concat([Buffer.from(tag, "utf8"), Buffer.from(account.slice(2), "hex")]))
    .digest();
}

describe("known-answer vectors (docs/vectors.json)", function () {
  this.timeout(300_000);
  let vectors: Vectors;
  let H: (inputs: bigint[]) => bigint;

  before(async () => {
    vectors = JSON.parse(await fs.readFile(FILE, "utf8")) as Vectors;
    // circomlibjs's reference Poseidon: the unoptimised constants (poseidon_constants.json), an
    // algorithm independent of the optimised one the circuit, the WebAssembly and the native code use.
    const reference = await circomlibjs.buildPoseidonReference();
    H = (inputs) => {
      inputs.forEach((value) => expect(value < SNARK_SCALAR_FIELD, `input ${value} below r`).to.equal(true));
      return reference.F.toObject(reference([...inputs]));
    };
  });

  it("the file is exactly what the implementation computes (production Poseidon)", async () => {
    const poseidon = await loadPoseidon();
    const computed = await computeVectors(
      (inputs) => poseidon.hash(inputs),
      async (arity, bytes) => poseidon.hashBatch(arity, bytes),
    );
    expect(JSON.parse(JSON.stringify(computed))).to.deep.equal(vectors);
    expect(vectors.format).to.equal(VECTORS_FORMAT);
  });

  it("Poseidon H_1..H_6 match the reference algorithm, and H_2(1, 2) is circomlib's published vector", () => {
    for (const { n, inputs, output } of vectors.poseidon) {
      expect(inputs).to.have.length(n);
      expect(H(big(inputs)).toString(), `H_${n}`).to.equal(output);
    }
    expect(vectors.poseidon[1]!.output).to.equal("7853200120776062878684798364095072458815029376092732009249414926327459813530");
  });

  it("salts and order keys are the big-endian HMAC-SHA256 of the spec, keyed by the 32 decoded seed bytes", () => {
    const seed = getBytes(vectors.seed);
    expect(seed).to.have.length(32);
    for (const { account, salt, order } of vectors.accounts) {
      expect(salt).to.equal((BigInt(`0x${hmac(seed, "lifeboat.salt.v1", account).toString("hex")}`) >> 3n).toString());
      expect(order).to.equal(`0x${hmac(seed, "lifeboat.order.v1", account).toString("hex")}`);
    }
    const commitment = createHash("sha256")
      .update(Buffer.concat([Buffer.from("lifeboat.seed-commitment.v1"), seed]))
      .digest("hex");
    expect(vectors.seedCommitment).to.equal(`sha256:${commitment}`);
  });

  it("leaves hash (account, salt, packed words) with H_3 for one word and H_4 for two", () => {
    expect(vectors.leaves.map((leaf) => leaf.width)).to.deep.equal([3, 3, 4, 4]);
    for (const leaf of vectors.leaves) {
      const account = BigInt(`0x${Buffer.from(getBytes(leaf.account)).toString("hex")}`); // 20 bytes, big-endian
      const preimage = [account, BigInt(leaf.salt), ...pack(big(leaf.balances))];
      expect(preimage.map(String)).to.deep.equal(leaf.preimage);
      expect(H(preimage).toString(), `leaf K=${leaf.assets}`).to.equal(leaf.hash);
    }
  });

  it("nodes hash (left hash, left words, right hash, right words) with H_4 for one word and H_6 for two", () => {
    expect(vectors.nodes.map((node) => node.width)).to.deep.equal([4, 4, 6, 6]);
    for (const node of vectors.nodes) {
      const preimage = [BigInt(node.left.hash), ...pack(big(node.left.sums)), BigInt(node.right.hash), ...pack(big(node.right.sums))];
      expect(preimage.map(String)).to.deep.equal(node.preimage);
      expect(H(preimage).toString(), `node K=${node.assets}`).to.equal(node.hash);
      expect(node.sums).to.deep.equal(big(node.left.sums).map((sum, k) => String(sum + BigInt(node.right.sums[k]!))));
    }
  });

  it("empty subtrees follow Z_0 = 0, Z_k+1 = H(Z_k, 0.., Z_k, 0..) up to height 31, for one and two words", () => {
    expect(vectors.emptySubtrees.map((entry) => [entry.words, entry.width, entry.heights.length])).to.deep.equal([
      [1, 4, 32],
      [2, 6, 32],
    ]);
    for (const { words, heights } of vectors.emptySubtrees) {
      let z = 0n;
      heights.forEach((value, k) => {
        expect(value, `Z_${k} for ${words} word(s)`).to.equal(z.toString());
        z = H([z, ...new Array<bigint>(words).fill(0n), z, ...new Array<bigint>(words).fill(0n)]);
      });
    }
  });

  it("the context is keccak256 of the ABI encoding of tag, chain id, vault and snapshot id, mod r", () => {
    const { chainId, vault, snapshotId, tag, context } = vectors.context;
    expect(tag).to.equal(keccak256(toUtf8Bytes("lifeboat.claim-context.v1")));
    const word = (value: bigint): string => value.toString(16).padStart(64, "0");
    const encoded = `0x${tag.slice(2)}${word(BigInt(chainId))}${word(BigInt(vault))}${word(BigInt(snapshotId))}`;
    expect(context).to.equal((BigInt(keccak256(encoded)) % SNARK_SCALAR_FIELD).toString());
    expect(vectors.snapshotDomain).to.equal((BigInt(keccak256(toUtf8Bytes("lifeboat.snapshot-commitment.v1"))) % SNARK_SCALAR_FIELD).toString());
  });

  it("small trees: leaves in ascending order key, paths open to the root (pathBits[i] = 1: a right child), commitments by H_5", () => {
    const seed = getBytes(vectors.seed);
    for (const tree of vectors.trees) {
      const orders = tree.leaves.map((leaf) => hmac(seed, "lifeboat.order.v1", leaf.account).toString("hex"));
      expect([...orders].sort()).to.deep.equal(orders);
      for (const leaf of tree.leaves) {
        expect(leaf.pathBits).to.deep.equal(Array.from({ length: tree.depth }, (_, i) => (leaf.index >> i) & 1));
        let hash = H([BigInt(leaf.account), BigInt(leaf.salt), ...pack(big(leaf.balances))]);
        expect(hash.toString()).to.equal(leaf.leafHash);
        let sums = big(leaf.balances);
        leaf.path.forEach((step, i) => {
          const sibling = { hash: BigInt(step.siblingHash), sums: big(step.siblingSums) };
          const [left, right] = leaf.pathBits[i] === 1 ? [sibling, { hash, sums }] : [{ hash, sums }, sibling];
          hash = H([left.hash, ...pack(left.sums), right.hash, ...pack(right.sums)]);
          sums = sums.map((sum, k) => sum + sibling.sums[k]!);
        });
        expect(hash.toString()).to.equal(tree.root);
        expect(sums.map(String)).to.deep.equal(tree.totals);
      }
      const words = pack(big(tree.totals));
      const preimage = [BigInt(vectors.snapshotDomain), BigInt(tree.root), words[0]!, words[1] ?? 0n, BigInt(tree.snapshotCommitment.context)];
      expect(preimage.map(String)).to.deep.equal(tree.snapshotCommitment.preimage);
      expect(H(preimage).toString()).to.equal(tree.snapshotCommitment.commitment);
    }
  });

  it("the values docs/protocol.md prints are the file's", async () => {
    const spec = (await fs.readFile(path.resolve(__dirname, "..", "..", "docs", "protocol.md"), "utf8")).replace(/\s+/g, " ");
    const twoAssets = vectors.trees[0]!;
    const printed = [
      ...vectors.poseidon.filter((entry) => entry.n >= 2).map((entry) => entry.output),
      vectors.emptySubtrees[0]!.heights[1]!,
      vectors.emptySubtrees[1]!.heights[1]!,
      vectors.accounts[0]!.salt,
      vectors.accounts[0]!.order,
      vectors.seedCommitment,
      vectors.leaves[1]!.hash,
      vectors.context.tag,
      vectors.context.context,
      vectors.snapshotDomain,
      twoAssets.root,
      twoAssets.snapshotCommitment.commitment,
    ];
    for (const value of printed) expect(spec, value).to.contain(value);
    expect(vectors.accounts[0]!.account).to.equal(vectors.leaves[1]!.account);
    expect(twoAssets.snapshotCommitment.context).to.equal(vectors.context.context);
  });

  it("the EVM Poseidon contracts (circomlibjs, the vault's hasher for H_5) give the same H_3..H_6 and commitments", async () => {
    const [signer] = (await hre.ethers.getSigners()) as unknown as Signer[];
    const evm: Record<number, (inputs: bigint[]) => Promise<bigint>> = {};
    for (const n of [3, 4, 5, 6]) {
      const contract = await new ContractFactory(
        circomlibjs.poseidonContract.generateABI(n) as never,
        circomlibjs.poseidonContract.createCode(n),
        signer!,
      ).deploy();
      evm[n] = async (inputs) => (await contract.getFunction(`poseidon(uint256[${n}])`)(inputs)) as bigint;
    }
    for (const { n, inputs, output } of vectors.poseidon.filter((entry) => entry.n >= 3)) {
      expect((await evm[n]!(big(inputs))).toString(), `H_${n}`).to.equal(output);
    }
    for (const node of vectors.nodes) expect((await evm[node.width]!(big(node.preimage))).toString()).to.equal(node.hash);
    for (const tree of vectors.trees) expect((await evm[5]!(big(tree.snapshotCommitment.preimage))).toString()).to.equal(tree.snapshotCommitment.commitment);
  });
});
