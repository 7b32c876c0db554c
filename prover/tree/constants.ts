/**
 * Protocol constants of the Merkle sum tree. One source of truth for TypeScript; the circuit
 * (circuits/sum-tree.circom, circuits/claim.circom) and the contracts mirror them, and
 * test/protocol/constants.test.ts asserts that every layer agrees.
 */

/** Width of one lane: every balance and every sum in the tree is below 2^LANE_BITS. */
export const LANE_BITS = 96;
/** Exclusive upper bound of a lane: 2^96. */
export const LANE_LIMIT = 1n << BigInt(LANE_BITS);
/** Lanes per word: two 96-bit lanes fill 192 bits of a field element. */
export const LANES_PER_WORD = 2;

/** Fewest assets a snapshot may track. */
export const MIN_ASSETS = 1;
/** Most assets a snapshot may track: the commitment holds two words of totals, two lanes each. */
export const MAX_ASSETS = 4;

/** Smallest tree depth accepted: 2^1 = 2 leaf slots. */
export const MIN_DEPTH = 1;
/** Largest tree depth accepted: 2^32 leaves; leaf indices fit in 32 bits. */
export const MAX_DEPTH = 32;
/** Production depth: 2^20 = 1,048,576 accounts. */
export const DEFAULT_DEPTH = 20;

/** Number of words that hold `assets` lanes. */
export function wordCount(assets: number): number {
  return Math.ceil(assets / LANES_PER_WORD);
}
