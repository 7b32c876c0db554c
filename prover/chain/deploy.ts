import { ContractFactory, type BaseContract, type Signer } from "ethers";

import type { CompiledContract } from "../setup/solidity";

interface CircomlibPoseidonContract {
  createCode(inputs: number): string;
  generateABI(inputs: number): unknown[];
}

/**
 * Deploys the Poseidon(5) hasher that RecoveryVault uses for snapshot commitments: the bytecode
 * circomlibjs generates for circomlib's parameters, never written by hand.
 */
export async function deployPoseidon5(signer: Signer): Promise<BaseContract> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { poseidonContract } = require("circomlibjs") as { poseidonContract: CircomlibPoseidonContract };
  const factory = new ContractFactory(poseidonContract.generateABI(5) as never, poseidonContract.createCode(5), signer);
  const contract = await factory.deploy();
  await contract.waitForDeployment();
  return contract;
}

/** Deploys a Groth16 verifier exactly as published in the snapshot's artifacts (Groth16Verifier.json). */
export async function deployVerifier(verifier: CompiledContract, signer: Signer): Promise<BaseContract> {
  const { abi, bytecode } = verifier;
  const factory = new ContractFactory(abi as never, bytecode, signer);
  const contract = await factory.deploy();
  await contract.waitForDeployment();
  return contract;
}
