import { ContractFactory, keccak256, type BaseContract, type Signer } from "ethers";

import type { CompiledContract } from "../setup/solidity";

interface CircomlibPoseidonContract {
  createCode(inputs: number): string;
  generateABI(inputs: number): unknown[];
}

function circomlibPoseidon(): CircomlibPoseidonContract {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("circomlibjs") as { poseidonContract: CircomlibPoseidonContract }).poseidonContract;
}

/**
 * keccak256 of the Poseidon(5) runtime code: RecoveryVault's POSEIDON5_CODEHASH, which refuses
 * any other hasher at construction (test/contracts/hasher.test.ts checks the three agree).
 */
export const POSEIDON5_CODEHASH = "0xa8ed314c126cc96256257e54ee670ade6c4158d7aa8c770eba83bafb8cd3fddf";

/**
 * The runtime code of circomlibjs's Poseidon(5), 0x-prefixed lower-case hex: what `eth_getCode`
 * returns for the hasher `deployPoseidon5` deploys. circomlibjs's creation code is a loader
 * (`CODESIZE PUSHn <loader length> PUSH1 0 CODECOPY PUSHn <runtime length> PUSH1 0 RETURN`)
 * followed by the runtime; the loader is parsed, not assumed.
 */
export function poseidon5RuntimeCode(): string {
  const creation = Buffer.from(circomlibPoseidon().createCode(5).slice(2), "hex");
  const pushed = (at: number): { value: number; next: number } => {
    const opcode = creation[at]!;
    if (opcode < 0x60 || opcode > 0x7f) throw new Error(`circomlibjs Poseidon loader: expected a PUSH at byte ${at}, found 0x${opcode.toString(16)}`);
    const size = opcode - 0x5f;
    return { value: creation.subarray(at + 1, at + 1 + size).readUIntBE(0, size), next: at + 1 + size };
  };
  if (creation[0] !== 0x38) throw new Error("circomlibjs Poseidon loader: expected CODESIZE at byte 0");
  const loader = pushed(1);
  const zero = pushed(loader.next);
  if (creation[zero.next] !== 0x39) throw new Error("circomlibjs Poseidon loader: expected CODECOPY");
  const length = pushed(zero.next + 1);
  const runtime = creation.subarray(loader.value, loader.value + length.value);
  if (runtime.length !== length.value) throw new Error("circomlibjs Poseidon loader: the runtime is shorter than announced");
  return `0x${runtime.toString("hex")}`;
}

/** keccak256 of code as `eth_getCode` returns it (0x-prefixed hex). */
export function codeHash(code: string): string {
  return keccak256(code);
}

/**
 * Deploys the Poseidon(5) hasher that RecoveryVault uses for snapshot commitments: the bytecode
 * circomlibjs generates for circomlib's parameters, never written by hand.
 */
export async function deployPoseidon5(signer: Signer): Promise<BaseContract> {
  const poseidonContract = circomlibPoseidon();
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
