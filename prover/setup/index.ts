import { claimInstance, compileCircuit, type CompiledCircuit } from "./circuits";
import { ensureKeys, ensurePtau, type CircuitKeys } from "./ceremony";

export * from "./cache";
export * from "./circuits";
export * from "./ceremony";
export * from "./solidity";

export interface ClaimArtifacts {
  readonly circuit: CompiledCircuit;
  readonly keys: CircuitKeys;
}

export interface SetupOptions {
  /** A public powers-of-tau file to use instead of the development ceremony. */
  readonly ptau?: string | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

/** Compiles the claim circuit for a tree shape and runs its trusted setup, reusing the cache. */
export async function ensureClaimArtifacts(depth: number, assets: number, options: SetupOptions = {}): Promise<ClaimArtifacts> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const circuit = await compileCircuit(claimInstance(depth, assets), log);
  const ptau = await ensurePtau(log, options.ptau);
  const keys = await ensureKeys(circuit, ptau, log);
  return { circuit, keys };
}
