import { expect } from "chai";

import { LANE_LIMIT, MerkleSumTree, hashLeaves, leafPreimage, nodePreimage, openPath, type Hash } from "../../prover/tree";
import { loadPoseidon } from "../../prover/hash";
import { referenceHashing, seededRandom } from "../helpers/hashing";

interface Leaf {
  account: bigint;
  salt: bigint;
  balances: bigint[];
}

function randomLeaves(count: number, assets: number, seed: number): Leaf[] {
  const random = seededRandom(seed);
  const big = (bits: number): bigint => BigInt(Math.floor(random() * 2 ** 30)) << BigInt(Math.max(0, bits - 30));
  return Array.from({ length: count }, () => ({
    account: big(160),
    salt: big(250),
    balances: Array.from({ length: assets }, () => big(80)),
  }));
}

async function buildTree(leaves: Leaf[], depth: number, assets: number): Promise<MerkleSumTree> {
  const { hashBatch } = await referenceHashing();
  return MerkleSumTree.build({ depth, assets, ...(await hashLeaves(leaves, assets, hashBatch)) }, hashBatch);
}

/** The definition of the tree, written recursively and independently of MerkleSumTree. */
function referenceNode(hash: Hash, leaves: Leaf[], assets: number, height: number, position: number): { hash: bigint; sums: bigint[] } {
  if (height === 0) {
    const leaf = leaves[position];
    if (leaf === undefined) return { hash: 0n, sums: new Array<bigint>(assets).fill(0n) };
    return { hash: hash(leafPreimage(leaf.account, leaf.salt, leaf.balances)), sums: leaf.balances };
  }
  const left = referenceNode(hash, leaves, assets, height - 1, 2 * position);
  const right = referenceNode(hash, leaves, assets, height - 1, 2 * position + 1);
  return {
    hash: hash(nodePreimage(left.hash, left.sums, right.hash, right.sums)),
    sums: left.sums.map((sum, k) => sum + (right.sums[k] as bigint)),
  };
}

describe("MerkleSumTree", () => {
  let hash: Hash;
  before(async () => {
    hash = (await referenceHashing()).hash;
  });

  for (const [count, depth, assets] of [
    [1, 1, 1],
    [1, 4, 2],
    [5, 3, 2],
    [8, 3, 3],
    [16, 4, 4],
    [13, 5, 2],
  ] as const) {
    it(`matches the recursive definition for ${count} leaves, depth ${depth}, ${assets} assets`, async () => {
      const leaves = randomLeaves(count, assets, count * 31 + depth);
      const tree = await buildTree(leaves, depth, assets);
      const expected = referenceNode(hash, leaves, assets, depth, 0);
      expect(tree.root).to.equal(expected.hash);
      expect(tree.totals).to.deep.equal(expected.sums);
      for (let i = 0; i < count; i += 1) {
        const leaf = leaves[i] as Leaf;
        expect(openPath(hash, leaf, tree.path(i))).to.deep.equal({ root: expected.hash, totals: expected.sums });
      }
    });
  }

  it("keeps its known-answer root for a pinned two-asset tree", async () => {
    const leaves: Leaf[] = [
      { account: 0x1111111111111111111111111111111111111111n, salt: 7n, balances: [100n, 0n] },
      { account: 0x2222222222222222222222222222222222222222n, salt: 8n, balances: [0n, 5n] },
      { account: 0x3333333333333333333333333333333333333333n, salt: 9n, balances: [LANE_LIMIT - 106n, 1n] },
    ];
    const tree = await buildTree(leaves, 2, 2);
    expect(tree.totals).to.deep.equal([LANE_LIMIT - 6n, 6n]);
    expect(tree.root.toString()).to.equal(KNOWN_ROOT_D2_K2);
  });

  it("refuses leaves whose per-asset total reaches 2^96", async () => {
    const leaves: Leaf[] = [
      { account: 1n, salt: 1n, balances: [LANE_LIMIT - 1n] },
      { account: 2n, salt: 2n, balances: [1n] },
    ];
    let error: unknown;
    try {
      await buildTree(leaves, 1, 1);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(RangeError);
    expect((error as Error).message).to.equal("the total of asset 0 is 79228162514264337593543950336; every total must be below 2^96");
  });

  it("refuses more leaves than the depth holds", async () => {
    const leaves = randomLeaves(3, 1, 5);
    let error: unknown;
    try {
      await buildTree(leaves, 1, 1);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.equal("a tree of depth 1 holds 1 to 2 leaves, got 3");
  });

  it("openPath refuses a negative (field-wrapped) sibling sum", async () => {
    const leaves = randomLeaves(2, 1, 9);
    const tree = await buildTree(leaves, 2, 1);
    const path = tree.path(0);
    const wrapped = [{ ...path[0]!, siblingSums: [21888242871839275222246405745257275088548364400416034343698204186575808495616n] }, path[1]!];
    expect(() => openPath(hash, leaves[0]!, wrapped)).to.throw(RangeError, "path[0].siblingSums[0] must be in [0, 2^96)");
  });

  it("the production hasher builds the same tree as the reference", async () => {
    const poseidon = await loadPoseidon();
    const leaves = randomLeaves(300, 2, 77);
    const expected = await buildTree(leaves, 10, 2);
    const batch = async (arity: number, input: Uint8Array): Promise<Uint8Array> => poseidon.hashBatch(arity, input);
    const tree = await MerkleSumTree.build({ depth: 10, assets: 2, ...(await hashLeaves(leaves, 2, batch)) }, batch);
    expect(tree.root).to.equal(expected.root);
  });
});

// Computed once with the reference implementation and pinned: a change here is a protocol change.
const KNOWN_ROOT_D2_K2 = "10345793970782362258672266030462137573909912925921579165801577645992706302585";
