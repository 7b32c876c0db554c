import { promises as fs } from "node:fs";

import { Contract, ZeroAddress, type Provider, type Signer } from "ethers";

import { parseJsonText } from "../json";
import { LifeboatError } from "../errors";
import { writeFileAtomic } from "../fs-atomic";
import { execSafeTransaction } from "../chain/safe";
import { parseWith } from "../schema/parse";
import { WATCH_STATE_FORMAT, watchStateSchema, type WatchStateFile } from "../schema/watch-state";

/**
 * `lifeboat watch`: a monitoring agent for a protected pool. Block by block it reads the pool's
 * outflow in the breaker's window, the oracle price against its reference, the solvency
 * invariants and every borrower's collateralisation, and responds in stages: a warning in the log when a bound comes near, the guardians'
 * halt through the Safe when one is crossed. Its progress lives in a state file written atomically
 * after every block, and it asks the chain whether the pool is already halted before acting, so a
 * restart (or a crash between sending and saving) never halts twice. RPC errors are retried with
 * back-off, block by block.
 */

export { WATCH_STATE_FORMAT } from "../schema/watch-state";

/** The state file's contents (its schema, prover/schema/watch-state.ts, validates what is read back). */
export type WatchState = WatchStateFile;

export interface WatchOptions {
  readonly provider: Provider;
  readonly pool: Contract;
  readonly safe: Contract;
  /** Owner signers of the Safe, enough to meet its threshold. */
  readonly owners: readonly Signer[];
  /** Pays the gas of the Safe transaction. */
  readonly submitter: Signer;
  readonly stateFile: string;
  /** Fraction of a bound at which to warn (default 0.5). */
  readonly warnAt?: number;
  readonly pollMs?: number;
  /** Stop after this many blocks have been processed in this run (tests, one-shot checks). */
  readonly maxBlocks?: number;
  /** Stop at this block. */
  readonly untilBlock?: number;
  readonly log?: (line: string) => void;
  /** Aborts the loop between blocks. */
  readonly signal?: AbortSignal;
}

export interface Observation {
  readonly block: number;
  readonly halted: boolean;
  readonly findings: {
    readonly level: "warn" | "act";
    readonly reason: string;
    /** A borrower whose debt is worth more than its collateral. */
    readonly undercollateralised?: string;
    /** A borrower near or past its liquidation limit (a margin warning). */
    readonly marginWarning?: string;
  }[];
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

const ORACLE_ABI = ["function latestPrice() view returns (uint256 price, uint64 updatedAt)"];

/** What the pool looks like at `block`, and what crosses or nears a bound. */
export async function observe(pool: Contract, block: number, warnAt: number): Promise<Observation> {
  const at = { blockTag: block };
  const findings: Observation["findings"] = [];
  const halted = (await pool.getFunction("halted")(at)) as boolean;
  if ((await pool.getFunction("safeMode")(at)) as boolean) findings.push({ level: "act", reason: "the pool is in safe mode (a solvency invariant broke)" });
  for (const k of [0, 1]) {
    if (!((await pool.getFunction("solvent")(k, at)) as boolean)) findings.push({ level: "act", reason: `asset ${k} is insolvent` });
    const token = (await pool.getFunction("assets")(k, at)) as string;
    const limits = (await pool.getFunction("limits")(token, at)) as { warn: bigint };
    const flow = (await pool.getFunction("windowOutflow")(token, at)) as bigint;
    if (limits.warn > 0n) {
      if (flow > limits.warn) findings.push({ level: "act", reason: `asset ${k}: outflow ${flow} in the window is above the warning limit ${limits.warn}` });
      else if (Number(flow) >= warnAt * Number(limits.warn)) findings.push({ level: "warn", reason: `asset ${k}: outflow ${flow} is near the warning limit ${limits.warn}` });
    }
  }
  const oracleAddress = (await pool.getFunction("oracle")(at)) as string;
  if (oracleAddress !== ZeroAddress) {
    const reference = (await pool.getFunction("referencePrice")(at)) as bigint;
    const bound = BigInt((await pool.getFunction("maxDeviationBps")(at)) as bigint);
    const oracle = new Contract(oracleAddress, ORACLE_ABI, pool.runner);
    const [price] = (await oracle.getFunction("latestPrice")(at)) as [bigint, bigint];
    if (reference > 0n) {
      const deviation = ((price > reference ? price - reference : reference - price) * 10_000n) / reference;
      if (deviation > bound) findings.push({ level: "act", reason: `oracle price ${price} deviates ${deviation} bps from the reference ${reference}` });
      else if (Number(deviation) >= warnAt * Number(bound)) findings.push({ level: "warn", reason: `oracle price deviates ${deviation} bps (bound ${bound})` });
    }
    findings.push(...(await observeVolatility(pool, at)));
    findings.push(...(await observeBorrowers(pool, at)));
  }
  return { block, halted, findings };
}

/**
 * The pool's volatility model, when governance has set one: borrowing refused above `freezeBorrow`
 * is the second stage of the pool's own staged response (margin warnings, tighter limits and no new
 * loans, then a halt at `haltLevel`, which the pool does itself), so the agent reports it.
 */
async function observeVolatility(pool: Contract, at: { blockTag: number }): Promise<Observation["findings"]> {
  const model = (await pool.getFunction("volatilityModel")(at)) as { interval: bigint; freezeBorrow: bigint; haltLevel: bigint };
  if (model.interval === 0n) return [];
  const volatility = (await pool.getFunction("volatility")(at)) as bigint;
  if (volatility <= model.freezeBorrow) return [];
  return [{ level: "warn", reason: `borrowing is frozen: volatility ${volatility} is above ${model.freezeBorrow} (the pool halts at ${model.haltLevel})` }];
}

/**
 * Every borrower valued at the oracle's price with the pool's current (volatility-dependent) limits:
 * debt worth more than the collateral is bad debt, which the pool stops counting as an asset only
 * once the account is assessed (on its next withdrawal or borrow, or through `assess`), so the agent
 * acts on it at once (it has the pool assess the accounts, which records the bad debt and so safe
 * mode, and halts it). A debt above the liquidation limit (liquidatable), or at or above the pool's
 * `marginWarningBps` of it, is a margin warning, listed per account: the pool's own `MarginWarning`
 * criterion, seen at every block rather than when the account is next assessed.
 */
async function observeBorrowers(pool: Contract, at: { blockTag: number }): Promise<Observation["findings"]> {
  const findings: Observation["findings"] = [];
  const warningBps = BigInt((await pool.getFunction("marginWarningBps")(at)) as bigint);
  for (const account of (await pool.getFunction("borrowers")(at)) as string[]) {
    const [collateral, debt, , liquidationLimit] = (await pool.getFunction("accountValues")(account, at)) as [bigint, bigint, bigint, bigint];
    const worth = `debt worth ${debt} against collateral worth ${collateral}`;
    if (debt > collateral) {
      findings.push({ level: "act", reason: `account ${account} is undercollateralised: ${worth} at the oracle price (bad debt ${debt - collateral})`, undercollateralised: account });
    } else if (debt > liquidationLimit) {
      findings.push({ level: "warn", reason: `margin warning: account ${account} can be liquidated: ${worth}, above its liquidation limit ${liquidationLimit}`, marginWarning: account });
    } else if (debt * 10_000n >= liquidationLimit * warningBps) {
      findings.push({ level: "warn", reason: `margin warning: account ${account} is near its liquidation limit ${liquidationLimit}: ${worth}`, marginWarning: account });
    }
  }
  return findings;
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

/**
 * Has the pool recognise the bad debt of `accounts` (`assess` is permissionless and idempotent; the
 * submitter pays). A failure is logged, not fatal: the halt that follows protects the pool anyway.
 */
async function assessAccounts(options: WatchOptions, accounts: string[], block: number, log: (line: string) => void): Promise<void> {
  try {
    const pool = options.pool.connect(options.submitter) as Contract;
    const receipt = await (await pool.getFunction("assess")(accounts)).wait();
    log(`watch: block ${block}: had the pool assess ${accounts.join(", ")} in ${(receipt as { hash: string }).hash}`);
  } catch (error) {
    log(`watch: block ${block}: assessing ${accounts.join(", ")} failed (${(error as Error).message.split("\n")[0]}); halting anyway`);
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
  const poolAddress = await options.pool.getAddress();
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
    const seen = await withRetry(`reading block ${block}`, () => observe(options.pool, block, warnAt), log, options.signal);
    for (const finding of seen.findings) log(`watch: block ${block}: ${finding.level === "act" ? "ALERT" : "warning"}: ${finding.reason}`);
    const alert = seen.findings.find((finding) => finding.level === "act");
    if (alert !== undefined && state.acted === undefined) {
      const underwater = seen.findings.flatMap((finding) => (finding.undercollateralised === undefined ? [] : [finding.undercollateralised]));
      if (underwater.length > 0) await assessAccounts(options, underwater, block, log);
      // Idempotent across restarts: the chain, not the state file, says whether a halt is needed.
      const haltedNow = (await withRetry("reading halted()", () => options.pool.getFunction("halted")(), log, options.signal)) as boolean;
      if (haltedNow) {
        log(`watch: block ${block}: the pool is already halted; not acting again`);
        state = { ...state, acted: { block, reason: alert.reason, txHash: "(already halted)" } };
      } else {
        const data = options.pool.interface.encodeFunctionData("halt", [`lifeboat watch: ${alert.reason}`]);
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
