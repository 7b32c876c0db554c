import * as snarkjs from "snarkjs";

import { LifeboatError } from "../errors";
import { binarySections, ELEMENT, finishProof, keyPoints, parseGroth16Zkey, type Curve, type KeyPoints, type ParsedZkey } from "./groth16-parts";
import type { Groth16Result } from "./snarkjs-prover";

/** The sections of a snarkjs binary file (zkey, wtns), each copied into its own buffer. */
export const readSections = binarySections;

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

export class FastGroth16Prover {
  private constructor(
    private readonly curve: Curve,
    private readonly native: NativeQap,
    private readonly msm: Required<NativeQap> | undefined,
    private readonly zkey: ParsedZkey,
    private readonly points: KeyPoints,
  ) {}

  /** Which parts run natively, for logs and the benchmark table. */
  get engine(): string {
    return this.msm === undefined ? "lifeboat (native QAP + ffjavascript MSM)" : "lifeboat (native QAP, NTT and MSM)";
  }

  /** Undefined when the native addon is not built: callers then use snarkjs.groth16.prove. */
  static async create(zkeyBytes: Uint8Array, native: NativeQap | undefined): Promise<FastGroth16Prover | undefined> {
    if (native === undefined || typeof native.qapBuild !== "function") return undefined;
    const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as Curve;
    const zkey = parseGroth16Zkey(zkeyBytes);
    return new FastGroth16Prover(curve, native, nativeMsm(native), zkey, keyPoints(curve, zkey));
  }

  /** Proves from a .wtns file's bytes. */
  async prove(wtns: Uint8Array): Promise<Groth16Result> {
    const { curve, native, zkey } = this;
    const { Fr, G1, G2 } = curve;
    const witness = binarySections(wtns, "wtns").get(2);
    if (witness === undefined || witness.length !== zkey.nVars * ELEMENT) {
      throw new LifeboatError(`witness has ${(witness?.length ?? 0) / ELEMENT} signals, the circuit ${zkey.nVars}`);
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

    return finishProof(curve, this.points, zkey.nPublic, witness, { piA0, pib10, piB0, piC0, resH });
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
