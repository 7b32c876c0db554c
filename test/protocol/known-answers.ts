import { getAddress } from "ethers";

import { claimContext, CONTEXT_TAG } from "../../prover/proof/context";
import { buildSnapshot } from "../../prover/snapshot/build";
import { parseBalances } from "../../prover/snapshot/input";
import { deriveOrderKey, deriveSalt, seedCommitment } from "../../prover/snapshot/seed";
import {
  leafPreimage,
  MAX_DEPTH,
  MerkleSumTree,
  nodePreimage,
  packLanes,
  SNAPSHOT_DOMAIN,
  snapshotCommitmentPreimage,
  type BatchHash,
  type Hash,
} from "../../prover/tree";

/**
 * The known-answer vectors of docs/protocol.md (docs/vectors.json), computed by the reference
 * implementation's own code paths. `scripts/vectors.ts` writes them; test/protocol/vectors.test.ts
 * checks the file against this code and against the spec's formulas computed independently.
 */
export const VECTORS_FORMAT = "lifeboat.vectors.v1";

/** Inputs of the vectors: fixed, readable, and covering every width and shape the protocol uses. */
export const VECTOR_SEED = Buffer.from(Array.from({ length: 32 }, (_, i) => i)); // 0x00 01 02 .. 1f
export const VECTOR_ACCOUNTS = [
  "0x52908400098527886E0F7030069857D2E4169EE7",
  "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
  "0xde709f2102306220921060314715629080e2fb77",
].map((account) => getAddress(account));
const LEAF_BALANCES = [1000000000000000000n, 2500000n, 0n, (1n << 96n) - 1n];
const LEFT = { hash: 123456789n, sums: [10n, 20n, 30n, 40n] };
const RIGHT = { hash: 987654321n, sums: [1n, 2n, 3n, 4n] };
const CONTEXT_TARGET = { chainId: 31337n, vault: "0x5FbDB2315678afecb367f032d93F642f64180aa3", snapshotId: 1n };
const TREE_CSV = [
  "account,WETH,USDC,DAI",
  `${VECTOR_ACCOUNTS[0]},1000000000000000000,0,5`,
  `${VECTOR_ACCOUNTS[1]},2000000000000000000,3000000,0`,
  `${VECTOR_ACCOUNTS[2]},0,4000000,7`,
  "",
].join("\n");

const dec = (values: readonly bigint[]): string[] => values.map(String);

export async function computeVectors(hash: Hash, hashBatch: BatchHash): Promise<unknown> {
  const poseidon = [1, 2, 3, 4, 5, 6].map((n) => {
    const inputs = Array.from({ length: n }, (_, i) => BigInt(i + 1));
    return { n, inputs: dec(inputs), output: hash(inputs).toString() };
  });

  const accounts = VECTOR_ACCOUNTS.map((account) => ({
    account,
    salt: deriveSalt(VECTOR_SEED, account).toString(),
    order: `0x${deriveOrderKey(VECTOR_SEED, account).toString("hex")}`,
  }));

  const account = VECTOR_ACCOUNTS[0] as string;
  const salt = deriveSalt(VECTOR_SEED, account);
  const leaves = [1, 2, 3, 4].map((assets) => {
    const balances = LEAF_BALANCES.slice(0, assets);
    const preimage = leafPreimage(BigInt(account), salt, balances);
    return {
      assets,
      width: preimage.length,
      account,
      salt: salt.toString(),
      balances: dec(balances),
      preimage: dec(preimage),
      hash: hash(preimage).toString(),
    };
  });

  const nodes = [1, 2, 3, 4].map((assets) => {
    const left = { hash: LEFT.hash.toString(), sums: dec(LEFT.sums.slice(0, assets)) };
    const right = { hash: RIGHT.hash.toString(), sums: dec(RIGHT.sums.slice(0, assets)) };
    const preimage = nodePreimage(LEFT.hash, LEFT.sums.slice(0, assets), RIGHT.hash, RIGHT.sums.slice(0, assets));
    const sums = LEFT.sums.slice(0, assets).map((sum, k) => sum + (RIGHT.sums[k] as bigint));
    return { assets, width: preimage.length, left, right, preimage: dec(preimage), hash: hash(preimage).toString(), sums: dec(sums) };
  });

  // Z_0 .. Z_MAX_DEPTH-1 are the siblings of the only leaf of a full-depth tree, Z_MAX_DEPTH its root's
  // other child would be; the tree code computes them, so the vector pins the code, not a re-derivation.
  const emptySubtrees = await Promise.all(
    [1, 3].map(async (assets) => {
      const words = packLanes(new Array<bigint>(assets).fill(0n)).length;
      const tree = await MerkleSumTree.build({ depth: MAX_DEPTH, assets, hashes: new Uint8Array(32), words: new Uint8Array(32 * words) }, hashBatch);
      const heights = tree.path(0).map((step) => step.siblingHash.toString());
      return { words, width: 2 + 2 * words, heights };
    }),
  );

  const context = {
    chainId: CONTEXT_TARGET.chainId.toString(),
    vault: CONTEXT_TARGET.vault,
    snapshotId: CONTEXT_TARGET.snapshotId.toString(),
    tag: CONTEXT_TAG,
    context: claimContext(CONTEXT_TARGET).toString(),
  };

  const trees = await Promise.all(
    [
      ["WETH", "USDC"],
      ["WETH", "USDC", "DAI"],
    ].map(async (assets) => {
      const csv = TREE_CSV.split("\n")
        .map((line) =>
          line
            .split(",")
            .slice(0, 1 + assets.length)
            .join(","),
        )
        .join("\n");
      const snapshot = await buildSnapshot(parseBalances(csv, "csv"), { depth: 2, seed: VECTOR_SEED, hashBatch });
      const { tree } = snapshot;
      const root = tree.root;
      const totals = tree.totals;
      const commitmentPreimage = snapshotCommitmentPreimage(root, totals, BigInt(context.context));
      return {
        depth: 2,
        assets,
        input: csv,
        seed: `0x${VECTOR_SEED.toString("hex")}`,
        leaves: snapshot.leaves.map((leaf) => ({
          index: leaf.index,
          account: leaf.account,
          salt: leaf.salt.toString(),
          balances: dec(leaf.balances),
          leafHash: tree.leafHash(leaf.index).toString(),
          pathBits: tree.path(leaf.index).map((step) => (step.isRight ? 1 : 0)),
          path: tree.path(leaf.index).map((step) => ({ siblingHash: step.siblingHash.toString(), siblingSums: dec(step.siblingSums) })),
        })),
        root: root.toString(),
        totals: dec(totals),
        snapshotCommitment: { context: context.context, preimage: dec(commitmentPreimage), commitment: hash(commitmentPreimage).toString() },
      };
    }),
  );

  return {
    format: VECTORS_FORMAT,
    about:
      "Known-answer vectors of docs/protocol.md. Integers are decimal strings except assets, width, n, words, depth, index and pathBits, which are JSON numbers.",
    field: "21888242871839275222246405745257275088548364400416034343698204186575808495617",
    poseidon,
    seed: `0x${VECTOR_SEED.toString("hex")}`,
    seedCommitment: seedCommitment(VECTOR_SEED),
    accounts,
    leaves,
    nodes,
    emptySubtrees,
    snapshotDomain: SNAPSHOT_DOMAIN.toString(),
    context,
    trees,
  };
}
