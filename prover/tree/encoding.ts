import { packLanes } from "./lanes";
import { LANE_LIMIT, wordCount } from "./constants";

/**
 * The hash preimages of the tree, exactly as docs/protocol.md and circuits/claim.circom define
 * them. Leaves, nodes and the snapshot commitment are domain-separated by arity: for W words a
 * leaf hashes 2 + W inputs, a node 2 + 2W and the commitment 5, and for W in {1, 2} these sets
 * ({3, 4, 5} and {4, 6, 5}) never mix within one tree.
 */

/** Poseidon over field elements, circomlib parameters. */
export type Hash = (inputs: readonly bigint[]) => bigint;

/** keccak256("lifeboat.snapshot-commitment.v1") mod p: the first input of the commitment. */
export const SNAPSHOT_DOMAIN =
  6337192634406303171877220461383180664418167884754861147510057367674785934463n;

/** Leaf: Poseidon(account, salt, word_0 .. word_{W-1}). */
export function leafPreimage(account: bigint, salt: bigint, balances: readonly bigint[]): bigint[] {
  return [account, salt, ...packLanes(balances, "balance")];
}

/** Node: Poseidon(leftHash, leftWords.., rightHash, rightWords..). */
export function nodePreimage(
  leftHash: bigint,
  leftSums: readonly bigint[],
  rightHash: bigint,
  rightSums: readonly bigint[],
): bigint[] {
  return [leftHash, ...packLanes(leftSums, "left sum"), rightHash, ...packLanes(rightSums, "right sum")];
}

/**
 * Snapshot commitment: Poseidon(SNAPSHOT_DOMAIN, root, totalsWord0, totalsWord1, context); for
 * one or two assets totalsWord1 is 0. The vault computes the same value on chain, which binds a
 * proof to the root, to the totals used for pro-rata payouts, and to one chain, vault and snapshot.
 */
export function snapshotCommitmentPreimage(root: bigint, totals: readonly bigint[], context: bigint): bigint[] {
  const words = packLanes(totals, "total");
  return [SNAPSHOT_DOMAIN, root, words[0] ?? 0n, words[1] ?? 0n, context];
}

export interface PathStep {
  /** True when the path node at this height is the right child of its parent. */
  readonly isRight: boolean;
  readonly siblingHash: bigint;
  readonly siblingSums: readonly bigint[];
}

export interface OpenedPath {
  readonly root: bigint;
  readonly totals: bigint[];
}

/**
 * Recomputes the root and totals from a leaf and its path, checking every range the circuit
 * checks, so a path that opens here also satisfies the circuit's constraints.
 */
export function openPath(
  hash: Hash,
  leaf: { account: bigint; salt: bigint; balances: readonly bigint[] },
  path: readonly PathStep[],
): OpenedPath {
  let current = hash(leafPreimage(leaf.account, leaf.salt, leaf.balances));
  let sums = [...leaf.balances];
  path.forEach((step, height) => {
    if (step.siblingSums.length !== sums.length) {
      throw new RangeError(`path[${height}] has ${step.siblingSums.length} sibling sums, expected ${sums.length}`);
    }
    packLanes(step.siblingSums, `path[${height}].siblingSums`);
    const parentSums = sums.map((sum, k) => sum + (step.siblingSums[k] as bigint));
    current = step.isRight
      ? hash(nodePreimage(step.siblingHash, step.siblingSums, current, sums))
      : hash(nodePreimage(current, sums, step.siblingHash, step.siblingSums));
    sums = parentSums;
  });
  sums.forEach((total, k) => {
    if (total >= LANE_LIMIT) throw new RangeError(`total of asset ${k} is ${total}, not below 2^96`);
  });
  return { root: current, totals: sums };
}

/** Words per leaf or node for `assets` assets (re-exported for callers of the encoding). */
export { wordCount };
