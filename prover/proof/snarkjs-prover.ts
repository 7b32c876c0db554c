import * as snarkjs from "snarkjs";

import type { ProvingArtifacts } from "../artifacts/checked";
import { LifeboatError } from "../errors";
import type { ClaimCircuitInput } from "./witness";
import type { Groth16Proof, VerificationKey } from "./groth16-types";

/** A Groth16 proof and its public signals, as snarkjs returns them. */
export interface Groth16Result {
  readonly proof: Groth16Proof;
  readonly publicSignals: string[];
}

/** What `proveClaim` needs of a prover: one circuit, a way to prove and a way to verify. */
export interface ClaimCircuitProver {
  readonly circuit: string;
  /** Which Groth16 prover runs, for logs. */
  readonly engine: string;
  prove(input: ClaimCircuitInput): Promise<Groth16Result>;
  verify(result: Groth16Result): Promise<boolean>;
}

/**
 * circom's witness for a claim input, computed by the published witness generator (WebAssembly).
 * Throws a LifeboatError naming the circuit if the input does not satisfy it.
 */
export async function claimWitness(circuit: string, wasm: Uint8Array, input: ClaimCircuitInput): Promise<Uint8Array> {
  const witness: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  try {
    await snarkjs.wtns.calculate(input as unknown as Record<string, unknown>, wasm, witness);
  } catch (error) {
    throw new LifeboatError(`the claim does not satisfy circuit ${circuit}: ${(error as Error).message.split("\n")[0]}`);
  }
  return witness.data as Uint8Array;
}

/**
 * Proves with snarkjs alone (witness and Groth16 in JavaScript and WebAssembly): no native code
 * and no Node module, so it runs in a browser and in a Web Worker. The Node prover (`ClaimProver`,
 * prover/proof/prover.ts) is the same with the native addon's faster Groth16 when it is built.
 */
export class SnarkjsClaimProver implements ClaimCircuitProver {
  readonly engine = "snarkjs";

  constructor(private readonly artifacts: ProvingArtifacts) {}

  get circuit(): string {
    return this.artifacts.circuit;
  }

  get verificationKey(): VerificationKey {
    return this.artifacts.verificationKey;
  }

  async prove(input: ClaimCircuitInput): Promise<Groth16Result> {
    const wtns = await claimWitness(this.artifacts.circuit, this.artifacts.wasm, input);
    return snarkjs.groth16.prove(this.artifacts.zkey, wtns);
  }

  async verify(result: Groth16Result): Promise<boolean> {
    return snarkjs.groth16.verify(this.artifacts.verificationKey, result.publicSignals, result.proof);
  }
}
