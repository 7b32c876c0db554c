import { Interface, type Signer } from "ethers";

import { GUARD_GOVERNANCE_ABI, poolLimitsCalls, poolUpgradeOperation, timelockOperationId } from "../../chain";
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

/** The chain-id option of the guard commands, which may write a Safe batch without a node. */
const CHAIN_ID_OPTION = {
  "chain-id": opt.integer("N", "with --safe-tx or --dry-run: the pool's chain (default: asked from --rpc)", 1n, (1n << 64n) - 1n),
};

/**
 * The chain a guard command's calls are for, and the signer when they are sent: --chain-id alone
 * suffices for a Safe batch or a plan; sending connects to --rpc.
 */
async function chainOf(
  values: Parameters<typeof connect>[0] & { "chain-id"?: bigint | undefined; "safe-tx"?: string | undefined; "dry-run": boolean },
  usage: string,
): Promise<{ chainId: string; signer: Signer | undefined }> {
  const offline = values["safe-tx"] !== undefined || values["dry-run"];
  if (values["chain-id"] !== undefined && !offline) throw new UsageError("--chain-id is only used with --safe-tx or --dry-run", usage);
  if (values["chain-id"] !== undefined) return { chainId: values["chain-id"].toString(), signer: undefined };
  const connected = await connect(values, !offline, usage);
  return { chainId: (await connected.chain.provider.getNetwork()).chainId.toString(), signer: connected.signer };
}

export const halt = defineCommand({
  name: "halt",
  summary: "a guardian halts a guarded pool",
  description: "A guardian halts a guarded pool: every guarded operation stops until governance resumes it.",
  options: {
    pool: opt.address("ADDR", "the guarded pool (its halt(string) is open to its guardians)").require(),
    reason: opt.text("TEXT", "why (emitted on chain)").require(),
    ...CHAIN_ID_OPTION,
    ...SEND_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const { pool, reason } = values;
    const { chainId, signer } = await chainOf(values, usage);
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

export const limits = defineCommand({
  name: "limits",
  summary: "governance sets a guarded pool's outflow limits (circuit breaker)",
  description: `Governance sets the circuit breaker's limits of a guarded pool, per asset: an outflow above --warn in the
breaker's window is delayed (and can be cancelled by a guardian), one above --halt halts the pool.
Amounts are base units of each token. Usually written as a Safe batch (--safe-tx) for the Safe that
holds the pool's admin role; limits the breaker would refuse (warn 0 or above halt) are refused here.`,
  options: {
    pool: opt.address("ADDR", "the guarded pool").require(),
    tokens: opt.addresses("ADDR[,ADDR..]", "the assets whose limits are set").require(),
    warn: opt.amounts("X[,Y..]", "per token: the outflow per window above which outflows are delayed (base units)").require(),
    halt: opt.amounts("X[,Y..]", "per token: the outflow per window above which the pool halts (base units)").require(),
    ...CHAIN_ID_OPTION,
    ...SEND_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const { pool, tokens, warn, halt: haltLimits } = values;
    if (warn.length !== tokens.length || haltLimits.length !== tokens.length) {
      throw new UsageError(`--tokens names ${tokens.length} token(s): give as many --warn (${warn.length}) and --halt (${haltLimits.length}) values`, usage);
    }
    const entries = tokens.map((token, i) => ({ token, warn: warn[i]!, halt: haltLimits[i]! }));
    poolLimitsCalls(pool, entries); // refuses what the breaker would refuse, naming the asset
    const { chainId, signer } = await chainOf(values, usage);
    const calls = entries.map(({ token, warn: w, halt: h }) => ({
      to: pool,
      target: "the pool",
      contract: GUARD_GOVERNANCE_ABI,
      method: "setLimits",
      args: [token, w, h],
    }));
    const receipts = await carryOut(
      calls,
      {
        values,
        usage,
        chainId,
        name: "Lifeboat: set the pool's outflow limits",
        description: `Sets the circuit breaker's limits of ${pool} for ${tokens.length} asset(s)`,
      },
      signer === undefined ? undefined : async () => signer,
    );
    if (receipts !== undefined)
      output(
        values.json,
        { pool, limits: entries.map((e) => ({ ...e, warn: e.warn.toString(), halt: e.halt.toString() })), transactions: receipts.map((r) => r.hash) },
        () => receipts.map((r, i) => `limits of ${tokens[i]} set in ${r.hash}`),
      );
  },
});

export const limitsCommand = limits.run.bind(limits);

const UPGRADE_STEPS = ["schedule", "execute", "cancel"] as const;

export const upgrade = defineCommand({
  name: "upgrade",
  summary: "governance schedules, executes or a guardian cancels a pool upgrade (timelock)",
  description: `A guarded pool's upgrade (UUPS upgradeToAndCall) goes through its TimelockController: governance
schedules it in public (--step schedule, with --delay at least the timelock's minimum), anyone
watching sees it for the whole delay, a guardian may cancel it (--step cancel), and governance
executes it after the delay (--step execute). The three steps name the same operation (same pool,
implementation, init data and --salt); its id is printed so reviewers can look it up on chain.`,
  options: {
    pool: opt.address("ADDR", "the guarded pool (its ERC-1967 proxy)").require(),
    timelock: opt.address("ADDR", "the pool's TimelockController").require(),
    implementation: opt.address("ADDR", "the new implementation contract").require(),
    salt: opt.text("HEX32", "32 bytes that tell apart two operations with the same call (0x + 64 hex digits)").require(),
    step: opt.text("STEP", "schedule, execute or cancel").require(),
    delay: opt.duration("DURATION", "with --step schedule: the delay (e.g. 2d; at least the timelock's minimum)"),
    "init-data": opt.text("HEX", "calldata for the new implementation to run once (default: none)"),
    ...CHAIN_ID_OPTION,
    ...SEND_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const step = values.step as (typeof UPGRADE_STEPS)[number];
    if (!UPGRADE_STEPS.includes(step)) throw new UsageError(`--step must be one of ${UPGRADE_STEPS.join(", ")}, got ${JSON.stringify(values.step)}`, usage);
    if (!/^0x[0-9a-fA-F]{64}$/.test(values.salt)) throw new UsageError(`--salt must be 0x and 64 hex digits, got ${JSON.stringify(values.salt)}`, usage);
    const initData = values["init-data"] ?? "0x";
    if (!/^0x([0-9a-fA-F]{2})*$/.test(initData)) throw new UsageError(`--init-data must be 0x-prefixed hex bytes, got ${JSON.stringify(initData)}`, usage);
    if ((values.delay !== undefined) !== (step === "schedule")) throw new UsageError("--delay goes with --step schedule, and only with it", usage);
    const operation = poolUpgradeOperation(values.timelock, values.pool, values.implementation, values.salt, initData);
    const id = timelockOperationId(operation);
    const zero = `0x${"00".repeat(32)}`;
    const fields = [operation.target, 0n, operation.data, zero, operation.salt];
    const call =
      step === "schedule"
        ? { method: "schedule", args: [...fields, values.delay as bigint] }
        : step === "execute"
          ? { method: "execute", args: fields }
          : { method: "cancel", args: [id] };
    const { chainId, signer } = await chainOf(values, usage);
    const receipts = await carryOut(
      [{ to: operation.timelock, target: "the timelock", contract: GUARD_GOVERNANCE_ABI, ...call }],
      {
        values,
        usage,
        chainId,
        name: `Lifeboat: ${step} the pool's upgrade`,
        description: `${step} timelock operation ${id}: ${values.pool} upgrades to ${values.implementation}`,
      },
      signer === undefined ? undefined : async () => signer,
    );
    if (receipts === undefined) return void output(values.json, { operation: id }, () => [`timelock operation ${id}`]);
    output(values.json, { step, operation: id, transaction: receipts[0]!.hash }, () => [`${step} of timelock operation ${id} in ${receipts[0]!.hash}`]);
  },
});

export const upgradeCommand = upgrade.run.bind(upgrade);
