import { promises as fs } from "node:fs";
import path from "node:path";

import { Contract, ContractFactory, type Interface, type InterfaceAbi, type Signer, type Provider } from "ethers";

import { LifeboatError } from "../errors";
import { PROJECT_ROOT } from "../setup/circuits";

interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
}

let compiled: Promise<void> | undefined;

/**
 * A compiled contract of contracts/, from Hardhat's artifacts. The first use in a process runs
 * Hardhat's incremental compile (the pinned offline compiler of hardhat.config.ts), so a fresh
 * clone compiles everything and an edited contract is never served from stale artifacts.
 */
export async function contractArtifact(name: string): Promise<Artifact> {
  compiled ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hre = require("hardhat") as typeof import("hardhat");
    await hre.run("compile", { quiet: true });
  })();
  await compiled;
  const file = path.join(PROJECT_ROOT, "artifacts", ...artifactPath(name), `${name}.json`);
  return JSON.parse(await fs.readFile(file, "utf8")) as Artifact;
}

/** Where Hardhat puts a contract's artifact, by the source file that defines it. */
function artifactPath(name: string): string[] {
  const sources: Record<string, string[]> = {
    RecoveryVault: ["contracts", "RecoveryVault.sol"],
    DemoLendingPool: ["contracts", "examples", "DemoLendingPool.sol"],
    DemoPriceOracle: ["contracts", "examples", "DemoPriceOracle.sol"],
    TimelockController: ["@openzeppelin", "contracts", "governance", "TimelockController.sol"],
    ERC1967Proxy: ["@openzeppelin", "contracts", "proxy", "ERC1967", "ERC1967Proxy.sol"],
    Safe: ["@safe-global", "safe-contracts", "contracts", "Safe.sol"],
    SafeProxyFactory: ["@safe-global", "safe-contracts", "contracts", "proxies", "SafeProxyFactory.sol"],
  };
  return sources[name] ?? ["contracts", "test", `${name}.sol`];
}

export async function deployContract(name: string, signer: Signer, args: unknown[] = []): Promise<Contract> {
  const { abi, bytecode } = await contractArtifact(name);
  const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

export async function attach(name: string, address: string, runner: Signer | Provider): Promise<Contract> {
  const { abi } = await contractArtifact(name);
  return new Contract(address, abi, runner);
}

/** Turns a revert into its custom error's name and arguments, e.g. RecoveryVaultAlreadyClaimed(1, 0x…). */
export function describeRevert(error: unknown, contractInterface: Interface): string {
  const data = findRevertData(error);
  if (data !== undefined) {
    try {
      const parsed = contractInterface.parseError(data);
      if (parsed !== null) return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
    } catch {
      // fall through to the message
    }
  }
  return (error as Error).message.split("\n")[0] ?? String(error);
}

function findRevertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data;
    current = (current as { error?: unknown; info?: { error?: unknown } }).error ?? (current as { info?: { error?: unknown } }).info?.error;
  }
  return undefined;
}

export function failure(message: string, error: unknown, contractInterface: Interface): LifeboatError {
  return new LifeboatError(`${message}: ${describeRevert(error, contractInterface)}`);
}
