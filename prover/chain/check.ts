import { getAddress, type Provider } from "ethers";

import { LifeboatError } from "../errors";
import { checkClaimPackage } from "../proof/witness";
import type { ClaimPackage } from "../snapshot/formats";
import type { Hash } from "../tree/encoding";
import { attach } from "./contracts";
import { POSEIDON5_CODEHASH, codeHash, poseidon5RuntimeCode } from "./deploy";
import { snapshotStatus, type Deployment, type SnapshotStatus } from "./vault";

/**
 * What is wrong with the vault's hasher, if anything: `vault.hasher()` must be the deployment
 * file's hasher, and its code must be circomlibjs's Poseidon(5) byte for byte (the vault pins its
 * code hash at construction; this checks the vault is one that does). Empty when all is well.
 */
export async function hasherProblems(provider: Provider, deployment: Deployment): Promise<string[]> {
  const vault = await attach("RecoveryVault", deployment.vault, provider);
  const problems: string[] = [];
  let onChain: string;
  try {
    onChain = getAddress((await vault.getFunction("hasher")()) as string);
  } catch (error) {
    return [`vault ${deployment.vault} does not answer hasher(): ${(error as Error).message.split("\n")[0]}`];
  }
  if (onChain !== getAddress(deployment.hasher)) problems.push(`vault.hasher() is ${onChain}, the deployment file names ${deployment.hasher}`);
  const code = (await provider.getCode(onChain)).toLowerCase();
  if (code !== poseidon5RuntimeCode()) {
    problems.push(
      `the code at hasher ${onChain} is not circomlibjs's Poseidon(5): ${(code.length - 2) / 2} bytes, keccak256 ${code === "0x" ? "-" : codeHash(code)}, expected ${POSEIDON5_CODEHASH}`,
    );
  }
  return problems;
}

/**
 * A user's self-check against the chain, meant for the veto window: the package must open to the
 * root and per-asset totals the vault holds for the snapshot, the proposal must name this
 * deployment's verifier for the package's circuit, and the vault's hasher must be the deployment's
 * canonical Poseidon(5). A failure is a reason to ask the guardians to veto before the window
 * closes.
 */
export async function checkInclusion(provider: Provider, deployment: Deployment, snapshotId: bigint, claim: ClaimPackage, hash: Hash): Promise<SnapshotStatus> {
  const status = await snapshotStatus(provider, deployment, snapshotId);
  if (status.state === "none") throw new LifeboatError(`vault ${deployment.vault} has no snapshot ${snapshotId}`);
  checkClaimPackage(hash, claim, {
    root: status.root.toString(),
    totals: status.assets.map((asset) => asset.total.toString()),
    source: `proposal ${snapshotId} on chain`,
  });
  const expected = deployment.verifiers[claim.circuit];
  if (expected === undefined || getAddress(expected) !== status.verifier) {
    throw new LifeboatError(
      `proposal ${snapshotId} names verifier ${status.verifier}, but this deployment's verifier for ${claim.circuit} is ${expected ?? "missing"}: the proof system is not the one your package is for`,
    );
  }
  const hasher = await hasherProblems(provider, deployment);
  if (hasher.length > 0) throw new LifeboatError(`the vault's hasher cannot be trusted: ${hasher.join("; ")}`);
  return status;
}
