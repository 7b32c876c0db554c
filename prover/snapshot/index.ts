/**
 * `lifeboat/snapshot`: the operator's side. Reads a balances file or a chain source, applies
 * exclusions and adjustments, builds the Merkle sum tree and writes the public manifest, the
 * per-user claim packages and the auditors' tree file.
 *
 * @packageDocumentation
 */
export { createSnapshot, type CreateOptions, type SnapshotInput } from "./create";
export { buildSnapshot, type BuildOptions, type Snapshot, type SnapshotLeaf } from "./build";
export { writeSnapshot, claimFileName, SNAPSHOT_FILES } from "./write";
export { parseBalances, parseExclusions, parseUnpayable, balancesFormat, type BalanceRow, type BalanceSheet } from "./input";
export { parseAdjustments, applyAdjustments, type Adjustment } from "./adjustments";
export {
  parseManifest,
  parseClaimPackage,
  parseTreeHeader,
  parseTreeLeafLine,
  MANIFEST_FORMAT,
  CLAIM_FORMAT,
  TREE_FORMAT,
  type Manifest,
  type ClaimPackage,
  type ClaimPathStep,
  type TreeHeader,
  type TreeLeafLine,
} from "./formats";
export { generateSeed, parseSeed, formatSeed, seedCommitment } from "./seed";
