import type { RetryPolicy, JsonRpc } from "../rpc";
import type { ScanCache } from "../scan-cache";

import type { SourceSpec } from "../../snapshot/formats";

export type { SourceSpec };

/** What a reader gets: a node, the snapshot block (number and hash) and the shared machinery. */
export interface ReaderContext {
  readonly rpc: JsonRpc;
  readonly chainId: string;
  readonly block: number;
  readonly blockHash: string;
  readonly cache: ScanCache;
  /** Largest block range per eth_getLogs request. */
  readonly maxRange: number;
  readonly policy: RetryPolicy;
  /** Progress and warnings, for stderr. */
  readonly log: (line: string) => void;
}

/** An account whose debt in an asset exceeded its deposit: its balance there is recorded as 0. */
export interface NetDebtor {
  readonly account: string;
  readonly column: number;
  readonly deposit: string;
  readonly debt: string;
}

/** What a reader did for one source, recorded in the snapshot's private source report. */
export interface SourceReport {
  /** The reader's kind (e.g. "erc20"). */
  readonly reader: string;
  /** The contract read. */
  readonly address: string;
  /** The first block scanned (the source's `fromBlock`). */
  readonly fromBlock: number;
  /** Logs read. */
  readonly logs: number;
  /** eth_getLogs requests made by this run. */
  readonly requests: number;
  /** The block a cached checkpoint let the scan resume from, if it did. */
  readonly resumedFrom?: number;
  /** Accounts with a non-zero balance in some column. */
  readonly accounts: number;
  /** Cross-checks made against the contract's own views, as sentences (e.g. "sum = totalSupply()"). */
  readonly checks: readonly string[];
  /** Accounts whose debt exceeded their deposit, recorded with a balance of 0. */
  readonly netDebtors: readonly NetDebtor[];
}

/** What a PositionReader returns for one source: balances per account and its report. */
export interface SourceResult {
  /** Checksummed account → one balance per column (accounts with only zeros are left out). */
  readonly balances: Map<string, bigint[]>;
  readonly report: SourceReport;
}

/**
 * A protocol's positions at a block. Lifeboat ships `erc20` (Transfer-log replay); the demo's pool
 * has its own in examples/demo/reader.ts. A protocol implements this and passes it in (the
 * `readers` option of readChainInput and parseChainSourceConfig, `--reader FILE` on the command
 * line); docs/auditors.md says what a reader must guarantee.
 */
export interface PositionReader {
  readonly kind: string;
  /** How many balance columns it yields (the spec's `assets` must name as many). */
  readonly columns: number;
  read(spec: SourceSpec, context: ReaderContext): Promise<SourceResult>;
}
