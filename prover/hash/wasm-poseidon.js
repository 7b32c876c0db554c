// Batch Poseidon on circomlibjs's WebAssembly permutation.
//
// circomlibjs already computes the whole permutation inside WebAssembly, but its public API
// converts every input and output between BigInt and field elements in JavaScript, which costs
// more than the permutation. Here a whole batch is copied into WebAssembly memory once, converted
// to and from Montgomery form by direct calls into the field code, and hashed by calling the
// exported permutation on pointers. Plain JavaScript so that worker threads can load it directly.
"use strict";

const { buildPoseidon } = require("circomlibjs");

const ELEMENT_BYTES = 32;
// BN254 scalar field modulus r, big-endian bytes, for the canonical-input check.
const MODULUS_BE = Buffer.from("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", "hex");
// Items hashed per pass through WebAssembly memory. circomlibjs's heap is small (about 740 KB free)
// and its allocator never frees, so one fixed buffer is taken at creation, sized for arity 16.
const CHUNK = 512;
const MAX_ARITY = 16;

/** Index of the first non-canonical element (>= r) of a 32-byte little-endian buffer, or -1. */
function firstNonCanonical(input) {
  const count = input.length / ELEMENT_BYTES;
  for (let i = 0; i < count; i += 1) {
    const top = input[i * ELEMENT_BYTES + 31];
    if (top < 0x30) continue;
    if (top > 0x30) return i;
    for (let b = 31; b >= 0; b -= 1) {
      const byte = input[i * ELEMENT_BYTES + b];
      const limit = MODULUS_BE[31 - b];
      if (byte < limit) break;
      if (byte > limit || b === 0) return i;
    }
  }
  return -1;
}

async function createWasmPoseidon() {
  const poseidon = await buildPoseidon();
  const F = poseidon.F;
  const tm = F.tm;
  const exports = tm.instance.exports;
  const toMontgomery = exports[`${F.prefix}_toMontgomery`];
  const fromMontgomery = exports[`${F.prefix}_fromMontgomery`];
  const pState = tm.alloc(ELEMENT_BYTES);
  const pIn = tm.alloc(CHUNK * MAX_ARITY * ELEMENT_BYTES);
  const pOut = tm.alloc(CHUNK * ELEMENT_BYTES);

  /** Hashes input.length / (arity * 32) preimages; returns their 32-byte little-endian hashes. */
  function hashBatch(arity, input) {
    if (!Number.isInteger(arity) || arity < 1 || arity > MAX_ARITY) throw new RangeError(`arity must be 1..${MAX_ARITY}, got ${arity}`);
    if (input.length % (arity * ELEMENT_BYTES) !== 0) {
      throw new RangeError(`input of ${input.length} bytes is not a whole number of ${arity}-element preimages`);
    }
    const bad = firstNonCanonical(input);
    if (bad >= 0) {
      const hex = Buffer.from(input.subarray(bad * ELEMENT_BYTES, (bad + 1) * ELEMENT_BYTES))
        .reverse()
        .toString("hex");
      throw new RangeError(`Poseidon input element ${bad} (preimage ${Math.floor(bad / arity)}) is not a field element below r: 0x${hex}`);
    }
    const count = input.length / (arity * ELEMENT_BYTES);
    const output = new Uint8Array(count * ELEMENT_BYTES);
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      // The heap may have grown since the last call: take a fresh view every chunk.
      tm.u8.set(input.subarray(start * arity * ELEMENT_BYTES, (start + n) * arity * ELEMENT_BYTES), pIn);
      for (let e = 0; e < n * arity; e += 1) toMontgomery(pIn + e * ELEMENT_BYTES, pIn + e * ELEMENT_BYTES);
      for (let i = 0; i < n; i += 1) {
        tm.u8.fill(0, pState, pState + ELEMENT_BYTES);
        exports.poseidon(pState, pIn + i * arity * ELEMENT_BYTES, arity, pOut + i * ELEMENT_BYTES, 1);
      }
      for (let i = 0; i < n; i += 1) fromMontgomery(pOut + i * ELEMENT_BYTES, pOut + i * ELEMENT_BYTES);
      output.set(tm.u8.subarray(pOut, pOut + n * ELEMENT_BYTES), start * ELEMENT_BYTES);
    }
    return output;
  }

  return { name: "circomlibjs-wasm-batch", hashBatch };
}

module.exports = { createWasmPoseidon, firstNonCanonical, ELEMENT_BYTES };
