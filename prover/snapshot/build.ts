import { createHash } from "node:crypto";

import { InputError } from "../errors";
import { LANE_LIMIT } from "../tree/constants";
import { hashLeaves } from "../tree/encoding";
import { MerkleSumTree, type BatchHash } from "../tree/sum-tree";
import { adjustmentsDigest, applyAdjustments, type Adjustment } from "./adjustments";
import { rowLocation, ZERO_ADDRESS, type BalanceRow, type BalanceSheet } from "./input";
import { deriveOrderKey, deriveSalt } from "./seed";

/** One leaf of the snapshot, in tree order. */
export interface SnapshotLeaf {
  readonly index: number;
  readonly account: string;
  readonly salt: bigint;
  readonly balances: readonly bigint[];
}

/**
 * A built snapshot: its leaves in tree order, the sum tree over them, and the record of what was
 * left out or corrected, from which the manifest and claim packages are written.
 */
export interface Snapshot {
  /** Tree depth: the tree has 2^depth leaf slots. */
  readonly depth: number;
  /** Asset names, in lane order; every balance and total lists its assets in this order. */
  readonly assets: readonly string[];
  readonly leaves: readonly SnapshotLeaf[];
  readonly tree: MerkleSumTree;
  /** The input rows removed by the exclusion list, with their balances (base units). */
  readonly excluded: readonly BalanceRow[];
  /** Exclusion-list entries that named no account of the input. */
  readonly notFound: readonly string[];
  /** Accounts left out because every balance is zero after adjustments and exclusions (never leaves). */
  readonly zeroAccounts: number;
  /** `sha256:<hex>` over the sorted, lower-case exclusion list (see exclusionsDigest). */
  readonly exclusionsDigest: string;
  readonly adjustments: readonly Adjustment[];
  /** `sha256:<hex>` over the adjustments in order (see adjustmentsDigest). */
  readonly adjustmentsDigest: string;
}

/** Options of buildSnapshot. */
export interface BuildOptions {
  /** Tree depth: the tree has 2^depth leaf slots. */
  readonly depth: number;
  /** The operator's secret 32-byte seed, from which each account's salt and leaf order derive. */
  readonly seed: Uint8Array;
  /** Accounts to leave out of the tree (their rows are reported in `excluded`). */
  readonly exclusions?: readonly string[];
  /** Manual corrections, applied before exclusions; an excluded account cannot be adjusted. */
  readonly adjustments?: readonly Adjustment[];
  /** Addresses that may never be a leaf (the vault, known sinks); the zero address always is one. */
  readonly unpayable?: readonly string[];
  /** The Poseidon batch hasher the leaves and levels are hashed with. */
  readonly hashBatch: BatchHash;
  /** Called as the leaves are hashed and the levels are built: (done, total) in hashes. */
  readonly progress?: (done: number, total: number) => void;
}

/**
 * Builds the snapshot: applies the adjustments, removes excluded accounts, places the rest in
 * keyed-hash order, derives their salts and builds the sum tree. Pure apart from the injected
 * hasher: the same input, adjustments, exclusions, seed and depth always give the same root,
 * whatever the order of the input rows.
 */
export async function buildSnapshot(sheet: BalanceSheet, options: BuildOptions): Promise<Snapshot> {
  const { depth, seed, hashBatch } = options;
  const adjustments = options.adjustments ?? [];
  const { included, excluded, notFound, zero } = selectAccounts(sheet, options.exclusions ?? [], adjustments, options.unpayable ?? []);

  checkSnapshotSize(included, sheet.assets, depth);

  const ordered = included.map((row) => ({ row, key: deriveOrderKey(seed, row.account) })).sort((a, b) => Buffer.compare(a.key, b.key));
  const leaves: SnapshotLeaf[] = ordered.map(({ row }, index) => ({
    index,
    account: row.account,
    salt: deriveSalt(seed, row.account),
    balances: row.balances,
  }));

  const totalWork = 2 * leaves.length;
  const leafBuffers = await hashLeaves(
    leaves.map((leaf) => ({ account: BigInt(leaf.account), salt: leaf.salt, balances: leaf.balances })),
    sheet.assets.length,
    hashBatch,
    (done) => options.progress?.(done, totalWork),
  );
  const tree = await MerkleSumTree.build({ depth, assets: sheet.assets.length, ...leafBuffers }, hashBatch);
  options.progress?.(totalWork, totalWork);

  return {
    depth,
    assets: sheet.assets,
    leaves,
    tree,
    excluded,
    notFound,
    zeroAccounts: zero.length,
    exclusionsDigest: exclusionsDigest(options.exclusions ?? []),
    adjustments,
    adjustmentsDigest: adjustmentsDigest(adjustments),
  };
}

/**
 * Which rows become leaves: adjustments, then exclusions, then the all-zero rule (leafRows). Also
 * what an auditor re-runs. Refuses an account that may never be paid (the zero address, and every
 * `unpayable` address) wherever it would become a leaf or be adjusted.
 */
export function selectAccounts(
  sheet: BalanceSheet,
  exclusions: readonly string[],
  adjustments: readonly Adjustment[],
  unpayable: readonly string[] = [],
): { included: BalanceRow[]; excluded: BalanceRow[]; notFound: string[]; zero: BalanceRow[] } {
  const excludedSet = new Set(exclusions.map((account) => account.toLowerCase()));
  const unpayableSet = new Set([ZERO_ADDRESS, ...unpayable].map((account) => account.toLowerCase()));
  adjustments.forEach((adjustment, i) => {
    if (excludedSet.has(adjustment.account.toLowerCase())) {
      throw new InputError(`${adjustment.account} is both excluded and adjusted: an excluded account gets nothing, so drop one of the two`);
    }
    if (unpayableSet.has(adjustment.account.toLowerCase())) {
      throw new InputError(
        `adjustment ${i + 1}: account ${adjustment.account} is unpayable (--unpayable): it can never be paid, so it cannot be given a balance`,
      );
    }
  });
  sheet.rows.forEach((row, i) => {
    const key = row.account.toLowerCase();
    // An all-zero row is never a leaf (leafRows), so only a row holding something is refused.
    if (unpayableSet.has(key) && !excludedSet.has(key) && row.balances.some((balance) => balance !== 0n)) {
      throw new InputError(
        `${rowLocation(sheet, i)}: account ${row.account} is unpayable (--unpayable) and would be a leaf whose share no one can claim; exclude it (--exclude) so that its balance is recorded and left out`,
      );
    }
  });
  const { included, excluded, notFound } = applyExclusions(applyAdjustments(sheet, adjustments).rows, exclusions);
  return { ...leafRows(included), excluded, notFound };
}

/**
 * The one rule for all-zero accounts (docs/protocol.md §7.2c), applied to every input kind: an
 * account whose balances are all zero after adjustments and exclusions is never a leaf. It could
 * claim nothing, and leaving it out makes the tree a function of the balances alone: the same
 * balances give the same root whether or not they come with zero rows, adjustments or a chain
 * history of former holders. The manifest counts the accounts left out (`zeroAccounts`).
 */
export function leafRows(rows: readonly BalanceRow[]): { included: BalanceRow[]; zero: BalanceRow[] } {
  const included: BalanceRow[] = [];
  const zero: BalanceRow[] = [];
  for (const row of rows) (row.balances.some((balance) => balance !== 0n) ? included : zero).push(row);
  return { included, zero };
}

/**
 * The checks that need no hashing: at least one account, no more than the depth holds, and every
 * per-asset total below 2^96. Cheap, so callers run them before any slow setup work.
 */
export function checkSnapshotSize(included: readonly BalanceRow[], assets: readonly string[], depth: number): void {
  if (included.length === 0) throw new InputError("no account holds anything after adjustments and exclusions: nothing to snapshot");
  if (included.length > 2 ** depth) {
    throw new InputError(`${included.length} accounts do not fit a tree of depth ${depth} (at most ${2 ** depth}); pass a larger --depth`);
  }
  assets.forEach((asset, k) => {
    const total = included.reduce((sum, row) => sum + (row.balances[k] as bigint), 0n);
    if (total >= LANE_LIMIT) {
      throw new InputError(`the total of ${asset} is ${total}, not below 2^96 (${LANE_LIMIT}); the circuit range-checks every sum to 96 bits`);
    }
  });
}

/** Splits rows into included and excluded accounts (exclusions compare case-insensitively). */
export function applyExclusions(
  rows: readonly BalanceRow[],
  exclusions: readonly string[],
): { included: BalanceRow[]; excluded: BalanceRow[]; notFound: string[] } {
  const excludedSet = new Set(exclusions.map((account) => account.toLowerCase()));
  const included: BalanceRow[] = [];
  const excluded: BalanceRow[] = [];
  for (const row of rows) (excludedSet.has(row.account.toLowerCase()) ? excluded : included).push(row);
  const present = new Set(rows.map((row) => row.account.toLowerCase()));
  return { included, excluded, notFound: exclusions.filter((account) => !present.has(account.toLowerCase())) };
}

/** sha256 over the sorted, lower-case exclusion list, one address and a newline each. */
export function exclusionsDigest(accounts: readonly string[]): string {
  const canonical = accounts
    .map((account) => `${account.toLowerCase()}\n`)
    .sort()
    .join("");
  return `sha256:${createHash("sha256").update(canonical).digest("hex")}`;
}
