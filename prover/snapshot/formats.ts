import { parseWith } from "../schema/parse";
import { address as addressSchema, decimal as decimalSchema } from "../schema/primitives";
import {
  claimPackageSchema,
  manifestSchema,
  sourceSpecSchema,
  treeHeaderSchema,
  treeLeafLineSchema,
  type ClaimPackage,
  type Manifest,
  type SourceSpec,
  type TreeHeader,
  type TreeLeafLine,
} from "../schema/snapshot";

/**
 * The files a snapshot produces, with parsers for reading them back. The formats are defined once,
 * as zod schemas in prover/schema/snapshot.ts (the types are inferred from them); everything read
 * from disk is untrusted, and a refusal names the file, the field path and the value.
 */
export {
  CLAIM_FORMAT,
  MANIFEST_FORMAT,
  TREE_FORMAT,
  type AdjustmentEntry,
  type ClaimPackage,
  type ClaimPathStep,
  type Manifest,
  type SetupSummary,
  type SnapshotSource,
  type SourceSpec,
  type TreeHeader,
  type TreeLeafLine,
} from "../schema/snapshot";

/** A decimal string of an integer in [0, limit); `where` names the field in the refusal. */
export function decimal(value: unknown, where: string, limit: bigint): string {
  return parseWith(decimalSchema(limit), value, where);
}

/** A checksummed (or single-case) 20-byte address, returned checksummed. */
export function address(value: unknown, where: string): string {
  return parseWith(addressSchema(), value, where);
}

/** Validates a manifest read from disk or the network; `where` names it in refusals. */
export function parseManifest(raw: unknown, where = "manifest"): Manifest {
  return parseWith(manifestSchema, raw, where);
}

/** The shape of one chain source; what a reader accepts is checked by the chain-source configuration. */
export function parseSourceSpec(value: unknown, where: string): SourceSpec {
  return parseWith(sourceSpecSchema, value, where);
}

/** Validates a claim package; `where` names it in refusals. */
export function parseClaimPackage(raw: unknown, where = "claim package"): ClaimPackage {
  return parseWith(claimPackageSchema, raw, where);
}

/** Validates the tree file's header line. */
export function parseTreeHeader(raw: unknown, where = "tree file header"): TreeHeader {
  return parseWith(treeHeaderSchema, raw, where);
}

/** Validates one leaf line of the tree file of a tree of `assets` assets. */
export function parseTreeLeafLine(raw: unknown, assets: number, where: string): TreeLeafLine {
  return parseWith(treeLeafLineSchema(assets), raw, where);
}
