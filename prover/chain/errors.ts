import { Interface, type InterfaceAbi } from "ethers";

import { bindings } from "../contracts";
import { LifeboatError } from "../errors";

/**
 * Contract reverts as data. A revert's payload is decoded against the ABI the caller names and
 * then against every ABI Lifeboat ships (the vault, its interfaces, the guard modules, OpenZeppelin's
 * ERC-20, access-control, pausing and SafeERC20 errors, the Safe), so a caller can branch on
 * `error.errorName` and `error.args` rather than parse a message.
 */

/** A revert payload decoded: the custom error (or `Error` / `Panic`) and its arguments. */
export interface DecodedRevert {
  /** The custom error's name, e.g. `RecoveryVaultAlreadyClaimed`; `Error` for a require string, `Panic` for a panic code. */
  readonly errorName: string;
  /** Its arguments, in declaration order (addresses checksummed, integers as bigint). */
  readonly args: readonly unknown[];
  /** Its canonical signature, e.g. `RecoveryVaultAlreadyClaimed(uint256,uint256)`. */
  readonly signature: string;
  /** The 4-byte selector, 0x-prefixed. */
  readonly selector: string;
  /** The whole revert payload. */
  readonly data: string;
  /** A contract whose ABI declares the error (the one the caller named when it does). */
  readonly contract?: string;
}

/** A call or transaction the contract refused, with the refusal decoded. */
export class ContractRevertError extends LifeboatError {
  readonly errorName: string;
  readonly args: readonly unknown[];
  readonly signature: string;
  readonly selector: string;
  readonly data: string;
  readonly contract: string | undefined;

  constructor(message: string, decoded: DecodedRevert, options?: { cause?: unknown }) {
    super(message, undefined, options);
    this.name = "ContractRevertError";
    this.errorName = decoded.errorName;
    this.args = decoded.args;
    this.signature = decoded.signature;
    this.selector = decoded.selector;
    this.data = decoded.data;
    this.contract = decoded.contract;
  }
}

const ERROR_STRING = "0x08c379a0";
const PANIC = "0x4e487b71";
const BUILTIN = new Interface(["error Error(string reason)", "error Panic(uint256 code)"]);

let known: { contract: string; contractInterface: Interface }[] | undefined;

/** The shipped ABIs that declare errors, in the order of prover/contracts/index.ts. */
function knownInterfaces(): { contract: string; contractInterface: Interface }[] {
  known ??= Object.entries(bindings)
    .filter(([, binding]) => (binding.abi as readonly { type: string }[]).some((item) => item.type === "error"))
    .map(([contract, binding]) => ({ contract, contractInterface: new Interface(binding.abi as InterfaceAbi) }));
  return known;
}

/** The revert payload carried by an ethers error (or its causes), if any. */
export function findRevertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data;
    current = (current as { error?: unknown; info?: { error?: unknown } }).error ?? (current as { info?: { error?: unknown } }).info?.error;
  }
  return undefined;
}

function parseWith(contractInterface: Interface, data: string, contract?: string): DecodedRevert | undefined {
  try {
    const parsed = contractInterface.parseError(data);
    if (parsed === null) return undefined;
    return {
      errorName: parsed.name,
      args: [...parsed.args],
      signature: parsed.signature,
      selector: parsed.selector,
      data,
      ...(contract === undefined ? {} : { contract }),
    };
  } catch {
    return undefined; // a selector that matches but arguments that do not decode
  }
}

/**
 * Decodes a revert payload: against `preferred` first (the contract that was called), then the
 * shipped ABIs, then `Error(string)` and `Panic(uint256)`. Undefined for an unknown selector.
 */
export function decodeRevertData(data: string, preferred?: { contractInterface: Interface; contract?: string }): DecodedRevert | undefined {
  if (preferred !== undefined) {
    const decoded = parseWith(preferred.contractInterface, data, preferred.contract);
    if (decoded !== undefined) return decoded;
  }
  const selector = data.slice(0, 10).toLowerCase();
  if (selector !== ERROR_STRING && selector !== PANIC) {
    for (const { contract, contractInterface } of knownInterfaces()) {
      const decoded = parseWith(contractInterface, data, contract);
      if (decoded !== undefined) return decoded;
    }
  }
  return parseWith(BUILTIN, data);
}

/** Decodes the revert an ethers call or transaction failed with; undefined when it carries none we know. */
export function decodeRevert(error: unknown, preferred?: { contractInterface: Interface; contract?: string }): DecodedRevert | undefined {
  const data = findRevertData(error);
  return data === undefined ? undefined : decodeRevertData(data, preferred);
}

/** `Name(arg, arg)`, the way messages show a custom error. */
export function formatRevert(decoded: DecodedRevert): string {
  return `${decoded.errorName}(${decoded.args.map(String).join(", ")})`;
}

/**
 * Turns a revert into its custom error's name and arguments, e.g. `RecoveryVaultAlreadyClaimed(1, 0x…)`;
 * a require string, a panic or an unknown payload keep the first line of the provider's message.
 */
export function describeRevert(error: unknown, contractInterface?: Interface): string {
  const decoded = decodeRevert(error, contractInterface === undefined ? undefined : { contractInterface });
  if (decoded !== undefined && decoded.selector !== ERROR_STRING && decoded.selector !== PANIC) return formatRevert(decoded);
  return (error as Error).message.split("\n")[0] ?? String(error);
}

/**
 * The error to throw for a refused call: a `ContractRevertError` (message `<message>: Name(args)`)
 * when the revert decodes, else a plain `LifeboatError` with the provider's first line. The
 * original error is the cause either way.
 */
export function revertError(message: string, error: unknown, contractInterface?: Interface, contract?: string): LifeboatError {
  const decoded = decodeRevert(error, contractInterface === undefined ? undefined : { contractInterface, ...(contract === undefined ? {} : { contract }) });
  const text = `${message}: ${describeRevert(error, contractInterface)}`;
  return decoded === undefined ? new LifeboatError(text, undefined, { cause: error }) : new ContractRevertError(text, decoded, { cause: error });
}
