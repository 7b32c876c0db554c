import type { SetupProvenance } from "../setup/ceremony";
import { DEVELOPMENT_SETUP_WARNING } from "../setup/ceremony";
import { signed } from "./adjustments";
import type { Snapshot, SnapshotLeaf } from "./build";
import {
  CLAIM_FORMAT,
  MANIFEST_FORMAT,
  TREE_FORMAT,
  type ClaimPackage,
  type Manifest,
  type SnapshotSource,
  type TreeHeader,
  type TreeLeafLine,
} from "./formats";

/** The public manifest of a snapshot. */
export function manifestOf(
  snapshot: Snapshot,
  inputs: { circuit: string; inputDigest: string; source: SnapshotSource; seedCommitment: string; setup: SetupProvenance },
): Manifest {
  const { tree } = snapshot;
  return {
    format: MANIFEST_FORMAT,
    circuit: inputs.circuit,
    depth: snapshot.depth,
    assets: snapshot.assets,
    leafCount: tree.leafCount,
    root: tree.root.toString(),
    totals: tree.totals.map(String),
    inputDigest: inputs.inputDigest,
    source: inputs.source,
    exclusions: {
      digest: snapshot.exclusionsDigest,
      accounts: snapshot.excluded.map((row) => ({ account: row.account, balances: row.balances.map(String) })),
      notFound: snapshot.notFound,
    },
    zeroAccounts: snapshot.zeroAccounts,
    adjustments: {
      digest: snapshot.adjustmentsDigest,
      entries: snapshot.adjustments.map((a) => ({ account: a.account, asset: a.asset, delta: signed(a.delta), reason: a.reason })),
    },
    seedCommitment: inputs.seedCommitment,
    setup: {
      development: inputs.setup.development,
      ...(inputs.setup.development ? { warning: DEVELOPMENT_SETUP_WARNING } : {}),
      circuitDigest: inputs.setup.circuitDigest,
      constraints: inputs.setup.constraints,
      ptauKind: inputs.setup.ptau.kind,
      ptauSha256: inputs.setup.ptau.sha256,
      zkeySha256: inputs.setup.zkeySha256,
      verificationKeySha256: inputs.setup.verificationKeySha256,
    },
  };
}

/**
 * One user's private claim package. It names only that user's account: the path carries sibling
 * hashes and sibling sums, which are aggregates over anonymous subtrees.
 */
export function claimPackageOf(snapshot: Snapshot, circuit: string, leaf: SnapshotLeaf): ClaimPackage {
  const { tree } = snapshot;
  return {
    format: CLAIM_FORMAT,
    circuit,
    depth: snapshot.depth,
    assets: snapshot.assets,
    root: tree.root.toString(),
    totals: tree.totals.map(String),
    account: leaf.account,
    salt: leaf.salt.toString(),
    balances: leaf.balances.map(String),
    leafIndex: leaf.index,
    path: tree.path(leaf.index).map((step) => ({
      siblingHash: step.siblingHash.toString(),
      siblingSums: step.siblingSums.map(String),
    })),
  };
}

export function treeHeaderOf(snapshot: Snapshot): TreeHeader {
  return {
    format: TREE_FORMAT,
    depth: snapshot.depth,
    assets: snapshot.assets,
    leafCount: snapshot.tree.leafCount,
    root: snapshot.tree.root.toString(),
    totals: snapshot.tree.totals.map(String),
  };
}

export function treeLeafLineOf(snapshot: Snapshot, leaf: SnapshotLeaf): TreeLeafLine {
  return {
    index: leaf.index,
    account: leaf.account,
    salt: leaf.salt.toString(),
    balances: leaf.balances.map(String),
    leafHash: snapshot.tree.leafHash(leaf.index).toString(),
  };
}
