import { randomBytes } from "node:crypto";

import { SNARK_SCALAR_FIELD } from "../../prover/hash/field";

/** Test helpers for BN254 arithmetic against ffjavascript (the library snarkjs proves with). */

/** The scalar field's order r. */
export const R = SNARK_SCALAR_FIELD;

/** A value as a 32-byte little-endian field element. */
export function bytesOf(value: bigint): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1, value >>= 8n) bytes[i] = Number(value & 0xffn);
  return bytes;
}

/** A uniformly random scalar below r. */
export function randomScalar(): bigint {
  return BigInt(`0x${randomBytes(32).toString("hex")}`) % R;
}

/** The parts of an ffjavascript group (G1, G2) the tests call; points are its Jacobian Montgomery bytes. */
export interface Group {
  F: { n8: number };
  g: Uint8Array;
  zero: Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  neg(point: Uint8Array): Uint8Array;
  timesScalar(point: Uint8Array, scalar: Uint8Array): Uint8Array;
  toAffine(point: Uint8Array): Uint8Array;
  toRprLEM(buffer: Uint8Array, offset: number, point: Uint8Array): void;
  eq(a: Uint8Array, b: Uint8Array): boolean;
  isZero(point: Uint8Array): boolean;
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Uint8Array>;
  ifft(buffer: Uint8Array, inType: string, outType: string): Promise<Uint8Array>;
}
