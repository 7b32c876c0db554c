import os from "node:os";
import { Worker } from "node:worker_threads";

/** The pool's queue is full: the server answers 503 and the client tries again later. */
export class RecoveryPoolBusy extends Error {
  constructor(queued: number) {
    super(`${queued} signatures are waiting to be checked`);
    this.name = "RecoveryPoolBusy";
  }
}

// Evaluated code that loads ethers by its resolved path: the same under ts-node and from dist/.
const WORKER_SOURCE = `
  const { parentPort } = require("node:worker_threads");
  const { recoverAddress } = require(${JSON.stringify(require.resolve("ethers"))});
  parentPort.on("message", ({ id, digest, signature }) => {
    let signer;
    try { signer = recoverAddress(digest, signature); } catch { signer = undefined; }
    parentPort.postMessage({ id, signer });
  });`;

interface Pending {
  resolve(signer: string | undefined): void;
  reject(error: Error): void;
}

/**
 * Signer recovery (ethers' `recoverAddress`, @noble/curves in JavaScript, ~3 ms a signature here)
 * on worker threads, one per core, so that it neither blocks the server's event loop nor leaves
 * the other cores idle. Used only where libsecp256k1's addon cannot load (prover/serve/ecdsa.ts).
 * Bounded: at most `maxQueued` signatures wait; beyond that `recover` rejects with
 * RecoveryPoolBusy at once. `close` stops the threads and rejects what is still waiting.
 */
export class RecoveryPool {
  private readonly workers: { worker: Worker; load: number }[] = [];
  private readonly pending = new Map<number, Pending & { worker: { load: number } }>();
  private nextId = 0;
  private closed = false;

  constructor(
    readonly size = Math.max(1, os.availableParallelism()),
    readonly maxQueued = 1024,
  ) {
    for (let i = 0; i < size; i += 1) this.workers.push(this.start({ worker: undefined as unknown as Worker, load: 0 }));
  }

  /** Starts a thread; one that stops by itself (it should not) leaves the pool, its work rejected. */
  private start(slot: { worker: Worker; load: number }): { worker: Worker; load: number } {
    slot.worker = new Worker(WORKER_SOURCE, { eval: true });
    slot.worker.on("message", ({ id, signer }: { id: number; signer: string | undefined }) => this.settle(id, (p) => p.resolve(signer)));
    slot.worker.on("error", () => undefined);
    slot.worker.on("exit", () => {
      this.workers.splice(this.workers.indexOf(slot), 1);
      for (const [id, pending] of this.pending) if (pending.worker === slot) this.settle(id, (p) => p.reject(new Error("the signature checker stopped")));
    });
    slot.worker.unref();
    return slot;
  }

  /** The address whose key made the 65-byte `signature` over `digest`, or undefined. */
  recover(digest: string, signature: string): Promise<string | undefined> {
    if (this.closed || this.workers.length === 0) return Promise.reject(new Error("the signature checker has stopped"));
    if (this.pending.size >= this.maxQueued) return Promise.reject(new RecoveryPoolBusy(this.pending.size));
    const slot = this.workers.reduce((least, candidate) => (candidate.load < least.load ? candidate : least));
    const id = this.nextId++;
    slot.load += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: slot });
      slot.worker.postMessage({ id, digest, signature });
    });
  }

  /** Signatures sent to the threads and not answered yet. */
  get queued(): number {
    return this.pending.size;
  }

  /** Stops the threads; signatures still waiting are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id] of this.pending) this.settle(id, (p) => p.reject(new Error("the signature checker has stopped")));
    await Promise.all([...this.workers].map((slot) => slot.worker.terminate()));
  }

  private settle(id: number, action: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    pending.worker.load -= 1;
    action(pending);
  }
}
