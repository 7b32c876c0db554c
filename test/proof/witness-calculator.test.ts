import { promises as fs } from "node:fs";

import { expect } from "chai";

import { ClaimWitnessCalculator } from "../../prover/proof/witness-calculator";
import { expectRejection } from "../helpers/assertions";
import { claimArtifacts, testLeaves, testTree, validInput, witness } from "../helpers/circuit";

describe("The kept witness calculator", () => {
  it("gives snarkjs's witness bytes for many inputs, also when they are asked for at once", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const calculator = await ClaimWitnessCalculator.load("claim_d4_k2", await fs.readFile(artifacts.circuit.wasm));
    const { packages } = await testTree(testLeaves(6, 2, 21), 4, 2);
    const inputs = await Promise.all(packages.slice(0, 4).map((claim) => validInput(claim)));
    const expected = await Promise.all(inputs.map((input) => witness(artifacts, input as unknown as Record<string, unknown>)));
    const concurrent = await Promise.all(inputs.map((input) => calculator.calculate(input)));
    concurrent.forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(expected[i]!)), `input ${i}`).to.equal(true));
    expect(Buffer.from(concurrent[0]!).equals(Buffer.from(concurrent[1]!))).to.equal(false);
  });

  it("refuses an input that does not satisfy the circuit, naming it, and keeps working afterwards", async () => {
    const artifacts = await claimArtifacts(4, 2);
    const calculator = await ClaimWitnessCalculator.load("claim_d4_k2", await fs.readFile(artifacts.circuit.wasm));
    const input = await validInput((await testTree(testLeaves(3, 2, 13), 4, 2)).packages[0]!);
    await expectRejection(calculator.calculate({ ...input, salt: input.salt + 1n }), /^the claim does not satisfy circuit claim_d4_k2: /);
    const bytes = await calculator.calculate(input);
    expect(Buffer.from(bytes).equals(Buffer.from(await witness(artifacts, input as unknown as Record<string, unknown>)))).to.equal(true);
  });

  it("refuses bytes that are not a witness generator, naming the circuit", async () => {
    await expectRejection(
      ClaimWitnessCalculator.load("claim_d4_k2", new Uint8Array([0, 1, 2, 3])),
      /^the witness generator of circuit claim_d4_k2 does not load: /,
    );
  });
});
