import * as z from "zod";

import { LANE_LIMIT, MAX_DEPTH, MIN_DEPTH } from "../tree/constants";
import { ARTIFACT_NAMES, PROVING_FILES, artifactDigestsSchema } from "./artifacts";
import {
  address,
  assetNames,
  boolean,
  decimals,
  fieldElement,
  formatTag,
  got,
  integer,
  issueAt,
  list,
  oneOf,
  positiveDecimal,
  record,
  sha256Hex,
  text,
} from "./primitives";

/**
 * The files a snapshot produces (docs/protocol.md §7): the public manifest, the private claim
 * packages and the auditors' tree file. Everything read back is untrusted.
 */

/** The `format` of a manifest (docs/protocol.md §7.2). */
export const MANIFEST_FORMAT = "lifeboat.manifest.v1";
/** The `format` of a claim package (docs/protocol.md §7.3). */
export const CLAIM_FORMAT = "lifeboat.claim.v1";
/** The `format` of the tree file's header line. */
export const TREE_FORMAT = "lifeboat.tree.v1";

/** Checks that every per-asset list has one entry per asset (the field names are paths below the object). */
function perAsset(ctx: z.RefinementCtx, assets: readonly string[], fields: Record<string, readonly unknown[]>): void {
  for (const [field, values] of Object.entries(fields)) {
    if (values.length !== assets.length) issueAt(ctx, field.split("."), `must be an array of ${assets.length} decimal strings${got(values)}`, values);
  }
}

/** One position source of a chain snapshot (see prover/chainstate/readers). */
export const sourceSpecSchema = record({
  /** The reader's kind: "erc20", "demo-lending-pool", or one a protocol registers. */
  reader: text(),
  /** The contract read (token, pool), checksummed. */
  address: address(),
  /** First block with an event of this contract (its deployment block); logs are read from here. */
  fromBlock: integer(0, Number.MAX_SAFE_INTEGER),
  /** The snapshot asset each of the reader's balance columns adds to, in the reader's column order. */
  assets: list(text(), "an array of asset names"),
});
/** One position source of a chain snapshot. */
export type SourceSpec = z.infer<typeof sourceSpecSchema>;

const fileSource = record({ kind: z.literal("file"), format: oneOf(["csv", "json"]) });
const chainSource = record({
  kind: z.literal("chain"),
  chainId: positiveDecimal(),
  block: integer(0, Number.MAX_SAFE_INTEGER),
  blockHash: z.string().regex(/^0x[0-9a-f]{64}$/, { error: (issue) => `must be a 32-byte lower-case hex string${got(issue.input)}` }),
  sources: list(sourceSpecSchema, "a non-empty array").refine((sources) => sources.length > 0, { error: "must be a non-empty array, got []" }),
});
/** Where the balances came from: a file, or a chain at one block. */
export const snapshotSourceSchema = z.discriminatedUnion("kind", [fileSource, chainSource], {
  error: (issue) => `must be "file" or "chain"${got((issue.input as { kind?: unknown } | null | undefined)?.kind)}`,
});
/** Where a snapshot's balances came from. */
export type SnapshotSource = z.infer<typeof snapshotSourceSchema>;

/** A manual correction as published: delta is signed ("+5", "-3"). */
export const adjustmentEntrySchema = record({
  account: address(),
  asset: text(),
  delta: z.string().regex(/^[+-][1-9][0-9]*$/, { error: (issue) => `must be a signed non-zero integer string${got(issue.input)}` }),
  reason: text(),
});
/** A published manual correction. */
export type AdjustmentEntry = z.infer<typeof adjustmentEntrySchema>;

/** The manifest's account of the proving system: where the keys came from and their digests. */
export const setupSummarySchema = record({
  development: boolean(),
  warning: text().optional(),
  circuitDigest: text(),
  constraints: integer(1, 2 ** 28),
  ptauKind: text(),
  ptauSha256: sha256Hex(),
  /** sha256 of every published file in artifacts/ (docs/protocol.md §9): the anchor provers check. */
  artifacts: artifactDigestsSchema(ARTIFACT_NAMES),
});
/** The manifest's account of the proving system. */
export type SetupSummary = z.infer<typeof setupSummarySchema>;

/** The shape of a snapshot, as the manifest and every claim package state it. Decimal strings: JSON numbers cannot hold them. */
const shapeFields = () => ({
  circuit: text(),
  depth: integer(MIN_DEPTH, MAX_DEPTH),
  assets: assetNames(),
  root: fieldElement(),
  totals: decimals(LANE_LIMIT),
});

/** Public: what the operator publishes and proposes on chain. */
export const manifestSchema = record({
  format: formatTag(MANIFEST_FORMAT),
  ...shapeFields(),
  leafCount: integer(1, 2 ** MAX_DEPTH),
  /** sha256 of the input as read (the balances file, or the canonical file read from chain). */
  inputDigest: text(),
  source: snapshotSourceSchema,
  exclusions: record({
    digest: text(),
    accounts: list(record({ account: address(), balances: decimals(LANE_LIMIT) })),
    notFound: list(address()),
  }),
  /** Accounts of the input left out because every balance is zero after adjustments and exclusions. */
  zeroAccounts: integer(0, Number.MAX_SAFE_INTEGER),
  adjustments: record({ digest: text(), entries: list(adjustmentEntrySchema) }),
  seedCommitment: text(),
  setup: setupSummarySchema,
}).superRefine((m, ctx) => {
  if (m.leafCount > 2 ** m.depth) issueAt(ctx, ["leafCount"], `must be an integer in [1, ${2 ** m.depth}]${got(m.leafCount)}`, m.leafCount);
  perAsset(ctx, m.assets, { totals: m.totals });
  m.exclusions.accounts.forEach((entry, i) => perAsset(ctx, m.assets, { [`exclusions.accounts.${i}.balances`]: entry.balances }));
  m.adjustments.entries.forEach((entry, i) => {
    if (!m.assets.includes(entry.asset))
      issueAt(ctx, ["adjustments", "entries", i, "asset"], `must be one of ${m.assets.join(", ")}${got(entry.asset)}`, entry.asset);
  });
});
/** A snapshot's public manifest, as `manifestSchema` validates it. */
export type Manifest = z.infer<typeof manifestSchema>;

/** One step of a claim package's path, bottom up. */
export const claimPathStepSchema = record({ siblingHash: fieldElement(), siblingSums: decimals(LANE_LIMIT) });
/** One step of a claim path: the sibling's hash and per-asset sums. */
export type ClaimPathStep = z.infer<typeof claimPathStepSchema>;

/** Private to one user: everything that user needs to prove, naming no other account. */
export const claimPackageSchema = record({
  format: formatTag(CLAIM_FORMAT),
  ...shapeFields(),
  account: address(),
  salt: fieldElement(),
  balances: decimals(LANE_LIMIT),
  leafIndex: integer(0, 2 ** MAX_DEPTH - 1),
  /** Bottom-up; step h is the sibling at height h. Left/right comes from bit h of leafIndex. */
  path: list(claimPathStepSchema),
  /** sha256 of the proving files (wasm, zkey, verification key), copied from the manifest. */
  artifacts: artifactDigestsSchema(PROVING_FILES),
}).superRefine((c, ctx) => {
  perAsset(ctx, c.assets, { totals: c.totals, balances: c.balances });
  if (c.leafIndex >= 2 ** c.depth) issueAt(ctx, ["leafIndex"], `must be an integer in [0, ${2 ** c.depth - 1}]${got(c.leafIndex)}`, c.leafIndex);
  if (c.path.length !== c.depth) issueAt(ctx, ["path"], `must have one step per level (${c.depth}), got ${c.path.length}`, c.path);
  c.path.forEach((step, h) => perAsset(ctx, c.assets, { [`path.${h}.siblingSums`]: step.siblingSums }));
});
/** One user's private claim package, as `claimPackageSchema` validates it. */
export type ClaimPackage = z.infer<typeof claimPackageSchema>;

/** First line of the auditors' tree file; each further line is a TreeLeafLine. */
export const treeHeaderSchema = record({
  format: formatTag(TREE_FORMAT),
  depth: integer(MIN_DEPTH, MAX_DEPTH),
  assets: assetNames(),
  leafCount: integer(1, 2 ** MAX_DEPTH),
  root: fieldElement(),
  totals: decimals(LANE_LIMIT),
}).superRefine((t, ctx) => {
  if (t.leafCount > 2 ** t.depth) issueAt(ctx, ["leafCount"], `must be an integer in [1, ${2 ** t.depth}]${got(t.leafCount)}`, t.leafCount);
  perAsset(ctx, t.assets, { totals: t.totals });
});
/** The tree file's header line. */
export type TreeHeader = z.infer<typeof treeHeaderSchema>;

/** One leaf line of the tree file, for a tree of `assets` assets. */
export function treeLeafLineSchema(assets: number) {
  return record({
    index: integer(0, 2 ** MAX_DEPTH),
    account: address(),
    salt: fieldElement(),
    balances: decimals(LANE_LIMIT, assets),
    leafHash: fieldElement(),
  });
}
/** One leaf line of the tree file. */
export type TreeLeafLine = z.infer<ReturnType<typeof treeLeafLineSchema>>;
