import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";

import { LifeboatError } from "../errors";
import type { ClaimCircuitInput } from "./witness";

/**
 * One circuit's witness generator, compiled once and kept for many witnesses.
 *
 * `snarkjs.wtns.calculate` builds circom_runtime's calculator (compiling the circuit's 3 MB of
 * WebAssembly) on every call: about 30 ms of a 70 ms witness for the claim circuit. A prover that
 * makes many proofs keeps one of these instead. The bytes are those snarkjs writes (the same
 * `calculateWTNSBin`). The WebAssembly instance holds one witness at a time, so calls are queued.
 */
export class ClaimWitnessCalculator {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly circuit: string,
    private readonly calculator: WitnessCalculator,
  ) {}

  /** Compiles `wasm`, the published witness generator of `circuit`. */
  static async load(circuit: string, wasm: Uint8Array): Promise<ClaimWitnessCalculator> {
    try {
      return new ClaimWitnessCalculator(circuit, await WitnessCalculatorBuilder(wasm));
    } catch (error) {
      throw new LifeboatError(`the witness generator of circuit ${circuit} does not load: ${(error as Error).message.split("\n")[0]}`);
    }
  }

  /** The witness (.wtns bytes) for `input`. Throws a LifeboatError naming the circuit if the input does not satisfy it. */
  calculate(input: ClaimCircuitInput): Promise<Uint8Array> {
    const run = this.queue.then(async () => {
      try {
        return await this.calculator.calculateWTNSBin(input as unknown as Record<string, unknown>);
      } catch (error) {
        throw new LifeboatError(`the claim does not satisfy circuit ${this.circuit}: ${(error as Error).message.split("\n")[0]}`);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
