import { assertFieldElement } from "./field";
import { loadBestBackend, loadNativeBackend, loadWasmBackend, type BatchBackend } from "./batch-backend";

/**
 * Poseidon with circomlib's parameters over the BN254 scalar field: exactly the hash of
 * circomlib's poseidon.circom (test/hash/poseidon.test.ts cross-checks them). Inputs must be
 * canonical field elements: every implementation here refuses, never reduces, a value >= r.
 */
export interface Poseidon {
  readonly name: string;
  hash(inputs: readonly bigint[]): bigint;
  /** n preimages of `arity` 32-byte little-endian elements in, n 32-byte hashes out. */
  hashBatch(arity: number, input: Uint8Array): Uint8Array;
}

const ELEMENT_BYTES = 32;

function toBytes(inputs: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(inputs.length * ELEMENT_BYTES);
  inputs.forEach((value, i) => {
    assertFieldElement(value, `Poseidon input ${i}`);
    const hex = value.toString(16).padStart(64, "0");
    const bigEndian = Buffer.from(hex, "hex");
    for (let b = 0; b < ELEMENT_BYTES; b += 1) bytes[i * ELEMENT_BYTES + b] = bigEndian[ELEMENT_BYTES - 1 - b] as number;
  });
  return bytes;
}

function fromBytes(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString("hex")}`);
}

function fromBackend(backend: BatchBackend): Poseidon {
  return {
    name: backend.name,
    hashBatch: (arity, input) => backend.hashBatch(arity, input),
    hash: (inputs) => fromBytes(backend.hashBatch(inputs.length, toBytes(inputs))),
  };
}

let production: Promise<Poseidon> | undefined;

/**
 * The fastest Poseidon on this machine: the native addon (built by `npm ci`), else circomlibjs's
 * WebAssembly permutation driven in batches. docs/benchmarks.md compares them.
 */
export function loadPoseidon(): Promise<Poseidon> {
  production ??= loadBestBackend().then(fromBackend);
  return production;
}

/** The native addon, or undefined when it is not built on this machine. */
export function loadNativePoseidon(): Poseidon | undefined {
  const backend = loadNativeBackend();
  return backend === undefined ? undefined : fromBackend(backend);
}

/** The WebAssembly batch Poseidon (the fallback when the addon is missing). */
export async function loadWasmPoseidon(): Promise<Poseidon> {
  return fromBackend(await loadWasmBackend());
}

interface CircomlibPoseidon {
  (inputs: bigint[]): Uint8Array;
  F: { toObject(value: Uint8Array): bigint };
}

let reference: Promise<Poseidon> | undefined;

/** circomlibjs's own `buildPoseidon` API: the reference for cross-checks and benchmarks. */
export function loadReferencePoseidon(): Promise<Poseidon> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildPoseidon } = require("circomlibjs") as { buildPoseidon(): Promise<CircomlibPoseidon> };
  reference ??= buildPoseidon().then((poseidon) => {
    const hash = (inputs: readonly bigint[]): bigint => {
      inputs.forEach((value, i) => assertFieldElement(value, `Poseidon input ${i}`));
      return poseidon.F.toObject(poseidon([...inputs]));
    };
    return {
      name: "circomlibjs",
      hash,
      hashBatch: (arity, input) => {
        const count = input.length / (arity * ELEMENT_BYTES);
        const output = new Uint8Array(count * ELEMENT_BYTES);
        for (let i = 0; i < count; i += 1) {
          const preimage = Array.from({ length: arity }, (_, j) =>
            fromBytes(input.subarray((i * arity + j) * ELEMENT_BYTES, (i * arity + j + 1) * ELEMENT_BYTES)),
          );
          output.set(toBytes([hash(preimage)]), i * ELEMENT_BYTES);
        }
        return output;
      },
    };
  });
  return reference;
}
