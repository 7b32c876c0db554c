import { promises as fs } from "node:fs";

import type { ProvingArtifacts } from "../artifacts/load";
import { claimInstance, compileCircuit, type CompiledCircuit } from "./circuits";
import { ensureKeys, ensurePtau, type CircuitKeys } from "./ceremony";
import type { CompiledContract } from "./solidity";

export * from "./cache";
export * from "./circuits";
export * from "./ceremony";
export * from "./solidity";

/** The claim circuit for one tree shape, compiled, with its trusted-setup keys. */
export interface ClaimArtifacts {
  readonly circuit: CompiledCircuit;
  readonly keys: CircuitKeys;
}

/** Options of ensureClaimArtifacts. */
export interface SetupOptions {
  /** A public powers-of-tau file to use instead of the development ceremony. */
  readonly ptau?: string | undefined;
  /** Receives progress lines; by default they go to stderr. */
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

/**
 * The operator's own proving artifacts, read from its setup cache. Only the operator's tools (the
 * snapshot builder's tests, benchmarks) use this; a user's prover loads the published files,
 * checked against the manifest (`loadProvingArtifacts`).
 */
export async function provingArtifactsOf(artifacts: ClaimArtifacts): Promise<ProvingArtifacts> {
  const [wasm, zkey] = await Promise.all([fs.readFile(artifacts.circuit.wasm), fs.readFile(artifacts.keys.zkey)]);
  return { circuit: artifacts.circuit.instance.id, wasm, zkey, verificationKey: artifacts.keys.verificationKey };
}

/** The operator's compiled verifier of a circuit, as `deployLifeboat` takes it. */
export function verifierBuildOf(artifacts: ClaimArtifacts): { circuit: string; build: CompiledContract } {
  return { circuit: artifacts.circuit.instance.id, build: artifacts.keys.verifier };
}
