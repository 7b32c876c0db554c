import { LifeboatError } from "../errors";
import { binarySections, ELEMENT, finishProof, keyPoints, parseGroth16Zkey, type KeyPoints, type ParsedZkey } from "./groth16-parts";
import type { Groth16Result } from "./snarkjs-prover";
import { firstUnreduced, msmAffine, msmCurve, type MsmCurve } from "./wasm-msm";

/**
 * A Groth16 prover for snarkjs zkeys in WebAssembly alone (ffjavascript's curve and threads, as
 * snarkjs.groth16.prove uses them), for browsers and Web Workers: no Node module, no `Buffer`, no
 * native addon. The mathematics is snarkjs's and so are the WebAssembly functions but for the
 * multi-scalar multiplications (its proofs and these are equal for the same blinding;
 * test/proof/groth16-wasm.test.ts); the orchestration differs:
 * - the zkey is parsed once and its sections stay in memory between proofs (snarkjs reads them
 *   from the file's bytes for every proof);
 * - the quadratic arithmetic program runs as one task on a curve thread: `qap_buildABC` (in place
 *   of snarkjs's loop in JavaScript over every coefficient, a field operation and two copies each),
 *   the three moves to the odd coset and the join, so A, B and C never cross threads;
 * - the four multi-scalar multiplications that need only the witness (A, B1, B2, C) are queued
 *   together with it, and H's as soon as its scalars are there, so both threads stay busy (snarkjs
 *   runs them one after the other);
 * - the multi-scalar multiplications are Lifeboat's own WebAssembly functions added to ffjavascript's
 *   module (prover/proof/wasm-msm.ts: signed digits, batch-affine bucket additions sharing one
 *   inversion), each a few tasks of several windows, so the bases are copied to a thread a few
 *   times rather than once per window.
 * The proof is a standard snarkjs proof object; callers verify it before using it.
 */

export class WasmGroth16Prover {
  private constructor(
    private readonly curve: MsmCurve,
    private readonly zkey: ParsedZkey,
    private readonly points: KeyPoints,
  ) {}

  /** Parses the zkey and loads the curve (ffjavascript's bn128 with Lifeboat's MSM functions; wasm-msm.ts). */
  static async create(zkeyBytes: Uint8Array): Promise<WasmGroth16Prover> {
    const zkey = parseGroth16Zkey(zkeyBytes);
    const curve = await msmCurve();
    return new WasmGroth16Prover(curve, zkey, keyPoints(curve, zkey));
  }

  /** Proves from a .wtns file's bytes (circom's witness generator writes them). */
  async prove(wtns: Uint8Array): Promise<Groth16Result> {
    const { zkey } = this;
    const witness = binarySections(wtns, "wtns").get(2);
    if (witness === undefined || witness.length !== zkey.nVars * ELEMENT) {
      throw new LifeboatError(`witness has ${(witness?.length ?? 0) / ELEMENT} signals, the circuit ${zkey.nVars}`);
    }
    const unreduced = firstUnreduced(witness);
    if (unreduced >= 0) throw new LifeboatError(`witness signal ${unreduced} is not below the field order r`);
    const section = (id: number): Uint8Array => zkey.sections.get(id)!;
    const h = this.hScalars(witness);
    const msmA = this.msm("G1", section(5), witness);
    const msmB1 = this.msm("G1", section(6), witness);
    const msmB2 = this.msm("G2", section(7), witness);
    const msmC = this.msm("G1", section(8), witness.slice((zkey.nPublic + 1) * ELEMENT));
    // Awaited below; marked handled now so a failure while H's scalars are computed is not an unhandled rejection.
    for (const started of [msmA, msmB1, msmB2, msmC]) started.catch(() => undefined);
    const msmH = this.msm("G1", section(9), await h);
    const [piA0, pib10, piB0, piC0, resH] = await Promise.all([msmA, msmB1, msmB2, msmC, msmH]);
    return finishProof(this.curve, this.points, zkey.nPublic, witness, { piA0, pib10, piB0, piC0, resH });
  }

  /** sum(scalars[i] * bases[i]) over affine bases: Lifeboat's WebAssembly MSM (prover/proof/wasm-msm.ts). */
  private msm(group: "G1" | "G2", bases: Uint8Array, scalars: Uint8Array): Promise<unknown> {
    return msmAffine(this.curve, group, bases, scalars);
  }

  /**
   * H's scalars, in one task on a curve thread, so A, B and C never leave it: A, B and C = A * B on
   * the constraint domain (`qap_buildABC`, the function snarkjs's earlier builder used, in place of
   * its loop in JavaScript over every coefficient), each moved to the odd coset (inverse NTT, times
   * the coset's powers, NTT), then A * B - C out of Montgomery form (snarkjs's joinABC).
   */
  private async hScalars(witness: Uint8Array): Promise<Uint8Array> {
    const { zkey } = this;
    const { Fr } = this.curve;
    const coefficients = zkey.sections.get(4)!;
    const count = new DataView(coefficients.buffer, coefficients.byteOffset).getUint32(0, true);
    if (coefficients.length !== 4 + count * (12 + ELEMENT))
      throw new LifeboatError(`zkey coefficients section has ${coefficients.length} bytes for ${count} coefficients`);
    const n = zkey.domainSize;
    const size = n * ELEMENT;
    const inc = (zkey.power === Fr.s ? Fr.shift : Fr.w[zkey.power + 1]) as Uint8Array;
    // Buffers: 0 coefficients, 1 witness, 2-4 A B C, 5-7 their odd cosets, 8 one, 9 the coset's step, 10 H.
    const toCoset = (from: number, to: number): Record<string, unknown>[] => [
      { cmd: "CALL", fnName: "frm_ifft", params: [{ var: from }, { val: n }] },
      { cmd: "CALL", fnName: "frm_batchApplyKey", params: [{ var: from }, { val: n }, { var: 8 }, { var: 9 }, { var: to }] },
      { cmd: "CALL", fnName: "frm_fft", params: [{ var: to }, { val: n }] },
    ];
    const [h] = await this.curve.tm.queueAction([
      { cmd: "ALLOCSET", var: 0, buff: coefficients.subarray(4) },
      { cmd: "ALLOCSET", var: 1, buff: witness },
      ...[2, 3, 4, 5, 6, 7, 10].map((id) => ({ cmd: "ALLOC", var: id, len: size })),
      { cmd: "ALLOCSET", var: 8, buff: Fr.e(1) as Uint8Array },
      { cmd: "ALLOCSET", var: 9, buff: inc },
      {
        cmd: "CALL",
        fnName: "qap_buildABC",
        // coefficients, their count, witness, A, B, C, first constraint, constraints, first signal, signals
        params: [{ var: 0 }, { val: count }, { var: 1 }, { var: 2 }, { var: 3 }, { var: 4 }, { val: 0 }, { val: n }, { val: 0 }, { val: zkey.nVars }],
      },
      ...toCoset(2, 5),
      ...toCoset(3, 6),
      ...toCoset(4, 7),
      { cmd: "CALL", fnName: "qap_joinABC", params: [{ var: 5 }, { var: 6 }, { var: 7 }, { val: n }, { var: 10 }] },
      { cmd: "CALL", fnName: "frm_batchFromMontgomery", params: [{ var: 10 }, { val: n }, { var: 10 }] },
      { cmd: "GET", out: 0, var: 10, len: size },
    ]);
    return h!;
  }
}
