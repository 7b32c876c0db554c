import { scanLogs, type ChainLog, type LogScan } from "./log-scan";
import type { ScanCache, ScanKey } from "./scan-cache";

/**
 * A job for foldLogs: a log scan, how to fold its logs into a state `S`, and how to checkpoint that
 * state in the scan cache under `key`.
 */
export interface FoldLogs<S> {
  readonly scan: LogScan;
  readonly key: ScanKey;
  readonly cache: ScanCache;
  /** The state before the first log. */
  readonly initial: () => S;
  /** Folds one log into the state; logs arrive in chain order. */
  readonly fold: (state: S, log: ChainLog) => void;
  /** Turns the state into JSON for a checkpoint; `parse` must read it back. */
  readonly serialize: (state: S) => unknown;
  /** Reads a checkpointed state back (it should validate it). */
  readonly parse: (raw: unknown) => S;
  /** Called after each range: (next block, last block, logs so far). */
  readonly progress?: (next: number, toBlock: number, logs: number) => void;
}

/** The folded state of a scan and what it took. */
export interface FoldResult<S> {
  readonly state: S;
  /** Logs folded in all, those of a resumed checkpoint included. */
  readonly logs: number;
  /** eth_getLogs requests made by this run. */
  readonly requests: number;
  /** The block a cached checkpoint let this run start from, when it did not start from scratch. */
  readonly resumedFrom?: number;
}

/**
 * Folds every log of a scan into a state, resuming from the scan's checkpoint when there is one
 * and checkpointing as it goes (see ScanCache for why this never loses or double-counts a log).
 */
export async function foldLogs<S>(job: FoldLogs<S>): Promise<FoldResult<S>> {
  const { scan, key, cache } = job;
  const cached = await cache.load(key, job.parse);
  const state = cached?.state ?? job.initial();
  let logs = cached?.logs ?? 0;
  const start = cached?.next ?? scan.fromBlock;
  const resumed = cached !== undefined && start > scan.fromBlock ? { resumedFrom: start } : {};
  if (start > scan.toBlock) return { state, logs, requests: 0, ...resumed };

  const { requests } = await scanLogs({ ...scan, fromBlock: start }, async (batch, lastBlock) => {
    for (const log of batch) job.fold(state, log);
    logs += batch.length;
    await cache.save(key, { next: lastBlock + 1, logs, state }, job.serialize, lastBlock === scan.toBlock);
    job.progress?.(lastBlock + 1, scan.toBlock, logs);
  });
  return { state, logs, requests, ...resumed };
}
