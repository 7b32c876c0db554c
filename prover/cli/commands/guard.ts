import { Contract, Interface } from "ethers";

import { LifeboatError } from "../../errors";
import { batchCall } from "../../chain/safe-tx-builder";
import { addressOption, integerOption, parseOptions, UsageError } from "../args";
import { CHAIN_OPTIONS, CHAIN_USAGE, connect } from "../chain-options";
import { log } from "../progress";
import { revertReason } from "../revert";
import { SAFE_TX_OPTIONS, SAFE_TX_USAGE, safeTxTarget, writeSafeTx } from "../safe-tx";

/** The guardian's side of a guarded pool (CircuitBreaker, or any pool with the same halt). */
const GUARDED_POOL = new Interface([
  "function halt(string reason)",
  "function halted() view returns (bool)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
]);

export const HALT_USAGE = `usage: lifeboat halt --pool ADDRESS --reason TEXT [--rpc URL] [--keystore FILE | --safe-tx FILE [--safe ADDRESS] [--chain-id N]]

A guardian halts a guarded pool: every guarded operation stops until governance resumes it.

  --pool ADDRESS   the guarded pool (its halt(string) is open to its guardians)
  --reason TEXT    why (emitted on chain)
  --chain-id N     with --safe-tx: the pool's chain (default: asked from --rpc)
${CHAIN_USAGE}
${SAFE_TX_USAGE}`;

export async function haltCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { pool: { type: "string", required: true }, reason: { type: "string", required: true }, "chain-id": { type: "string" }, ...CHAIN_OPTIONS, ...SAFE_TX_OPTIONS },
    HALT_USAGE,
  );
  if (help) return void process.stdout.write(`${HALT_USAGE}\n`);
  const pool = addressOption(values.pool as string, "pool", HALT_USAGE);
  const reason = values.reason as string;
  if (reason.trim() === "") throw new UsageError("--reason must say why", HALT_USAGE);
  const safeTx = await safeTxTarget(values, HALT_USAGE);
  if (safeTx !== undefined) {
    const chainId =
      values["chain-id"] !== undefined
        ? integerOption(values["chain-id"], "chain-id", 1n, (1n << 64n) - 1n, HALT_USAGE)
        : (await (await connect(values, false)).chain.provider.getNetwork()).chainId;
    return writeSafeTx(safeTx, {
      chainId: chainId.toString(),
      name: "Lifeboat: halt the pool",
      description: `Halts the guarded pool ${pool}: ${reason}`,
      transactions: [batchCall(pool, GUARDED_POOL, "halt", [reason])],
    });
  }
  if (values["chain-id"] !== undefined) throw new UsageError("--chain-id is only used with --safe-tx", HALT_USAGE);
  const { signer } = await connect(values, true);
  const contract = new Contract(pool, GUARDED_POOL, signer);
  try {
    await contract.getFunction("halt").staticCall(reason);
    const receipt = await (await contract.getFunction("halt")(reason)).wait();
    log(`pool ${pool} halted in ${receipt!.hash}`);
  } catch (error) {
    throw new LifeboatError(`the pool cannot be halted by ${await signer!.getAddress()}: ${revertReason(error, GUARDED_POOL)}`);
  }
}
