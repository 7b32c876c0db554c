import { LifeboatError } from "../errors";
import type { SnapshotSource } from "../snapshot/formats";
import { parseBalances, ZERO_ADDRESS, type BalanceSheet } from "../snapshot/input";
import { LANE_LIMIT } from "../tree/constants";
import type { ChainSourceConfig } from "./config";
import { BUILTIN_READERS, readersByKind, type PositionReader, type SourceReport } from "./readers";
import { blockAt, DEFAULT_RETRY, hexQuantity, sendWithRetry, type JsonRpc, type RetryPolicy } from "./rpc";
import { ScanCache } from "./scan-cache";

/** Where a chain snapshot's input came from, as the manifest records it. */
export type ChainSource = Extract<SnapshotSource, { kind: "chain" }>;

/** Options of readChainInput. */
export interface ChainReadOptions {
  /** The node to read from. */
  readonly rpc: JsonRpc;
  /** The snapshot block: balances are read as of the end of this block. */
  readonly block: number;
  /** Checkpoint directory for resumable log indexing; undefined: no cache. */
  readonly cacheDirectory?: string | undefined;
  /** Least time between checkpoints of a scan, in ms (default 2 s). */
  readonly checkpointMs?: number | undefined;
  /** Largest eth_getLogs block range (default 2,000). */
  readonly maxRange?: number | undefined;
  /** How failed requests are retried (default DEFAULT_RETRY). */
  readonly policy?: RetryPolicy | undefined;
  /** Progress lines (many: throttle them for a terminal). */
  readonly progress?: ((line: string) => void) | undefined;
  /** Warnings, e.g. an unreadable checkpoint that is ignored. */
  readonly warn?: ((line: string) => void) | undefined;
  /** The readers the configuration's sources may name (default: the built-in `erc20`). */
  readonly readers?: readonly PositionReader[] | undefined;
}

/** What readChainInput returns: the balances read from chain and the record of how they were read. */
export interface ChainInput {
  /** The balances, summed per account and asset over every source, in base units. */
  readonly sheet: BalanceSheet;
  /** The canonical balances file (CSV, rows by lower-case address): its sha256 is the manifest's inputDigest. */
  readonly csv: string;
  /** The chain, block and sources, as the manifest records them. */
  readonly source: ChainSource;
  /** One report per configured source, in configuration order. */
  readonly reports: readonly SourceReport[];
}

/** Default largest block range of one eth_getLogs request; ranges a node refuses are split. */
export const DEFAULT_MAX_RANGE = 2_000;

/**
 * Reads the pre-incident balances of every configured source at `block` and sums them per account
 * and asset. Deterministic: the same chain, block and configuration give the same canonical file,
 * whatever the node's range limits, failures or restarts along the way.
 */
export async function readChainInput(config: ChainSourceConfig, options: ChainReadOptions): Promise<ChainInput> {
  const { rpc } = options;
  const policy = options.policy ?? DEFAULT_RETRY;
  const log = options.progress ?? (() => undefined);
  const chainId = hexQuantity(await sendWithRetry(rpc, "eth_chainId", [], policy), "chain id").toString();
  if (chainId !== config.chainId) throw new LifeboatError(`the configuration is for chain ${config.chainId}, the node serves chain ${chainId}`);
  const head = await blockAt(rpc, "latest", policy);
  if (!Number.isSafeInteger(options.block) || options.block < 0 || options.block > head.number) {
    throw new LifeboatError(`--block ${options.block} is not a block of this chain (its head is ${head.number})`);
  }
  const { hash: blockHash } = await blockAt(rpc, options.block, policy);
  const context = {
    rpc,
    chainId,
    block: options.block,
    blockHash,
    cache: new ScanCache(options.cacheDirectory, options.checkpointMs ?? 2_000, options.warn),
    maxRange: options.maxRange ?? DEFAULT_MAX_RANGE,
    policy,
    log,
  };

  const readers = readersByKind(options.readers ?? BUILTIN_READERS);
  const totals = new Map<string, bigint[]>();
  const reports: SourceReport[] = [];
  for (const spec of config.sources) {
    if (spec.fromBlock > options.block)
      throw new LifeboatError(`source ${spec.reader} ${spec.address} starts at block ${spec.fromBlock}, after --block ${options.block}`);
    const reader = readers.get(spec.reader);
    if (reader === undefined)
      throw new LifeboatError(
        `source ${spec.reader} ${spec.address}: no reader of kind ${spec.reader} was given (given: ${[...readers.keys()].join(", ")}); pass the protocol's reader (--reader FILE)`,
      );
    const { balances, report } = await reader.read(spec, context);
    for (const [account, columns] of balances) {
      if (account.toLowerCase() === ZERO_ADDRESS) {
        throw new LifeboatError(
          `source ${spec.reader} ${spec.address} reports the zero address as a holder (${columns.join("/")}): it can never be paid, and no reader may return it`,
        );
      }
      const row = totals.get(account) ?? config.assets.map(() => 0n);
      columns.forEach((amount, c) => {
        const k = config.assets.indexOf(spec.assets[c] as string);
        row[k] = (row[k] as bigint) + amount;
      });
      totals.set(account, row);
    }
    reports.push(report);
  }

  // An account holding nothing is never a leaf (docs/protocol.md §7.2c): the canonical file leaves it out.
  for (const [account, row] of totals) if (row.every((amount) => amount === 0n)) totals.delete(account);
  const accounts = [...totals.keys()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  for (const account of accounts) {
    (totals.get(account) as bigint[]).forEach((amount, k) => {
      if (amount >= LANE_LIMIT)
        throw new LifeboatError(`${account} holds ${amount} ${config.assets[k]} at block ${options.block}, not below 2^96: the claim circuit cannot carry it`);
    });
  }
  if (accounts.length === 0) throw new LifeboatError(`no account holds anything in the configured sources at block ${options.block}`);
  const csv = `${["account", ...config.assets].join(",")}\n${accounts.map((account) => `${account},${(totals.get(account) as bigint[]).join(",")}\n`).join("")}`;
  return {
    sheet: parseBalances(csv, "csv"),
    csv,
    source: { kind: "chain", chainId, block: options.block, blockHash, sources: config.sources },
    reports,
  };
}
