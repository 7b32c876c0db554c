import { existsSync } from "node:fs";
import path from "node:path";

import { JsonRpcProvider, type Provider, type Signer } from "ethers";

import { LifeboatError } from "../errors";

/** A connection to a chain: a JSON-RPC endpoint, or the in-process Hardhat chain (see openChain). */
export interface Chain {
  readonly provider: Provider;
  /** The chain's EIP-155 id, as the node reports it. */
  readonly chainId: bigint;
  /** True for the in-process Hardhat chain: its state lives only as long as this process. */
  readonly inProcess: boolean;
  /** The chain's first unlocked account, for development chains. */
  readonly devSigner: () => Promise<Signer>;
}

/**
 * Connects to a JSON-RPC endpoint, or, without one, to an in-process Hardhat chain (state is
 * lost when the process exits: use `lifeboat node` and --rpc for multi-command sessions).
 */
export async function openChain(rpc?: string): Promise<Chain> {
  if (rpc === undefined) {
    const hre = loadHardhat();
    const provider = hre.ethers.provider;
    return {
      provider,
      chainId: (await provider.getNetwork()).chainId,
      inProcess: true,
      devSigner: async () => (await hre.ethers.getSigners())[0] as unknown as Signer,
    };
  }
  if (!/^https?:\/\//.test(rpc)) throw new LifeboatError(`--rpc must be an http(s) URL, got ${JSON.stringify(rpc)}`);
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true });
  let chainId: bigint;
  try {
    chainId = (await provider.getNetwork()).chainId;
  } catch (error) {
    throw new LifeboatError(`cannot reach the JSON-RPC endpoint ${rpc}: ${(error as Error).message.split("\n")[0]}`);
  }
  return {
    provider,
    chainId,
    inProcess: false,
    devSigner: async () => {
      const accounts = (await provider.send("eth_accounts", [])) as string[];
      if (accounts.length === 0) throw new LifeboatError(`${rpc} has no unlocked accounts: set LIFEBOAT_PRIVATE_KEY`);
      return provider.getSigner(accounts[0]);
    },
  };
}

/**
 * The in-process development chain is Hardhat's, loaded only here and only without --rpc: the
 * library and every other command run without Hardhat (contracts come from generated bindings).
 */
function loadHardhat(): typeof import("hardhat") {
  // From any directory: Hardhat finds its configuration from the working directory, so point it
  // at Lifeboat's own (a checkout's), which the in-process chain needs and nothing else.
  const config = path.resolve(__dirname, "..", "..", "hardhat.config.ts");
  if (process.env["HARDHAT_CONFIG"] === undefined && existsSync(config)) process.env["HARDHAT_CONFIG"] = config;
  try {
    // The configuration is TypeScript and the CLI runs compiled JavaScript: give Node a loader
    // for it (a development dependency, like Hardhat itself), unless one is already in place.
    if (require.extensions[".ts"] === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require("ts-node") as { register(options: object): unknown }).register({
        transpileOnly: true,
        project: path.resolve(__dirname, "..", "..", "tsconfig.json"),
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("hardhat") as typeof import("hardhat");
  } catch (error) {
    throw new LifeboatError(
      `without --rpc Lifeboat runs an in-process development chain, which needs Hardhat (a development dependency) and a Hardhat project to run in (${(error as Error).message.split("\n")[0]}): pass --rpc URL, or run from a Lifeboat checkout`,
      undefined,
      { cause: error },
    );
  }
}

/** Runs Hardhat's JSON-RPC node (`lifeboat node`) until the process is stopped. */
export async function runDevelopmentNode(hostname: string, port: number): Promise<void> {
  await loadHardhat().run("node", { hostname, port });
}
