import { scanLogs, type ChainLog, type LogScan } from "./log-scan";
import type { ScanCache, ScanKey } from "./scan-cache";

export interface FoldLogs<S> {
  readonly scan: LogScan;
  readonly key: ScanKey;
  readonly cache: ScanCache;
  readonly initial: () => S;
  /** Folds one log into the state; logs arrive in chain order. */
  readonly fold: (state: S, log: ChainLog) => void;
  readonly serialize: (state: S) => unknown;
  readonly parse: (raw: unknown) => S;
  /** Called after each range: (next block, last block, logs so far). */
  readonly progress?: (next: number, toBlock: number, logs: number) => void;
}

export interface FoldResult<S> {
  readonly state: S;
  readonly logs: number;
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
