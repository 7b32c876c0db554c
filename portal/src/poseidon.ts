import { C, M } from "lifeboat:poseidon-constants";

import { SNARK_SCALAR_FIELD as P } from "../../prover/hash/field";
import type { Hash } from "../../prover/tree/encoding";

/**
 * circomlib's Poseidon in plain BigInt arithmetic (circomlibjs's poseidon_reference.js, the same
 * constants): the tree needs a few dozen hashes per package, which takes milliseconds here, and
 * this keeps the page free of a second WebAssembly field library. Inputs must be field elements.
 */
const N_ROUNDS_F = 8;
const N_ROUNDS_P = [56, 57, 56, 60, 60, 63];

const constants = { C: C.map((row) => row.map(BigInt)), M: M.map((matrix) => matrix.map((row) => row.map(BigInt))) };

const mod = (value: bigint): bigint => value % P;
const pow5 = (x: bigint): bigint => {
  const x2 = mod(x * x);
  return mod(mod(x2 * x2) * x);
};

export const poseidon: Hash = (inputs) => {
  const arity = inputs.length;
  const roundConstants = constants.C[arity - 1];
  const matrix = constants.M[arity - 1];
  const partial = N_ROUNDS_P[arity - 1];
  if (roundConstants === undefined || matrix === undefined || partial === undefined) throw new RangeError(`Poseidon of ${arity} inputs is not supported here`);
  inputs.forEach((value, i) => {
    if (value < 0n || value >= P) throw new RangeError(`Poseidon input ${i} must be a field element in [0, r), got ${value}`);
  });
  const t = arity + 1;
  let state = [0n, ...inputs];
  for (let r = 0; r < N_ROUNDS_F + partial; r += 1) {
    state = state.map((a, i) => mod(a + (roundConstants[r * t + i] as bigint)));
    if (r < N_ROUNDS_F / 2 || r >= N_ROUNDS_F / 2 + partial) state = state.map(pow5);
    else state[0] = pow5(state[0] as bigint);
    state = state.map((_, i) => mod(state.reduce((acc, a, j) => acc + (matrix[i]![j] as bigint) * a, 0n)));
  }
  return state[0] as bigint;
};
