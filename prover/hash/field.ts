/** The BN254 scalar field modulus r: circuits, Poseidon and the verifier all work modulo r. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * Throws unless `value` is a canonical field element (0 <= value < r). Poseidon libraries reduce
 * larger inputs silently (H(r + 1) = H(1)); Lifeboat refuses them instead.
 */
export function assertFieldElement(value: bigint, name: string): void {
  if (value < 0n || value >= SNARK_SCALAR_FIELD) {
    throw new RangeError(`${name} must be a field element in [0, r), got ${value}`);
  }
}

export function toBytes32LE(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let rest = value;
  for (let i = 0; i < 32; i += 1) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

export function fromBytes32LE(bytes: Uint8Array, offset = 0): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[offset + i] as number);
  return value;
}
