import { addElements, copyElement, ELEMENT_BYTES, readElement, writeElement } from "./bytes";
import { LANE_LIMIT, MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH, wordCount } from "./constants";
import { nodeArity, type BatchHash, type PathStep } from "./encoding";
import { unpackWords } from "./lanes";

export type { BatchHash } from "./encoding";

/** One level of the tree: `count` nodes (the rest of the level is empty subtrees). */
interface Level {
  readonly count: number;
  readonly hashes: Uint8Array;
  readonly words: Uint8Array;
}

/** The leaves a MerkleSumTree is built from, in the flat 32-byte element form the batch hashers take. */
export interface SumTreeLeaves {
  /** Tree depth: the tree has 2^depth leaf slots (MIN_DEPTH to MAX_DEPTH). */
  readonly depth: number;
  /** Number of assets per leaf (MIN_ASSETS to MAX_ASSETS). */
  readonly assets: number;
  /** Leaf hashes, 32 bytes each, in tree order. */
  readonly hashes: Uint8Array;
  /** Leaf balance words, wordCount(assets) elements per leaf. */
  readonly words: Uint8Array;
}

/**
 * A fixed-depth Merkle sum tree. Leaves occupy indices 0 .. count-1; every other leaf is empty
 * (hash 0, sums 0). Each node commits to both children's hashes and per-asset sums, so a user
 * who checks a path sees exactly the sums every other user sees.
 */
export class MerkleSumTree {
  private constructor(
    readonly depth: number,
    readonly assets: number,
    private readonly levels: readonly Level[],
    private readonly emptyHashes: readonly bigint[],
  ) {}

  /** Builds the tree level by level, each level one batch for the hasher. */
  static async build(leaves: SumTreeLeaves, hashBatch: BatchHash): Promise<MerkleSumTree> {
    const { depth, assets } = leaves;
    checkShape(depth, assets);
    const words = wordCount(assets);
    const count = leaves.hashes.length / ELEMENT_BYTES;
    if (!Number.isInteger(count) || leaves.words.length !== count * words * ELEMENT_BYTES) {
      throw new RangeError(`leaf buffers do not hold whole leaves of ${words} word(s)`);
    }
    if (count < 1 || count > 2 ** depth) {
      throw new RangeError(`a tree of depth ${depth} holds 1 to ${2 ** depth} leaves, got ${count}`);
    }
    checkTotals(leaves.words, count, assets);

    const emptyHashes = await computeEmptyHashes(depth, words, hashBatch);
    const levels: Level[] = [{ count, hashes: leaves.hashes, words: leaves.words }];
    for (let height = 0; height < depth; height += 1) {
      levels.push(await buildParentLevel(levels[height] as Level, emptyHashes[height] as bigint, words, hashBatch));
    }
    return new MerkleSumTree(depth, assets, levels, emptyHashes);
  }

  get leafCount(): number {
    return (this.levels[0] as Level).count;
  }

  get root(): bigint {
    return readElement((this.levels[this.depth] as Level).hashes, 0);
  }

  /** Per-asset totals of the whole tree. */
  get totals(): bigint[] {
    return this.sumsAt(this.depth, 0);
  }

  leafHash(index: number): bigint {
    this.checkIndex(index);
    return readElement((this.levels[0] as Level).hashes, index);
  }

  /** The sibling of every node on the path from leaf `index` to the root, bottom up. */
  path(index: number): PathStep[] {
    this.checkIndex(index);
    const steps: PathStep[] = [];
    for (let height = 0; height < this.depth; height += 1) {
      const position = Math.floor(index / 2 ** height);
      const sibling = position ^ 1;
      const level = this.levels[height] as Level;
      const present = sibling < level.count;
      steps.push({
        isRight: (position & 1) === 1,
        siblingHash: present ? readElement(level.hashes, sibling) : (this.emptyHashes[height] as bigint),
        siblingSums: present ? this.sumsAt(height, sibling) : new Array<bigint>(this.assets).fill(0n),
      });
    }
    return steps;
  }

  private sumsAt(height: number, position: number): bigint[] {
    const level = this.levels[height] as Level;
    const words = wordCount(this.assets);
    const values: bigint[] = [];
    for (let j = 0; j < words; j += 1) values.push(readElement(level.words, position * words + j));
    return unpackWords(values, this.assets);
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.leafCount) {
      throw new RangeError(`leaf index must be an integer in [0, ${this.leafCount}), got ${index}`);
    }
  }
}

function checkShape(depth: number, assets: number): void {
  if (!Number.isInteger(depth) || depth < MIN_DEPTH || depth > MAX_DEPTH) {
    throw new RangeError(`depth must be an integer in [${MIN_DEPTH}, ${MAX_DEPTH}], got ${depth}`);
  }
  if (!Number.isInteger(assets) || assets < MIN_ASSETS || assets > MAX_ASSETS) {
    throw new RangeError(`assets must be an integer in [${MIN_ASSETS}, ${MAX_ASSETS}], got ${assets}`);
  }
}

/**
 * Refuses leaves whose per-asset totals reach 2^96. With totals below 2^96 every node sum is
 * too, so adding packed words never carries from one lane into the next and no sum can wrap.
 */
function checkTotals(leafWords: Uint8Array, count: number, assets: number): void {
  const words = wordCount(assets);
  const totals = new Array<bigint>(assets).fill(0n);
  for (let leaf = 0; leaf < count; leaf += 1) {
    const values: bigint[] = [];
    for (let j = 0; j < words; j += 1) values.push(readElement(leafWords, leaf * words + j));
    const lanes = unpackWords(values, assets);
    // A word with bits above its lanes would make the lanes ambiguous.
    if (values.some((word, j) => word >> BigInt(96 * Math.min(2, assets - 2 * j)) !== 0n)) {
      throw new RangeError(`leaf ${leaf} has a balance word with bits outside its lanes`);
    }
    lanes.forEach((lane, k) => {
      totals[k] = (totals[k] as bigint) + lane;
    });
  }
  totals.forEach((total, k) => {
    if (total >= LANE_LIMIT) {
      throw new RangeError(`the total of asset ${k} is ${total}; every total must be below 2^96`);
    }
  });
}

/** emptyHashes[h] is the hash of an empty subtree of height h: 0 for a leaf. */
async function computeEmptyHashes(depth: number, words: number, hashBatch: BatchHash): Promise<bigint[]> {
  const arity = nodeArity(words);
  const hashes = [0n];
  for (let height = 0; height < depth; height += 1) {
    const input = new Uint8Array(arity * ELEMENT_BYTES);
    writeElement(input, 0, hashes[height] as bigint);
    writeElement(input, 1 + words, hashes[height] as bigint);
    hashes.push(readElement(await hashBatch(arity, input), 0));
  }
  return hashes;
}

/** The node rule (nodePreimageOfWords) laid out for a whole level: left hash, left words, right hash, right words. */
async function buildParentLevel(level: Level, emptyHash: bigint, words: number, hashBatch: BatchHash): Promise<Level> {
  const arity = nodeArity(words);
  const count = Math.ceil(level.count / 2);
  const input = new Uint8Array(count * arity * ELEMENT_BYTES);
  const parentWords = new Uint8Array(count * words * ELEMENT_BYTES);
  const emptyWords = new Uint8Array(words * ELEMENT_BYTES);
  for (let parent = 0; parent < count; parent += 1) {
    const left = 2 * parent;
    const right = left + 1;
    const base = parent * arity;
    copyElement(level.hashes, left, input, base);
    if (right < level.count) {
      copyElement(level.hashes, right, input, base + 1 + words);
    } else {
      writeElement(input, base + 1 + words, emptyHash);
    }
    for (let j = 0; j < words; j += 1) {
      copyElement(level.words, left * words + j, input, base + 1 + j);
      const rightWords = right < level.count ? level.words : emptyWords;
      const rightSlot = right < level.count ? right * words + j : j;
      copyElement(rightWords, rightSlot, input, base + 2 + words + j);
      addElements(level.words, left * words + j, rightWords, rightSlot, parentWords, parent * words + j);
    }
  }
  return { count, hashes: await hashBatch(arity, input), words: parentWords };
}
