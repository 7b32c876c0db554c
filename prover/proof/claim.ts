import * as snarkjs from "snarkjs";

import { LifeboatError } from "../errors";
import type { ClaimPackage } from "../snapshot/formats";
import { snapshotCommitmentPreimage, type Hash } from "../tree/encoding";
import { packLanes } from "../tree/lanes";
import { claimContext, type ClaimTarget } from "./context";
import { PROOF_FORMAT, toCalldata, type ProofFile } from "./proof-file";
import type { ClaimCircuitProver } from "./snarkjs-prover";
import { checkClaimPackage, claimCircuitInput } from "./witness";
import type { VerificationKey } from "./groth16-types";

/**
 * Proves a claim: checks the package opens to its root (and to the manifest's, when given),
 * proves, verifies the proof locally, and returns the proof file. Nothing unverified leaves here.
 */
export async function proveClaim(args: {
  claim: ClaimPackage;
  target: ClaimTarget;
  hash: Hash;
  prover: ClaimCircuitProver;
  expected?: { root: string; totals: readonly string[]; source: string } | undefined;
}): Promise<ProofFile> {
  const { claim, target, hash, prover } = args;
  if (claim.circuit !== prover.circuit) {
    throw new LifeboatError(`claim package is for circuit ${claim.circuit}, but the prover is ${prover.circuit}`);
  }
  checkClaimPackage(hash, claim, args.expected);
  const input = claimCircuitInput(hash, claim, claimContext(target));
  const result = await prover.prove(input);
  if (!(await prover.verify(result))) {
    throw new LifeboatError("the proof just made does not verify; refusing to write it (the zkey and the verification key do not belong together)");
  }
  return {
    format: PROOF_FORMAT,
    circuit: claim.circuit,
    chainId: target.chainId.toString(),
    vault: target.vault,
    snapshotId: target.snapshotId.toString(),
    root: claim.root,
    totals: claim.totals,
    account: claim.account,
    amounts: claim.balances,
    publicSignals: result.publicSignals,
    proof: result.proof,
    calldata: toCalldata(result.proof, result.publicSignals),
  };
}

/** verifyProofFile's verdict. */
export interface VerifyOutcome {
  readonly valid: boolean;
  /** Why the proof is refused; absent when valid. */
  readonly reason?: string;
}

/**
 * Verifies a proof file as the vault would: the public signals must be exactly the snapshot
 * commitment of the stated root, totals, chain, vault and snapshot, the stated account and the
 * stated amounts, and the Groth16 proof must verify against the verification key.
 */
export async function verifyProofFile(
  file: ProofFile,
  hash: Hash,
  verificationKey: VerificationKey,
  expected?: { root: string; totals: readonly string[]; source: string },
): Promise<VerifyOutcome> {
  if (expected !== undefined && (expected.root !== file.root || expected.totals.join() !== file.totals.join())) {
    return { valid: false, reason: `the proof is for root ${file.root}, but the ${expected.source} root is ${expected.root}` };
  }
  let signals: string[];
  try {
    const context = claimContext({ chainId: BigInt(file.chainId), vault: file.vault, snapshotId: BigInt(file.snapshotId) });
    const commitment = hash(snapshotCommitmentPreimage(BigInt(file.root), file.totals.map(BigInt), context));
    signals = [commitment, BigInt(file.account), ...packLanes(file.amounts.map(BigInt), "amount")].map(String);
  } catch (error) {
    return { valid: false, reason: (error as Error).message };
  }
  if (signals.length !== file.publicSignals.length) {
    return { valid: false, reason: `expected ${signals.length} public signals, the file has ${file.publicSignals.length}` };
  }
  const names = ["snapshotCommitment", "account", ...file.amounts.map((_, j) => `amounts[${j}]`)];
  for (let i = 0; i < signals.length; i += 1) {
    if (signals[i] !== file.publicSignals[i]) {
      return { valid: false, reason: `public signal ${i} (${names[i] ?? "amounts"}) does not match the file's root, totals, target, account or amounts` };
    }
  }
  if (verificationKey.nPublic !== signals.length) {
    return { valid: false, reason: `the verification key takes ${verificationKey.nPublic} public signals, the proof has ${signals.length}` };
  }
  const valid = await snarkjs.groth16.verify(verificationKey, file.publicSignals, file.proof);
  return valid ? { valid: true } : { valid: false, reason: "the Groth16 proof does not verify against the verification key" };
}
