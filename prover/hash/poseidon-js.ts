import { assertFieldElement, SNARK_SCALAR_FIELD } from "./field";
import { POSEIDON_C, POSEIDON_M, POSEIDON_MAX_ARITY } from "./poseidon-constants";

/**
 * Poseidon in plain TypeScript (BigInt arithmetic), with circomlib's parameters: the hash of
 * circomlib's poseidon.circom for arities 1 to POSEIDON_MAX_ARITY (6), which covers every hash of
 * the protocol (leaf 3 or 4 inputs, node 4 or 6, commitment 5).
 *
 * It needs no WebAssembly, no native addon and no Node module, so it runs in a browser, a Web
 * Worker or any JavaScript runtime. It is the backend of the browser entry (`prover/browser.ts`),
 * where a claim needs a few dozen hashes; it is far too slow to build a tree (about 1 ms a hash),
 * which is what the native addon and the WebAssembly batch hasher are for (prover/hash/poseidon.ts).
 * test/hash/poseidon-js.test.ts checks it against circomlibjs and the native addon.
 */

const N_ROUNDS_F = 8;
/** Partial rounds per state width t = arity + 1, from t = 2 (circomlib's table). */
const N_ROUNDS_P = [56, 57, 56, 60, 60, 63] as const;

interface Parameters {
  readonly c: readonly bigint[];
  readonly m: readonly (readonly bigint[])[];
  readonly partialRounds: number;
}

const parameters = new Map<number, Parameters>();

function split(hex: string): bigint[] {
  const values: bigint[] = [];
  for (let i = 0; i < hex.length; i += 64) values.push(BigInt(`0x${hex.slice(i, i + 64)}`));
  return values;
}

function parametersOf(arity: number): Parameters {
  let found = parameters.get(arity);
  if (found === undefined) {
    const t = arity + 1;
    const flat = split(POSEIDON_M[arity - 1] as string);
    found = {
      c: split(POSEIDON_C[arity - 1] as string),
      m: Array.from({ length: t }, (_, i) => flat.slice(i * t, (i + 1) * t)),
      partialRounds: N_ROUNDS_P[arity - 1] as number,
    };
    parameters.set(arity, found);
  }
  return found;
}

const P = SNARK_SCALAR_FIELD;

function pow5(a: bigint): bigint {
  const a2 = (a * a) % P;
  return (((a2 * a2) % P) * a) % P;
}

/**
 * Poseidon(inputs) over the BN254 scalar field. Refuses (RangeError), never reduces, an input
 * that is not a canonical field element, and an arity outside 1..6.
 */
export function poseidonJs(inputs: readonly bigint[]): bigint {
  const arity = inputs.length;
  if (!Number.isInteger(arity) || arity < 1 || arity > POSEIDON_MAX_ARITY) {
    throw new RangeError(`Poseidon arity must be 1..${POSEIDON_MAX_ARITY} here, got ${arity}`);
  }
  inputs.forEach((value, i) => assertFieldElement(value, `Poseidon input ${i}`));
  const { c, m, partialRounds } = parametersOf(arity);
  const t = arity + 1;
  let state = [0n, ...inputs];
  const rounds = N_ROUNDS_F + partialRounds;
  for (let r = 0; r < rounds; r += 1) {
    for (let i = 0; i < t; i += 1) state[i] = ((state[i] as bigint) + (c[r * t + i] as bigint)) % P;
    if (r < N_ROUNDS_F / 2 || r >= N_ROUNDS_F / 2 + partialRounds) {
      for (let i = 0; i < t; i += 1) state[i] = pow5(state[i] as bigint);
    } else {
      state[0] = pow5(state[0] as bigint);
    }
    const next = new Array<bigint>(t);
    for (let i = 0; i < t; i += 1) {
      const row = m[i] as readonly bigint[];
      let sum = 0n;
      for (let j = 0; j < t; j += 1) sum += (row[j] as bigint) * (state[j] as bigint);
      next[i] = sum % P;
    }
    state = next;
  }
  return state[0] as bigint;
}
