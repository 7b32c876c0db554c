import { Contract, type InterfaceAbi, type Provider } from "ethers";

import { type Finding, type PoolObserver } from "lifeboat/watch";
import { bindings } from "./bindings";

/**
 * The demo pool's own checks for `lifeboat watch`, beyond IGuardedPool's: its oracle guard's
 * price against the policy's reference, the volatility model, and every borrower's collateral at the oracle's
 * price. Passed to `watch({ observers })`, or `lifeboat watch --observer examples/demo/watch-observer.ts`.
 * Before a halt it has the pool assess the accounts with bad debt (`assess` is permissionless and
 * idempotent), so the pool records it and enters safe mode.
 */

function demoPool(provider: Provider, pool: string): Contract {
  return new Contract(pool, bindings.DemoLendingPool.abi as InterfaceAbi, provider);
}

/** The oracle guard's refusal (an ABI-encoded custom error) as `Name(arg, …)`. */
function describeRefusal(pool: Contract, refusal: string): string {
  const parsed = pool.interface.parseError(refusal);
  return parsed === null ? refusal : `${parsed.name}(${parsed.args.map(String).join(", ")})`;
}

/**
 * The oracle guard's view of asset 0's price (contracts/guard/OracleGuard.sol): a refusal is what
 * halts the pool on its next price read, so it acts; a price near the policy's deviation bound
 * warns; no feed at all means governance has not configured one yet (nothing to check).
 */
async function observeOracle(pool: Contract, at: { blockTag: number }, warnAt: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  const asset0 = (await pool.getFunction("assets")(0, at)) as string;
  const [price, refusal] = (await pool.getFunction("oraclePrice")(asset0, at)) as [bigint, string];
  const unknownAsset = pool.interface.getError("OracleGuardUnknownAsset")?.selector;
  if (refusal !== "0x" && !refusal.startsWith(unknownAsset ?? "0x00000000")) {
    findings.push({ level: "act", reason: `the oracle guard refuses the price: ${describeRefusal(pool, refusal)}` });
  } else if (refusal === "0x") {
    const policy = (await pool.getFunction("oraclePolicy")(asset0, at)) as { referencePrice: bigint; maxDeviationBps: bigint };
    const reference = policy.referencePrice;
    const bound = BigInt(policy.maxDeviationBps);
    if (reference > 0n) {
      const deviation = ((price > reference ? price - reference : reference - price) * 10_000n) / reference;
      if (Number(deviation) >= warnAt * Number(bound)) findings.push({ level: "warn", reason: `oracle price deviates ${deviation} bps (bound ${bound})` });
    }
    findings.push(...(await observeVolatility(pool, at)), ...(await observeBorrowers(pool, at)));
  }
  return findings;
}

/**
 * The pool's volatility model, when governance has set one: borrowing refused above `freezeBorrow`
 * is the second stage of the pool's own staged response (margin warnings, tighter limits and no new
 * loans, then a halt at `haltLevel`, which the pool does itself), so the agent reports it.
 */
async function observeVolatility(pool: Contract, at: { blockTag: number }): Promise<Finding[]> {
  const model = (await pool.getFunction("volatilityModel")(at)) as { interval: bigint; freezeBorrow: bigint; haltLevel: bigint };
  if (model.interval === 0n) return [];
  const volatility = (await pool.getFunction("volatility")(at)) as bigint;
  if (volatility <= model.freezeBorrow) return [];
  return [{ level: "warn", reason: `borrowing is frozen: volatility ${volatility} is above ${model.freezeBorrow} (the pool halts at ${model.haltLevel})` }];
}

/**
 * Every borrower valued at the oracle's price with the pool's current (volatility-dependent) limits:
 * debt worth more than the collateral is bad debt, which the pool stops counting as an asset only
 * once the account is assessed, so the agent acts on it at once. A debt above the liquidation
 * limit, or at or above the pool's `marginWarningBps` of it, is a margin warning, per account.
 */
async function observeBorrowers(pool: Contract, at: { blockTag: number }): Promise<Finding[]> {
  const findings: Finding[] = [];
  const warningBps = BigInt((await pool.getFunction("marginWarningBps")(at)) as bigint);
  for (const account of (await pool.getFunction("borrowers")(at)) as string[]) {
    const [collateral, debt, , liquidationLimit] = (await pool.getFunction("accountValues")(account, at)) as [bigint, bigint, bigint, bigint];
    const worth = `debt worth ${debt} against collateral worth ${collateral}`;
    if (debt > collateral) {
      findings.push({
        level: "act",
        reason: `account ${account} is undercollateralised: ${worth} at the oracle price (bad debt ${debt - collateral})`,
        account,
      });
    } else if (debt > liquidationLimit) {
      findings.push({
        level: "warn",
        reason: `margin warning: account ${account} can be liquidated: ${worth}, above its liquidation limit ${liquidationLimit}`,
        account,
      });
    } else if (debt * 10_000n >= liquidationLimit * warningBps) {
      findings.push({ level: "warn", reason: `margin warning: account ${account} is near its liquidation limit ${liquidationLimit}: ${worth}`, account });
    }
  }
  return findings;
}

/** The demo pool's observer, warning at `warnAt` of a bound (default 0.5). */
export function demoPoolObserver(warnAt = 0.5): PoolObserver {
  return {
    name: "demo pool observer",
    observe: (provider, pool, at) => observeOracle(demoPool(provider, pool), at, warnAt),
    async beforeHalt(findings, { pool, submitter, block, log }) {
      const underwater = findings.flatMap((finding) => (finding.level === "act" && finding.account !== undefined ? [finding.account] : []));
      if (underwater.length === 0) return;
      const receipt = await (await (demoPool(submitter.provider!, pool).connect(submitter) as Contract).getFunction("assess")(underwater)).wait();
      log(`watch: block ${block}: had the pool assess ${underwater.join(", ")} in ${(receipt as { hash: string }).hash}`);
    },
  };
}

/** For `lifeboat watch --observer`: the observer with the default warning fraction. */
export const observer: PoolObserver = demoPoolObserver();
