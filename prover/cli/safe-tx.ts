import { buildBatchFile, writeBatchFile, type BatchTransaction } from "../chain";
import { exists } from "../fs-atomic";
import { UsageError } from "./args";
import { opt } from "./options";
import { log } from "./progress";

/** The options of every command that can write its calls as a Safe Transaction Builder batch. */
export const SAFE_TX_OPTIONS = {
  "safe-tx": opt.path(
    "FILE",
    "write the calls as a Safe Transaction Builder batch (format 1.0, with its checksum) for the Safe's owners to import, sign and execute, instead of sending them with a key; FILE must not exist",
  ),
  safe: opt.address("ADDRESS", "with --safe-tx: the Safe that will execute the batch (recorded in the file)"),
};

/** Checks --safe-tx and --safe before any work, so a bad flag costs nothing. */
export async function safeTxTarget(
  values: { "safe-tx"?: string | undefined; safe?: string | undefined },
  usage: string,
): Promise<{ file: string; safe?: string } | undefined> {
  const file = values["safe-tx"];
  if (file === undefined) {
    if (values.safe !== undefined) throw new UsageError("--safe is only used with --safe-tx", usage);
    return undefined;
  }
  if (await exists(file)) throw new UsageError(`--safe-tx ${file} already exists (nothing was written)`, usage);
  return values.safe === undefined ? { file } : { file, safe: values.safe };
}

/** Writes the batch and says what the owners must check before signing. */
export async function writeSafeTx(
  target: { file: string; safe?: string },
  batch: { chainId: string; name: string; description: string; transactions: readonly BatchTransaction[] },
): Promise<{ safeTx: string; chainId: string; transactions: number; checksum: string }> {
  const file = buildBatchFile({ ...batch, safe: target.safe });
  await writeBatchFile(target.file, file);
  log(`wrote ${file.transactions.length} call(s) for the Safe to ${target.file} (chain ${file.chainId}, checksum ${file.meta.checksum})`);
  return { safeTx: target.file, chainId: file.chainId, transactions: file.transactions.length, checksum: file.meta.checksum };
}
