import { promises as fs } from "node:fs";

import { Contract, getAddress, type Provider, type Signer } from "ethers";

import { LifeboatError } from "../errors";
import { writeFileAtomic } from "../fs-atomic";
import { parseJsonText } from "../json";
import { collectSignatures, execSigned, haltSafeTx, packSignatures, safeTxHash, shareSignature, signSafeTx } from "./quorum";

/**
 * One watcher of a quorum (see quorum.ts). Block by block it asks its observer whether a bound is
 * crossed; if so it signs the pool's halt at the Safe's current nonce and shares the signature;
 * whenever the shared directory holds threshold-many valid signatures of that halt, it executes it
 * (paying the gas from its own owner account). Its progress lives in a state file written
 * atomically after every block, so a restarted watcher resumes where it stopped; the chain, not the
 * file, says whether the pool is already halted, so a halt is never sent twice.
 */

export const QUORUM_STATE_FORMAT = "lifeboat.quorum-state.v1";

/**
 * A quorum watcher's state file (format `lifeboat.quorum-state.v1`): whose watcher it is and how far it got.
 * A file written for another pool, Safe or owner is refused.
 */
export interface QuorumState {
  readonly format: typeof QUORUM_STATE_FORMAT;
  /** The guarded pool's address. */
  readonly pool: string;
  /** The guardians' Safe's address. */
  readonly safe: string;
  /** The address of this watcher's owner key. */
  readonly owner: string;
  /** The last block this watcher has processed. */
  readonly lastBlock: number;
  /** The halt this watcher signed last (at a Safe nonce) and why. */
  readonly signed?: { readonly nonce: string; readonly safeTxHash: string; readonly block: number; readonly reason: string };
  /** The halt this watcher executed. */
  readonly executed?: { readonly block: number; readonly txHash: string };
  /** The block at which this watcher first saw the pool halted. */
  readonly haltedAt?: number;
}

/** What a watcher sees at a block: the crossed bounds (empty when all is well). */
export type QuorumObserver = (block: number) => Promise<readonly string[]>;

/** Options of one quorum watcher (runQuorumNode). */
export interface QuorumNodeOptions {
  readonly provider: Provider;
  /** The guarded pool: it must have `halt(string)` for the Safe and `halted()`. */
  readonly pool: string;
  /** The guardians' Safe, holding the pool's guardian role. */
  readonly safe: Contract;
  /** This watcher's owner key of the Safe (it also pays the gas of an execution). */
  readonly owner: Signer;
  /** The directory the watchers share their signatures in. */
  readonly shareDir: string;
  /** This watcher's state file (a QuorumState), written atomically after every block and read back on restart. */
  readonly stateFile: string;
  /** Says, block by block, which bounds are crossed. */
  readonly observe: QuorumObserver;
  /** How long to wait for a new block, in ms (default 1,000). */
  readonly pollMs?: number;
  /** Stop after this many blocks have been processed in this run. */
  readonly maxBlocks?: number;
  /** Stop at this block. */
  readonly untilBlock?: number;
  /** Receives progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** Aborts the loop between blocks. */
  readonly signal?: AbortSignal;
}

const HALTED_ABI = ["function halted() view returns (bool)"];

async function loadState(file: string, expected: { pool: string; safe: string; owner: string }): Promise<QuorumState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const state = parseJsonText(text, `quorum state ${file}`) as Partial<QuorumState> | null;
  if (typeof state !== "object" || state === null || state.format !== QUORUM_STATE_FORMAT || typeof state.lastBlock !== "number") {
    throw new LifeboatError(`quorum state ${file} is not a ${QUORUM_STATE_FORMAT} file`);
  }
  for (const key of ["pool", "safe", "owner"] as const) {
    if (String(state[key]).toLowerCase() !== expected[key].toLowerCase()) {
      throw new LifeboatError(`quorum state ${file} is for ${key} ${String(state[key])}, not ${expected[key]}: use another --state file`);
    }
  }
  return state as QuorumState;
}

/** One block of one watcher: observe, sign if a bound is crossed, execute if the quorum is complete. */
export async function quorumStep(options: QuorumNodeOptions, state: QuorumState, block: number): Promise<QuorumState> {
  const log = options.log ?? (() => undefined);
  const pool = new Contract(options.pool, HALTED_ABI, options.provider);
  if ((await pool.getFunction("halted")()) as boolean) {
    if (state.haltedAt === undefined) log(`quorum: block ${block}: the pool is halted`);
    return { ...state, lastBlock: block, haltedAt: state.haltedAt ?? block };
  }
  let next: QuorumState = { ...state, lastBlock: block };
  const tx = await haltSafeTx(options.safe, options.pool);
  const hash = safeTxHash(tx);
  const alerts = await options.observe(block);
  let own: string | undefined;
  if (alerts.length > 0) {
    const reason = alerts.join("; ");
    const signature = await signSafeTx(options.owner, tx);
    own = signature;
    await shareSignature(options.shareDir, tx, state.owner, signature, { block, reason });
    if (state.signed?.safeTxHash !== hash) {
      log(`quorum: block ${block}: ALERT: ${reason}; signed the halt (Safe nonce ${tx.nonce}, ${hash})`);
      next = { ...next, signed: { nonce: tx.nonce.toString(), safeTxHash: hash, block, reason } };
    }
  }
  const owners = (await options.safe.getFunction("getOwners")()) as string[];
  const threshold = Number((await options.safe.getFunction("getThreshold")()) as bigint);
  const { valid, refused } = await collectSignatures(options.shareDir, tx, owners);
  for (const line of refused) log(`quorum: block ${block}: refused ${line}`);
  // Its own signature counts whatever the shared copy says (another writer may have spoiled it).
  if (own !== undefined) valid.set(state.owner.toLowerCase(), own);
  if (valid.size < threshold) {
    if (valid.size > 0) log(`quorum: block ${block}: ${valid.size} valid signature(s) for the halt, threshold ${threshold}: waiting for the other watchers`);
    return next;
  }
  try {
    const txHash = await execSigned(options.safe, tx, packSignatures(valid, threshold), options.owner);
    log(`quorum: block ${block}: ${valid.size} valid signatures (threshold ${threshold}): executed the halt in ${txHash}`);
    return { ...next, executed: { block, txHash }, haltedAt: block };
  } catch (error) {
    // Another watcher may have executed it first; the chain says.
    if ((await pool.getFunction("halted")()) as boolean) return { ...next, haltedAt: block };
    log(`quorum: block ${block}: executing the halt failed (${(error as Error).message.split("\n")[0]}); retrying next block`);
    return next;
  }
}

/** Runs one watcher until `maxBlocks`, `untilBlock` or the abort signal; returns its final state. */
export async function runQuorumNode(options: QuorumNodeOptions): Promise<QuorumState> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pollMs = options.pollMs ?? 1_000;
  const identity = { pool: getAddress(options.pool), safe: getAddress(await options.safe.getAddress()), owner: getAddress(await options.owner.getAddress()) };
  const owners = ((await options.safe.getFunction("getOwners")()) as string[]).map((owner) => owner.toLowerCase());
  if (!owners.includes(identity.owner.toLowerCase()))
    throw new LifeboatError(`${identity.owner} is not an owner of the Safe ${identity.safe}: its signature would not count`);
  const head = await options.provider.getBlockNumber();
  let state: QuorumState = (await loadState(options.stateFile, identity)) ?? { format: QUORUM_STATE_FORMAT, ...identity, lastBlock: head - 1 };
  let processed = 0;
  let backoff = 200;
  const stopped = () =>
    options.signal?.aborted === true ||
    (options.maxBlocks !== undefined && processed >= options.maxBlocks) ||
    (options.untilBlock !== undefined && state.lastBlock >= options.untilBlock);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  while (!stopped()) {
    try {
      if ((await options.provider.getBlockNumber()) <= state.lastBlock) {
        await pause(pollMs);
        continue;
      }
      state = await quorumStep({ ...options, log }, state, state.lastBlock + 1);
      backoff = 200;
    } catch (error) {
      // A monitor that gives up on a flaky endpoint protects nothing: back off and retry the block.
      log(`quorum: block ${state.lastBlock + 1} failed (${(error as Error).message.split("\n")[0]}); retrying in ${backoff} ms`);
      await pause(backoff);
      backoff = Math.min(backoff * 2, 5_000);
      continue;
    }
    await writeFileAtomic(options.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    processed += 1;
  }
  return state;
}
