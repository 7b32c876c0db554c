/** The BN254 scalar field modulus r: circuits, Poseidon and the verifier all work modulo r. */
export const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * Throws unless `value` is a canonical field element (0 <= value < r). Poseidon libraries reduce
 * larger inputs silently (H(r + 1) = H(1)); Lifeboat refuses them instead.
 */
export function assertFieldElement(value: bigint, name: string): void {
  if (value < 0n || value >= SNARK_SCALAR_FIELD) {
    throw new RangeError(`${name} must be a field element in [0, r), got ${value}`);
  }
}
