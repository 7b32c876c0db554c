import { LifeboatError } from "../errors";
import type { Groth16Result } from "./snarkjs-prover";

/**
 * What Lifeboat's two Groth16 provers share (the native one, prover/proof/groth16.ts, and the
 * WebAssembly one, prover/proof/groth16-wasm.ts): the zkey's layout, the parts of ffjavascript's
 * curve they call, and the last step of a proof (blinding and the proof object). Nothing here
 * needs Node: no `Buffer`, no Node module.
 */

/** The parts of ffjavascript's bn128 curve (as snarkjs.curves.getCurveFromName returns it) the provers use. */
export interface Curve {
  Fr: {
    s: number;
    shift: unknown;
    w: unknown[];
    e(value: number | bigint): unknown;
    random(): unknown;
    neg(value: unknown): unknown;
    mul(a: unknown, b: unknown): unknown;
    ifft(buffer: Uint8Array, inType: string, outType: string): Promise<Uint8Array>;
    fft(buffer: Uint8Array, inType: string, outType: string): Promise<Uint8Array>;
    batchApplyKey(buffer: Uint8Array, first: unknown, inc: unknown): Promise<Uint8Array>;
  };
  G1: CurveGroup;
  G2: CurveGroup;
  tm: { concurrency: number; queueAction(task: readonly Record<string, unknown>[]): Promise<Uint8Array[]> };
}

export interface CurveGroup {
  F: { n8: number };
  zero: unknown;
  isZero(point: unknown): boolean;
  double(point: unknown): unknown;
  fromRprLEM(buffer: Uint8Array, offset: number): unknown;
  add(a: unknown, b: unknown): unknown;
  timesFr(point: unknown, scalar: unknown): unknown;
  toAffine(point: unknown): unknown;
  toObject(point: unknown): bigint[] | bigint[][];
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<unknown>;
}

/** Bytes of a BN254 scalar field element. */
export const ELEMENT = 32;

/**
 * The sections of a snarkjs binary file (zkey, wtns) by type, each copied into its own buffer:
 * ffjavascript posts these to its threads, and posting a view of a larger buffer would copy all of it.
 */
export function binarySections(bytes: Uint8Array, magic: string): Map<number, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== magic) throw new LifeboatError(`not a ${magic} file`);
  const count = view.getUint32(8, true);
  const sections = new Map<number, Uint8Array>();
  let offset = 12;
  for (let i = 0; i < count; i += 1) {
    if (offset + 12 > bytes.length) throw new LifeboatError(`${magic} file truncated in the header of section ${i}`);
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (offset + 12 + size > bytes.length) throw new LifeboatError(`${magic} file truncated in section ${type}`);
    // new Uint8Array(view) copies, also for a Node Buffer (whose slice() would not).
    sections.set(type, new Uint8Array(bytes.subarray(offset + 12, offset + 12 + size)));
    offset += 12 + size;
  }
  return sections;
}

/** A Groth16 zkey's header and sections. */
export interface ParsedZkey {
  readonly nVars: number;
  readonly nPublic: number;
  readonly domainSize: number;
  readonly power: number;
  readonly sections: ReadonlyMap<number, Uint8Array>;
  /** The header after nVars, nPublic and domainSize: alpha1, beta1, beta2, gamma2, delta1, delta2. */
  readonly points: Uint8Array;
}

export function parseGroth16Zkey(bytes: Uint8Array): ParsedZkey {
  const sections = binarySections(bytes, "zkey");
  const protocol = sections.get(1);
  if (protocol === undefined || protocol.length < 4 || new DataView(protocol.buffer).getUint32(0, true) !== 1) {
    throw new LifeboatError("zkey is not a Groth16 key");
  }
  for (const id of [2, 4, 5, 6, 7, 8, 9]) if (!sections.has(id)) throw new LifeboatError(`zkey has no section ${id}`);
  const header = sections.get(2)!;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const n8q = view.getUint32(0, true);
  const n8r = view.getUint32(4 + n8q, true);
  if (n8q !== ELEMENT || n8r !== ELEMENT) throw new LifeboatError(`zkey is not over BN254 (field sizes ${n8q} and ${n8r} bytes)`);
  const at = 8 + n8q + n8r;
  const domainSize = view.getUint32(at + 8, true);
  return {
    nVars: view.getUint32(at, true),
    nPublic: view.getUint32(at + 4, true),
    domainSize,
    power: Math.log2(domainSize),
    sections,
    points: header.subarray(at + 12),
  };
}

/** A little-endian field element as a decimal string. */
export function decimal(bytes: Uint8Array): string {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[i]!);
  return value.toString();
}

/** The key's points a proof adds in: alpha1, beta1, beta2, delta1, delta2 (ffjavascript's Jacobian form). */
export interface KeyPoints {
  readonly alpha1: unknown;
  readonly beta1: unknown;
  readonly beta2: unknown;
  readonly delta1: unknown;
  readonly delta2: unknown;
}

export function keyPoints(curve: Curve, zkey: ParsedZkey): KeyPoints {
  const g1 = curve.G1.F.n8 * 2;
  const g2 = curve.G2.F.n8 * 2;
  const h = zkey.points;
  return {
    alpha1: curve.G1.fromRprLEM(h, 0),
    beta1: curve.G1.fromRprLEM(h, g1),
    beta2: curve.G2.fromRprLEM(h, 2 * g1),
    delta1: curve.G1.fromRprLEM(h, 2 * g1 + 2 * g2),
    delta2: curve.G2.fromRprLEM(h, 3 * g1 + 2 * g2),
  };
}

/** The five multi-scalar multiplications of a proof: A, B1 and C over the witness in G1, B2 in G2, H over the QAP's quotient. */
export interface ProofSums {
  readonly piA0: unknown;
  readonly pib10: unknown;
  readonly piB0: unknown;
  readonly piC0: unknown;
  readonly resH: unknown;
}

/**
 * The proof from its five sums, blinded with fresh r and s (Fr.random), as snarkjs.groth16.prove
 * finishes it; the public signals are the witness's signals 1..nPublic.
 */
export function finishProof(curve: Curve, points: KeyPoints, nPublic: number, witness: Uint8Array, sums: ProofSums): Groth16Result {
  const { Fr, G1, G2 } = curve;
  const r = Fr.random();
  const s = Fr.random();
  const { alpha1, beta1, beta2, delta1, delta2 } = points;
  const piA = G1.add(G1.add(sums.piA0, alpha1), G1.timesFr(delta1, r));
  const piB = G2.add(G2.add(sums.piB0, beta2), G2.timesFr(delta2, s));
  const pib1 = G1.add(G1.add(sums.pib10, beta1), G1.timesFr(delta1, s));
  let piC = G1.add(sums.piC0, sums.resH);
  piC = G1.add(piC, G1.timesFr(piA, s));
  piC = G1.add(piC, G1.timesFr(pib1, r));
  piC = G1.add(piC, G1.timesFr(delta1, Fr.neg(Fr.mul(r, s))));

  const publicSignals: string[] = [];
  for (let i = 1; i <= nPublic; i += 1) publicSignals.push(decimal(witness.subarray(i * ELEMENT, (i + 1) * ELEMENT)));
  const text = (point: bigint[] | bigint[][]): string[] & string[][] =>
    point.map((value) => (Array.isArray(value) ? value.map(String) : String(value))) as string[] & string[][];
  return {
    proof: {
      pi_a: text(G1.toObject(G1.toAffine(piA))),
      pi_b: text(G2.toObject(G2.toAffine(piB))),
      pi_c: text(G1.toObject(G1.toAffine(piC))),
      protocol: "groth16",
      curve: "bn128",
    },
    publicSignals,
  };
}
