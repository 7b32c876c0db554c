/**
 * Field elements in flat buffers: 32 bytes each, little-endian. The tree keeps whole levels in
 * this form so that a level can be handed to a batch hasher (native or worker threads) without
 * converting a million BigInts.
 */
export const ELEMENT_BYTES = 32;

/** The value of each hex digit by char code, and the two digits of each byte: no Buffer needed (browsers have none). */
const HEX_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i += 1) {
    table["0123456789abcdef".charCodeAt(i)] = i;
    table["0123456789ABCDEF".charCodeAt(i)] = i;
  }
  return table;
})();
const HEX_DIGITS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * Writes `value` as element `slot` of `buffer` (32 bytes, little-endian, zero-padded).
 * Throws RangeError if `value` is negative or needs more than 32 bytes. It does not reduce
 * modulo the field; callers pass field elements.
 */
export function writeElement(buffer: Uint8Array, slot: number, value: bigint): void {
  if (value < 0n) throw new RangeError(`value ${value} is negative`);
  const hex = value.toString(16);
  if (hex.length > 2 * ELEMENT_BYTES) throw new RangeError(`value ${value} does not fit in ${ELEMENT_BYTES} bytes`);
  // Hex conversion is far faster than 32 BigInt shifts when filling buffers of a million leaves.
  const offset = slot * ELEMENT_BYTES;
  buffer.fill(0, offset, offset + ELEMENT_BYTES);
  // Little-endian: the last two hex digits are byte 0.
  for (let end = hex.length, i = 0; end > 0; end -= 2, i += 1) {
    const low = HEX_VALUE[hex.charCodeAt(end - 1)] as number;
    const high = end >= 2 ? (HEX_VALUE[hex.charCodeAt(end - 2)] as number) : 0;
    buffer[offset + i] = (high << 4) | low;
  }
}

/** Reads element `slot` of `buffer` (32 bytes, little-endian) as a non-negative bigint. */
export function readElement(buffer: Uint8Array, slot: number): bigint {
  const offset = slot * ELEMENT_BYTES;
  let hex = "0x";
  for (let i = ELEMENT_BYTES - 1; i >= 0; i -= 1) hex += HEX_DIGITS[buffer[offset + i] as number] as string;
  return BigInt(hex);
}

/** Copies element `fromSlot` of `from` into element `toSlot` of `to`. */
export function copyElement(from: Uint8Array, fromSlot: number, to: Uint8Array, toSlot: number): void {
  to.set(from.subarray(fromSlot * ELEMENT_BYTES, (fromSlot + 1) * ELEMENT_BYTES), toSlot * ELEMENT_BYTES);
}

/**
 * to[toSlot] = a[aSlot] + b[bSlot] as 256-bit integers (no modular reduction). The caller
 * guarantees the sum fits: in the sum tree, word sums stay below 2^192 because every per-asset
 * total is below 2^96, so adding packed words adds each lane without carrying into the next.
 */
export function addElements(a: Uint8Array, aSlot: number, b: Uint8Array, bSlot: number, to: Uint8Array, toSlot: number): void {
  let carry = 0;
  const ao = aSlot * ELEMENT_BYTES;
  const bo = bSlot * ELEMENT_BYTES;
  const to0 = toSlot * ELEMENT_BYTES;
  for (let i = 0; i < ELEMENT_BYTES; i += 1) {
    const s = (a[ao + i] as number) + (b[bo + i] as number) + carry;
    to[to0 + i] = s & 0xff;
    carry = s >> 8;
  }
  if (carry !== 0) throw new RangeError("word sum overflowed 256 bits");
}
