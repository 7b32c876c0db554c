// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildPoseidon } = require("circomlibjs") as { buildPoseidon(): Promise<CircomlibPoseidon> };
import { ELEMENT_BYTES, readElement, writeElement, type BatchHash, type Hash } from "../../prover/tree";

interface CircomlibPoseidon {
  (inputs: bigint[]): Uint8Array;
  F: { toObject(value: Uint8Array): bigint };
}

/** circomlibjs's Poseidon, the reference every other implementation is checked against. */
let reference: Promise<{ hash: Hash; hashBatch: BatchHash }> | undefined;

export function referenceHashing(): Promise<{ hash: Hash; hashBatch: BatchHash }> {
  reference ??= buildPoseidon().then((poseidon) => {
    const hash: Hash = (inputs) => poseidon.F.toObject(poseidon([...inputs]));
    // A batch hasher built from the scalar one, deliberately independent of any batch code path.
    const hashBatch: BatchHash = async (arity, input) => {
      const count = input.length / (arity * ELEMENT_BYTES);
      const output = new Uint8Array(count * ELEMENT_BYTES);
      for (let i = 0; i < count; i += 1) {
        const preimage = Array.from({ length: arity }, (_, j) => readElement(input, i * arity + j));
        writeElement(output, i, hash(preimage));
      }
      return output;
    };
    return { hash, hashBatch };
  });
  return reference;
}

/** A small deterministic pseudo-random generator (xorshift), so test data is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
