import { Interface, type Signer } from "ethers";

import { LifeboatError } from "../../errors";
import { UsageError } from "../args";
import { connect } from "../chain-options";
import { defineCommand, JSON_OPTION, opt } from "../options";
import { output } from "../output";
import { carryOut, SEND_OPTIONS } from "../plan";

/** The guardian's side of a guarded pool (CircuitBreaker, or any pool with the same halt). */
const GUARDED_POOL = new Interface([
  "function halt(string reason)",
  "function halted() view returns (bool)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
]);

export const halt = defineCommand({
  name: "halt",
  summary: "a guardian halts a guarded pool",
  description: "A guardian halts a guarded pool: every guarded operation stops until governance resumes it.",
  options: {
    pool: opt.address("ADDR", "the guarded pool (its halt(string) is open to its guardians)").require(),
    reason: opt.text("TEXT", "why (emitted on chain)").require(),
    "chain-id": opt.integer("N", "with --safe-tx or --dry-run: the pool's chain (default: asked from --rpc)", 1n, (1n << 64n) - 1n),
    ...SEND_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const { pool, reason } = values;
    const offline = values["safe-tx"] !== undefined || values["dry-run"];
    if (values["chain-id"] !== undefined && !offline) throw new UsageError("--chain-id is only used with --safe-tx", usage);
    let chainId: string;
    let signer: Signer | undefined;
    if (values["chain-id"] !== undefined) {
      chainId = values["chain-id"].toString();
    } else {
      const connected = await connect(values, !offline, usage);
      chainId = (await connected.chain.provider.getNetwork()).chainId.toString();
      signer = connected.signer;
    }
    const calls = [{ to: pool, target: "the pool", contract: GUARDED_POOL, method: "halt", args: [reason] }];
    let receipts;
    try {
      receipts = await carryOut(
        calls,
        { values, usage, chainId, name: "Lifeboat: halt the pool", description: `Halts the guarded pool ${pool}: ${reason}` },
        signer === undefined ? undefined : async () => signer!,
      );
    } catch (error) {
      if (signer !== undefined && error instanceof LifeboatError && !(error instanceof UsageError)) {
        throw new LifeboatError(
          `the pool cannot be halted by ${await signer.getAddress()}: ${error.message.replace(/^halt on the pool would fail \(nothing was sent\): /, "")}`,
        );
      }
      throw error;
    }
    if (receipts !== undefined) output(values.json, { halted: pool, transaction: receipts[0]!.hash }, () => [`pool ${pool} halted in ${receipts[0]!.hash}`]);
  },
});

export const haltCommand = halt.run.bind(halt);
