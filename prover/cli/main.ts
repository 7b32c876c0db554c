/* eslint-disable @typescript-eslint/no-require-imports -- commands load lazily, on use */
import { readFileSync } from "node:fs";
import path from "node:path";

import { LifeboatError } from "../errors";
import { UsageError } from "./args";
import { cli } from "./chain-options";
import { explainErrors } from "./format";
import type { Command } from "./options";
import { silenceFileHandleDeprecation } from "./warnings";

/**
 * The commands, in the order of the pipeline (usage lists them so). Each is loaded only when run,
 * so `lifeboat`, `--version` and a mistyped command answer without loading the prover and the chain.
 */
export const COMMAND_INDEX: readonly { name: string; summary: string; load: () => Command }[] = [
  { name: "setup", summary: "compile a claim circuit and run its trusted setup", load: () => require("./commands/setup").setup },
  { name: "snapshot", summary: "build the sum tree, manifest and claim packages", load: () => require("./commands/snapshot").snapshot },
  { name: "audit", summary: "check a snapshot: tree, packages, input, chain, vault, setup", load: () => require("./commands/audit").audit },
  { name: "deploy", summary: "deploy the hasher, a RecoveryVault and a verifier", load: () => require("./commands/chain").deploy },
  { name: "publish", summary: "propose and fund a snapshot from a manifest", load: () => require("./commands/chain").publish },
  { name: "fund", summary: "top up a proposed snapshot's funding", load: () => require("./commands/chain").fundCommandSpec },
  { name: "check", summary: "check your claim package against the snapshot on chain", load: () => require("./commands/inspect").check },
  { name: "veto", summary: "a guardian vetoes a proposal in its window", load: () => require("./commands/chain").veto },
  { name: "finalize", summary: "open claims once the veto window has passed", load: () => require("./commands/chain").finalize },
  { name: "prove", summary: "prove a claim package for a vault and snapshot", load: () => require("./commands/prove").prove },
  { name: "verify", summary: "check a proof.json; exit 0 only if valid", load: () => require("./commands/verify").verify },
  { name: "claim", summary: "submit a proof.json to the vault", load: () => require("./commands/chain").claim },
  { name: "status", summary: "a snapshot's state: deadlines, funding, coverage, paid, remaining", load: () => require("./commands/inspect").status },
  { name: "sweep", summary: "send what a closed snapshot holds to its sweep recipient", load: () => require("./commands/chain").sweep },
  { name: "pause", summary: "a guardian pauses the vault (no funding, finalize, claims or sweeps)", load: () => require("./commands/chain").pause },
  { name: "unpause", summary: "governance (the vault's admin) unpauses the vault", load: () => require("./commands/chain").unpause },
  { name: "set-veto-window", summary: "governance sets the veto window of future proposals", load: () => require("./commands/chain").setVetoWindow },
  { name: "halt", summary: "a guardian halts a guarded pool", load: () => require("./commands/guard").halt },
  { name: "limits", summary: "governance sets a guarded pool's outflow limits (circuit breaker)", load: () => require("./commands/guard").limits },
  {
    name: "upgrade",
    summary: "governance schedules, executes or a guardian cancels a pool upgrade (timelock)",
    load: () => require("./commands/guard").upgrade,
  },
  { name: "watch", summary: "monitor a guarded pool; halt it through the Safe", load: () => require("./commands/watch").watchSpec },
  { name: "serve", summary: "serve the claim portal, the published artifacts and signed-in users' packages", load: () => require("./commands/serve").serve },
  { name: "node", summary: "run a local chain for rehearsals (and: node time, node token, node mint)", load: () => require("./commands/node").nodeGroup },
];

/** Every command, loaded (for the README test and tools that list the usage). */
export function loadCommands(): Command[] {
  return COMMAND_INDEX.map((entry) => entry.load());
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

export const USAGE = `usage: lifeboat <command> [options]   (lifeboat <command> --help for details)

${COMMAND_INDEX.map((command) => `  ${command.name.padEnd(16)} ${command.summary}`).join("\n")}

  --version        print the version
Every command takes --help; commands that print results take --json. Relative paths are taken from
the directory you run lifeboat in. Exit codes: 0 success, 1 refused or failed check, 2 bad usage,
3 (check, status) nothing wrong but no claim can be made now.`;

/** Runs one command and exits: 0 on success, 1 on a refused input or failed check, 2 on a usage error. */
export { silenceFileHandleDeprecation };

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
      const entry = COMMAND_INDEX.find((c) => c.name === name);
      if (entry === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`, USAGE);
      await entry.load().run(rest);
    }
  } catch (error) {
    code = report(error);
  }
  // The prover's worker threads keep the process alive; release them if a command started them.
  const prover = require.cache[require.resolve("../proof/prover")];
  if (prover !== undefined) await (prover.exports as typeof import("../proof/prover")).releaseProverThreads();
  process.exit(code);
}

function report(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n\n${error.usage === "" ? USAGE : error.usage}\n`);
    return 2;
  }
  if (error instanceof LifeboatError) {
    const explained = explainErrors(error.message).filter((line) => !error.message.includes(line.slice(line.indexOf(": ") + 2)));
    process.stderr.write(
      `error: ${error.message}\n${explained.map((line) => `  ${line}\n`).join("")}${error.details === undefined ? "" : `${error.details}\n`}`,
    );
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
  process.stderr.write(`internal error (please report): ${error instanceof Error ? error.stack : String(error)}\n`);
  return 1;
}
