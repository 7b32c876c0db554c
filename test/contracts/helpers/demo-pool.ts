import type { BaseContract, Signer } from "ethers";

import { DEMO_POOL_UPGRADE_DELAY, type DemoPoolParameters } from "../../../examples/demo/pool";
import { ethers } from "./fixtures";

/**
 * The demo pool behind its proxy and upgrade timelock, as examples/demo/pool.ts deploys it,
 * typed, and from Hardhat's own artifacts (so that `hardhat coverage` deploys the instrumented
 * pool).
 */
export async function deployPool(signer: Signer, parameters: DemoPoolParameters) {
  const governance = parameters.governance;
  let timelock = parameters.timelock;
  if (timelock === undefined) {
    const deployer = await signer.getAddress();
    const controller = await (
      await ethers.getContractFactory("TimelockController", signer)
    ).deploy(DEMO_POOL_UPGRADE_DELAY, [governance], [governance], deployer);
    for (const canceller of parameters.cancellers ?? []) await controller.grantRole(await controller.CANCELLER_ROLE(), canceller);
    await controller.renounceRole(await controller.DEFAULT_ADMIN_ROLE(), deployer);
    timelock = await controller.getAddress();
  }
  const implementation = await (await ethers.getContractFactory("DemoLendingPool", signer)).deploy(parameters.window);
  const initialize = implementation.interface.encodeFunctionData("initialize", [
    parameters.asset0,
    parameters.asset1,
    governance,
    parameters.lockDelay,
    timelock,
  ]);
  const proxy = await (await ethers.getContractFactory("ERC1967Proxy", signer)).deploy(await implementation.getAddress(), initialize);
  const pool = await ethers.getContractAt("DemoLendingPool", await proxy.getAddress(), signer);
  return { pool, implementation: await implementation.getAddress(), timelock };
}

/**
 * Points the pool's oracle guard at one feed (`maxAge` seconds, no spread bound beyond 100 %) with
 * governance's reference price and its deviation bound: two governance calls.
 */
export async function setOracleGuard(
  pool: BaseContract,
  feed: string,
  referencePrice: bigint,
  maxAge: number | bigint,
  maxDeviationBps: number | bigint,
): Promise<void> {
  await (await pool.getFunction("setOracle")([feed], [maxAge], 1, 10_000)).wait();
  await (await pool.getFunction("setReferencePrice")(referencePrice, maxDeviationBps)).wait();
}
