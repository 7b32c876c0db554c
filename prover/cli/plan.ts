import { getAddress, type Interface, type Signer, type TransactionReceipt } from "ethers";

import { batchCall } from "../chain";
import { LifeboatError } from "../errors";
import { connect, CHAIN_OPTIONS } from "./chain-options";
import { opt } from "./options";
import { output } from "./output";
import { log } from "./progress";
import { revertReason } from "./revert";
import { SAFE_TX_OPTIONS, safeTxTarget, writeSafeTx } from "./safe-tx";

/** One transaction a command means to send: target, function and arguments, and what it is for. */
export interface PlannedCall {
  readonly to: string;
  /** Who `to` is, for people ("the vault", "token WETH"). */
  readonly target: string;
  readonly contract: Interface;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** The options of every command that sends transactions: a chain and signer, a Safe batch, or a plan only. */
export const SEND_OPTIONS = {
  ...CHAIN_OPTIONS,
  ...SAFE_TX_OPTIONS,
  "dry-run": opt.flag("print the plan (every transaction: to, function, decoded arguments) and send nothing"),
};

/** A value for people: bigints and nested structs (ethers Results) in plain JSON-like text. */
function show(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return /^0x[0-9a-fA-F]*$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join(", ")} }`;
  return String(value);
}

/** The plan as data (for --json) and as lines (for people). */
export function describePlan(calls: readonly PlannedCall[]): { json: object[]; lines: string[] } {
  const json = calls.map((call) => {
    const fragment = call.contract.getFunction(call.method)!;
    return {
      to: getAddress(call.to),
      target: call.target,
      function: fragment.format("sighash"),
      args: Object.fromEntries(fragment.inputs.map((input, i) => [input.name || `arg${i}`, call.args[i]])),
    };
  });
  const lines = calls.flatMap((call, i) => {
    const fragment = call.contract.getFunction(call.method)!;
    return [
      `${i + 1}. ${call.target} ${getAddress(call.to)}: ${fragment.format("sighash")}`,
      ...fragment.inputs.map((input, k) => `     ${input.name || `arg${k}`} = ${show(call.args[k])}`),
    ];
  });
  return { json, lines };
}

export interface CarryOutOptions {
  readonly values: {
    rpc?: string | undefined;
    keystore?: string | undefined;
    "safe-tx"?: string | undefined;
    safe?: string | undefined;
    "dry-run": boolean;
    json: boolean;
  };
  readonly usage: string;
  /** The deployment's chain, checked against --rpc before anything is sent. */
  readonly chainId: string;
  /** The Safe batch's name and description. */
  readonly name: string;
  readonly description: string;
}

/**
 * Carries out a plan: prints it (--dry-run), writes it as a Safe batch (--safe-tx), or sends each
 * call with the signer, simulating it first so a refusal is the contract's error, decoded, before
 * any gas is spent. Returns the receipts when the calls were sent.
 */
export async function carryOut(
  calls: readonly PlannedCall[],
  options: CarryOutOptions,
  signerOf?: () => Promise<Signer>,
): Promise<TransactionReceipt[] | undefined> {
  const { values } = options;
  const safeTx = await safeTxTarget(values, options.usage);
  if (values["dry-run"]) {
    if (safeTx !== undefined) log("note: --dry-run: the Safe batch was not written");
    const plan = describePlan(calls);
    output(values.json, { dryRun: true, chainId: options.chainId, transactions: plan.json }, () => [
      `plan (dry run, chain ${options.chainId}; nothing was sent): ${options.description}`,
      ...plan.lines,
    ]);
    return undefined;
  }
  if (safeTx !== undefined) {
    const written = await writeSafeTx(safeTx, {
      chainId: options.chainId,
      name: options.name,
      description: options.description,
      transactions: calls.map((call) => batchCall(call.to, call.contract, call.method, call.args)),
    });
    output(values.json, written, () => [
      `wrote ${written.transactions} call(s) to ${written.safeTx} for the Safe's owners (chain ${written.chainId}, checksum ${written.checksum})`,
    ]);
    return undefined;
  }
  const signer = signerOf === undefined ? (await connect(values, true, options.usage)).signer! : await signerOf();
  const chainId = (await signer.provider!.getNetwork()).chainId.toString();
  if (chainId !== options.chainId)
    throw new LifeboatError(`the deployment is on chain ${options.chainId}, the RPC endpoint serves chain ${chainId} (nothing was sent)`);
  const receipts: TransactionReceipt[] = [];
  for (const [i, call] of calls.entries()) {
    const data = call.contract.encodeFunctionData(call.method, call.args);
    const step = `${call.method} on ${call.target}`;
    try {
      await signer.call({ to: call.to, data });
    } catch (error) {
      throw new LifeboatError(
        `${step} would fail${i > 0 ? ` (after ${i} sent transaction(s))` : " (nothing was sent)"}: ${revertReason(error, call.contract)}`,
      );
    }
    let receipt: TransactionReceipt | null;
    try {
      receipt = await (await signer.sendTransaction({ to: call.to, data })).wait();
    } catch (error) {
      throw new LifeboatError(`${step} failed: ${revertReason(error, call.contract)}`);
    }
    log(`${step}: ${receipt!.hash} (${receipt!.gasUsed} gas)`);
    receipts.push(receipt!);
  }
  return receipts;
}
