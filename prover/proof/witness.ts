import { LifeboatError } from "../errors";
import type { ClaimPackage } from "../snapshot/formats";
import { openPath, snapshotCommitmentPreimage, type Hash, type PathStep } from "../tree/encoding";
import { packLanes } from "../tree/lanes";

/** The circuit's input signals, named as in circuits/claim.circom. */
export interface ClaimCircuitInput {
  readonly snapshotCommitment: bigint;
  readonly account: bigint;
  readonly amounts: bigint[];
  readonly context: bigint;
  readonly salt: bigint;
  readonly balances: bigint[];
  readonly pathBits: number[];
  readonly siblingHashes: bigint[];
  readonly siblingSums: bigint[][];
}

/** The path of a claim package in the tree's own form. */
export function packagePath(claim: ClaimPackage): PathStep[] {
  return claim.path.map((step, height) => ({
    isRight: Math.floor(claim.leafIndex / 2 ** height) % 2 === 1,
    siblingHash: BigInt(step.siblingHash),
    siblingSums: step.siblingSums.map(BigInt),
  }));
}

/**
 * Checks that a claim package opens to its own root and totals (and to `expected`, the manifest's
 * or the chain's, when given) before any proving work is spent on it.
 */
export function checkClaimPackage(
  hash: Hash,
  claim: ClaimPackage,
  expected?: { root: string; totals: readonly string[]; source: string },
): { root: bigint; totals: bigint[] } {
  let opened;
  try {
    opened = openPath(hash, { account: BigInt(claim.account), salt: BigInt(claim.salt), balances: claim.balances.map(BigInt) }, packagePath(claim));
  } catch (error) {
    throw new LifeboatError(`claim package for ${claim.account} does not open: ${(error as Error).message}`);
  }
  if (opened.root !== BigInt(claim.root)) {
    throw new LifeboatError(
      `claim package for ${claim.account} opens to root ${opened.root}, but the package says ${claim.root}: the package is corrupt or was altered`,
    );
  }
  opened.totals.forEach((total, k) => {
    if (total !== BigInt(claim.totals[k] as string)) {
      throw new LifeboatError(`claim package for ${claim.account} opens to total ${total} of ${claim.assets[k]}, but the package says ${claim.totals[k]}`);
    }
  });
  if (expected !== undefined) {
    if (expected.root !== claim.root) {
      throw new LifeboatError(
        `claim package for ${claim.account} is for root ${claim.root}, but the ${expected.source} root is ${expected.root}: wrong snapshot`,
      );
    }
    expected.totals.forEach((total, k) => {
      if (total !== claim.totals[k]) {
        throw new LifeboatError(`claim package total of ${claim.assets[k]} is ${claim.totals[k]}, but the ${expected.source} says ${total}`);
      }
    });
  }
  return opened;
}

/** The full circuit input for a package and a context. */
export function claimCircuitInput(hash: Hash, claim: ClaimPackage, context: bigint): ClaimCircuitInput {
  const { root, totals } = checkClaimPackage(hash, claim);
  const balances = claim.balances.map(BigInt);
  const path = packagePath(claim);
  return {
    snapshotCommitment: hash(snapshotCommitmentPreimage(root, totals, context)),
    account: BigInt(claim.account),
    amounts: packLanes(balances, "balance"),
    context,
    salt: BigInt(claim.salt),
    balances,
    pathBits: path.map((step) => (step.isRight ? 1 : 0)),
    siblingHashes: path.map((step) => step.siblingHash),
    siblingSums: path.map((step) => [...step.siblingSums]),
  };
}
