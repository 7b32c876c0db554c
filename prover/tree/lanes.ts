import { LANE_BITS, LANE_LIMIT, LANES_PER_WORD, wordCount } from "./constants";

const LANE_MASK = LANE_LIMIT - 1n;

/** Throws unless `value` is a lane: an integer in [0, 2^96). `name` says which value it is. */
export function assertLane(value: bigint, name: string): void {
  if (value < 0n || value >= LANE_LIMIT) {
    throw new RangeError(`${name} must be in [0, 2^${LANE_BITS}), got ${value}`);
  }
}

/**
 * Packs per-asset lanes into words: word[j] = lane[2j] + lane[2j+1] * 2^96 (a missing lane is 0).
 * Every lane must already be in range; packing out-of-range lanes would not be injective.
 */
export function packLanes(lanes: readonly bigint[], name = "lane"): bigint[] {
  const words: bigint[] = [];
  for (let j = 0; j < wordCount(lanes.length); j += 1) {
    let word = 0n;
    for (let l = LANES_PER_WORD - 1; l >= 0; l -= 1) {
      const index = j * LANES_PER_WORD + l;
      const lane = index < lanes.length ? (lanes[index] as bigint) : 0n;
      assertLane(lane, `${name}[${index}]`);
      word = (word << BigInt(LANE_BITS)) | lane;
    }
    words.push(word);
  }
  return words;
}

/** Inverse of packLanes: the first `assets` lanes of the words. */
export function unpackWords(words: readonly bigint[], assets: number): bigint[] {
  const lanes: bigint[] = [];
  for (let index = 0; index < assets; index += 1) {
    const word = words[Math.floor(index / LANES_PER_WORD)];
    if (word === undefined) throw new RangeError(`word ${Math.floor(index / LANES_PER_WORD)} is missing`);
    lanes.push((word >> BigInt(LANE_BITS * (index % LANES_PER_WORD))) & LANE_MASK);
  }
  return lanes;
}
