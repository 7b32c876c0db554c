import * as snarkjs from "snarkjs";

import { LifeboatError } from "../errors";
import { SNARK_SCALAR_FIELD } from "../hash/field";
import { BN254_BASE_FIELD } from "../schema/proof-file";
import { decimal } from "../schema/primitives";
import type { Groth16Proof, VerificationKey } from "./groth16-types";

/** The parts of ffjavascript's bn128 curve the verifier calls (synchronous, on the calling thread). */
interface PairingCurve {
  G1: PairingGroup;
  G2: PairingGroup;
  Gt: { mul(a: Uint8Array, b: Uint8Array): Uint8Array; eq(a: Uint8Array, b: Uint8Array): boolean };
  pairing(a: Uint8Array, b: Uint8Array): Uint8Array;
  prepareG1(p: Uint8Array): Uint8Array;
  prepareG2(q: Uint8Array): Uint8Array;
  millerLoop(preP: Uint8Array, preQ: Uint8Array): Uint8Array;
  finalExponentiation(a: Uint8Array): Uint8Array;
}

interface PairingGroup {
  fromObject(coordinates: unknown): Uint8Array;
  toJacobian(point: Uint8Array): Uint8Array;
  isValid(point: Uint8Array): boolean;
  isZero(point: Uint8Array): boolean;
  neg(point: Uint8Array): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  timesScalar(point: Uint8Array, scalar: bigint): Uint8Array;
}

/** A canonical decimal string below the modulus (the proof file's own rule), or undefined. */
function below(value: unknown, modulus: bigint): bigint | undefined {
  return decimal(modulus).safeParse(value).success ? BigInt(value as string) : undefined;
}

/** [x, y, z] (as snarkjs writes it) or [x, y] of decimal strings below q: a G1 point, or undefined. */
function g1Coordinates(value: unknown): bigint[] | undefined {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) return undefined;
  const coordinates = value.map((coordinate) => below(coordinate, BN254_BASE_FIELD));
  return coordinates.every((coordinate) => coordinate !== undefined) ? (coordinates as bigint[]) : undefined;
}

/** [[x0, x1], [y0, y1], [z0, z1]] or [[x0, x1], [y0, y1]] of decimal strings below q: a G2 point, or undefined. */
function g2Coordinates(value: unknown): bigint[][] | undefined {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) return undefined;
  const coordinates = value.map((pair: unknown) => (Array.isArray(pair) && pair.length === 2 ? pair.map((c) => below(c, BN254_BASE_FIELD)) : undefined));
  return coordinates.every((pair) => pair !== undefined && pair.every((c) => c !== undefined)) ? (coordinates as bigint[][]) : undefined;
}

/**
 * Groth16 verification for one verification key, prepared once and then run on the calling thread.
 *
 * A prover checks every proof it makes before anything may use it. snarkjs.groth16.verify costs
 * about 35 ms per proof, most of it not pairing arithmetic: it parses the key again, sends the
 * public inputs' MSM and four Miller loops to ffjavascript's worker threads and waits for them.
 * This verifier does the same mathematics on ffjavascript's curve, with what depends only on the
 * key done once: e(alpha, beta) is computed at preparation, and the line coefficients of gamma and
 * delta (prepareG2) are kept. A proof then costs three Miller loops (one with an unprepared B) and
 * one final exponentiation, checked as
 *   e(A, B) * e(-cpub, gamma) * e(-C, delta) == e(alpha, beta),   cpub = IC0 + sum_i s_i * IC(i+1).
 *
 * It accepts exactly the proofs snarkjs.groth16.verify accepts (test/proof/groth16-verifier.test.ts
 * compares them), except that it is stricter about how values are written: a coordinate at or above
 * the base field's modulus q is refused (snarkjs reduces it modulo q; the chain's pairing
 * precompile refuses it), only canonical decimal strings are read, as in a proof file
 * (prover/schema: no leading zeros; snarkjs also takes hexadecimal and numbers), and a
 * malformed value (wrong shape, wrong number of public signals) is a refusal rather than a throw. Lifeboat's provers write only canonical decimal strings. verifyProofFile keeps
 * snarkjs.groth16.verify as the independent reference an auditor or a user runs.
 */
export class PreparedGroth16Verifier {
  private constructor(
    private readonly curve: PairingCurve,
    private readonly ic: readonly Uint8Array[],
    private readonly gamma2: Uint8Array,
    private readonly delta2: Uint8Array,
    private readonly alphaBeta: Uint8Array,
  ) {}

  /** Prepares a snarkjs verification key (groth16 over bn128); a key that is not one is refused by name. */
  static async create(verificationKey: VerificationKey): Promise<PreparedGroth16Verifier> {
    const key = verificationKey as VerificationKey & Record<string, unknown>;
    if (key.protocol !== "groth16" || key.curve !== "bn128") {
      throw new LifeboatError(`verification key: expected protocol groth16 on curve bn128, got ${String(key.protocol)} on ${String(key.curve)}`);
    }
    const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as PairingCurve;
    const g1 = (name: string, value: unknown): Uint8Array => {
      const coordinates = g1Coordinates(value);
      const point = coordinates === undefined ? undefined : curve.G1.fromObject(coordinates);
      if (point === undefined || !curve.G1.isValid(point)) throw new LifeboatError(`verification key: ${name} is not a G1 point`);
      return point;
    };
    const g2 = (name: string, value: unknown): Uint8Array => {
      const coordinates = g2Coordinates(value);
      const point = coordinates === undefined ? undefined : curve.G2.fromObject(coordinates);
      if (point === undefined || !curve.G2.isValid(point)) throw new LifeboatError(`verification key: ${name} is not a G2 point`);
      return point;
    };
    const ic = key.IC;
    if (!Number.isSafeInteger(key.nPublic) || key.nPublic < 0 || !Array.isArray(ic) || ic.length !== key.nPublic + 1) {
      throw new LifeboatError(`verification key: IC must hold nPublic + 1 points (nPublic ${String(key.nPublic)})`);
    }
    const prepared = (point: Uint8Array): Uint8Array => curve.prepareG2(curve.G2.toJacobian(point));
    return new PreparedGroth16Verifier(
      curve,
      ic.map((point, i) => g1(`IC[${i}]`, point)),
      prepared(g2("vk_gamma_2", key.vk_gamma_2)),
      prepared(g2("vk_delta_2", key.vk_delta_2)),
      curve.pairing(g1("vk_alpha_1", key.vk_alpha_1), g2("vk_beta_2", key.vk_beta_2)),
    );
  }

  /** The number of public signals a proof must carry. */
  get publicSignalCount(): number {
    return this.ic.length - 1;
  }

  /** True when the proof is valid for these public signals (decimal strings below r). */
  verify(publicSignals: readonly unknown[], proof: Groth16Proof): boolean {
    const { curve, ic } = this;
    const { G1, G2 } = curve;
    if (!Array.isArray(publicSignals) || publicSignals.length !== this.publicSignalCount) return false;
    const signals = publicSignals.map((signal) => below(signal, SNARK_SCALAR_FIELD));
    if (signals.some((signal) => signal === undefined)) return false;
    const a = g1Coordinates(proof?.pi_a);
    const b = g2Coordinates(proof?.pi_b);
    const c = g1Coordinates(proof?.pi_c);
    if (a === undefined || b === undefined || c === undefined) return false;
    const piA = G1.fromObject(a);
    const piB = G2.fromObject(b);
    const piC = G1.fromObject(c);
    if (!G1.isValid(piA) || !G2.isValid(piB) || !G1.isValid(piC)) return false;

    let cpub = ic[0]!;
    signals.forEach((signal, i) => {
      cpub = G1.add(cpub, G1.timesScalar(ic[i + 1]!, signal!));
    });
    const loop = (p: Uint8Array, preparedQ: Uint8Array): Uint8Array => curve.millerLoop(curve.prepareG1(G1.toJacobian(p)), preparedQ);
    let product = loop(piA, curve.prepareG2(G2.toJacobian(piB)));
    product = curve.Gt.mul(product, loop(G1.neg(cpub), this.gamma2));
    product = curve.Gt.mul(product, loop(G1.neg(piC), this.delta2));
    return curve.Gt.eq(curve.finalExponentiation(product), this.alphaBeta);
  }
}
