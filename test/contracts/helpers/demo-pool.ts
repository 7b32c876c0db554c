import type { Signer } from "ethers";

import { deployDemoLendingPool, type DemoPoolParameters } from "../../../prover/chain/demo-pool";
import { ethers } from "./fixtures";

/** The demo pool behind its proxy and upgrade timelock (prover/chain/demo-pool.ts), typed. */
export async function deployPool(signer: Signer, parameters: DemoPoolParameters) {
  const deployment = await deployDemoLendingPool(signer, parameters);
  const pool = await ethers.getContractAt("DemoLendingPool", await deployment.pool.getAddress(), signer);
  return { ...deployment, pool };
}
