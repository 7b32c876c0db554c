import * as z from "zod";

import { LANE_LIMIT } from "../tree/constants";
import { address, decimal, decimals, fieldElement, formatTag, got, list, record, text, uint256 } from "./primitives";
import type { Groth16Proof } from "../proof/groth16-types";

/** The `format` of a proof file (docs/protocol.md §7.4). */
export const PROOF_FORMAT = "lifeboat.proof.v1";

/** The arguments of RecoveryVault.claim, as the generated verifier orders them. */
export interface ClaimCalldata {
  readonly pA: [string, string];
  readonly pB: [[string, string], [string, string]];
  readonly pC: [string, string];
  readonly pubSignals: string[];
}

/**
 * q, the BN254 base field modulus: proof points' coordinates are elements of F_q, which is larger
 * than the scalar field r of the public signals (so a valid coordinate may lie in [r, q)).
 */
export const BN254_BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

const coordinates = (length: number, what: string) =>
  list(decimal(BN254_BASE_FIELD), what).superRefine((value, ctx) => {
    if (value.length !== length) ctx.addIssue({ code: "custom", message: `must be ${what}${got(value)}`, input: value });
  });

/** A snarkjs Groth16 proof on BN254 (snarkjs writes projective points: a third coordinate 1). */
export const groth16ProofSchema = record({
  pi_a: coordinates(3, "an array of 3 decimal strings (a G1 point)"),
  pi_b: list(coordinates(2, "an array of 2 decimal strings"), "an array of G2 coordinates").superRefine((value, ctx) => {
    if (value.length !== 3) ctx.addIssue({ code: "custom", message: `must be an array of G2 coordinates (3 pairs)${got(value)}`, input: value });
  }),
  pi_c: coordinates(3, "an array of 3 decimal strings (a G1 point)"),
  protocol: formatTag("groth16"),
  curve: formatTag("bn128"),
});

/** The Solidity verifier takes G2 coordinates as (imaginary, real): snarkjs stores (real, imaginary). */
export function toCalldata(
  proof: { pi_a: readonly string[]; pi_b: readonly (readonly string[])[]; pi_c: readonly string[] },
  publicSignals: readonly string[],
): ClaimCalldata {
  const [a0, a1] = proof.pi_a as [string, string];
  const [[b00, b01], [b10, b11]] = proof.pi_b as [[string, string], [string, string]];
  const [c0, c1] = proof.pi_c as [string, string];
  return {
    pA: [a0, a1],
    pB: [
      [b01, b00],
      [b11, b10],
    ],
    pC: [c0, c1],
    pubSignals: [...publicSignals],
  };
}

/**
 * What `lifeboat prove` writes: the proof, its public signals, what they mean, and the calldata.
 * The calldata read from a file is not trusted: it is recomputed from the proof and the signals.
 * Semantic checks (signals against the stated root, target and amounts) are verifyProofFile's.
 */
export const proofFileSchema = record({
  format: formatTag(PROOF_FORMAT),
  circuit: text(),
  chainId: uint256(),
  vault: address(),
  snapshotId: uint256(),
  root: fieldElement(),
  totals: decimals(LANE_LIMIT),
  account: address(),
  amounts: decimals(LANE_LIMIT),
  publicSignals: list(fieldElement(), "an array of decimal strings"),
  proof: groth16ProofSchema,
  calldata: z.unknown(),
}).transform((file) => {
  const proof: Groth16Proof = { ...file.proof, pi_a: [...file.proof.pi_a], pi_b: file.proof.pi_b.map((pair) => [...pair]), pi_c: [...file.proof.pi_c] };
  return { ...file, proof, publicSignals: [...file.publicSignals], calldata: toCalldata(proof, file.publicSignals) };
});

/** A proof file as `proofFileSchema` validates it (the calldata recomputed). */
export type ProofFile = Readonly<z.infer<typeof proofFileSchema>>;
