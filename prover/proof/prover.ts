import * as snarkjs from "snarkjs";

import type { ProvingArtifacts } from "../artifacts/checked";
import { loadNativeAddon } from "../hash/batch-backend";
import { FastGroth16Prover } from "./groth16";
import type { ClaimCircuitProver, Groth16Result } from "./snarkjs-prover";
import type { ClaimCircuitInput } from "./witness";
import { ClaimWitnessCalculator } from "./witness-calculator";
import type { VerificationKey } from "./groth16-types";
import { PreparedGroth16Verifier } from "./groth16-verifier";
import { releaseMsmThreads } from "./wasm-msm";

export type { Groth16Result } from "./snarkjs-prover";

/**
 * Proves claims for one circuit instance with the snapshot's published proving artifacts (checked
 * against the manifest's digests by whoever loaded them). The zkey and the witness generator stay
 * in memory between proofs, so a prover that makes many proofs reads each file once, and the
 * witness generator is compiled once. Every proof is checked with the verification key, prepared
 * once (PreparedGroth16Verifier), before it is returned to anyone.
 */
export class ClaimProver implements ClaimCircuitProver {
  private constructor(
    readonly circuit: string,
    private readonly witness: ClaimWitnessCalculator,
    private readonly zkey: Uint8Array,
    readonly verificationKey: VerificationKey,
    private readonly verifier: PreparedGroth16Verifier,
    private readonly fast: FastGroth16Prover | undefined,
  ) {}

  static async load(artifacts: ProvingArtifacts, options: { native?: boolean } = {}): Promise<ClaimProver> {
    const { wasm, zkey } = artifacts;
    const fast = options.native === false ? undefined : await FastGroth16Prover.create(zkey, loadNativeAddon());
    const witness = await ClaimWitnessCalculator.load(artifacts.circuit, wasm);
    return new ClaimProver(artifacts.circuit, witness, zkey, artifacts.verificationKey, await PreparedGroth16Verifier.create(artifacts.verificationKey), fast);
  }

  /** Which Groth16 prover runs: Lifeboat's (native parts named) or snarkjs's own. */
  get engine(): string {
    return this.fast === undefined ? "snarkjs" : this.fast.engine;
  }

  /** Witness and proof. Throws if the input does not satisfy the circuit. */
  async prove(input: ClaimCircuitInput): Promise<Groth16Result> {
    const wtns = await this.witness.calculate(input);
    return this.fast === undefined ? snarkjs.groth16.prove(this.zkey, wtns) : this.fast.prove(wtns);
  }

  async verify(result: Groth16Result): Promise<boolean> {
    return this.verifier.verify(result.publicSignals, result.proof);
  }
}

/** Ends snarkjs's worker threads (and those of a curve built apart for the WebAssembly MSM) so a command-line process can exit. */
export async function releaseProverThreads(): Promise<void> {
  await releaseMsmThreads();
  // ffjavascript keeps its bn128 instance (and its workers) in this global; null or absent when unused.
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128;
  if (curve !== undefined && curve !== null) {
    await curve.terminate();
    delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
  }
}
