import { promises as fs } from "node:fs";
import path from "node:path";

import { Interface, TypedDataEncoder, ZeroAddress, getAddress, recoverAddress, type Contract, type Signer } from "ethers";

import { SAFE_TX_TYPES } from "../chain/safe";
import { LifeboatError } from "../errors";
import { writeFileAtomic } from "../fs-atomic";
import { parseJsonText } from "../json";

/**
 * Quorum monitoring, the signing half: several watchers, each run by a different person holding one
 * owner key of the guardians' Safe, sign the *same* Safe transaction — the pool's halt with a fixed
 * reason at the Safe's current nonce — when, and only when, they observe a crossed bound
 * themselves, and share their EIP-712 signatures as files in a shared directory. Whoever holds
 * threshold-many valid signatures executes `execTransaction`. Everything read from the directory
 * is untrusted: a signature counts only if it recovers, over the hash this node computed itself, to
 * a current owner of the Safe. So a watcher that is down delays nothing while the others reach the
 * threshold, and a watcher that lies (signs with no cause, forges others' files, signs another
 * transaction) cannot reach it alone.
 */

export const QUORUM_SIGNATURE_FORMAT = "lifeboat.quorum-signature.v1";

/** The halt every watcher signs. Fixed, so that independent watchers sign identical transactions. */
export const QUORUM_HALT_REASON = "lifeboat watch quorum: a guard bound was crossed";

const HALT = new Interface(["function halt(string reason)"]);

/** A Safe transaction with no refund and no delegatecall: the only kind the watchers sign. */
export interface SafeTx {
  readonly chainId: bigint;
  readonly safe: string;
  readonly to: string;
  readonly data: string;
  readonly nonce: bigint;
}

/** One watcher's shared signature file. `observed` is what it saw (for the record; not signed). */
export interface QuorumSignature {
  readonly format: typeof QUORUM_SIGNATURE_FORMAT;
  readonly chainId: string;
  readonly safe: string;
  readonly to: string;
  readonly data: string;
  readonly nonce: string;
  readonly safeTxHash: string;
  readonly owner: string;
  readonly signature: string;
  readonly observed: { readonly block: number; readonly reason: string };
}

function message(tx: SafeTx) {
  return {
    to: tx.to,
    value: 0n,
    data: tx.data,
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce: tx.nonce,
  };
}

function domain(tx: SafeTx) {
  return { chainId: tx.chainId, verifyingContract: tx.safe };
}

/** The pool's halt at the Safe's current nonce. */
export async function haltSafeTx(safe: Contract, pool: string): Promise<SafeTx> {
  const chainId = (await safe.runner!.provider!.getNetwork()).chainId;
  const nonce = (await safe.getFunction("nonce")()) as bigint;
  return { chainId, safe: getAddress(await safe.getAddress()), to: getAddress(pool), data: HALT.encodeFunctionData("halt", [QUORUM_HALT_REASON]), nonce };
}

/** The Safe's EIP-712 hash of `tx` (what `getTransactionHash` returns on chain). */
export function safeTxHash(tx: SafeTx): string {
  return TypedDataEncoder.hash(domain(tx), SAFE_TX_TYPES, message(tx));
}

/** `owner`'s EIP-712 signature of `tx`. */
export async function signSafeTx(owner: Signer, tx: SafeTx): Promise<string> {
  return owner.signTypedData(domain(tx), SAFE_TX_TYPES, message(tx));
}

/**
 * The owner `signature` is valid for, or undefined: a 65-byte ECDSA signature with v of 27 or 28
 * (Safe's EIP-712 kind; contract, approved-hash and eth_sign kinds are not accepted from files),
 * recovering over `hash` to one of `owners`.
 */
export function signerOf(hash: string, signature: string, owners: ReadonlySet<string>): string | undefined {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return undefined;
  const v = parseInt(signature.slice(130, 132), 16);
  if (v !== 27 && v !== 28) return undefined;
  let recovered: string;
  try {
    recovered = recoverAddress(hash, signature);
  } catch {
    return undefined;
  }
  return owners.has(recovered.toLowerCase()) ? getAddress(recovered) : undefined;
}

/** Where the signatures of one Safe transaction are shared: one folder per hash, one file per owner. */
export function signatureFile(shareDir: string, hash: string, owner: string): string {
  return path.join(shareDir, hash.toLowerCase(), `${owner.toLowerCase()}.json`);
}

/** Publishes this watcher's signature of `tx` (rewriting it is harmless: ECDSA in ethers is deterministic). */
export async function shareSignature(shareDir: string, tx: SafeTx, owner: string, signature: string, observed: QuorumSignature["observed"]): Promise<string> {
  const hash = safeTxHash(tx);
  const entry: QuorumSignature = {
    format: QUORUM_SIGNATURE_FORMAT,
    chainId: tx.chainId.toString(),
    safe: tx.safe,
    to: tx.to,
    data: tx.data,
    nonce: tx.nonce.toString(),
    safeTxHash: hash,
    owner: getAddress(owner),
    signature,
    observed,
  };
  const file = signatureFile(shareDir, hash, owner);
  await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`);
  return file;
}

/**
 * The valid signatures of `tx` in the shared directory, at most one per owner, with a line for each
 * file that was refused. Only the current owners' files (`<owner>.json`) are read, so no number of
 * stray files costs anything; of a file only the signature and its claimed owner are used, and the
 * hash is this node's own.
 */
export async function collectSignatures(shareDir: string, tx: SafeTx, owners: readonly string[]): Promise<{ valid: Map<string, string>; refused: string[] }> {
  const hash = safeTxHash(tx);
  const ownerSet = new Set(owners.map((owner) => owner.toLowerCase()));
  const valid = new Map<string, string>();
  const refused: string[] = [];
  for (const owner of [...ownerSet].sort()) {
    const file = signatureFile(shareDir, hash, owner);
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch {
      continue; // this owner has not signed (or its watcher is down)
    }
    let entry: Partial<QuorumSignature>;
    try {
      entry = parseJsonText(text, `quorum signature ${file}`) as Partial<QuorumSignature>;
    } catch (error) {
      refused.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    if (typeof entry !== "object" || entry === null || entry.format !== QUORUM_SIGNATURE_FORMAT || typeof entry.signature !== "string") {
      refused.push(`${file}: not a ${QUORUM_SIGNATURE_FORMAT} file`);
      continue;
    }
    const signer = signerOf(hash, entry.signature, ownerSet);
    if (signer?.toLowerCase() !== owner) {
      refused.push(`${file}: its signature is not ${getAddress(owner)}'s over Safe transaction ${hash}`);
      continue;
    }
    valid.set(owner, entry.signature);
  }
  return { valid, refused };
}

/** Safe's packed signatures: `threshold` of them, ordered by owner address as `checkNSignatures` requires. */
export function packSignatures(valid: ReadonlyMap<string, string>, threshold: number): string {
  if (valid.size < threshold) throw new LifeboatError(`${valid.size} valid signature(s), the Safe needs ${threshold}`);
  const chosen = [...valid.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, threshold);
  return `0x${chosen.map(([, signature]) => signature.slice(2)).join("")}`;
}

/** Executes `tx` with `signatures` from `submitter` (any account; it pays the gas). */
export async function execSigned(safe: Contract, tx: SafeTx, signatures: string, submitter: Signer): Promise<string> {
  const exec = safe.connect(submitter).getFunction("execTransaction");
  const args = [tx.to, 0n, tx.data, 0, 0n, 0n, 0n, ZeroAddress, ZeroAddress, signatures] as const;
  await exec.staticCall(...args);
  const receipt = await (await exec(...args)).wait();
  return receipt!.hash;
}
