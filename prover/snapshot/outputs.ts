import { digestsOf, PROVING_FILES, type ArtifactDigests, type ArtifactsIndex } from "../artifacts/files";
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
  inputs: { inputDigest: string; source: SnapshotSource; seedCommitment: string; artifacts: ArtifactsIndex },
): Manifest {
  const { artifacts } = inputs;
  const { tree } = snapshot;
  return {
    format: MANIFEST_FORMAT,
    circuit: artifacts.circuit,
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
      development: artifacts.ceremony.development,
      ...(artifacts.ceremony.development ? { warning: DEVELOPMENT_SETUP_WARNING } : {}),
      circuitDigest: artifacts.circuitDigest,
      constraints: artifacts.constraints,
      ptauKind: artifacts.ceremony.ptauKind,
      ptauSha256: artifacts.ceremony.ptauSha256,
      artifacts: digestsOf(artifacts),
    },
  };
}

/**
 * One user's private claim package. It names only that user's account: the path carries sibling
 * hashes and sibling sums, which are aggregates over anonymous subtrees.
 */
export function claimPackageOf(snapshot: Snapshot, circuit: string, artifacts: ArtifactDigests, leaf: SnapshotLeaf): ClaimPackage {
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
    artifacts,
  };
}

/** The digests a prover needs, as a claim package carries them. */
export function provingDigestsOf(manifest: Manifest): ArtifactDigests {
  return Object.fromEntries(PROVING_FILES.map((name) => [name, manifest.setup.artifacts[name]]));
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
