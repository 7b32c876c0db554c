import hre from "hardhat";
import type { Contract, Signer } from "ethers";

import { deployContract } from "../helpers/contracts";
import { CHAIN_SOURCE_FORMAT, parseChainSourceConfig, type ChainSourceConfig } from "../../prover/chainstate/config";
import type { JsonRpc } from "../../prover/chainstate/rpc";
import type { RetryPolicy } from "../../prover/chainstate/rpc";

export const { ethers } = hre;

/** Retries fast in tests: the back-off logic is the same, the waits are short. */
export const FAST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4, timeoutMs: 10_000 };

/** The in-process chain as raw JSON-RPC. */
export const chainRpc: JsonRpc = { send: (method, params) => ethers.provider.send(method, params) };

/**
 * A node that refuses eth_getLogs over more than `maxBlocks` blocks (the way hosted providers do),
 * fails every `flakyEvery`-th request with a connection error, and counts what it was asked.
 */
export function limitedRpc(
  inner: JsonRpc,
  options: { maxBlocks?: number; flakyEvery?: number; dieAfterLogs?: number } = {},
): JsonRpc & { logCalls: number; ranges: [number, number][] } {
  let calls = 0;
  const rpc = {
    logCalls: 0,
    ranges: [] as [number, number][],
    async send(method: string, params: unknown[]): Promise<unknown> {
      calls += 1;
      if (options.flakyEvery !== undefined && calls % options.flakyEvery === 0) throw new Error("socket hang up (ECONNRESET)");
      if (method === "eth_getLogs") {
        rpc.logCalls += 1;
        if (options.dieAfterLogs !== undefined && rpc.logCalls > options.dieAfterLogs) throw new Error("process killed");
        const filter = params[0] as { fromBlock: string; toBlock: string };
        const [from, to] = [Number(filter.fromBlock), Number(filter.toBlock)];
        if (options.maxBlocks !== undefined && to - from + 1 > options.maxBlocks) {
          throw new Error(`could not coalesce error (error={ "code": -32005, "message": "query exceeds max block range ${options.maxBlocks}" })`);
        }
        rpc.ranges.push([from, to]);
      }
      return inner.send(method, params);
    },
  };
  return rpc;
}

/** A token with transfers spread over many blocks (one transaction per block). */
export async function tokenWithHistory(transfers: number): Promise<{ token: Contract; holders: string[]; firstBlock: number; lastBlock: number }> {
  const signers = (await ethers.getSigners()) as unknown as Signer[];
  const holders = await Promise.all(signers.slice(1, 9).map((signer) => signer.getAddress()));
  const token = await deployContract("TestToken", signers[0]!, ["History", "HIST", 18]);
  const firstBlock = (await token.deploymentTransaction()!.wait())!.blockNumber;
  for (const [i, holder] of holders.entries()) await (await token.getFunction("mint")(holder, BigInt(1000 + i) * 10n ** 18n)).wait();
  for (let i = 0; i < transfers; i += 1) {
    const from = signers[1 + (i % holders.length)]!;
    const to = holders[(i * 3 + 1) % holders.length]!;
    await (await token.connect(from).getFunction("transfer")(to, BigInt(1 + ((i * 7919) % 97)) * 10n ** 16n)).wait();
  }
  // a burn, so the supply changes along the way
  await (await token.connect(signers[2]!).getFunction("transfer")("0x000000000000000000000000000000000000dEaD", 5n * 10n ** 18n)).wait();
  return { token, holders, firstBlock, lastBlock: await ethers.provider.getBlockNumber() };
}

export async function erc20Config(token: string, fromBlock: number): Promise<ChainSourceConfig> {
  return parseChainSourceConfig(
    JSON.stringify({
      format: CHAIN_SOURCE_FORMAT,
      chainId: (await ethers.provider.getNetwork()).chainId.toString(),
      assets: ["HIST"],
      sources: [{ reader: "erc20", address: token, fromBlock, assets: ["HIST"] }],
    }),
  );
}
