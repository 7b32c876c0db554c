// Chooses the batch Poseidon backend: the native addon when it was built (npm ci runs
// scripts/build-native.js), else circomlibjs's WebAssembly permutation. Plain JavaScript so that
// worker threads can load it without ts-node.
"use strict";
const path = require("node:path");

const ADDON = path.join(__dirname, "..", "..", "native", "poseidon", "build", "Release", "poseidon.node");

/** The native addon itself (Poseidon, and the prover's QAP, NTT and MSM), or undefined when it is not built. */
function loadNativeAddon() {
  try {
    return require(ADDON);
  } catch {
    return undefined;
  }
}

/** The native backend, or undefined when the addon is not built or does not load here. */
function loadNativeBackend() {
  const addon = loadNativeAddon();
  if (addon === undefined) return undefined;
  return {
    name: "native (C, N-API)",
    hashBatch(arity, input) {
      const output = new Uint8Array((input.length / (32 * arity)) * 32);
      addon.hashBatch(arity, input, output);
      return output;
    },
  };
}

async function loadWasmBackend() {
  const { createWasmPoseidon } = require("./wasm-poseidon.js");
  return createWasmPoseidon();
}

/** The fastest backend available: native, else WebAssembly. `LIFEBOAT_POSEIDON=wasm` forces WebAssembly. */
async function loadBestBackend() {
  if (process.env.LIFEBOAT_POSEIDON !== "wasm") {
    const native = loadNativeBackend();
    if (native !== undefined) return native;
  }
  return loadWasmBackend();
}

module.exports = { loadNativeAddon, loadNativeBackend, loadWasmBackend, loadBestBackend, ADDON };
