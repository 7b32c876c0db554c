import * as snarkjs from "snarkjs";

import { LifeboatError } from "../errors";
import type { Groth16Result } from "./snarkjs-prover";

/**
 * A Groth16 prover for snarkjs zkeys, the same mathematics as snarkjs's groth16.prove:
 * - the zkey is parsed once and its sections stay in memory between proofs;
 * - the quadratic arithmetic program (A and B evaluated on the constraint domain, C = A * B, the
 *   move to the odd coset by inverse and forward NTTs, and the H evaluations A*B - C) runs in the
 *   native addon (native/poseidon);
 * - the five multi-scalar multiplications (A, B1, C and H in G1, B2 in G2) run in the addon too:
 *   Pippenger with signed digits and batch-affine buckets on native threads (bn254.c). These calls
 *   are synchronous: a proof holds the event loop for its duration (a fraction of a second).
 * An addon built before the MSM existed (no msmG1) or `LIFEBOAT_MSM=ffjavascript` gives the
 * previous path: native QAP, ffjavascript's FFTs and MSMs issued together so both cores stay busy.
 * Without the addon ClaimProver uses snarkjs.groth16.prove. The output is a standard snarkjs proof
 * object; every proof is checked by snarkjs.groth16.verify before it is used.
 */

interface Curve {
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
}

interface CurveGroup {
  F: { n8: number };
  fromRprLEM(buffer: Uint8Array, offset: number): unknown;
  add(a: unknown, b: unknown): unknown;
  timesFr(point: unknown, scalar: unknown): unknown;
  toAffine(point: unknown): unknown;
  toObject(point: unknown): bigint[] | bigint[][];
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<unknown>;
}

interface NativeQap {
  qapBuild(coefficients: Uint8Array, witness: Uint8Array, domainSize: number, a: Uint8Array, b: Uint8Array, c: Uint8Array): void;
  qapJoin(a: Uint8Array, b: Uint8Array, c: Uint8Array, out: Uint8Array): void;
  /** Present in addons that carry bn254.c. Results are Jacobian points as ffjavascript holds them. */
  msmG1?(bases: Uint8Array, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
  msmG2?(bases: Uint8Array, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
  frCoset?(values: Uint8Array, root: Uint8Array, shift: Uint8Array): void;
}

/** The native MSM and NTT functions, when the addon has them and they are not switched off. */
function nativeMsm(native: NativeQap): Required<NativeQap> | undefined {
  if (process.env.LIFEBOAT_MSM === "ffjavascript") return undefined;
  const { msmG1, msmG2, frCoset } = native;
  if (typeof msmG1 !== "function" || typeof msmG2 !== "function" || typeof frCoset !== "function") return undefined;
  return native as Required<NativeQap>;
}

interface Zkey {
  readonly nVars: number;
  readonly nPublic: number;
  readonly domainSize: number;
  readonly power: number;
  readonly sections: ReadonlyMap<number, Uint8Array>;
  readonly header: Uint8Array;
}

const ELEMENT = 32;

/** The sections of a snarkjs binary file (zkey, wtns), each copied into its own buffer. */
export function readSections(bytes: Uint8Array, magic: string): Map<number, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (Buffer.from(bytes.subarray(0, 4)).toString("latin1") !== magic) throw new LifeboatError(`not a ${magic} file`);
  const count = view.getUint32(8, true);
  const sections = new Map<number, Uint8Array>();
  let offset = 12;
  for (let i = 0; i < count; i += 1) {
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    // A copy, not a view: ffjavascript posts slices of these buffers to its worker threads, and
    // posting a view of a large file buffer would copy the whole file every time.
    sections.set(type, new Uint8Array(bytes.subarray(offset + 12, offset + 12 + size)));
    offset += 12 + size;
  }
  return sections;
}

function parseZkey(bytes: Uint8Array): Zkey {
  const sections = readSections(bytes, "zkey");
  const protocol = sections.get(1);
  if (protocol === undefined || new DataView(protocol.buffer, protocol.byteOffset).getUint32(0, true) !== 1) {
    throw new LifeboatError("zkey is not a Groth16 key");
  }
  const header = sections.get(2) as Uint8Array;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const n8q = view.getUint32(0, true);
  const n8r = view.getUint32(4 + n8q, true);
  const at = 8 + n8q + n8r;
  const domainSize = view.getUint32(at + 8, true);
  return {
    nVars: view.getUint32(at, true),
    nPublic: view.getUint32(at + 4, true),
    domainSize,
    power: Math.log2(domainSize),
    sections,
    header: header.subarray(at + 12),
  };
}

export class FastGroth16Prover {
  private constructor(
    private readonly curve: Curve,
    private readonly native: NativeQap,
    private readonly msm: Required<NativeQap> | undefined,
    private readonly zkey: Zkey,
    private readonly points: { alpha1: unknown; beta1: unknown; beta2: unknown; delta1: unknown; delta2: unknown },
  ) {}

  /** Which parts run natively, for logs and the benchmark table. */
  get engine(): string {
    return this.msm === undefined ? "lifeboat (native QAP + ffjavascript MSM)" : "lifeboat (native QAP, NTT and MSM)";
  }

  /** Undefined when the native addon is not built: callers then use snarkjs.groth16.prove. */
  static async create(zkeyBytes: Uint8Array, native: NativeQap | undefined): Promise<FastGroth16Prover | undefined> {
    if (native === undefined || typeof native.qapBuild !== "function") return undefined;
    const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as Curve;
    const zkey = parseZkey(zkeyBytes);
    const g1 = curve.G1.F.n8 * 2;
    const g2 = curve.G2.F.n8 * 2;
    // Header after nVars, nPublic, domainSize: alpha1, beta1, beta2, gamma2, delta1, delta2.
    const h = zkey.header;
    const points = {
      alpha1: curve.G1.fromRprLEM(h, 0),
      beta1: curve.G1.fromRprLEM(h, g1),
      beta2: curve.G2.fromRprLEM(h, 2 * g1),
      delta1: curve.G1.fromRprLEM(h, 2 * g1 + 2 * g2),
      delta2: curve.G2.fromRprLEM(h, 3 * g1 + 2 * g2),
    };
    return new FastGroth16Prover(curve, native, nativeMsm(native), zkey, points);
  }

  /** Proves from a .wtns file's bytes. */
  async prove(wtns: Uint8Array): Promise<Groth16Result> {
    const { curve, native, zkey } = this;
    const { Fr, G1, G2 } = curve;
    const witness = readSections(wtns, "wtns").get(2) as Uint8Array;
    if (witness.length !== zkey.nVars * ELEMENT) {
      throw new LifeboatError(`witness has ${witness.length / ELEMENT} signals, the circuit ${zkey.nVars}`);
    }
    const section = (id: number): Uint8Array => zkey.sections.get(id) as Uint8Array;
    const inc = (zkey.power === Fr.s ? Fr.shift : Fr.w[zkey.power + 1]) as Uint8Array;
    const size = zkey.domainSize * ELEMENT;
    const [a, b, c] = [new Uint8Array(size), new Uint8Array(size), new Uint8Array(size)];
    const h = new Uint8Array(size);
    let piA0: unknown, pib10: unknown, piB0: unknown, piC0: unknown, resH: unknown;

    if (this.msm !== undefined) {
      const msm = this.msm;
      native.qapBuild(section(4), witness, zkey.domainSize, a, b, c);
      const root = Fr.w[zkey.power] as Uint8Array;
      for (const evaluations of [a, b, c]) msm.frCoset(evaluations, root, inc);
      native.qapJoin(a, b, c, h);
      const g1 = (bases: Uint8Array, scalars: Uint8Array): Uint8Array => {
        const out = new Uint8Array(3 * G1.F.n8);
        msm.msmG1(bases, scalars, out);
        return out;
      };
      piA0 = g1(section(5), witness);
      pib10 = g1(section(6), witness);
      piB0 = new Uint8Array(3 * G2.F.n8);
      msm.msmG2(section(7), witness, piB0 as Uint8Array);
      piC0 = g1(section(8), witness.subarray((zkey.nPublic + 1) * ELEMENT));
      resH = g1(section(9), h);
    } else {
      [piA0, pib10, piB0, piC0, resH] = await this.ffjavascriptMsms(witness, inc, a, b, c, h);
    }

    const r = Fr.random();
    const s = Fr.random();
    const { alpha1, beta1, beta2, delta1, delta2 } = this.points;
    const piA = G1.add(G1.add(piA0, alpha1), G1.timesFr(delta1, r));
    const piB = G2.add(G2.add(piB0, beta2), G2.timesFr(delta2, s));
    const pib1 = G1.add(G1.add(pib10, beta1), G1.timesFr(delta1, s));
    let piC = G1.add(piC0, resH);
    piC = G1.add(piC, G1.timesFr(piA, s));
    piC = G1.add(piC, G1.timesFr(pib1, r));
    piC = G1.add(piC, G1.timesFr(delta1, Fr.neg(Fr.mul(r, s))));

    const publicSignals: string[] = [];
    for (let i = 1; i <= zkey.nPublic; i += 1) {
      publicSignals.push(
        BigInt(
          `0x${Buffer.from(witness.subarray(i * ELEMENT, (i + 1) * ELEMENT))
            .reverse()
            .toString("hex")}`,
        ).toString(),
      );
    }
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

  /** The previous path: ffjavascript's FFTs and MSMs on its worker threads. */
  private async ffjavascriptMsms(witness: Uint8Array, inc: unknown, a: Uint8Array, b: Uint8Array, c: Uint8Array, h: Uint8Array): Promise<unknown[]> {
    const { curve, native, zkey } = this;
    const { Fr, G1, G2 } = curve;
    const section = (id: number): Uint8Array => zkey.sections.get(id) as Uint8Array;

    // Start the witness MSMs first: they do not depend on the QAP.
    const msmA = G1.multiExpAffine(section(5), witness);
    const msmB1 = G1.multiExpAffine(section(6), witness);
    const msmB2 = G2.multiExpAffine(section(7), witness);
    const msmC = G1.multiExpAffine(section(8), witness.subarray((zkey.nPublic + 1) * ELEMENT));

    native.qapBuild(section(4), witness, zkey.domainSize, a, b, c);
    const toCoset = async (evaluations: Uint8Array): Promise<Uint8Array> =>
      Fr.fft(await Fr.batchApplyKey(await Fr.ifft(evaluations, "", ""), Fr.e(1), inc), "", "");
    const [aOdd, bOdd, cOdd] = await Promise.all([toCoset(a), toCoset(b), toCoset(c)]);
    native.qapJoin(aOdd, bOdd, cOdd, h);
    const msmH = G1.multiExpAffine(section(9), h);
    return Promise.all([msmA, msmB1, msmB2, msmC, msmH]);
  }
}
