/**
 * The ChaCha20 stream that snarkjs's ceremonies draw from (ffjavascript's `ChaCha`): the block
 * function of RFC 8439 over a state of the four constants, an eight-word seed and a four-word
 * block counter starting at zero, read as 32-bit words in order.
 *
 * Lifeboat needs the exact same stream in one place: a contribution's proof of knowledge is
 * checked against a G2 point that snarkjs derives by seeding this generator with a hash of the
 * contribution (`hashToG2`) and drawing a curve point from it with ffjavascript's `G2.fromRng`.
 * A powers of tau that Lifeboat writes must carry keys for that very point.
 */
export class ChaChaRng {
  private readonly state: Uint32Array;
  private readonly block = new Uint32Array(16);
  private index = 16;

  /** @param seed eight 32-bit words. */
  constructor(seed: readonly number[]) {
    if (seed.length !== 8) throw new RangeError(`ChaChaRng: the seed must be 8 words, got ${seed.length}`);
    this.state = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, ...seed, 0, 0, 0, 0]);
  }

  /** The next 32-bit word of the stream. */
  nextU32(): number {
    if (this.index === 16) this.refill();
    return this.block[this.index++]!;
  }

  /** The next two words as one 64-bit integer, the first word high (as ffjavascript's `nextU64`). */
  nextU64(): bigint {
    const high = BigInt(this.nextU32());
    return (high << 32n) + BigInt(this.nextU32());
  }

  /** The low bit of the next word. */
  nextBool(): boolean {
    return (this.nextU32() & 1) === 1;
  }

  private refill(): void {
    const x = this.block;
    x.set(this.state);
    for (let round = 0; round < 10; round += 1) {
      quarterRound(x, 0, 4, 8, 12);
      quarterRound(x, 1, 5, 9, 13);
      quarterRound(x, 2, 6, 10, 14);
      quarterRound(x, 3, 7, 11, 15);
      quarterRound(x, 0, 5, 10, 15);
      quarterRound(x, 1, 6, 11, 12);
      quarterRound(x, 2, 7, 8, 13);
      quarterRound(x, 3, 4, 9, 14);
    }
    for (let i = 0; i < 16; i += 1) x[i] = (x[i]! + this.state[i]!) >>> 0;
    this.index = 0;
    // The counter spans words 12..15, carrying upwards.
    for (let word = 12; word < 16; word += 1) {
      this.state[word] = (this.state[word]! + 1) >>> 0;
      if (this.state[word] !== 0) break;
    }
  }
}

function rotate(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

function quarterRound(x: Uint32Array, a: number, b: number, c: number, d: number): void {
  x[a] = (x[a]! + x[b]!) >>> 0;
  x[d] = rotate(x[d]! ^ x[a]!, 16);
  x[c] = (x[c]! + x[d]!) >>> 0;
  x[b] = rotate(x[b]! ^ x[c]!, 12);
  x[a] = (x[a]! + x[b]!) >>> 0;
  x[d] = rotate(x[d]! ^ x[a]!, 8);
  x[c] = (x[c]! + x[d]!) >>> 0;
  x[b] = rotate(x[b]! ^ x[c]!, 7);
}
