import { LifeboatError } from "../errors";
import { releaseProverThreads } from "../proof/prover";
import { UsageError } from "./args";
import {
  checkCommand,
  CHECK_USAGE,
  claimCommand,
  CLAIM_USAGE,
  deployCommand,
  DEPLOY_USAGE,
  finalizeCommand,
  FINALIZE_USAGE,
  nodeCommand,
  NODE_USAGE,
  pauseCommand,
  PAUSE_USAGE,
  publishCommand,
  PUBLISH_USAGE,
  statusCommand,
  STATUS_USAGE,
  vetoCommand,
  VETO_USAGE,
} from "./commands/chain";
import { auditCommand, AUDIT_USAGE } from "./commands/audit";
import { haltCommand, HALT_USAGE } from "./commands/guard";
import { proveCommand, PROVE_USAGE } from "./commands/prove";
import { serveCommand, SERVE_USAGE } from "./commands/serve";
import { setupCommand, SETUP_USAGE } from "./commands/setup";
import { snapshotCommand, SNAPSHOT_USAGE } from "./commands/snapshot";
import { verifyCommand, VERIFY_USAGE } from "./commands/verify";
import { watchCommand, WATCH_USAGE } from "./commands/watch";

/** The commands: each is one exported async function taking its own argv. */
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; usage: string; summary: string }> = {
  snapshot: { run: snapshotCommand, usage: SNAPSHOT_USAGE, summary: "build the sum tree, manifest and claim packages" },
  prove: { run: proveCommand, usage: PROVE_USAGE, summary: "prove a claim package for a vault and snapshot" },
  verify: { run: verifyCommand, usage: VERIFY_USAGE, summary: "check a proof.json; exit 0 only if valid" },
  setup: { run: setupCommand, usage: SETUP_USAGE, summary: "compile a claim circuit and run its trusted setup" },
  deploy: { run: deployCommand, usage: DEPLOY_USAGE, summary: "deploy the hasher, a RecoveryVault and a verifier" },
  publish: { run: publishCommand, usage: PUBLISH_USAGE, summary: "propose and fund a snapshot from a manifest" },
  veto: { run: vetoCommand, usage: VETO_USAGE, summary: "a guardian vetoes a proposal in its window" },
  pause: { run: pauseCommand, usage: PAUSE_USAGE, summary: "a guardian pauses the vault's claims" },
  halt: { run: haltCommand, usage: HALT_USAGE, summary: "a guardian halts a guarded pool" },
  check: { run: checkCommand, usage: CHECK_USAGE, summary: "check your claim package against the proposal on chain" },
  finalize: { run: finalizeCommand, usage: FINALIZE_USAGE, summary: "open claims once the veto window has passed" },
  claim: { run: claimCommand, usage: CLAIM_USAGE, summary: "submit a proof.json to the vault" },
  status: { run: statusCommand, usage: STATUS_USAGE, summary: "a snapshot's state: totals, funded, paid, remaining" },
  watch: { run: watchCommand, usage: WATCH_USAGE, summary: "monitor a guarded pool; halt it through the Safe" },
  audit: { run: auditCommand, usage: AUDIT_USAGE, summary: "check a snapshot: tree, packages, input, chain, vault, setup" },
  serve: { run: serveCommand, usage: SERVE_USAGE, summary: "serve the claim portal, the published artifacts and signed-in users' packages" },
  node: { run: nodeCommand, usage: NODE_USAGE, summary: "run a local JSON-RPC chain for multi-command sessions" },
};

export const USAGE = `usage: lifeboat <command> [options]   (lifeboat <command> --help for details)

${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join("\n")}`;

/** Runs one command and exits: 0 on success, 1 on a refused input or failed check, 2 on a usage error. */
export async function run(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  let code = 0;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      process.stdout.write(`${USAGE}\n`);
    } else {
      const command = COMMANDS[name];
      if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`, USAGE);
      await command.run(rest);
    }
  } catch (error) {
    code = report(error);
  }
  await releaseProverThreads();
  process.exit(code);
}

function report(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n\n${error.usage}\n`);
    return 2;
  }
  if (error instanceof LifeboatError) {
    process.stderr.write(`error: ${error.message}\n${error.details === undefined ? "" : `${error.details}\n`}`);
    return 1;
  }
  process.stderr.write(`internal error (please report): ${error instanceof Error ? error.stack : String(error)}\n`);
  return 1;
}
