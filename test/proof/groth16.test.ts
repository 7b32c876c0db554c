import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { ClaimProver } from "../../prover/proof/prover";
import { provingArtifactsOf } from "../../prover/setup";
import { claimArtifacts, testLeaves, testTree, validInput } from "../helpers/circuit";

describe("Groth16 prover", () => {
  it("Lifeboat's prover (native QAP) makes proofs that snarkjs verifies, and tampering breaks them", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const prover = await ClaimProver.load(await provingArtifactsOf(artifacts));
    expect(prover.engine).to.equal("lifeboat (native QAP + ffjavascript MSM)");
    const { packages } = await testTree(testLeaves(7, 2, 11), 4, 2);
    for (const claim of [packages[0]!, packages[6]!]) {
      const result = await prover.prove(await validInput(claim));
      expect(await snarkjs.groth16.verify(artifacts.keys.verificationKey, result.publicSignals, result.proof)).to.equal(true);
      const bent = { ...result.proof, pi_c: [result.proof.pi_a[0]!, result.proof.pi_a[1]!, "1"] };
      expect(await snarkjs.groth16.verify(artifacts.keys.verificationKey, result.publicSignals, bent)).to.equal(false);
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
