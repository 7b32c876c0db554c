import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { SNARK_SCALAR_FIELD } from "../../prover/hash/field";
import type { Groth16Proof, VerificationKey } from "../../prover/proof/groth16-types";
import { PreparedGroth16Verifier } from "../../prover/proof/groth16-verifier";
import { ClaimProver } from "../../prover/proof/prover";
import { BN254_BASE_FIELD } from "../../prover/schema/proof-file";
import { provingArtifactsOf } from "../../prover/setup";
import { expectRejection } from "../helpers/assertions";
import { claimArtifacts, testLeaves, testTree, validInput } from "../helpers/circuit";

/** snarkjs's verdict, with a throw read as a refusal (the prepared verifier refuses instead of throwing). */
async function snarkjsVerdict(key: VerificationKey, signals: readonly unknown[], proof: unknown): Promise<boolean> {
  try {
    return await snarkjs.groth16.verify(key, signals as string[], proof as Groth16Proof);
  } catch {
    return false;
  }
}

const G1_GENERATOR = ["1", "2", "1"];

describe("Prepared Groth16 verifier", () => {
  let key: VerificationKey;
  let verifier: PreparedGroth16Verifier;
  let proofs: { publicSignals: string[]; proof: Groth16Proof }[];

  before(async () => {
    const artifacts = await claimArtifacts(2, 1);
    key = artifacts.keys.verificationKey;
    verifier = await PreparedGroth16Verifier.create(key);
    const prover = await ClaimProver.load(await provingArtifactsOf(artifacts));
    const { packages } = await testTree(testLeaves(3, 1, 21), 2, 1);
    proofs = [];
    for (const claim of packages) proofs.push(await prover.prove(await validInput(claim)));
  });

  it("accepts every proof snarkjs accepts, its points also written affine ([x, y] without z)", async () => {
    expect(verifier.publicSignalCount).to.equal(key.nPublic);
    for (const { publicSignals, proof } of proofs) {
      expect(await snarkjsVerdict(key, publicSignals, proof)).to.equal(true);
      expect(verifier.verify(publicSignals, proof)).to.equal(true);
      const affine = { ...proof, pi_a: proof.pi_a.slice(0, 2), pi_b: proof.pi_b.slice(0, 2), pi_c: proof.pi_c.slice(0, 2) };
      expect(await snarkjsVerdict(key, publicSignals, affine)).to.equal(true);
      expect(verifier.verify(publicSignals, affine)).to.equal(true);
    }
  });

  it("refuses what snarkjs refuses: changed signals, swapped or moved points, another proof's points, the points at infinity", async () => {
    const [first, second] = proofs as [(typeof proofs)[0], (typeof proofs)[0]];
    const { publicSignals: signals, proof } = first;
    const cases: [string, unknown[], Groth16Proof][] = [];
    signals.forEach((signal, i) => {
      const bumped = [...signals];
      bumped[i] = ((BigInt(signal) + 1n) % SNARK_SCALAR_FIELD).toString();
      cases.push([`signal ${i} + 1`, bumped, proof]);
    });
    cases.push(["the signals of another claim", second.publicSignals, proof]);
    cases.push(["pi_a of another proof", signals, { ...proof, pi_a: second.proof.pi_a }]);
    cases.push(["pi_b of another proof", signals, { ...proof, pi_b: second.proof.pi_b }]);
    cases.push(["pi_c of another proof", signals, { ...proof, pi_c: second.proof.pi_c }]);
    cases.push(["pi_a and pi_c swapped", signals, { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a }]);
    cases.push(["pi_a the generator", signals, { ...proof, pi_a: G1_GENERATOR }]);
    cases.push(["pi_c the generator", signals, { ...proof, pi_c: G1_GENERATOR }]);
    cases.push(["pi_a at infinity", signals, { ...proof, pi_a: ["0", "1", "0"] }]);
    cases.push(["pi_c at infinity", signals, { ...proof, pi_c: ["0", "1", "0"] }]);
    cases.push(["pi_a off the curve", signals, { ...proof, pi_a: [proof.pi_a[0]!, (BigInt(proof.pi_a[1]!) + 1n).toString(), "1"] }]);
    cases.push(["pi_b's coordinates in the other order", signals, { ...proof, pi_b: proof.pi_b.map(([c0, c1]) => [c1!, c0!]) }]);
    cases.push(["pi_a negated", signals, { ...proof, pi_a: [proof.pi_a[0]!, (BN254_BASE_FIELD - BigInt(proof.pi_a[1]!)).toString(), "1"] }]);
    for (const [name, caseSignals, caseProof] of cases) {
      expect(await snarkjsVerdict(key, caseSignals, caseProof), `snarkjs: ${name}`).to.equal(false);
      expect(verifier.verify(caseSignals, caseProof), name).to.equal(false);
    }
  });

  it("refuses signals at or above r, malformed values and the wrong number of signals, where snarkjs refuses or throws", async () => {
    const { publicSignals: signals, proof } = proofs[0]!;
    const withSignal = (value: unknown): unknown[] => [value, ...signals.slice(1)];
    const cases: [string, unknown[], unknown][] = [
      ["signal 0 + r", withSignal((BigInt(signals[0]!) + SNARK_SCALAR_FIELD).toString()), proof],
      ["signal 0 = r", withSignal(SNARK_SCALAR_FIELD.toString()), proof],
      ["a negative signal", withSignal("-1"), proof],
      ["a number instead of a string", withSignal(5), proof],
      ["a signal too few", signals.slice(1), proof],
      ["a signal too many", [...signals, "0"], proof],
      ["pi_a with one coordinate", signals, { ...proof, pi_a: proof.pi_a.slice(0, 1) }],
      ["pi_b with one coordinate", signals, { ...proof, pi_b: proof.pi_b.slice(0, 1) }],
      ["pi_b flat", signals, { ...proof, pi_b: proof.pi_b.flat() }],
      ["pi_c not an array", signals, { ...proof, pi_c: "1" }],
      ["no proof", signals, undefined],
    ];
    for (const [name, caseSignals, caseProof] of cases) {
      expect(await snarkjsVerdict(key, caseSignals, caseProof), `snarkjs: ${name}`).to.equal(false);
      expect(verifier.verify(caseSignals, caseProof as Groth16Proof), name).to.equal(false);
    }
  });

  it("is stricter than snarkjs as a proof file is: a coordinate at or above q (snarkjs reduces it; the chain's precompile refuses it), a signal in hexadecimal or with a leading zero", async () => {
    const { publicSignals: signals, proof } = proofs[0]!;
    const lifted = { ...proof, pi_a: [(BigInt(proof.pi_a[0]!) + BN254_BASE_FIELD).toString(), proof.pi_a[1]!, "1"] };
    expect(await snarkjsVerdict(key, signals, lifted)).to.equal(true);
    expect(verifier.verify(signals, lifted)).to.equal(false);
    const hexadecimal = [`0x${BigInt(signals[0]!).toString(16)}`, ...signals.slice(1)];
    expect(await snarkjsVerdict(key, hexadecimal, proof)).to.equal(true);
    expect(verifier.verify(hexadecimal, proof)).to.equal(false);
    const leadingZero = [`0${signals[0]!}`, ...signals.slice(1)];
    expect(await snarkjsVerdict(key, leadingZero, proof)).to.equal(true);
    expect(verifier.verify(leadingZero, proof)).to.equal(false);
  });

  it("refuses a key of another protocol or curve, or a malformed one, by name", async () => {
    await expectRejection(PreparedGroth16Verifier.create({ ...key, protocol: "plonk" }), /expected protocol groth16 on curve bn128, got plonk on bn128/);
    await expectRejection(PreparedGroth16Verifier.create({ ...key, curve: "bls12381" }), /got groth16 on bls12381/);
    await expectRejection(PreparedGroth16Verifier.create({ ...key, IC: (key.IC as unknown[]).slice(1) }), /IC must hold nPublic \+ 1 points/);
    await expectRejection(PreparedGroth16Verifier.create({ ...key, vk_alpha_1: ["1", "3", "1"] }), /vk_alpha_1 is not a G1 point/);
    const delta = key.vk_delta_2 as string[][];
    await expectRejection(PreparedGroth16Verifier.create({ ...key, vk_delta_2: [delta[0], delta[0], delta[2]] }), /vk_delta_2 is not a G2 point/);
  });

  it("a key's verifier refuses the proofs of another key (gamma and delta exchanged)", async () => {
    const other = await PreparedGroth16Verifier.create({ ...key, vk_gamma_2: key.vk_delta_2, vk_delta_2: key.vk_gamma_2 });
    const { publicSignals, proof } = proofs[0]!;
    expect(other.verify(publicSignals, proof)).to.equal(false);
  });
});
