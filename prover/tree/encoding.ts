import { ELEMENT_BYTES, writeElement } from "./bytes";
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
export const SNAPSHOT_DOMAIN = 6337192634406303171877220461383180664418167884754861147510057367674785934463n;

/**
 * Hashes `input.length / (arity * 32)` Poseidon preimages of `arity` field elements each, laid
 * out as 32-byte little-endian elements, and returns the 32-byte hashes. Injected so that the
 * tree itself stays pure: a native, a worker-thread or a reference implementation can serve.
 */
export type BatchHash = (arity: number, input: Uint8Array) => Promise<Uint8Array>;

// ---- the leaf rule and the node rule: the only place they are written down in TypeScript ----

/** Inputs of a leaf hash for W words: account, salt, W words. */
export function leafArity(words: number): number {
  return 2 + words;
}

/** Inputs of a node hash for W words: left hash, W left words, right hash, W right words. */
export function nodeArity(words: number): number {
  return 2 + 2 * words;
}

/** Leaf on packed words: Poseidon(account, salt, word_0 .. word_{W-1}). No range check: see leafPreimage. */
export function leafPreimageOfWords(account: bigint, salt: bigint, words: readonly bigint[]): bigint[] {
  return [account, salt, ...words];
}

/** Node on packed words: Poseidon(leftHash, leftWords.., rightHash, rightWords..). No range check: see nodePreimage. */
export function nodePreimageOfWords(leftHash: bigint, leftWords: readonly bigint[], rightHash: bigint, rightWords: readonly bigint[]): bigint[] {
  return [leftHash, ...leftWords, rightHash, ...rightWords];
}

/** Leaf: Poseidon(account, salt, word_0 .. word_{W-1}), every balance range-checked to a lane. */
export function leafPreimage(account: bigint, salt: bigint, balances: readonly bigint[]): bigint[] {
  return leafPreimageOfWords(account, salt, packLanes(balances, "balance"));
}

/** Node: Poseidon(leftHash, leftWords.., rightHash, rightWords..), every sum range-checked to a lane. */
export function nodePreimage(leftHash: bigint, leftSums: readonly bigint[], rightHash: bigint, rightSums: readonly bigint[]): bigint[] {
  return nodePreimageOfWords(leftHash, packLanes(leftSums, "left sum"), rightHash, packLanes(rightSums, "right sum"));
}

/** One leaf as the tree holds it: the account as an integer (an address is a 160-bit number). */
export interface LeafValues {
  readonly account: bigint;
  readonly salt: bigint;
  readonly balances: readonly bigint[];
}

/** The hash of one leaf. */
export function leafHash(hash: Hash, leaf: LeafValues): bigint {
  return hash(leafPreimage(leaf.account, leaf.salt, leaf.balances));
}

/** Leaves are hashed in chunks of this many, so progress can be reported on large inputs. */
const LEAF_CHUNK = 1 << 16;

/**
 * The leaf rule in batches, as the tree builder takes its leaves: every leaf's hash (32 bytes
 * each, in order) and its balance words (W elements each). `progress` is told the leaves hashed.
 */
export async function hashLeaves(
  leaves: readonly LeafValues[],
  assets: number,
  hashBatch: BatchHash,
  progress?: (done: number) => void,
): Promise<{ hashes: Uint8Array; words: Uint8Array }> {
  const words = wordCount(assets);
  const arity = leafArity(words);
  const leafWords = new Uint8Array(leaves.length * words * ELEMENT_BYTES);
  const hashes = new Uint8Array(leaves.length * ELEMENT_BYTES);
  for (let start = 0; start < leaves.length; start += LEAF_CHUNK) {
    const chunk = leaves.slice(start, start + LEAF_CHUNK);
    const input = new Uint8Array(chunk.length * arity * ELEMENT_BYTES);
    chunk.forEach((leaf, i) => {
      if (leaf.balances.length !== assets) throw new RangeError(`leaf ${start + i} has ${leaf.balances.length} balances, expected ${assets}`);
      const packed = packLanes(leaf.balances, `leaf ${start + i} balance`);
      leafPreimageOfWords(leaf.account, leaf.salt, packed).forEach((value, slot) => writeElement(input, i * arity + slot, value));
      packed.forEach((word, j) => writeElement(leafWords, (start + i) * words + j, word));
    });
    hashes.set(await hashBatch(arity, input), start * ELEMENT_BYTES);
    progress?.(start + chunk.length);
  }
  return { hashes, words: leafWords };
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

/** One step of a Merkle path, from the leaf upwards: the sibling at this height and on which side the path node sits. */
export interface PathStep {
  /** True when the path node at this height is the right child of its parent. */
  readonly isRight: boolean;
  /** Hash of the sibling node; for an empty sibling, the hash of an empty subtree of that height. */
  readonly siblingHash: bigint;
  /** The sibling's per-asset sums in base units, one per asset, each below 2^96. */
  readonly siblingSums: readonly bigint[];
}

/** What a path opens to: the root and per-asset totals recomputed from a leaf and its path. */
export interface OpenedPath {
  /** The recomputed Merkle root. */
  readonly root: bigint;
  /** Per-asset totals at the root, in base units, one per asset. */
  readonly totals: bigint[];
}

/**
 * Recomputes the root and totals from a leaf and its path, checking every range the circuit
 * checks, so a path that opens here also satisfies the circuit's constraints.
 */
export function openPath(hash: Hash, leaf: { account: bigint; salt: bigint; balances: readonly bigint[] }, path: readonly PathStep[]): OpenedPath {
  let current = leafHash(hash, leaf);
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
