import { getAddress, type Provider } from "ethers";

import { LifeboatError } from "../errors";
import { checkClaimPackage } from "../proof/witness";
import type { ClaimPackage } from "../snapshot/formats";
import type { Hash } from "../tree/encoding";
import { snapshotStatus, type Deployment, type SnapshotStatus } from "./vault";

/**
 * A user's self-check against the chain, meant for the veto window: the package must open to the
 * root and per-asset totals the vault holds for the snapshot, and the proposal must name this
 * deployment's verifier for the package's circuit. A failure is a reason to ask the guardians to
 * veto before the window closes.
 */
export async function checkInclusion(
  provider: Provider,
  deployment: Deployment,
  snapshotId: bigint,
  claim: ClaimPackage,
  hash: Hash,
): Promise<SnapshotStatus> {
  const status = await snapshotStatus(provider, deployment, snapshotId);
  if (status.state === "none") throw new LifeboatError(`vault ${deployment.vault} has no snapshot ${snapshotId}`);
  checkClaimPackage(hash, claim, {
    root: status.root.toString(),
    totals: status.assets.map((asset) => asset.total.toString()),
    source: `proposal ${snapshotId} on chain`,
  });
  const expected = deployment.verifiers[claim.circuit];
  if (expected === undefined || getAddress(expected) !== status.verifier) {
    throw new LifeboatError(`proposal ${snapshotId} names verifier ${status.verifier}, but this deployment's verifier for ${claim.circuit} is ${expected ?? "missing"}: the proof system is not the one your package is for`);
  }
  return status;
}
