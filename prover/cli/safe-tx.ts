import { Interface } from "ethers";

import { contractArtifact } from "../chain/contracts";
import { buildBatchFile, writeBatchFile, type BatchTransaction } from "../chain/safe-tx-builder";
import { exists } from "../fs-atomic";
import { addressOption, UsageError } from "./args";
import { log } from "./progress";

/** The options of every command that can write its calls as a Safe Transaction Builder batch. */
export const SAFE_TX_OPTIONS = {
  "safe-tx": { type: "string" },
  safe: { type: "string" },
} as const;

export const SAFE_TX_USAGE = `  --safe-tx FILE   write the calls as a Safe Transaction Builder batch (format 1.0, with its
                   checksum) for the Safe's owners to import, sign and execute, instead of
                   sending them with a key (no RPC endpoint or key is needed); FILE must not exist
  --safe ADDRESS   the Safe that will execute the batch (recorded in the file)`;

/** An ERC-20's approve, for batches that fund the vault from the Safe's balance. */
export const ERC20_APPROVE = new Interface(["function approve(address spender, uint256 amount) returns (bool)"]);

/** The vault's interface, from its compiled artifact (so a batch always matches the contract). */
export async function vaultInterface(): Promise<Interface> {
  return new Interface((await contractArtifact("RecoveryVault")).abi);
}

/** Checks --safe-tx and --safe before any work, so a bad flag costs nothing. */
export async function safeTxTarget(values: { "safe-tx"?: string | undefined; safe?: string | undefined }, usage: string): Promise<{ file: string; safe?: string } | undefined> {
  const file = values["safe-tx"];
  if (file === undefined) {
    if (values.safe !== undefined) throw new UsageError("--safe is only used with --safe-tx", usage);
    return undefined;
  }
  if (file.trim() === "") throw new UsageError("--safe-tx needs a file name", usage);
  if (await exists(file)) throw new UsageError(`--safe-tx ${file} already exists (nothing was written)`, usage);
  return values.safe === undefined ? { file } : { file, safe: addressOption(values.safe, "safe", usage) };
}

/** Writes the batch and says what the owners must check before signing. */
export async function writeSafeTx(
  target: { file: string; safe?: string },
  batch: { chainId: string; name: string; description: string; transactions: readonly BatchTransaction[] },
): Promise<void> {
  const file = buildBatchFile({ ...batch, safe: target.safe });
  await writeBatchFile(target.file, file);
  log(`wrote ${file.transactions.length} call(s) for the Safe to ${target.file} (chain ${file.chainId}, checksum ${file.meta.checksum})`);
  process.stdout.write(`${JSON.stringify({ safeTx: target.file, chainId: file.chainId, transactions: file.transactions.length, checksum: file.meta.checksum })}\n`);
}
