import { ethers } from "hardhat";
import type { Contract, Signer } from "ethers";

import { deployContract as deployBinding } from "../../prover/chain/contracts";
import { bindings as productBindings } from "../../prover/contracts";
import { bindings as demoBindings } from "../../examples/demo/bindings";

/**
 * Deploys a contract for a test: product and demo contracts from their generated bindings (what
 * the library and the demo deploy), test contracts (tokens, mocks, harnesses) from Hardhat's
 * artifacts, which only the tests may use.
 */
export async function deployContract(name: string, signer: Signer, args: readonly unknown[] = []): Promise<Contract> {
  const binding =
    (productBindings as Record<string, { abi: readonly unknown[]; bytecode?: string }>)[name] ??
    (demoBindings as Record<string, { abi: readonly unknown[]; bytecode?: string }>)[name];
  if (binding?.bytecode !== undefined) return deployBinding(binding, signer, args);
  const deployed = await (await ethers.getContractFactory(name, signer)).deploy(...args);
  await deployed.waitForDeployment();
  return deployed as unknown as Contract;
}
