import * as snarkjs from "snarkjs";

import type { ProvingArtifacts } from "../artifacts/checked";
import { WasmGroth16Prover } from "./groth16-wasm";
import { claimWitness, type ClaimCircuitProver, type Groth16Result } from "./snarkjs-prover";
import type { ClaimCircuitInput } from "./witness";
import type { VerificationKey } from "./groth16-types";

/**
 * The browser's claim prover: circom's witness generator, then `WasmGroth16Prover` (snarkjs's
 * mathematics and curve code in WebAssembly, with the zkey parsed once, the work spread over the
 * curve's threads and Lifeboat's own MSM; prover/proof/groth16-wasm.ts). No Node module, no `Buffer`, no native addon:
 * it runs in a page, a Web Worker or Node. Its proofs verify exactly as snarkjs.groth16.prove's.
 * Load one per set of artifacts and keep it: every proof after the first reuses the parsed key.
 */
export class WasmClaimProver implements ClaimCircuitProver {
  readonly engine = "lifeboat (WebAssembly)";

  private constructor(
    private readonly artifacts: ProvingArtifacts,
    private readonly groth16: WasmGroth16Prover,
  ) {}

  /** Parses the zkey and loads the curve (ffjavascript's bn128 with Lifeboat's MSM functions, and its threads, shared with snarkjs). */
  static async load(artifacts: ProvingArtifacts): Promise<WasmClaimProver> {
    return new WasmClaimProver(artifacts, await WasmGroth16Prover.create(artifacts.zkey));
  }

  get circuit(): string {
    return this.artifacts.circuit;
  }

  get verificationKey(): VerificationKey {
    return this.artifacts.verificationKey;
  }

  /** Witness and proof. Throws a LifeboatError naming the circuit if the input does not satisfy it. */
  async prove(input: ClaimCircuitInput): Promise<Groth16Result> {
    return this.groth16.prove(await claimWitness(this.artifacts.circuit, this.artifacts.wasm, input));
  }

  async verify(result: Groth16Result): Promise<boolean> {
    return snarkjs.groth16.verify(this.artifacts.verificationKey, result.publicSignals, result.proof);
  }
}
