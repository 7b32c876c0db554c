import { parseArgs } from "node:util";

import { getAddress, isAddress } from "ethers";

import { LifeboatError } from "../errors";

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends LifeboatError {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly required?: boolean;
}

/** Parses `argv` strictly against `spec`: unknown flags, stray arguments and missing flags are refused. */
export function parseOptions<S extends Record<string, OptionSpec>>(
  argv: string[],
  spec: S,
  usage: string,
): { help: boolean; values: { [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean : string } } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...Object.fromEntries(Object.entries(spec).map(([name, option]) => [name, { type: option.type }])), help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values["help"] === true) return { help: true, values: {} };
  for (const [name, option] of Object.entries(spec)) {
    if (option.required === true && values[name] === undefined) throw new UsageError(`--${name} is required`, usage);
  }
  return { help: false, values: values as never };
}

export function integerOption(value: string, name: string, min: bigint, max: bigint, usage: string): bigint {
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`--${name} must be a decimal integer, got ${JSON.stringify(value)}`, usage);
  const n = BigInt(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be in [${min}, ${max}], got ${value}`, usage);
  return n;
}

export function addressOption(value: string, name: string, usage: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value) || !isAddress(value)) {
    throw new UsageError(`--${name} must be a 20-byte hex address with a valid checksum, got ${JSON.stringify(value)}`, usage);
  }
  return getAddress(value);
}
