import { ZeroAddress, getAddress, type Contract, type Signer, type ContractTransactionReceipt } from "ethers";

import { LifeboatError } from "../errors";
import { attach, deployContract } from "./contracts";

/**
 * The emergency multisig: a Safe (v1.4.1, the @safe-global/safe-contracts package) behind a proxy,
 * and the EIP-712 signing that makes its owners' approvals.
 */
export async function deploySafe(deployer: Signer, owners: readonly string[], threshold: number): Promise<Contract> {
  if (threshold < 1 || threshold > owners.length) throw new LifeboatError(`a Safe threshold must be 1..${owners.length}, got ${threshold}`);
  const singleton = await deployContract("Safe", deployer);
  const factory = await deployContract("SafeProxyFactory", deployer);
  const setup = singleton.interface.encodeFunctionData("setup", [
    owners.map((owner) => getAddress(owner)),
    threshold,
    ZeroAddress,
    "0x",
    ZeroAddress,
    ZeroAddress,
    0,
    ZeroAddress,
  ]);
  const receipt = (await (await factory.getFunction("createProxyWithNonce")(await singleton.getAddress(), setup, 0)).wait()) as ContractTransactionReceipt;
  const created = receipt.logs.map((log) => factory.interface.parseLog(log)).find((parsed) => parsed?.name === "ProxyCreation");
  return attach("Safe", created!.args[0] as string, deployer);
}

/** Safe v1.4.1's EIP-712 SafeTx type. */
export const SAFE_TX_TYPES = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/**
 * Executes `data` on `to` from the Safe, signed by `owners` (EIP-712; the Safe requires the
 * signatures ordered by owner address). `submitter` pays the gas; it need not be an owner. The
 * Safe reverts (GS013) if the inner call fails, and GS020/GS026 if the signatures do not meet the
 * threshold.
 */
export async function execSafeTransaction(
  safe: Contract,
  to: string,
  data: string,
  owners: readonly Signer[],
  submitter: Signer,
): Promise<ContractTransactionReceipt> {
  const network = await submitter.provider!.getNetwork();
  const nonce = (await safe.getFunction("nonce")()) as bigint;
  const message = { to, value: 0, data, operation: 0, safeTxGas: 0, baseGas: 0, gasPrice: 0, gasToken: ZeroAddress, refundReceiver: ZeroAddress, nonce };
  const domain = { chainId: network.chainId, verifyingContract: await safe.getAddress() };
  const signed = await Promise.all(
    owners.map(async (owner) => ({ owner: (await owner.getAddress()).toLowerCase(), signature: await owner.signTypedData(domain, SAFE_TX_TYPES, message) })),
  );
  signed.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  const signatures = `0x${signed.map((entry) => entry.signature.slice(2)).join("")}`;
  const tx = await safe.connect(submitter).getFunction("execTransaction")(to, 0, data, 0, 0, 0, 0, ZeroAddress, ZeroAddress, signatures);
  return (await tx.wait()) as ContractTransactionReceipt;
}
