import { getAddress, id, Interface } from "ethers";

import { LifeboatError } from "lifeboat";
import {
  callAt,
  foldLogs,
  topicAddress,
  type NetDebtor,
  type PositionReader,
  type ReaderContext,
  type SourceResult,
  type SourceSpec,
} from "lifeboat/positions";

export const DEPOSITED_TOPIC = id("Deposited(address,uint256,uint256)");
const POOL = new Interface([
  "function positionsOf(address[]) view returns (uint256[2][] deposits, uint256[2][] debts)",
  "function totalDeposits(uint256) view returns (uint256)",
]);
/** Accounts per positionsOf call. */
const BATCH = 500;

/**
 * The demo lending pool's positions at a block (a protocol's own reader, passed to readChainInput
 * next to the built-in ones; `lifeboat snapshot --reader` loads such a module by path): the depositors are found from `Deposited` logs
 * (every way into the pool emits one), their deposits and debts are read with the pool's batch
 * view `positionsOf` at the block. A position is deposit − debt per asset; where a debt exceeds the deposit
 * the balance is 0 and the account is listed as a net debtor for the operator to settle by hand
 * (an adjustment with a reason), since netting across assets needs a price policy. Cross-check:
 * the deposits read sum to the pool's totalDeposits at the block.
 */
export const demoLendingPoolReader: PositionReader = {
  kind: "demo-lending-pool",
  columns: 2,
  async read(spec: SourceSpec, context: ReaderContext): Promise<SourceResult> {
    const pool = spec.address;
    const found = await foldLogs<Set<string>>({
      scan: {
        rpc: context.rpc,
        address: pool,
        topic0: DEPOSITED_TOPIC,
        fromBlock: spec.fromBlock,
        toBlock: context.block,
        maxRange: context.maxRange,
        policy: context.policy,
      },
      key: {
        reader: "demo-lending-pool",
        chainId: context.chainId,
        address: pool,
        topic0: DEPOSITED_TOPIC,
        fromBlock: spec.fromBlock,
        toBlock: context.block,
        toBlockHash: context.blockHash,
      },
      cache: context.cache,
      initial: () => new Set(),
      fold: (accounts, log) => {
        if (log.topics.length !== 3)
          throw new LifeboatError(`Deposited log ${log.logIndex} of block ${log.blockNumber} has ${log.topics.length} topics, expected 3`);
        accounts.add(topicAddress(log.topics[1] as string, `Deposited log ${log.logIndex} of block ${log.blockNumber}`));
      },
      serialize: (accounts) => [...accounts].sort(),
      parse: (raw) => {
        if (!Array.isArray(raw) || !raw.every((entry) => typeof entry === "string" && /^0x[0-9a-f]{40}$/.test(entry)))
          throw new Error("state is not a list of addresses");
        return new Set(raw as string[]);
      },
      progress: (next, last, logs) => context.log(`pool ${pool} Deposited logs: block ${Math.min(next, last)}/${last}, ${logs} logs`),
    });
    if (found.resumedFrom !== undefined) context.log(`${pool}: resumed from the checkpoint at block ${found.resumedFrom}`);

    const accounts = [...found.state].sort().map((account) => getAddress(account));
    const target = { address: pool, abi: POOL, block: context.block };
    const balances = new Map<string, bigint[]>();
    const netDebtors: NetDebtor[] = [];
    const depositSums = [0n, 0n];
    for (let start = 0; start < accounts.length; start += BATCH) {
      const batch = accounts.slice(start, start + BATCH);
      const [deposits, debts] = (await callAt(context.rpc, context.policy, target, "positionsOf", [batch])) as unknown as [bigint[][], bigint[][]];
      if (deposits.length !== batch.length || debts.length !== batch.length) {
        throw new LifeboatError(`${pool}.positionsOf returned ${deposits.length} deposits and ${debts.length} debts for ${batch.length} accounts`);
      }
      batch.forEach((account, i) => {
        const position = [0, 1].map((k) => {
          const deposit = (deposits[i] as bigint[])[k] as bigint;
          const debt = (debts[i] as bigint[])[k] as bigint;
          depositSums[k] = (depositSums[k] as bigint) + deposit;
          if (debt > deposit) {
            netDebtors.push({ account, column: k, deposit: deposit.toString(), debt: debt.toString() });
            return 0n;
          }
          return deposit - debt;
        });
        if (position.some((amount) => amount !== 0n)) balances.set(account, position);
      });
      context.log(`pool ${pool} positions: ${Math.min(start + BATCH, accounts.length)}/${accounts.length} accounts`);
    }
    const checks: string[] = [];
    for (const k of [0, 1]) {
      const total = (await callAt(context.rpc, context.policy, target, "totalDeposits", [k]))[0] as bigint;
      if (total !== depositSums[k]) {
        throw new LifeboatError(
          `the deposits of the ${accounts.length} depositors found in ${pool}'s logs sum to ${depositSums[k]} in asset ${k}, but totalDeposits(${k}) at block ${context.block} is ${total}: some depositor was missed (check fromBlock ${spec.fromBlock})`,
        );
      }
      checks.push(`deposits of asset ${k} sum to totalDeposits(${k}) = ${total}`);
    }
    return {
      balances,
      report: {
        reader: "demo-lending-pool",
        address: pool,
        fromBlock: spec.fromBlock,
        logs: found.logs,
        requests: found.requests,
        ...(found.resumedFrom === undefined ? {} : { resumedFrom: found.resumedFrom }),
        accounts: balances.size,
        checks,
        netDebtors,
      },
    };
  },
};
