/**
 * The pieces of iden3's binary file layout (ptau, zkey, r1cs, wtns) that Lifeboat writes itself:
 * little-endian integers and section headers (a 4-byte id and an 8-byte size, both little-endian).
 */

/** `value` as `bytes` little-endian bytes. */
export function littleEndian(value: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 1) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** The 12-byte header of a section: its id and the size of what follows. */
export function sectionHeader(id: number, size: number): Uint8Array {
  const head = new Uint8Array(12);
  const view = new DataView(head.buffer);
  view.setUint32(0, id, true);
  view.setBigUint64(4, BigInt(size), true);
  return head;
}
