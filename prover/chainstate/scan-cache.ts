import { promises as fs } from "node:fs";
import path from "node:path";

import { writeFileAtomic } from "../fs-atomic";
import { sha256Hex } from "../setup/cache";

/**
 * What a log scan's result depends on. The target block's hash is part of it, so a reorg under
 * the snapshot block, or another chain answering on the same URL, never reuses a checkpoint.
 */
export interface ScanKey {
  readonly reader: string;
  readonly chainId: string;
  readonly address: string;
  readonly topic0: string;
  readonly fromBlock: number;
  readonly toBlock: number;
  readonly toBlockHash: string;
}

/** A scan's progress: every log of blocks below `next` is folded into `state`, none above. */
export interface Checkpoint<S> {
  readonly next: number;
  readonly logs: number;
  readonly state: S;
}

const CACHE_FORMAT = "lifeboat.scan-checkpoint.v1";

/**
 * Resumable log indexing. A checkpoint holds the folded state and the first block not yet folded,
 * written together in one atomic rename: after a crash at any instant the file holds either the
 * previous checkpoint or the new one, never a state that misses or double-counts a log. A
 * finished scan stays cached, so re-running a snapshot of the same block reads no logs again.
 * The cache is disposable: a checkpoint that cannot be read is ignored (and reported).
 */
export class ScanCache {
  private readonly lastSaved = new Map<string, number>();

  /**
   * @param directory where checkpoints live; undefined disables the cache
   * @param intervalMs least time between two checkpoints of one scan (0: after every range)
   */
  constructor(
    readonly directory: string | undefined,
    readonly intervalMs = 2_000,
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  fileOf(key: ScanKey): string | undefined {
    if (this.directory === undefined) return undefined;
    const name = `${key.reader}-${key.address.toLowerCase()}-${key.fromBlock}-${key.toBlock}-${sha256Hex(JSON.stringify(key)).slice(0, 16)}.json`;
    return path.join(this.directory, key.chainId, name);
  }

  async load<S>(key: ScanKey, parseState: (raw: unknown) => S): Promise<Checkpoint<S> | undefined> {
    const file = this.fileOf(key);
    if (file === undefined) return undefined;
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch {
      return undefined;
    }
    try {
      const raw = JSON.parse(text) as { format?: unknown; key?: unknown; next?: unknown; logs?: unknown; state?: unknown };
      if (raw.format !== CACHE_FORMAT || JSON.stringify(raw.key) !== JSON.stringify(key)) throw new Error("written for another scan");
      const next = raw.next;
      if (typeof next !== "number" || !Number.isInteger(next) || next < key.fromBlock || next > key.toBlock + 1)
        throw new Error(`next block ${String(next)} is out of range`);
      if (typeof raw.logs !== "number" || !Number.isInteger(raw.logs) || raw.logs < 0) throw new Error("bad log count");
      return { next, logs: raw.logs, state: parseState(raw.state) };
    } catch (error) {
      this.warn(`ignoring the unreadable checkpoint ${file} (${(error as Error).message}); starting this scan over`);
      return undefined;
    }
  }

  /** Saves a checkpoint if the interval has passed since the last one (or `force`). */
  async save<S>(key: ScanKey, checkpoint: Checkpoint<S>, serialize: (state: S) => unknown, force = false): Promise<void> {
    const file = this.fileOf(key);
    if (file === undefined) return;
    const now = Date.now();
    if (!force && now - (this.lastSaved.get(file) ?? 0) < this.intervalMs) return;
    this.lastSaved.set(file, now);
    const body = { format: CACHE_FORMAT, key, next: checkpoint.next, logs: checkpoint.logs, state: serialize(checkpoint.state) };
    await writeFileAtomic(file, JSON.stringify(body), 0o600);
  }
}
