import { promises as fs } from "node:fs";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { loadNativeAddon } from "../../prover/hash/batch-backend";
import { FastGroth16Prover } from "../../prover/proof/groth16";
import { ClaimProver } from "../../prover/proof/prover";
import { provingArtifactsOf } from "../../prover/setup";
import { claimArtifacts, testLeaves, testTree, validInput, witness } from "../helpers/circuit";

describe("Groth16 prover", () => {
  it("Lifeboat's prover (native QAP, NTT and MSM) makes proofs that snarkjs verifies, and tampering breaks them", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const prover = await ClaimProver.load(await provingArtifactsOf(artifacts));
    expect(prover.engine).to.equal("lifeboat (native QAP, NTT and MSM)");
    const { packages } = await testTree(testLeaves(7, 2, 11), 4, 2);
    for (const claim of [packages[0]!, packages[6]!]) {
      const result = await prover.prove(await validInput(claim));
      expect(await snarkjs.groth16.verify(artifacts.keys.verificationKey, result.publicSignals, result.proof)).to.equal(true);
      const bent = { ...result.proof, pi_c: [result.proof.pi_a[0]!, result.proof.pi_a[1]!, "1"] };
      expect(await snarkjs.groth16.verify(artifacts.keys.verificationKey, result.publicSignals, bent)).to.equal(false);
    }
  });

  it("the native MSM path gives exactly the proof of the ffjavascript path for the same blinding, on a real witness", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const zkey = await fs.readFile(artifacts.keys.zkey);
    const wtns = await witness(artifacts, (await validInput((await testTree(testLeaves(5, 2, 14), 4, 2)).packages[3]!)) as unknown as Record<string, unknown>);
    const native = (await FastGroth16Prover.create(zkey, loadNativeAddon()))!;
    expect(native.engine).to.equal("lifeboat (native QAP, NTT and MSM)");
    process.env.LIFEBOAT_MSM = "ffjavascript";
    let previous: FastGroth16Prover;
    try {
      previous = (await FastGroth16Prover.create(zkey, loadNativeAddon()))!;
    } finally {
      delete process.env.LIFEBOAT_MSM;
    }
    expect(previous.engine).to.equal("lifeboat (native QAP + ffjavascript MSM)");
    // Fix the blinding factors r and s (drawn with Fr.random) so the two proofs must be equal.
    const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as { Fr: { random(): unknown; e(value: bigint): unknown } };
    const random = curve.Fr.random;
    let draws = 0n;
    const fixed = (): unknown => curve.Fr.e(987654321n + (draws++ % 2n));
    curve.Fr.random = fixed;
    try {
      const fast = await native.prove(wtns);
      draws = 0n;
      const slow = await previous.prove(wtns);
      expect(fast).to.deep.equal(slow);
      expect(await snarkjs.groth16.verify(artifacts.keys.verificationKey, fast.publicSignals, fast.proof)).to.equal(true);
    } finally {
      curve.Fr.random = random;
    }
  });

  it("gives the same public signals as snarkjs's own prover, which remains the fallback", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const input = await validInput((await testTree(testLeaves(3, 2, 12), 4, 2)).packages[1]!);
    const fast = await (await ClaimProver.load(await provingArtifactsOf(artifacts))).prove(input);
    const reference = await ClaimProver.load(await provingArtifactsOf(artifacts), { native: false });
    expect(reference.engine).to.equal("snarkjs");
    const slow = await reference.prove(input);
    expect(fast.publicSignals).to.deep.equal(slow.publicSignals);
    expect(await snarkjs.groth16.verify(artifacts.keys.verificationKey, slow.publicSignals, slow.proof)).to.equal(true);
  });

  it("refuses a witness that does not satisfy the circuit", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const input = await validInput((await testTree(testLeaves(3, 2, 13), 4, 2)).packages[0]!);
    let error: unknown;
    try {
      await (await ClaimProver.load(await provingArtifactsOf(artifacts))).prove({ ...input, salt: input.salt + 1n });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.match(/^the claim does not satisfy circuit claim_d4_k2/);
  });
});
