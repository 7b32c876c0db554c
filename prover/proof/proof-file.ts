
import { InputError } from "../errors";
import { SNARK_SCALAR_FIELD } from "../hash/field";
import { address, decimal } from "../snapshot/formats";
import { LANE_LIMIT } from "../tree/constants";
import type { Groth16Proof } from "./groth16-types";

export const PROOF_FORMAT = "lifeboat.proof.v1";

/** The arguments of RecoveryVault.claim, as the generated verifier orders them. */
export interface ClaimCalldata {
  readonly pA: [string, string];
  readonly pB: [[string, string], [string, string]];
  readonly pC: [string, string];
  readonly pubSignals: string[];
}

/** What `lifeboat prove` writes: the proof, its public signals, what they mean, and the calldata. */
export interface ProofFile {
  readonly format: typeof PROOF_FORMAT;
  readonly circuit: string;
  readonly chainId: string;
  readonly vault: string;
  readonly snapshotId: string;
  readonly root: string;
  readonly totals: readonly string[];
  readonly account: string;
  readonly amounts: readonly string[];
  readonly publicSignals: readonly string[];
  readonly proof: Groth16Proof;
  readonly calldata: ClaimCalldata;
}

/** The Solidity verifier takes G2 coordinates as (imaginary, real): snarkjs stores (real, imaginary). */
export function toCalldata(proof: Groth16Proof, publicSignals: readonly string[]): ClaimCalldata {
  const [a0, a1] = proof.pi_a as [string, string];
  const [[b00, b01], [b10, b11]] = proof.pi_b as [[string, string], [string, string]];
  const [c0, c1] = proof.pi_c as [string, string];
  return { pA: [a0, a1], pB: [[b01, b00], [b11, b10]], pC: [c0, c1], pubSignals: [...publicSignals] };
}

function field(value: unknown, where: string): string {
  return decimal(value, where, SNARK_SCALAR_FIELD);
}

function fieldList(value: unknown, where: string, length?: number): string[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new InputError(`${where} must be an array${length === undefined ? "" : ` of ${length}`} decimal strings, got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return value.map((entry: unknown, i) => field(entry, `${where}[${i}]`));
}

/** Validates a proof file read from disk. Semantic checks (signals vs. claims) are in verify. */
export function parseProofFile(raw: unknown, where = "proof file"): ProofFile {
  if (typeof raw !== "object" || raw === null) throw new InputError(`${where} must be a JSON object`);
  const p = raw as Record<string, unknown>;
  if (p["format"] !== PROOF_FORMAT) throw new InputError(`${where}.format must be "${PROOF_FORMAT}", got ${JSON.stringify(p["format"])}`);
  if (typeof p["circuit"] !== "string") throw new InputError(`${where}.circuit must be a string`);
  const proof = p["proof"] as Record<string, unknown> | undefined;
  if (typeof proof !== "object" || proof === null) throw new InputError(`${where}.proof must be an object`);
  const piB = proof["pi_b"];
  if (!Array.isArray(piB) || piB.length < 2) throw new InputError(`${where}.proof.pi_b must be an array of G2 coordinates`);
  const groth16: Groth16Proof = {
    pi_a: fieldList(proof["pi_a"], `${where}.proof.pi_a`),
    pi_b: piB.map((pair: unknown, i) => fieldList(pair, `${where}.proof.pi_b[${i}]`)),
    pi_c: fieldList(proof["pi_c"], `${where}.proof.pi_c`),
    protocol: String(proof["protocol"]),
    curve: String(proof["curve"]),
  };
  if (groth16.protocol !== "groth16" || groth16.curve !== "bn128") {
    throw new InputError(`${where}.proof must be a groth16 proof on bn128, got ${groth16.protocol} on ${groth16.curve}`);
  }
  const publicSignals = fieldList(p["publicSignals"], `${where}.publicSignals`);
  const amounts = p["amounts"];
  if (!Array.isArray(amounts)) throw new InputError(`${where}.amounts must be an array`);
  const totals = p["totals"];
  if (!Array.isArray(totals)) throw new InputError(`${where}.totals must be an array`);
  return {
    format: PROOF_FORMAT,
    circuit: p["circuit"] as string,
    chainId: decimal(p["chainId"], `${where}.chainId`, 1n << 256n),
    vault: address(p["vault"], `${where}.vault`),
    snapshotId: decimal(p["snapshotId"], `${where}.snapshotId`, 1n << 256n),
    root: field(p["root"], `${where}.root`),
    totals: totals.map((value: unknown, i) => decimal(value, `${where}.totals[${i}]`, LANE_LIMIT)),
    account: address(p["account"], `${where}.account`),
    amounts: amounts.map((value: unknown, i) => decimal(value, `${where}.amounts[${i}]`, LANE_LIMIT)),
    publicSignals,
    proof: groth16,
    calldata: toCalldata(groth16, publicSignals),
  };
}
