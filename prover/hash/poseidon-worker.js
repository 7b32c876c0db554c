// Worker thread of the parallel Poseidon hasher: hashes the batches it is sent.
"use strict";
const path = require("node:path");
const { parentPort } = require("node:worker_threads");

// ffjavascript loads the `web-worker` package, which takes every worker thread for one of its own
// and fails without its workerData. Poseidon runs single-threaded here and never starts a worker,
// so the module is replaced by one that says so if it is ever used.
const webWorker = require.resolve("web-worker", { paths: [path.dirname(require.resolve("ffjavascript"))] });
require.cache[webWorker] = {
  id: webWorker,
  filename: webWorker,
  loaded: true,
  exports: function UnavailableWorker() {
    throw new Error("nested workers are not available inside the Poseidon worker");
  },
};

const { loadBestBackend } = require("./batch-backend.js");

const ready = loadBestBackend();
parentPort.on("message", async ({ id, arity, input }) => {
  try {
    const poseidon = await ready;
    const output = poseidon.hashBatch(arity, new Uint8Array(input));
    parentPort.postMessage({ id, output: output.buffer }, [output.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
