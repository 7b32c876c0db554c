import path from "node:path";

import { getAddress, isAddress } from "ethers";

import { isUrl } from "../artifacts";
import { UsageError } from "./args";

/**
 * The one declaration of a command-line option: its type (the parser), default, help text and the
 * name of its value in the usage (FILE, N, ADDRESS). Commands declare a record of these; parsing,
 * validation and the usage text are all derived from it, so they cannot disagree.
 */
export interface Option<T, Required extends boolean = boolean> {
  /** "flag" takes no value; "value" takes exactly one (a list is one comma-separated value). */
  readonly kind: "flag" | "value";
  readonly metavar: string;
  readonly help: string;
  readonly required: Required;
  /** The default as shown in the usage; the value itself is `fallback`. */
  readonly defaultText?: string | undefined;
  readonly fallback?: T | undefined;
  /** Shown instead of "--x is required" when the option is missing (for example how to get an RPC URL). */
  readonly missing?: string | undefined;
  readonly parse: (raw: string, flag: string) => T;
}

/** An option with chainable modifiers; each returns a new declaration. */
export class Opt<T, R extends boolean = false> implements Option<T, R> {
  constructor(
    readonly kind: "flag" | "value",
    readonly metavar: string,
    readonly help: string,
    readonly parse: (raw: string, flag: string) => T,
    readonly required: R,
    readonly fallback?: T,
    readonly defaultText?: string,
    readonly missing?: string,
  ) {}

  /** The option must be given; `missing` replaces the generic message. */
  require(missing?: string): Opt<T, true> {
    return new Opt<T, true>(this.kind, this.metavar, this.help, this.parse, true, undefined, undefined, missing);
  }

  /** The value when the option is absent; `shown` is how the usage prints it. */
  default(value: T, shown: string): Opt<T, true> {
    return new Opt<T, true>(this.kind, this.metavar, this.help, this.parse, true, value, shown);
  }
}

/** The values of a declaration record: required or defaulted options are always present. */
export type Values<S> = { [K in keyof S]: S[K] extends Opt<infer T, infer R> ? (R extends true ? T : T | undefined) : never };

/**
 * The directory relative paths are taken from: the caller's. `npm run lifeboat` runs with the
 * repository as its working directory and records the caller's in INIT_CWD; any other way of
 * running the command (the bin, npx) already runs in the caller's directory.
 */
export function callerCwd(): string {
  const npmRun = process.env["npm_lifecycle_event"] === "lifeboat" && process.env["npm_package_name"] === "lifeboat";
  return npmRun && process.env["INIT_CWD"] !== undefined ? process.env["INIT_CWD"] : process.cwd();
}

/** A path given on the command line, as an absolute path from the caller's directory. */
export function resolvePath(raw: string): string {
  return path.resolve(callerCwd(), raw);
}

const fail = (flag: string, what: string, raw: string): never => {
  throw new UsageError(`${flag} must be ${what}, got ${JSON.stringify(raw)}`, "");
};

function nonEmpty(raw: string, flag: string): string {
  if (raw.trim() === "") fail(flag, "a non-empty value", raw);
  return raw;
}

export function parseInteger(raw: string, flag: string, min: bigint, max: bigint): bigint {
  if (!/^[0-9]+$/.test(raw)) fail(flag, "a decimal integer", raw);
  const n = BigInt(raw);
  if (n < min || n > max) throw new UsageError(`${flag} must be in [${min}, ${max}], got ${raw}`, "");
  return n;
}

export function parseAddress(raw: string, flag: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw) || !isAddress(raw)) fail(flag, "a 20-byte hex address with a valid checksum", raw);
  return getAddress(raw);
}

/** A duration such as 90s, 45m, 12h, 3d (seconds when no unit is given). */
export function parseDuration(raw: string, flag: string): bigint {
  const match = /^([0-9]+)([smhd]?)$/.exec(raw);
  if (match === null) return fail(flag, "a duration such as 3600, 90s, 45m, 12h or 3d", raw);
  const unit = { "": 1n, s: 1n, m: 60n, h: 3600n, d: 86_400n }[match[2] as "" | "s" | "m" | "h" | "d"];
  return BigInt(match[1]!) * unit;
}

const UINT256_MAX = (1n << 256n) - 1n;

/** The option kinds of the CLI. */
export const opt = {
  /** A boolean switch, false unless given. */
  flag: (help: string): Opt<boolean, true> => new Opt("flag", "", help, () => true, true, false, undefined),
  text: (metavar: string, help: string): Opt<string> => new Opt("value", metavar, help, nonEmpty, false),
  /** A local path, made absolute from the caller's directory. */
  path: (metavar: string, help: string): Opt<string> => new Opt("value", metavar, help, (raw, flag) => resolvePath(nonEmpty(raw, flag)), false),
  /** A local path or an http(s) URL. */
  location: (metavar: string, help: string): Opt<string> =>
    new Opt("value", metavar, help, (raw, flag) => (isUrl(nonEmpty(raw, flag)) ? raw : resolvePath(raw)), false),
  /** Comma-separated local paths. */
  paths: (metavar: string, help: string): Opt<string[]> => new Opt("value", metavar, help, (raw, flag) => list(raw, flag, (item) => resolvePath(item)), false),
  url: (metavar: string, help: string): Opt<string> =>
    new Opt("value", metavar, help, (raw, flag) => (/^https?:\/\/\S+$/.test(raw) ? raw : fail(flag, "an http(s) URL", raw)), false),
  integer: (metavar: string, help: string, min = 0n, max = UINT256_MAX): Opt<bigint> =>
    new Opt("value", metavar, help, (raw, flag) => parseInteger(raw, flag, min, max), false),
  /** A small integer (ports, depths, counts), as a number. */
  count: (metavar: string, help: string, min: number, max: number): Opt<number> =>
    new Opt("value", metavar, help, (raw, flag) => Number(parseInteger(raw, flag, BigInt(min), BigInt(max))), false),
  address: (metavar: string, help: string): Opt<string> => new Opt("value", metavar, help, parseAddress, false),
  addresses: (metavar: string, help: string): Opt<string[]> =>
    new Opt("value", metavar, help, (raw, flag) => list(raw, flag, (item, where) => parseAddress(item, where)), false),
  /** Comma-separated amounts in base units (integers). */
  amounts: (metavar: string, help: string, min = 0n): Opt<bigint[]> =>
    new Opt("value", metavar, help, (raw, flag) => list(raw, flag, (item, where) => parseInteger(item, where, min, UINT256_MAX)), false),
  duration: (metavar: string, help: string): Opt<bigint> => new Opt("value", metavar, help, parseDuration, false),
};

/** A comma-separated list; an item's errors name it as `--flag[i]`. */
function list<T>(raw: string, flag: string, item: (value: string, where: string) => T): T[] {
  const items = raw.split(",").map((entry) => entry.trim());
  if (items.some((entry) => entry === "")) fail(flag, "a comma-separated list without empty items", raw);
  return items.map((entry, i) => item(entry, `${flag}[${i}]`));
}

/** Options every command that prints a result takes. */
export const JSON_OPTION = { json: opt.flag("print the result as one JSON document on stdout (for scripts)") };

/** A command, declared once: the usage and the parsing come from `options`. */
export interface CommandSpec<S extends Record<string, Opt<unknown, boolean>>> {
  readonly name: string;
  readonly summary: string;
  /** The first usage line, when the generated one cannot say it (alternative required inputs). */
  readonly synopsis?: string;
  /** Extra usage lines for alternative forms (each a full "lifeboat …" line). */
  readonly forms?: readonly string[];
  readonly description: string;
  readonly options: S;
  /** Lines printed after the options (environment variables, notes). */
  readonly notes?: string;
  readonly run: (values: Values<S>, usage: string) => Promise<void>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): Promise<void>;
}

export function defineCommand<S extends Record<string, Opt<unknown, boolean>>>(spec: CommandSpec<S>): Command {
  const usage = renderUsage(spec);
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async run(argv) {
      const parsed = parseArgv(argv, spec.options, usage);
      if (parsed === "help") return void process.stdout.write(`${usage}\n`);
      await spec.run(parsed as Values<S>, usage);
    },
  };
}

/** Parses argv against the declarations; "help" when -h/--help is given. */
export function parseArgv(argv: readonly string[], options: Record<string, Option<unknown>>, usage: string): Record<string, unknown> | "help" {
  const raw = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i]!;
    if (token === "-h" || token === "--help") return "help";
    if (!token.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(token)} (options start with --)`, usage);
    const eq = token.indexOf("=");
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const option = options[name];
    if (option === undefined) throw new UsageError(`Unknown option '--${name}'`, usage);
    if (raw.has(name)) {
      throw new UsageError(
        option.kind === "flag"
          ? `--${name} is given twice`
          : `--${name} is given twice (${JSON.stringify(raw.get(name))} and ${JSON.stringify(eq < 0 ? (argv[i + 1] ?? "") : token.slice(eq + 1))}): it takes one value${/LIST|,/.test(option.metavar) ? "; give a list as one comma-separated value" : ""}`,
        usage,
      );
    }
    if (option.kind === "flag") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`, usage);
      raw.set(name, true);
    } else if (eq >= 0) {
      raw.set(name, token.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined || (value.startsWith("--") && value.length > 2)) throw new UsageError(`--${name} needs a value (${option.metavar})`, usage);
      raw.set(name, value);
      i += 1;
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(options)) {
    const given = raw.get(name);
    if (given === undefined) {
      if (option.fallback !== undefined) values[name] = option.fallback;
      else if (option.required) throw new UsageError(option.missing ?? `--${name} is required`, usage);
      continue;
    }
    try {
      values[name] = given === true ? true : option.parse(given, `--${name}`);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(error.message, usage);
      throw error;
    }
  }
  return values;
}

const HELP_COLUMN = 24;

/** The usage text of a command, generated from its declarations. */
export function renderUsage(spec: {
  name: string;
  synopsis?: string | undefined;
  forms?: readonly string[] | undefined;
  description: string;
  options: Record<string, Option<unknown>>;
  notes?: string | undefined;
}): string {
  const entries = Object.entries(spec.options);
  const synopsis = [
    `lifeboat ${spec.name}`,
    ...entries.filter(([, o]) => o.required && o.fallback === undefined).map(([name, o]) => `--${name} ${o.metavar}`),
    ...(entries.some(([, o]) => !o.required || o.fallback !== undefined) ? ["[options]"] : []),
  ].join(" ");
  const lines = [`usage: ${spec.synopsis ?? synopsis}`, ...(spec.forms ?? []).map((form) => `       ${form}`), "", spec.description, "", "Options:"];
  for (const [name, option] of [...entries, ["help", { kind: "flag", metavar: "", help: "print this help", required: false } as Option<unknown>] as const]) {
    const head = `  --${name}${option.metavar === "" ? "" : ` ${option.metavar}`}`;
    const tail =
      option.defaultText !== undefined && option.kind !== "flag"
        ? ` (default: ${option.defaultText})`
        : option.required && option.fallback === undefined
          ? " (required)"
          : "";
    const text = wrap(`${option.help}${tail}`, 100 - HELP_COLUMN);
    if (head.length < HELP_COLUMN - 1) {
      lines.push(`${head.padEnd(HELP_COLUMN)}${text[0]}`);
    } else {
      lines.push(head, `${" ".repeat(HELP_COLUMN)}${text[0]}`);
    }
    for (const more of text.slice(1)) lines.push(`${" ".repeat(HELP_COLUMN)}${more}`);
  }
  if (spec.notes !== undefined) lines.push("", spec.notes);
  return lines.join("\n");
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
