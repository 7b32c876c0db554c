import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Contract, ContractFactory, ZeroAddress, getAddress, keccak256, toUtf8Bytes, Wallet, type JsonRpcProvider, type Signer } from "ethers";

import hre from "hardhat";

import { deployContract } from "../../prover/chain/contracts";
import { lifeboat, ROOT_DIR, startNode } from "../helpers/cli";

/** A user with a key of their own (not one of the node's unlocked accounts). */
export function userWallet(name: string, provider: JsonRpcProvider): Wallet {
  return new Wallet(keccak256(toUtf8Bytes(`lifeboat portal test/${name}`)), provider);
}

/**
 * A Safe v1.4.1 (one owner) set up with the CompatibilityFallbackHandler, which answers EIP-1271's
 * isValidSignature for it: a contract account that signs in with its owner's signature.
 */
export async function deploySafeWithHandler(deployer: Signer, owner: string): Promise<Contract> {
  // The handler is no product binding: Hardhat's compile of the test imports (contracts/test/SafeImports.sol) has it.
  await hre.run("compile", { quiet: true });
  const handlerArtifact = (await hre.artifacts.readArtifact("CompatibilityFallbackHandler")) as unknown as { abi: never; bytecode: string };
  const handler = await new ContractFactory(handlerArtifact.abi, handlerArtifact.bytecode, deployer).deploy();
  await handler.waitForDeployment();
  const singleton = await deployContract("Safe", deployer);
  const factory = await deployContract("SafeProxyFactory", deployer);
  const setup = singleton.interface.encodeFunctionData("setup", [
    [getAddress(owner)],
    1,
    ZeroAddress,
    "0x",
    await handler.getAddress(),
    ZeroAddress,
    0,
    ZeroAddress,
  ]);
  const receipt = await (await factory.getFunction("createProxyWithNonce")(await singleton.getAddress(), setup, 0)).wait();
  const created = receipt.logs.map((log: never) => factory.interface.parseLog(log)).find((parsed: { name: string } | null) => parsed?.name === "ProxyCreation");
  return new Contract(created.args[0] as string, singleton.interface, deployer);
}

/** An owner's EIP-1271 signature for a Safe over an EIP-191 message hash (SafeMessage, EIP-712). */
export async function safeSignature(owner: Wallet, safe: string, chainId: bigint, messageHash: string): Promise<string> {
  return owner.signTypedData({ chainId, verifyingContract: safe }, { SafeMessage: [{ name: "message", type: "bytes" }] }, { message: messageHash });
}

export interface PortalChain {
  readonly work: string;
  readonly node: ChildProcess;
  readonly provider: JsonRpcProvider;
  readonly rpc: string;
  readonly snapshot: string;
  readonly deploymentFile: string;
  readonly deployment: { vault: string; chainId: string };
  readonly tokens: Contract[];
  /** Declared and funded per asset: half of each total. */
  readonly funded: bigint[];
  readonly totals: bigint[];
  readonly claims: (account: string) => Promise<{ balances: string[] }>;
}

/**
 * A chain with a vault whose snapshot 1 (depth 4, two assets) is active, funded with half of each
 * asset's total, and whose balances include `members` (a CSV row each) besides sample accounts.
 */
export async function portalChain(
  port: number,
  membersOf: (provider: JsonRpcProvider) => Promise<string[]>,
  options: { proposeSecond?: boolean } = {},
): Promise<PortalChain> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-portal-"));
  const { node, provider, rpc } = await startNode(port);
  const file = (...parts: string[]): string => path.join(work, ...parts);
  const members = await membersOf(provider);
  const rows = ["account,WETH,USDC", ...members.map((member, i) => `${member},${(i + 3) * 10 ** 17},${(i + 2) * 1_000_000 + 7}`)];
  for (let i = 0; i < 5; i += 1)
    rows.push(`${getAddress(keccak256(toUtf8Bytes(`portal filler ${i}`)).slice(0, 42))},${(i + 1) * 10 ** 16},${(i + 5) * 333_333}`);
  await fs.writeFile(file("balances.csv"), `${rows.join("\n")}\n`);
  const ok = (result: ReturnType<typeof lifeboat>): void => void expect(result.status, result.stderr).to.equal(0);
  ok(lifeboat(["snapshot", "--balances", file("balances.csv"), "--depth", "4", "--out", file("snap")]));
  ok(lifeboat(["deploy", "--out", file("deployment.json"), "--artifacts", file("snap", "artifacts"), "--rpc", rpc]));
  const deployment = JSON.parse(await fs.readFile(file("deployment.json"), "utf8")) as { vault: string; chainId: string };
  const manifest = JSON.parse(await fs.readFile(file("snap", "manifest.json"), "utf8")) as { totals: string[] };
  const totals = manifest.totals.map(BigInt);
  const funded = totals.map((total) => total / 2n);
  const signer = await provider.getSigner(0);
  const tokens: Contract[] = [];
  for (const [name, symbol, decimals] of [
    ["Wrapped Ether", "WETH", 18],
    ["USD Coin", "USDC", 6],
  ] as const) {
    const token = await deployContract("TestToken", signer, [name, symbol, decimals]);
    await (await token.getFunction("mint")(await signer.getAddress(), 10n ** 30n)).wait();
    tokens.push(token);
  }
  const publish = async (id: string): Promise<void> =>
    ok(
      lifeboat([
        "publish",
        "--deployment",
        file("deployment.json"),
        "--manifest",
        file("snap", "manifest.json"),
        "--snapshot-id",
        id,
        "--snapshot-block",
        "1",
        "--tokens",
        (await Promise.all(tokens.map((token) => token.getAddress()))).join(","),
        "--amounts",
        funded.join(","),
        "--sweep-to",
        await signer.getAddress(),
        "--rpc",
        rpc,
      ]),
    );
  await publish("1");
  await provider.send("evm_increaseTime", [72 * 3600 + 1]);
  await provider.send("evm_mine", []);
  ok(lifeboat(["finalize", "--deployment", file("deployment.json"), "--snapshot-id", "1", "--rpc", rpc]));
  if (options.proposeSecond === true) await publish("2");
  return {
    work,
    node,
    provider,
    rpc,
    snapshot: file("snap"),
    deploymentFile: file("deployment.json"),
    deployment,
    tokens,
    funded,
    totals,
    claims: async (account) => JSON.parse(await fs.readFile(file("snap", "claims", `${getAddress(account)}.json`), "utf8")) as { balances: string[] },
  };
}

/** `lifeboat serve` as its own process (`env` added to this one's); resolves once it listens. Its stdout is the access log. */
export async function startServe(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ server: ChildProcess; url: string; accessLog: () => string; stderr: () => string }> {
  const server = spawn(process.execPath, [path.join(ROOT_DIR, "bin", "lifeboat.js"), "serve", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let out = "";
  let err = "";
  server.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(err);
      if (match !== null) resolve(match[1]!);
    });
    server.once("exit", (code) => reject(new Error(`lifeboat serve exited with ${code}: ${err}`)));
  });
  return { server, url, accessLog: () => out, stderr: () => err };
}

/** Stops a child process with SIGTERM and waits for its exit code. */
export async function stop(child: ChildProcess | undefined): Promise<number | null> {
  if (child === undefined || child.exitCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}
