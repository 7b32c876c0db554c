// Minimal typings for the part of circom_runtime 0.1 (the witness calculator under snarkjs) that
// Lifeboat uses; the package ships none.
declare module "circom_runtime" {
  export interface WitnessCalculator {
    /** The witness as a .wtns file (version 2): header and witness sections. */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
  }
  /** Compiles a circom WebAssembly witness generator once; the calculator computes many witnesses. */
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: Record<string, unknown>): Promise<WitnessCalculator>;
}
