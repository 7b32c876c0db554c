/**
 * The Groth16 objects Lifeboat's public API carries, in snarkjs's JSON shapes. Declared here rather
 * than taken from snarkjs (which ships no types; types/snarkjs.d.ts describes the calls Lifeboat
 * makes) so that a project using the library type-checks without any declaration of ours.
 */

/** A Groth16 proof over BN254 as snarkjs writes it: projective points as decimal strings. */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

/** A Groth16 verification key as snarkjs exports it (`verification_key.json`). */
export interface VerificationKey {
  protocol: string;
  curve: string;
  nPublic: number;
  [key: string]: unknown;
}
