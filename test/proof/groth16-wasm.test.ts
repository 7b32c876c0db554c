import { promises as fs } from "node:fs";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { binarySections, parseGroth16Zkey } from "../../prover/proof/groth16-parts";
import { WasmGroth16Prover } from "../../prover/proof/groth16-wasm";
import { msmCurve } from "../../prover/proof/wasm-msm";
import { expectRejection } from "../helpers/assertions";
import { claimArtifacts, testLeaves, testTree, validInput, witness } from "../helpers/circuit";

/**
 * Runs `body` with ffjavascript's Fr.random returning fixed blinding factors (r, s, r, s, …), on
 * snarkjs's curve and on the prover's (the same one unless snarkjs built its own first: then the
 * prover's carries Lifeboat's MSM functions apart; prover/proof/wasm-msm.ts).
 */
async function withFixedBlinding<T>(body: (reset: () => void) => Promise<T>): Promise<T> {
  type Fr = { random(): unknown; e(value: bigint): unknown };
  const curves = new Set([(await snarkjs.curves.getCurveFromName("bn128")) as unknown as { Fr: Fr }, (await msmCurve()) as unknown as { Fr: Fr }]);
  const randoms = [...curves].map((curve) => [curve.Fr, curve.Fr.random] as const);
  let draws = 0n;
  for (const [Fr] of randoms) Fr.random = (): unknown => Fr.e(987654321n + (draws++ % 2n));
  try {
    return await body(() => (draws = 0n));
  } finally {
    for (const [Fr, random] of randoms) Fr.random = random;
  }
}

/** Where the content of the section of type `id` starts in a snarkjs binary file. */
function sectionStart(file: Uint8Array, id: number): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let offset = 12;
  for (let i = 0; i < view.getUint32(8, true); i += 1) {
    if (view.getUint32(offset, true) === id) return offset + 12;
    offset += 12 + Number(view.getBigUint64(offset + 4, true));
  }
  throw new Error(`no section ${id}`);
}

/** A zkey with the section of type `id` removed (the header's section count adjusted). */
function withoutSection(zkey: Uint8Array, id: number): Uint8Array {
  const view = new DataView(zkey.buffer, zkey.byteOffset, zkey.byteLength);
  const parts: Uint8Array[] = [zkey.slice(0, 12)];
  let offset = 12;
  for (let i = 0; i < view.getUint32(8, true); i += 1) {
    const end = offset + 12 + Number(view.getBigUint64(offset + 4, true));
    if (view.getUint32(offset, true) !== id) parts.push(zkey.subarray(offset, end));
    offset = end;
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  new DataView(out.buffer).setUint32(8, parts.length - 1, true);
  return out;
}

describe("Groth16 prover in WebAssembly (the browser's)", () => {
  it("makes exactly snarkjs's proof for the same blinding, on a real witness, and snarkjs verifies it", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const zkey = await fs.readFile(artifacts.keys.zkey);
    const prover = await WasmGroth16Prover.create(zkey);
    for (const claim of (await testTree(testLeaves(5, 2, 21), 4, 2)).packages.slice(1, 3)) {
      const wtns = await witness(artifacts, (await validInput(claim)) as unknown as Record<string, unknown>);
      await withFixedBlinding(async (reset) => {
        const ours = await prover.prove(wtns);
        reset();
        const reference = await snarkjs.groth16.prove(zkey, wtns);
        expect(ours).to.deep.equal(reference);
        expect(await snarkjs.groth16.verify(artifacts.keys.verificationKey, ours.publicSignals, ours.proof)).to.equal(true);
      });
    }
  });

  it("makes proofs that fail verification when tampered with, and fresh blinding each time", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const prover = await WasmGroth16Prover.create(await fs.readFile(artifacts.keys.zkey));
    const wtns = await witness(artifacts, (await validInput((await testTree(testLeaves(4, 2, 22), 4, 2)).packages[0]!)) as unknown as Record<string, unknown>);
    const [one, two] = [await prover.prove(wtns), await prover.prove(wtns)];
    expect(one.publicSignals).to.deep.equal(two.publicSignals);
    expect(one.proof.pi_a).not.to.deep.equal(two.proof.pi_a);
    const key = artifacts.keys.verificationKey;
    expect(await snarkjs.groth16.verify(key, two.publicSignals, two.proof)).to.equal(true);
    expect(await snarkjs.groth16.verify(key, one.publicSignals, { ...one.proof, pi_c: two.proof.pi_c })).to.equal(false);
    const otherAccount = [one.publicSignals[0]!, (BigInt(one.publicSignals[1]!) + 1n).toString(), ...one.publicSignals.slice(2)];
    expect(await snarkjs.groth16.verify(key, otherAccount, one.proof)).to.equal(false);
  });

  it("refuses a witness of another circuit, a file that is not a zkey, a truncated zkey and one without a section", async () => {
    const small = await claimArtifacts(2, 1);
    const artifacts = await claimArtifacts(4, 2);
    const zkey = await fs.readFile(artifacts.keys.zkey);
    const prover = await WasmGroth16Prover.create(zkey);
    const otherWitness = await witness(
      small,
      (await validInput((await testTree(testLeaves(2, 1, 23), 2, 1)).packages[0]!)) as unknown as Record<string, unknown>,
    );
    let error: unknown;
    try {
      await prover.prove(otherWitness);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.match(/^witness has \d+ signals, the circuit \d+$/);
    // A signal not reduced modulo r (circom's witnesses never have one) is refused before any work.
    const valid = await witness(artifacts, (await validInput((await testTree(testLeaves(4, 2, 24), 4, 2)).packages[0]!)) as unknown as Record<string, unknown>);
    const unreduced = new Uint8Array(valid);
    const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    const at = sectionStart(unreduced, 2) + 3 * 32; // signal 3
    for (let i = 0; i < 32; i += 1) unreduced[at + i] = Number((r >> BigInt(8 * i)) & 0xffn);
    await expectRejection(prover.prove(unreduced), /^witness signal 3 is not below the field order r$/);
    expect(() => parseGroth16Zkey(otherWitness)).to.throw("not a zkey file");
    expect(() => binarySections(zkey.subarray(0, 1000), "zkey")).to.throw(/^zkey file truncated in section \d+$/);
    expect(() => parseGroth16Zkey(withoutSection(zkey, 9))).to.throw("zkey has no section 9");
    expect(() => parseGroth16Zkey(withoutSection(zkey, 1))).to.throw("zkey is not a Groth16 key");
  });
});
