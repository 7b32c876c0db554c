import { Contract, parseUnits } from "ethers";

import { deployContract } from "../../chain";
import { LifeboatError } from "../../errors";
import { UsageError } from "../args";
import { connect } from "../chain-options";
import { tokenAmount, when } from "../format";
import { defineCommand, JSON_OPTION, opt, type Command } from "../options";
import { output } from "../output";
import { ERC20, tokenMetadata } from "../vault-view";
import { runDevelopmentNode } from "../../chain";

const LOCAL_RPC = { rpc: opt.url("URL", "the lifeboat node's endpoint").default("http://127.0.0.1:8545", "http://127.0.0.1:8545") };

/** Refuses anything but a development chain: these helpers rewrite time and print money. */
async function developmentChain(rpc: string, usage: string) {
  const { chain } = await connect({ rpc }, false, usage);
  if (chain.chainId !== 31337n)
    throw new LifeboatError(`${rpc} serves chain ${chain.chainId}, not a lifeboat node (chain 31337): refusing to change time or mint there`);
  return chain;
}

const time = defineCommand({
  name: "node time",
  summary: "advance a lifeboat node's clock (rehearsals: veto and claim windows)",
  description:
    "Advances the clock of a running lifeboat node (evm_increaseTime, then evm_mine) and prints the new\nblock time, for rehearsing the veto window and the claim deadline. Development chains only.",
  options: { advance: opt.duration("DURATION", "how far: seconds, or with a unit: 90s, 45m, 12h, 3d").require(), ...LOCAL_RPC, ...JSON_OPTION },
  async run(values, usage) {
    const chain = await developmentChain(values.rpc, usage);
    const provider = chain.provider as unknown as { send(method: string, params: unknown[]): Promise<unknown> };
    await provider.send("evm_increaseTime", [Number(values.advance)]);
    await provider.send("evm_mine", []);
    const now = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
    output(values.json, { advanced: values.advance, chainTime: new Date(Number(now) * 1000).toISOString() }, () => [
      `advanced ${values.advance} s: the node's time is now ${when(now, now).split(" ")[0]}`,
    ]);
  },
});

const token = defineCommand({
  name: "node token",
  summary: "deploy a mintable test token on a lifeboat node",
  description:
    "Deploys a mintable ERC-20 test token (contracts/test/TestToken.sol) on a running lifeboat node and\nprints its address; mint it with lifeboat node mint. Development chains only.",
  options: {
    symbol: opt.text("SYMBOL", "its symbol (use the manifest's asset name)").require(),
    decimals: opt.count("N", "its decimals", 0, 36).default(18, "18"),
    ...LOCAL_RPC,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const chain = await developmentChain(values.rpc, usage);
    const contract = await deployContract("TestToken", await chain.devSigner(), [`Test ${values.symbol}`, values.symbol, values.decimals]);
    const address = await contract.getAddress();
    output(values.json, { token: address, symbol: values.symbol, decimals: values.decimals }, () => [
      `test token ${values.symbol} (${values.decimals} decimals) deployed at ${address}`,
    ]);
  },
});

const mint = defineCommand({
  name: "node mint",
  summary: "mint a test token to an address on a lifeboat node",
  description:
    "Mints a test token (lifeboat node token, or any token with mint(address,uint256) open to the caller)\nto an address, the amount in token units (decimals from the token). Development chains only.",
  options: {
    token: opt.address("ADDR", "the test token").require(),
    to: opt.address("ADDR", "who receives the tokens").require(),
    amount: opt.text("AMOUNT", "how much, in token units (1000.5), or in base units with --base-units").require(),
    "base-units": opt.flag("read --amount as an integer in base units"),
    ...LOCAL_RPC,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const chain = await developmentChain(values.rpc, usage);
    const meta = await tokenMetadata(chain.provider, values.token);
    if (meta.decimals === undefined && !values["base-units"])
      throw new LifeboatError(`${values.token} does not answer decimals(): give --amount in base units with --base-units`);
    let amount: bigint;
    try {
      amount = values["base-units"] ? BigInt(values.amount) : parseUnits(values.amount, meta.decimals!);
    } catch {
      throw new UsageError(
        `--amount must be a number of tokens${values["base-units"] ? " (an integer in base units)" : ` with at most ${meta.decimals} decimals`}, got ${JSON.stringify(values.amount)}`,
        usage,
      );
    }
    if (amount <= 0n) throw new UsageError(`--amount must be positive, got ${values.amount}`, usage);
    const contract = new Contract(values.token, ERC20, await chain.devSigner());
    await (await contract.getFunction("mint")(values.to, amount)).wait();
    const balance = (await contract.getFunction("balanceOf")(values.to)) as bigint;
    output(values.json, { token: values.token, to: values.to, minted: amount, balance }, () => [
      `minted ${tokenAmount(amount, meta.decimals, meta.symbol ?? "")} to ${values.to}; it holds ${tokenAmount(balance, meta.decimals, meta.symbol ?? "")}`,
    ]);
  },
});

export const NODE_SUBCOMMANDS: Record<string, Command> = { time, token, mint };

export const node = defineCommand({
  name: "node",
  summary: "run a local chain for rehearsals (and: node time, node token, node mint)",
  description: `Runs a local Hardhat JSON-RPC node on 127.0.0.1 (chain id 31337, unlocked development accounts) so
deploy, publish, prove, claim and status can be run as separate commands with --rpc. For a
rehearsal: lifeboat node token --symbol WETH (a test token), lifeboat node mint --token ADDR --to ADDR
--amount 1000, lifeboat node time --advance 3d (past the veto window); each has --help.`,
  options: { port: opt.count("N", "the port to listen on", 1, 65535).default(8545, "8545") },
  async run(values) {
    await runDevelopmentNode("127.0.0.1", values.port);
  },
});

/** `lifeboat node …`: the node itself, or one of its rehearsal helpers. */
export const nodeGroup: Command = {
  name: node.name,
  summary: node.summary,
  usage: node.usage,
  async run(argv) {
    const sub = argv[0] === undefined ? undefined : NODE_SUBCOMMANDS[argv[0]];
    return sub === undefined ? node.run(argv) : sub.run(argv.slice(1));
  },
};
