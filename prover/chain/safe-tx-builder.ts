import { AbiCoder, FunctionFragment, ParamType, getAddress, isAddress, keccak256, toUtf8Bytes, Interface } from "ethers";

import { InputError, quote } from "../errors";
import { exists, writeFileAtomic } from "../fs-atomic";

/**
 * Safe Transaction Builder batch files (format version 1.0): what a protocol's Safe owners import
 * into the Transaction Builder app to review, sign and execute a batch of calls. The checksum is
 * the app's own (safe-global/safe-react-apps, apps/tx-builder/src/lib/checksum.ts): keccak256 of a
 * key-sorted serialisation of the file without `meta.checksum` and with `meta.name` set to null, so
 * renaming a batch does not change it. A file whose checksum does not match is flagged by the app
 * as modified since it was generated.
 */

export const TX_BUILDER_VERSION = "1.0";
/** The Transaction Builder release whose file format this follows (recorded in `meta`). */
export const TX_BUILDER_APP_VERSION = "1.18.2";

export interface ContractInput {
  readonly internalType: string;
  readonly name: string;
  readonly type: string;
  readonly components?: readonly ContractInput[];
}

export interface ContractMethod {
  readonly inputs: readonly ContractInput[];
  readonly name: string;
  readonly payable: boolean;
}

/**
 * One call of a batch. The app executes `data` when it is set; otherwise it ABI-encodes
 * `contractMethod` with `contractInputsValues` (strings; arrays and tuples as JSON).
 */
export interface BatchTransaction {
  readonly to: string;
  /** Wei, as a decimal string. */
  readonly value: string;
  readonly data: string | null;
  readonly contractMethod: ContractMethod | null;
  readonly contractInputsValues: Readonly<Record<string, string>> | null;
}

/** A batch file's `meta`: its name and description, the app version, the Safe and owner it was made for, and the app's checksum. */
export interface BatchFileMeta {
  readonly name: string;
  readonly description: string;
  readonly txBuilderVersion: string;
  readonly createdFromSafeAddress: string;
  readonly createdFromOwnerAddress: string;
  readonly checksum: string;
}

/** A Safe Transaction Builder batch file (format version 1.0), as the app imports it; `meta.checksum` is the app's own checksum. */
export interface BatchFile {
  readonly version: typeof TX_BUILDER_VERSION;
  /** Decimal string. */
  readonly chainId: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly meta: BatchFileMeta;
  readonly transactions: readonly BatchTransaction[];
}

// ---- the app's checksum ---------------------------------------------------------------------

/** The app's stringify replacer: `undefined` is serialised as `null`, so no key is dropped. */
const undefinedAsNull = (_key: string, value: unknown): unknown => (value === undefined ? null : value);

/**
 * The Transaction Builder's serialisation: objects as their sorted key list followed by each
 * value and a comma, arrays element by element, everything else as JSON.
 */
export function serializeForChecksum(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((element) => serializeForChecksum(element)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    let out = `{${JSON.stringify(keys, undefinedAsNull)}`;
    for (const key of keys) out += `${serializeForChecksum((value as Record<string, unknown>)[key])},`;
    return `${out}}`;
  }
  return `${JSON.stringify(value, undefinedAsNull)}`;
}

/** keccak256 of the serialisation of `batch` as it is, with `meta.name` set to null. */
export function checksumOver(batch: { readonly meta: object }): string {
  return keccak256(toUtf8Bytes(serializeForChecksum({ ...batch, meta: { ...batch.meta, name: null } })));
}

/** The checksum a file must carry: computed without its `meta.checksum` key, as the app validates it. */
export function batchChecksum(batch: { readonly meta: object }): string {
  const { checksum: _ignored, ...meta } = batch.meta as Record<string, unknown>;
  return checksumOver({ ...batch, meta });
}

/** Whether `batch.meta.checksum` is the checksum of the rest of the file. */
export function hasValidChecksum(batch: BatchFile): boolean {
  return batch.meta.checksum === batchChecksum(batch);
}

// ---- calls ----------------------------------------------------------------------------------

function contractInput(param: ParamType): ContractInput {
  const base = { internalType: param.type, name: param.name, type: param.type };
  if (param.components === null) return base;
  return { ...base, components: param.components.map(contractInput) };
}

/** A value as the app's input fields hold it inside JSON (arrays and tuples): nested, strings for numbers. */
function nestedValue(param: ParamType, value: unknown): unknown {
  if (param.isArray()) return (value as unknown[]).map((element) => nestedValue(param.arrayChildren, element));
  if (param.isTuple()) {
    // A struct may come as an array (positional) or an object (by field name).
    const field = (component: ParamType, i: number): unknown => (Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[component.name]);
    return param.components.map((component, i) => nestedValue(component, field(component, i)));
  }
  if (param.baseType === "bool") return value as boolean;
  if (param.baseType === "address") return getAddress(value as string);
  if (typeof value === "bigint" || typeof value === "number") return value.toString();
  return value;
}

/** A top-level value as the app's input field holds it: a string. */
function inputValue(param: ParamType, value: unknown): string {
  if (param.isArray() || param.isTuple()) return JSON.stringify(nestedValue(param, value));
  return String(nestedValue(param, value));
}

/**
 * What the app sends for a method and its field values when `data` is null: its
 * `parseInputValue` (a value starting with "[" is JSON, a bool field is `"true"`, numbers are
 * decimal) followed by standard ABI encoding.
 */
export function encodeLikeTxBuilder(method: ContractMethod, values: Readonly<Record<string, string>>): string {
  const fragment = FunctionFragment.from({
    type: "function",
    name: method.name,
    inputs: method.inputs,
    stateMutability: method.payable ? "payable" : "nonpayable",
  });
  const args = method.inputs.map((input) => {
    const value = values[input.name] ?? "";
    if (value.startsWith("[")) return JSON.parse(value) as unknown;
    if (input.type === "bool") return value.toLowerCase() === "true";
    return value;
  });
  return fragment.selector + AbiCoder.defaultAbiCoder().encode(fragment.inputs, args).slice(2);
}

/** The calldata a batch transaction executes: `data`, or the app's encoding of its method and values. */
export function batchTransactionCalldata(transaction: BatchTransaction): string {
  if (transaction.data !== null && transaction.data !== "") return transaction.data;
  if (transaction.contractMethod === null || transaction.contractInputsValues === null) return "0x";
  return encodeLikeTxBuilder(transaction.contractMethod, transaction.contractInputsValues);
}

/**
 * A call of `method` on the contract at `to` as a batch transaction. The method and its values are
 * written for the owners to review in the app, with `data: null`, when the app's own encoding of
 * them gives exactly this call's calldata; otherwise (a string field starting with "[", say) the
 * calldata goes in `data` and the method is left out, so what is signed is always the intended call.
 */
export function batchCall(to: string, contract: Interface, method: string, args: readonly unknown[], value = 0n): BatchTransaction {
  if (!isAddress(to)) throw new InputError(`batch call ${method}: target ${quote(to)} is not an address`);
  const fragment = contract.getFunction(method);
  if (fragment === null) throw new InputError(`batch call: the contract has no function ${quote(method)}`);
  if (value < 0n) throw new InputError(`batch call ${method}: value ${value} is negative`);
  const calldata = contract.encodeFunctionData(fragment, [...args]);
  const contractMethod: ContractMethod = { inputs: fragment.inputs.map(contractInput), name: fragment.name, payable: fragment.payable };
  const named = fragment.inputs.every((input) => input.name !== "") && new Set(fragment.inputs.map((input) => input.name)).size === fragment.inputs.length;
  if (named) {
    const contractInputsValues = Object.fromEntries(fragment.inputs.map((input, i) => [input.name, inputValue(input, args[i])]));
    let encoded: string | undefined;
    try {
      encoded = encodeLikeTxBuilder(contractMethod, contractInputsValues);
    } catch {
      encoded = undefined; // the app could not encode these values either
    }
    if (encoded === calldata) {
      return { to: getAddress(to), value: value.toString(), data: null, contractMethod, contractInputsValues };
    }
  }
  return { to: getAddress(to), value: value.toString(), data: calldata, contractMethod: null, contractInputsValues: null };
}

// ---- files ----------------------------------------------------------------------------------

/** What buildBatchFile needs to make a batch file. */
export interface BatchOptions {
  /** The chain the batch is for; a string must be a positive decimal integer. */
  readonly chainId: bigint | string;
  /** The batch's name, shown by the app (it does not enter the checksum). */
  readonly name: string;
  /** The batch's description, shown by the app. */
  readonly description: string;
  /** The calls, in execution order; at least one. */
  readonly transactions: readonly BatchTransaction[];
  /** The Safe that will execute the batch (recorded for the app; empty if not known). */
  readonly safe?: string | undefined;
  /** The Safe owner the batch was made for (recorded for the app; empty if not known). */
  readonly owner?: string | undefined;
  /** Milliseconds since the epoch (default: now). */
  readonly createdAt?: number | undefined;
}

/** A complete batch file, checksum included. */
export function buildBatchFile(options: BatchOptions): BatchFile {
  const chainId = options.chainId.toString();
  if (!/^[1-9][0-9]*$/.test(chainId)) throw new InputError(`batch file: chain id ${quote(chainId)} is not a positive decimal integer`);
  if (options.transactions.length === 0) throw new InputError("batch file: a batch needs at least one transaction");
  const address = (value: string | undefined, field: string): string => {
    if (value === undefined || value === "") return "";
    if (!isAddress(value)) throw new InputError(`batch file: ${field} ${quote(value)} is not an address`);
    return getAddress(value);
  };
  const unsigned = {
    version: TX_BUILDER_VERSION,
    chainId,
    createdAt: options.createdAt ?? Date.now(),
    meta: {
      name: options.name,
      description: options.description,
      txBuilderVersion: TX_BUILDER_APP_VERSION,
      createdFromSafeAddress: address(options.safe, "safe"),
      createdFromOwnerAddress: address(options.owner, "owner"),
    },
    transactions: options.transactions,
  } as const;
  return { ...unsigned, meta: { ...unsigned.meta, checksum: batchChecksum(unsigned) } };
}

/** Writes a batch file; refuses to overwrite one (a batch under review must not change under its signers). */
export async function writeBatchFile(file: string, batch: BatchFile): Promise<void> {
  if (await exists(file)) throw new InputError(`--safe-tx ${file} already exists (nothing was written)`);
  await writeFileAtomic(file, `${JSON.stringify(batch, null, 2)}\n`);
}

// ---- the guard's governance calls -----------------------------------------------------------

/**
 * The guarded pool's and the upgrade timelock's functions these batches call, as human-readable
 * ABI (no artifacts needed at run time). `setLimits` is `CircuitBreaker`'s; `upgradeToAndCall` is
 * OpenZeppelin's `UUPSUpgradeable`; the rest are OpenZeppelin's `TimelockController`.
 */
export const GUARD_GOVERNANCE_ABI = new Interface([
  "function setLimits(address token, uint128 warn, uint128 haltLimit)",
  "function upgradeToAndCall(address newImplementation, bytes data) payable",
  "function schedule(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt, uint256 delay)",
  "function execute(address target, uint256 value, bytes payload, bytes32 predecessor, bytes32 salt) payable",
  "function cancel(bytes32 id)",
]);

/** One asset's circuit-breaker limits, in the token's base units per window (`0 < warn <= halt`). */
export interface BreakerLimits {
  readonly token: string;
  readonly warn: bigint;
  readonly halt: bigint;
}

/**
 * `setLimits` on the pool for each asset, for a Safe that holds the pool's admin role. Refuses a
 * limit set the breaker would refuse (`warn` 0 or above `halt`, values beyond uint128), so a batch
 * under review cannot fail on chain for that.
 */
export function poolLimitsCalls(pool: string, limits: readonly BreakerLimits[]): BatchTransaction[] {
  if (limits.length === 0) throw new InputError("limits batch: give at least one asset's limits");
  return limits.map(({ token, warn, halt }, i) => {
    for (const [field, value] of [
      ["warn", warn],
      ["halt", halt],
    ] as const) {
      if (value < 0n || value >= 2n ** 128n) throw new InputError(`limits batch: asset ${i}: ${field} ${value} is not a uint128`);
    }
    if (warn === 0n || warn > halt)
      throw new InputError(`limits batch: asset ${i}: warn ${warn} must be positive and at most halt ${halt} (the breaker refuses it)`);
    if (!isAddress(token)) throw new InputError(`limits batch: asset ${i}: token ${quote(token)} is not an address`);
    return batchCall(pool, GUARD_GOVERNANCE_ABI, "setLimits", [token, warn, halt]);
  });
}

/** A TimelockController operation: one call, scheduled now and executable after `delay`. */
export interface TimelockOperation {
  readonly timelock: string;
  readonly target: string;
  readonly data: string;
  readonly value?: bigint;
  /** The operation that must have executed first (default: none). */
  readonly predecessor?: string;
  /** Distinguishes two operations with the same call (32 bytes, hex). */
  readonly salt: string;
}

const ZERO_WORD = `0x${"00".repeat(32)}`;

function operationFields(operation: TimelockOperation): [string, bigint, string, string, string] {
  const word = (value: string, field: string): string => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new InputError(`timelock operation: ${field} ${quote(value)} is not 32 bytes of hex`);
    return value.toLowerCase();
  };
  if (!isAddress(operation.target)) throw new InputError(`timelock operation: target ${quote(operation.target)} is not an address`);
  if (!/^0x([0-9a-fA-F]{2})*$/.test(operation.data)) throw new InputError(`timelock operation: data ${quote(operation.data)} is not hex bytes`);
  return [
    getAddress(operation.target),
    operation.value ?? 0n,
    operation.data,
    word(operation.predecessor ?? ZERO_WORD, "predecessor"),
    word(operation.salt, "salt"),
  ];
}

/** The operation's id, as `TimelockController.hashOperation` computes it (what `cancel` takes). */
export function timelockOperationId(operation: TimelockOperation): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256", "bytes", "bytes32", "bytes32"], operationFields(operation)));
}

/** Schedules the operation on the timelock (the Safe must be a proposer); executable after `delay` seconds. */
export function timelockScheduleCall(operation: TimelockOperation, delay: bigint): BatchTransaction {
  if (delay <= 0n) throw new InputError(`timelock schedule: delay ${delay} must be positive (the timelock refuses less than its minimum delay)`);
  return batchCall(operation.timelock, GUARD_GOVERNANCE_ABI, "schedule", [...operationFields(operation), delay]);
}

/** Executes the operation once its delay has passed (the Safe must be an executor). */
export function timelockExecuteCall(operation: TimelockOperation): BatchTransaction {
  const fields = operationFields(operation);
  return batchCall(operation.timelock, GUARD_GOVERNANCE_ABI, "execute", fields, fields[1]);
}

/** Cancels a scheduled operation during its delay (the Safe must be a canceller: the guardians). */
export function timelockCancelCall(operation: TimelockOperation): BatchTransaction {
  return batchCall(operation.timelock, GUARD_GOVERNANCE_ABI, "cancel", [timelockOperationId(operation)]);
}

/**
 * The upgrade of a UUPS pool to `newImplementation` (then `initData` called on it, `0x` for none)
 * as a timelock operation: schedule it with `timelockScheduleCall`, execute it after the delay with
 * `timelockExecuteCall`, or cancel it with `timelockCancelCall`; the same `salt` each time.
 */
export function poolUpgradeOperation(timelock: string, pool: string, newImplementation: string, salt: string, initData = "0x"): TimelockOperation {
  if (!isAddress(newImplementation)) throw new InputError(`upgrade: new implementation ${quote(newImplementation)} is not an address`);
  if (!isAddress(timelock)) throw new InputError(`upgrade: timelock ${quote(timelock)} is not an address`);
  return {
    timelock: getAddress(timelock),
    target: pool,
    data: GUARD_GOVERNANCE_ABI.encodeFunctionData("upgradeToAndCall", [newImplementation, initData]),
    salt,
  };
}
