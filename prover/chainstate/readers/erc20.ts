import { getAddress, id } from "ethers";

import { LifeboatError } from "../../errors";
import { callAt, Interface } from "../call";
import { foldLogs } from "../fold-logs";
import { InvalidReplyError, topicAddress, type ChainLog } from "../log-scan";
import { CallRevertedError } from "../rpc";
import type { PositionReader, ReaderContext, SourceResult, SourceSpec } from "./reader";

export const TRANSFER_TOPIC = id("Transfer(address,address,uint256)");
const ZERO = "0x0000000000000000000000000000000000000000";
const ERC20 = new Interface(["function totalSupply() view returns (uint256)", "function balanceOf(address) view returns (uint256)"]);
/** How many holders are re-read with balanceOf at the block after the replay. */
export const BALANCE_SPOT_CHECKS = 16;

type Balances = Map<string, bigint>;

/**
 * Folds one Transfer log into lower-case address → balance. Mints come from the zero address and
 * burns go to it; the zero address itself is never a holder. A balance that would go negative
 * means the logs do not describe the token's balances (rebasing, fee-on-transfer book-keeping,
 * mints without events, or a node that omitted logs): the replay stops rather than guess.
 */
export function foldTransfer(balances: Balances, log: ChainLog, token: string): void {
  const where = `Transfer log ${log.logIndex} of block ${log.blockNumber} (tx ${log.transactionHash})`;
  if (log.topics.length !== 3) {
    throw new InvalidReplyError(
      `${where} of ${token} has ${log.topics.length} topics, not 3: not an ERC-20 Transfer (an ERC-721 transfer indexes the token id)`,
    );
  }
  if (log.data.length !== 66) throw new InvalidReplyError(`${where} of ${token}: data must be one 32-byte amount, got ${(log.data.length - 2) / 2} bytes`);
  const from = topicAddress(log.topics[1] as string, where);
  const to = topicAddress(log.topics[2] as string, where);
  const amount = BigInt(log.data);
  if (from !== ZERO) {
    const balance = (balances.get(from) ?? 0n) - amount;
    if (balance < 0n) {
      throw new LifeboatError(
        `replaying ${token}: ${getAddress(from)} would hold ${balance} after ${where}; the token changes balances without Transfer events (rebasing, fees, silent mints) or the node omitted logs, so it cannot be snapshotted from logs`,
      );
    }
    if (balance === 0n) balances.delete(from);
    else balances.set(from, balance);
  }
  if (to !== ZERO && amount !== 0n) balances.set(to, (balances.get(to) ?? 0n) + amount);
}

/**
 * ERC-20 balances at a block by replaying every Transfer log from the token's first block, then
 * cross-checked against the token itself at that block: the sum must equal totalSupply(), and the
 * largest holders' balanceOf() must equal the replayed balances.
 */
export const erc20Reader: PositionReader = {
  kind: "erc20",
  columns: 1,
  async read(spec: SourceSpec, context: ReaderContext): Promise<SourceResult> {
    const token = spec.address;
    const result = await foldLogs<Balances>({
      scan: {
        rpc: context.rpc,
        address: token,
        topic0: TRANSFER_TOPIC,
        fromBlock: spec.fromBlock,
        toBlock: context.block,
        maxRange: context.maxRange,
        policy: context.policy,
      },
      key: {
        reader: "erc20",
        chainId: context.chainId,
        address: token,
        topic0: TRANSFER_TOPIC,
        fromBlock: spec.fromBlock,
        toBlock: context.block,
        toBlockHash: context.blockHash,
      },
      cache: context.cache,
      initial: () => new Map(),
      fold: (balances, log) => foldTransfer(balances, log, token),
      serialize: (balances) => [...balances].map(([account, balance]) => [account, balance.toString()]),
      parse: parseBalanceEntries,
      progress: (next, last, logs) => context.log(`${spec.assets[0]} (${token}) Transfer logs: block ${Math.min(next, last)}/${last}, ${logs} logs`),
    });
    if (result.resumedFrom !== undefined) context.log(`${token}: resumed from the checkpoint at block ${result.resumedFrom}`);

    const checks: string[] = [];
    const sum = [...result.state.values()].reduce((total, balance) => total + balance, 0n);
    const target = { address: token, abi: ERC20, block: context.block };
    try {
      const supply = (await callAt(context.rpc, context.policy, target, "totalSupply"))[0] as bigint;
      if (supply !== sum) {
        throw new LifeboatError(
          `replayed balances of ${token} sum to ${sum}, but totalSupply() at block ${context.block} is ${supply}: the logs do not account for every balance (check fromBlock ${spec.fromBlock}, or the token is not a plain ERC-20)`,
        );
      }
      checks.push(`sum of replayed balances = totalSupply() = ${supply}`);
    } catch (error) {
      if (!(error instanceof CallRevertedError)) throw error;
      checks.push("totalSupply() reverts: the sum could not be cross-checked");
    }
    const largest = [...result.state].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0]))).slice(0, BALANCE_SPOT_CHECKS);
    for (const [account, replayed] of largest) {
      const actual = (await callAt(context.rpc, context.policy, target, "balanceOf", [account]))[0] as bigint;
      if (actual !== replayed) {
        throw new LifeboatError(
          `replayed balance of ${getAddress(account)} in ${token} is ${replayed}, but balanceOf() at block ${context.block} is ${actual}`,
        );
      }
    }
    checks.push(`balanceOf() at the block equals the replay for the ${largest.length} largest holders`);

    const balances = new Map<string, bigint[]>();
    for (const [account, balance] of result.state) balances.set(getAddress(account), [balance]);
    return {
      balances,
      report: {
        reader: "erc20",
        address: token,
        fromBlock: spec.fromBlock,
        logs: result.logs,
        requests: result.requests,
        ...(result.resumedFrom === undefined ? {} : { resumedFrom: result.resumedFrom }),
        accounts: balances.size,
        checks,
        netDebtors: [],
      },
    };
  },
};

function parseBalanceEntries(raw: unknown): Balances {
  if (!Array.isArray(raw)) throw new Error("state is not a list");
  const balances: Balances = new Map();
  for (const entry of raw) {
    if (
      !Array.isArray(entry) ||
      typeof entry[0] !== "string" ||
      !/^0x[0-9a-f]{40}$/.test(entry[0]) ||
      typeof entry[1] !== "string" ||
      !/^[1-9][0-9]*$/.test(entry[1])
    ) {
      throw new Error(`bad balance entry ${JSON.stringify(entry)?.slice(0, 80)}`);
    }
    balances.set(entry[0], BigInt(entry[1]));
  }
  return balances;
}
