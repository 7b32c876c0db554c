import { Contract, ContractFactory, Interface, type InterfaceAbi, type Provider, type Signer } from "ethers";

import { bindings } from "../contracts";
import { InputError, type LifeboatError } from "../errors";
import { describeRevert as describe, revertError } from "./errors";

/**
 * Contracts by their generated bindings (prover/contracts/, `npm run generate:bindings`): no
 * compile and no Hardhat at run time. A call site names a product contract ("RecoveryVault",
 * "IERC20Metadata", "Safe", …) or passes a binding of its own (`{ abi, bytecode }`, e.g. from
 * examples/demo/bindings).
 */

/** An ABI, and the creation bytecode for contracts that are deployed. */
export interface ContractBinding {
  readonly abi: readonly unknown[];
  readonly bytecode?: string;
}

/** The contracts prover/contracts/ ships bindings for. */
export type ProductContractName = keyof typeof bindings;

/** A product contract's name, or a binding. */
export type ContractRef = ProductContractName | ContractBinding;

function resolve(contract: ContractRef | string): { name: string; binding: ContractBinding } {
  if (typeof contract !== "string") return { name: "the given contract", binding: contract };
  const binding = (bindings as Readonly<Record<string, ContractBinding>>)[contract];
  if (binding === undefined)
    throw new InputError(`no contract binding named ${JSON.stringify(contract)}: use one of ${Object.keys(bindings).join(", ")}, or pass { abi, bytecode }`);
  return { name: contract, binding };
}

/** A contract's ABI and creation bytecode (`0x` for interfaces and abstract contracts). */
export async function contractArtifact(contract: ContractRef | string): Promise<{ abi: InterfaceAbi; bytecode: string }> {
  const { binding } = resolve(contract);
  return { abi: binding.abi as InterfaceAbi, bytecode: binding.bytecode ?? "0x" };
}

/** A contract's ethers Interface. */
export function contractInterface(contract: ContractRef | string): Interface {
  return new Interface(resolve(contract).binding.abi as InterfaceAbi);
}

/** Deploys a contract from its binding and waits for the deployment. */
export async function deployContract(contract: ContractRef | string, signer: Signer, args: readonly unknown[] = []): Promise<Contract> {
  const { name, binding } = resolve(contract);
  if (binding.bytecode === undefined || binding.bytecode === "0x")
    throw new InputError(`${name} has no creation bytecode in its binding: it is an interface or is not deployed by Lifeboat`);
  const deployed = await new ContractFactory(binding.abi as InterfaceAbi, binding.bytecode, signer).deploy(...args);
  await deployed.waitForDeployment();
  return deployed as Contract;
}

/** The contract at `address`, with the named ABI. */
export function connectContract(contract: ContractRef | string, address: string, runner: Signer | Provider): Contract {
  return new Contract(address, resolve(contract).binding.abi as InterfaceAbi, runner);
}

/** The same as `connectContract`, for call sites that await it. */
export async function attach(contract: ContractRef | string, address: string, runner: Signer | Provider): Promise<Contract> {
  return connectContract(contract, address, runner);
}

/** Turns a revert into its custom error's name and arguments, e.g. RecoveryVaultAlreadyClaimed(1, 0x…). */
export function describeRevert(error: unknown, contractInterface: Interface): string {
  return describe(error, contractInterface);
}

/** `<message>: Name(args)` as a ContractRevertError (prover/chain/errors.ts) when the revert decodes. */
export function failure(message: string, error: unknown, contractInterface: Interface, contract?: string): LifeboatError {
  return revertError(message, error, contractInterface, contract);
}
