import { Interface, type Contract, type Signer } from "ethers";

import { connectContract, deployContract } from "lifeboat/vault";
import { LifeboatError } from "lifeboat";
import { bindings } from "./bindings";

/** The demo pool's upgrade delay when no timelock is given: two days. */
export const DEMO_POOL_UPGRADE_DELAY = 2 * 24 * 3600;

export interface DemoPoolParameters {
  readonly asset0: string;
  readonly asset1: string;
  /** Holds the pool's admin role (limits, oracle guard, risk parameters, resume). */
  readonly governance: string;
  /** The circuit breaker's rolling window, seconds (an immutable of the implementation). */
  readonly window: number | bigint;
  readonly lockDelay: number | bigint;
  /** The TimelockController that alone may upgrade the pool; deployed when absent. */
  readonly timelock?: string;
  /** With a new timelock: who may cancel a scheduled upgrade besides governance (guardians). */
  readonly cancellers?: readonly string[];
}

export interface DemoPoolDeployment {
  /** The pool: its proxy, with the pool's ABI. */
  readonly pool: Contract;
  readonly implementation: string;
  readonly timelock: string;
  /** The block of the proxy's deployment (the pool's first block). */
  readonly block: number;
}

/**
 * Deploys contracts/examples/DemoLendingPool.sol as its protocol would: an implementation, and an
 * ERC-1967 proxy initialised in its constructor, upgradeable only by a TimelockController. Without
 * `timelock`, a new one is deployed with a two-day delay, governance as proposer, executor and
 * canceller, `cancellers` as cancellers too, and no admin (its roles change only through itself).
 * The signer becomes the pool's `owner` (who may seed positions).
 */
export async function deployDemoLendingPool(signer: Signer, parameters: DemoPoolParameters): Promise<DemoPoolDeployment> {
  const timelock = parameters.timelock ?? (await deployUpgradeTimelock(signer, parameters.governance, parameters.cancellers ?? []));
  const implementation = await deployContract(bindings.DemoLendingPool, signer, [parameters.window]);
  const poolInterface = new Interface(bindings.DemoLendingPool.abi);
  const initialize = poolInterface.encodeFunctionData("initialize", [
    parameters.asset0,
    parameters.asset1,
    parameters.governance,
    parameters.lockDelay,
    timelock,
  ]);
  const proxy = await deployContract(bindings.ERC1967Proxy, signer, [await implementation.getAddress(), initialize]);
  const receipt = await proxy.deploymentTransaction()?.wait();
  if (receipt === null || receipt === undefined) throw new LifeboatError("the demo pool's proxy deployment has no receipt");
  const pool = connectContract(bindings.DemoLendingPool, await proxy.getAddress(), signer);
  return { pool, implementation: await implementation.getAddress(), timelock, block: receipt.blockNumber };
}

async function deployUpgradeTimelock(signer: Signer, governance: string, cancellers: readonly string[]): Promise<string> {
  const deployer = await signer.getAddress();
  const timelock = await deployContract(bindings.TimelockController, signer, [DEMO_POOL_UPGRADE_DELAY, [governance], [governance], deployer]);
  const cancellerRole = (await timelock.getFunction("CANCELLER_ROLE")()) as string;
  for (const canceller of cancellers) await (await timelock.getFunction("grantRole")(cancellerRole, canceller)).wait();
  // The deployer's temporary admin goes: from here the timelock administers itself.
  await (await timelock.getFunction("renounceRole")(await timelock.getFunction("DEFAULT_ADMIN_ROLE")(), deployer)).wait();
  return timelock.getAddress();
}
