import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";

import { loadPoseidon } from "./poseidon";

/** A Poseidon batch hasher that spreads large batches over worker threads; `close` it when done. */
export interface ParallelHasher {
  /** Same contract as Poseidon.hashBatch, spread over worker threads. */
  hashBatch(arity: number, input: Uint8Array): Promise<Uint8Array>;
  /** Ends the worker threads, so the process can exit. */
  close(): Promise<void>;
}

const ELEMENT_BYTES = 32;
/** Below this many hashes a batch runs on the calling thread: messaging would cost more. */
const PARALLEL_THRESHOLD = 2048;

interface Pending {
  resolve(output: Uint8Array): void;
  reject(error: Error): void;
}

/**
 * A pool of worker threads (default: one per core) that split each large batch into equal slices.
 * Workers start lazily on the first large batch; `close` ends them so the process can exit.
 */
export function createParallelHasher(options: { workers?: number } = {}): ParallelHasher {
  const size = Math.max(1, options.workers ?? os.availableParallelism());
  let workers: Worker[] | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 0;

  const start = (): Worker[] =>
    Array.from({ length: size }, () => {
      const worker = new Worker(path.join(__dirname, "poseidon-worker.js"));
      worker.on("message", (message: { id: number; output?: ArrayBuffer; error?: string }) => {
        const waiting = pending.get(message.id);
        if (waiting === undefined) return;
        pending.delete(message.id);
        if (message.error !== undefined) waiting.reject(new RangeError(message.error));
        else waiting.resolve(new Uint8Array(message.output as ArrayBuffer));
      });
      worker.on("error", (error) => {
        for (const waiting of pending.values()) waiting.reject(error);
        pending.clear();
      });
      return worker;
    });

  const send = (worker: Worker, arity: number, slice: Uint8Array): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const copy = slice.slice(); // a fresh buffer the worker can own
      worker.postMessage({ id, arity, input: copy.buffer }, [copy.buffer]);
    });

  return {
    async hashBatch(arity, input) {
      const count = input.length / (arity * ELEMENT_BYTES);
      if (size === 1 || count < PARALLEL_THRESHOLD) return (await loadPoseidon()).hashBatch(arity, input);
      workers ??= start();
      const per = Math.ceil(count / size);
      const parts = await Promise.all(
        workers.map((worker, w) => {
          const from = Math.min(count, w * per);
          const to = Math.min(count, from + per);
          return send(worker, arity, input.subarray(from * arity * ELEMENT_BYTES, to * arity * ELEMENT_BYTES));
        }),
      );
      const output = new Uint8Array(count * ELEMENT_BYTES);
      let offset = 0;
      for (const part of parts) {
        output.set(part, offset);
        offset += part.length;
      }
      return output;
    },
    async close() {
      if (workers !== undefined) await Promise.all(workers.map((worker) => worker.terminate()));
      workers = undefined;
    },
  };
}
