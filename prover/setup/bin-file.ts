import { promises as fs } from "node:fs";

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

/**
 * The section ids of an iden3 binary file of type `magic` ("ptau", "zkey"…), read from its section
 * table without reading the sections. Throws a RangeError naming the file if it is not one.
 */
export async function sectionIds(file: string, magic: string): Promise<number[]> {
  const handle = await fs.open(file, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    if (head.subarray(0, 4).toString("latin1") !== magic) throw new RangeError(`${file} is not a ${magic} file`);
    const ids: number[] = [];
    let offset = 12;
    for (let i = 0; i < head.readUInt32LE(8); i += 1) {
      const section = Buffer.alloc(12);
      if (offset + 12 > size) throw new RangeError(`${file}: section ${i + 1} of ${head.readUInt32LE(8)} is cut off`);
      await handle.read(section, 0, 12, offset);
      ids.push(section.readUInt32LE(0));
      offset += 12 + Number(section.readBigUInt64LE(4));
    }
    if (offset > size) throw new RangeError(`${file}: its last section runs past the end of the file`);
    return ids;
  } finally {
    await handle.close();
  }
}
