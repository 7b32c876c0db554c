import { promises as fs } from "node:fs";

import { Contract, Interface, getAddress, resolveAddress, type AddressLike, type InterfaceAbi, type Provider, type Signer } from "ethers";

import { iGuardedPoolAbi } from "../contracts";
import { parseJsonText } from "../json";
import { LifeboatError } from "../errors";
import { writeFileAtomic } from "../fs-atomic";
import { loadModuleExports } from "../modules";
import { execSafeTransaction } from "../chain/safe";
import { parseWith } from "../schema/parse";
import { WATCH_STATE_FORMAT, watchStateSchema, type WatchStateFile } from "../schema/watch-state";

const IGUARDED_POOL = new Interface(iGuardedPoolAbi as InterfaceAbi);

/**
 * `lifeboat watch`: a monitoring agent for a protected pool, any pool that implements IGuardedPool
 * (contracts/interfaces/IGuardedPool.sol). Block by block it reads, for every asset, the outflow
 * in the breaker's window against its limit and the solvency invariant (reserves against
 * liabilities), and the pool's safe mode, plus whatever the protocol's own observers check (the
 * demo pool's oracle and borrowers, examples/demo/watch-observer.ts), and responds in stages: a
 * warning in the log when a bound comes near, the guardians' halt through the Safe when one is crossed. Its progress lives in a state file written atomically
 * after every block, and it asks the chain whether the pool is already halted before acting, so a
 * restart (or a crash between sending and saving) never halts twice. RPC errors are retried with
 * back-off, block by block.
 */

export { WATCH_STATE_FORMAT } from "../schema/watch-state";

/** The state file's contents (its schema, prover/schema/watch-state.ts, validates what is read back). */
export type WatchState = WatchStateFile;

/** Options of the single-process watch agent (`watch`). */
export interface WatchOptions {
  readonly provider: Provider;
  /** The pool (its address, or a contract at it): it implements IGuardedPool; reads go through `provider`. */
  readonly pool: AddressLike;
  /** Checks of the protocol's own beyond IGuardedPool's (see PoolObserver). */
  readonly observers?: readonly PoolObserver[];
  /** The guardians' Safe, holding the pool's guardian role; the halt goes through it. */
  readonly safe: Contract;
  /** Owner signers of the Safe, enough to meet its threshold. */
  readonly owners: readonly Signer[];
  /** Pays the gas of the Safe transaction. */
  readonly submitter: Signer;
  /** The agent's state file (a WatchState), written atomically after every block and read back on restart. */
  readonly stateFile: string;
  /** Fraction of a bound at which to warn (default 0.5). */
  readonly warnAt?: number;
  /** How long to wait for a new block, in ms (default 1,000). */
  readonly pollMs?: number;
  /** Stop after this many blocks have been processed in this run (tests, one-shot checks). */
  readonly maxBlocks?: number;
  /** Stop at this block. */
  readonly untilBlock?: number;
  /** Receives the agent's log lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Aborts the loop between blocks. */
  readonly signal?: AbortSignal;
}

async function readState(file: string, pool: string): Promise<WatchState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  // Untrusted like any file: a truncated or foreign file is refused by name, not crashed on.
  let state: WatchState;
  try {
    state = parseWith(watchStateSchema, parseJsonText(text, `watch state ${file}`), `watch state ${file}`);
  } catch (error) {
    throw new LifeboatError(`watch state ${file} is not a ${WATCH_STATE_FORMAT} file: ${(error as Error).message}`);
  }
  if (state.pool.toLowerCase() !== pool.toLowerCase()) {
    throw new LifeboatError(`watch state ${file} is for pool ${state.pool}, not ${pool}: use another --state file`);
  }
  return state;
}

/** Something the agent saw at a block: a warning for the log, or a reason to halt ("act"). */
export interface Finding {
  readonly level: "warn" | "act";
  readonly reason: string;
  /** The account the finding is about, when it is about one (a borrower, say). */
  readonly account?: string;
}

/** What `observe` found in the pool at one block. */
export interface Observation {
  /** The block observed. */
  readonly block: number;
  /** Whether the pool was already halted at that block. */
  readonly halted: boolean;
  /** Everything that crossed or neared a bound (empty when all is well). */
  readonly findings: readonly Finding[];
}

/**
 * Checks a protocol adds to the IGuardedPool ones (examples/demo/watch-observer.ts adds the demo
 * pool's oracle, volatility and borrowers). `lifeboat watch --observer FILE` loads one by path.
 */
export interface PoolObserver {
  readonly name: string;
  /** More findings at `blockTag`; reads go through `provider`. */
  observe(provider: Provider, pool: string, at: { readonly blockTag: number }): Promise<readonly Finding[]>;
  /**
   * Runs before the agent halts the pool, with the findings of that block (the demo's observer has
   * the pool assess bad debt it found). A failure is logged, not fatal: the halt follows anyway.
   */
  beforeHalt?(
    findings: readonly Finding[],
    context: { readonly pool: string; readonly submitter: Signer; readonly block: number; readonly log: (line: string) => void },
  ): Promise<void>;
}

/** More assets than this is a pool the agent refuses to walk block by block (a wrong address, say). */
export const MAX_WATCHED_ASSETS = 64;

function guardedPool(provider: Provider, pool: string): Contract {
  return new Contract(pool, iGuardedPoolAbi as InterfaceAbi, provider);
}

/**
 * What the pool looks like at `block` through IGuardedPool (contracts/interfaces/IGuardedPool.sol),
 * for any number of assets, and what crosses or nears a bound: safe mode and an insolvent asset
 * (reserves below liabilities) act, an outflow above the breaker's warning limit acts, one at
 * `warnAt` of it warns. Then each observer's own findings.
 */
export async function observe(
  provider: Provider,
  pool: string,
  block: number,
  options: { warnAt?: number; observers?: readonly PoolObserver[] } = {},
): Promise<Observation> {
  const warnAt = options.warnAt ?? 0.5;
  const at = { blockTag: block };
  const contract = guardedPool(provider, pool);
  const findings: Finding[] = [];
  const halted = (await contract.getFunction("halted")(at)) as boolean;
  if ((await contract.getFunction("safeMode")(at)) as boolean) findings.push({ level: "act", reason: "the pool is in safe mode (a solvency invariant broke)" });
  const count = (await contract.getFunction("assetCount")(at)) as bigint;
  if (count < 1n || count > BigInt(MAX_WATCHED_ASSETS))
    throw new LifeboatError(`pool ${pool} reports ${count} assets at block ${block}: an IGuardedPool has 1 to ${MAX_WATCHED_ASSETS}`);
  for (let k = 0; k < Number(count); k += 1) {
    const token = (await contract.getFunction("assets")(k, at)) as string;
    if (!((await contract.getFunction("solvent")(k, at)) as boolean)) {
      const reserves = (await contract.getFunction("assetsHeld")(k, at)) as bigint;
      const liabilities = (await contract.getFunction("totalDeposits")(k, at)) as bigint;
      findings.push({ level: "act", reason: `asset ${k} (${token}) is insolvent: reserves ${reserves} against liabilities ${liabilities}` });
    }
    const [warnLimit] = (await contract.getFunction("limits")(token, at)) as [bigint, bigint];
    const flow = (await contract.getFunction("windowOutflow")(token, at)) as bigint;
    if (warnLimit > 0n) {
      if (flow > warnLimit) findings.push({ level: "act", reason: `asset ${k}: outflow ${flow} in the window is above the warning limit ${warnLimit}` });
      else if (Number(flow) >= warnAt * Number(warnLimit))
        findings.push({ level: "warn", reason: `asset ${k}: outflow ${flow} is near the warning limit ${warnLimit}` });
    }
  }
  for (const observer of options.observers ?? []) findings.push(...(await observer.observe(provider, pool, at)));
  return { block, halted, findings };
}

/**
 * Retries `work` with capped exponential back-off until it succeeds or the agent is stopped: a
 * monitor that gives up on a flaky endpoint protects nothing.
 */
async function withRetry<T>(what: string, work: () => Promise<T>, log: (line: string) => void, signal?: AbortSignal): Promise<T> {
  let delay = 200;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (signal?.aborted === true) throw error;
      log(`watch: ${what} failed (${(error as Error).message.split("\n")[0]}); retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

/** Runs the watch loop until `maxBlocks`, `untilBlock` or the abort signal. Returns the final state. */
export async function watch(options: WatchOptions): Promise<WatchState> {
  let latest: WatchState | undefined;
  try {
    return await watchLoop(options, (state) => (latest = state));
  } catch (error) {
    // Stopped while retrying: an orderly end, with the last saved state.
    if (options.signal?.aborted === true && latest !== undefined) return latest;
    throw error;
  }
}

async function watchLoop(options: WatchOptions, saved: (state: WatchState) => void): Promise<WatchState> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warnAt = options.warnAt ?? 0.5;
  const pollMs = options.pollMs ?? 1_000;
  const poolAddress = getAddress(await resolveAddress(options.pool));
  const observers = options.observers ?? [];
  const start = await withRetry("reading the head block", () => options.provider.getBlockNumber(), log, options.signal);
  let state: WatchState = (await readState(options.stateFile, poolAddress)) ?? { format: WATCH_STATE_FORMAT, pool: poolAddress, lastBlock: start - 1 };
  if (state.lastBlock >= start) log(`watch: resuming after block ${state.lastBlock}`);
  saved(state);
  let processed = 0;
  for (;;) {
    if (options.signal?.aborted === true) return state;
    if (options.maxBlocks !== undefined && processed >= options.maxBlocks) return state;
    if (options.untilBlock !== undefined && state.lastBlock >= options.untilBlock) return state;
    const head = await withRetry("reading the head block", () => options.provider.getBlockNumber(), log, options.signal);
    if (head <= state.lastBlock) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    const block = state.lastBlock + 1;
    const seen = await withRetry(`reading block ${block}`, () => observe(options.provider, poolAddress, block, { warnAt, observers }), log, options.signal);
    for (const finding of seen.findings) log(`watch: block ${block}: ${finding.level === "act" ? "ALERT" : "warning"}: ${finding.reason}`);
    const alert = seen.findings.find((finding) => finding.level === "act");
    if (alert !== undefined && state.acted === undefined) {
      for (const observer of observers) {
        if (observer.beforeHalt === undefined) continue;
        try {
          await observer.beforeHalt(seen.findings, { pool: poolAddress, submitter: options.submitter, block, log });
        } catch (error) {
          log(`watch: block ${block}: ${observer.name} before the halt failed (${(error as Error).message.split("\n")[0]}); halting anyway`);
        }
      }
      // Idempotent across restarts: the chain, not the state file, says whether a halt is needed.
      const haltedNow = (await withRetry(
        "reading halted()",
        () => guardedPool(options.provider, poolAddress).getFunction("halted")(),
        log,
        options.signal,
      )) as boolean;
      if (haltedNow) {
        log(`watch: block ${block}: the pool is already halted; not acting again`);
        state = { ...state, acted: { block, reason: alert.reason, txHash: "(already halted)" } };
      } else {
        const data = IGUARDED_POOL.encodeFunctionData("halt", [`lifeboat watch: ${alert.reason}`]);
        const receipt = await execSafeTransaction(options.safe, poolAddress, data, options.owners, options.submitter);
        log(`watch: block ${block}: halted the pool through the Safe in ${receipt.hash}`);
        state = { ...state, acted: { block, reason: alert.reason, txHash: receipt.hash } };
      }
    }
    state = { ...state, lastBlock: block };
    await writeFileAtomic(options.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    saved(state);
    processed += 1;
  }
}

function isObserver(value: unknown): value is PoolObserver {
  const o = value as Partial<PoolObserver> | null;
  return typeof o === "object" && o !== null && typeof o.name === "string" && typeof o.observe === "function";
}

/** The pool observers a module exports (`lifeboat watch --observer FILE`); see loadModuleExports. */
export async function loadObserverModule(file: string): Promise<PoolObserver[]> {
  return loadModuleExports(file, isObserver, "pool observer", "an object with name and observe(provider, pool, at)");
}
