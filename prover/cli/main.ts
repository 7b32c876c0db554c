import { readFileSync } from "node:fs";
import path from "node:path";

import { LifeboatError } from "../errors";
import { releaseProverThreads } from "../proof/prover";
import { UsageError } from "./args";
import { cli } from "./chain-options";
import { audit } from "./commands/audit";
import { claim, deploy, finalize, fundCommandSpec, pause, publish, setVetoWindow, sweep, unpause, veto } from "./commands/chain";
import { halt } from "./commands/guard";
import { check, status } from "./commands/inspect";
import { nodeGroup } from "./commands/node";
import { prove } from "./commands/prove";
import { setup } from "./commands/setup";
import { snapshot } from "./commands/snapshot";
import { verify } from "./commands/verify";
import { watchSpec } from "./commands/watch";
import { explainErrors } from "./format";
import type { Command } from "./options";

/** The commands, in the order of the pipeline (usage lists them so). */
export const COMMANDS: readonly Command[] = [
  setup,
  snapshot,
  audit,
  deploy,
  publish,
  fundCommandSpec,
  check,
  veto,
  finalize,
  prove,
  verify,
  claim,
  status,
  sweep,
  pause,
  unpause,
  setVetoWindow,
  halt,
  watchSpec,
  nodeGroup,
];

export function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

export const USAGE = `usage: lifeboat <command> [options]   (lifeboat <command> --help for details)

${COMMANDS.map((command) => `  ${command.name.padEnd(16)} ${command.summary}`).join("\n")}

  --version        print the version
Every command takes --help; commands that print results take --json. Relative paths are taken from
the directory you run lifeboat in. Exit codes: 0 success, 1 refused or failed check, 2 bad usage,
3 (check, status) nothing wrong but no claim can be made now.`;

/** Runs one command and exits: 0 on success, 1 on a refused input or failed check, 2 on a usage error. */
export async function run(argv: string[]): Promise<void> {
  cli.running = true;
  silenceFileHandleDeprecation();
  const [name, ...rest] = argv;
  let code = 0;
  try {
    if (name === "--version" || name === "-v") {
      process.stdout.write(`lifeboat ${version()}\n`);
    } else if (name === "--help" || name === "-h" || name === "help") {
      process.stdout.write(`${USAGE}\n`);
    } else if (name === undefined) {
      process.stderr.write(`${USAGE}\n`);
      code = 2;
    } else {
      const command = COMMANDS.find((c) => c.name === name);
      if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`, USAGE);
      await command.run(rest);
    }
  } catch (error) {
    code = report(error);
  }
  await releaseProverThreads();
  process.exit(code);
}

/**
 * snapshotjs (through fastfile) lets FileHandles be closed by the garbage collector, which Node
 * reports as DEP0137 once per handle. Only that warning is dropped; every other one is printed.
 */
export function silenceFileHandleDeprecation(): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...args: unknown[]) => {
    const code = typeof args[0] === "object" && args[0] !== null ? (args[0] as { code?: string }).code : args[1];
    if (code === "DEP0137" || (warning instanceof Error && (warning as { code?: string }).code === "DEP0137")) return;
    (emit as (...a: unknown[]) => void)(warning, ...args);
  }) as typeof process.emitWarning;
}

function report(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n\n${error.usage === "" ? USAGE : error.usage}\n`);
    return 2;
  }
  if (error instanceof LifeboatError) {
    const explained = explainErrors(error.message).filter((line) => !error.message.includes(line.slice(line.indexOf(": ") + 2)));
    process.stderr.write(`error: ${error.message}\n${explained.map((line) => `  ${line}\n`).join("")}${error.details === undefined ? "" : `${error.details}\n`}`);
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
  process.stderr.write(`internal error (please report): ${error instanceof Error ? error.stack : String(error)}\n`);
  return 1;
}
