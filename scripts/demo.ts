/**
 * `npm run demo`: the incident story, off-chain part. A lending protocol with 1,000 accounts and
 * two assets is exploited; the operator snapshots the pre-incident balances (excluding the
 * attacker), a user proves their claim in zero knowledge, and anyone can verify the proof; a
 * forged claim is refused. Runs the same code as the `lifeboat` commands.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { proveCommand } from "../prover/cli/commands/prove";
import { snapshotCommand } from "../prover/cli/commands/snapshot";
import { verifyCommand } from "../prover/cli/commands/verify";
import { sampleBalancesCsv } from "../prover/demo/balances";
import { releaseProverThreads } from "../prover/proof/prover";

const ACCOUNTS = 1000;
const CHAIN_ID = "31337";
// The address Hardhat gives the first contract its first account deploys: where the vault will live.
const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

function step(text: string): void {
  process.stderr.write(`\n== ${text}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-demo-"));
  step(`pre-incident state: ${ACCOUNTS} accounts, two assets (workspace ${work})`);
  const csv = sampleBalancesCsv(ACCOUNTS + 1);
  const rows = csv.trim().split("\n");
  const attacker = rows[rows.length - 1]!.split(",")[0]!;
  await fs.writeFile(path.join(work, "balances.csv"), csv);
  await fs.writeFile(path.join(work, "exclude.txt"), `# the exploiter's account\n${attacker}\n`);

  step("the operator snapshots the pre-incident balances, excluding the attacker");
  const out = path.join(work, "snapshot");
  await snapshotCommand(["--balances", path.join(work, "balances.csv"), "--exclude", path.join(work, "exclude.txt"), "--out", out]);

  const user = rows[1]!.split(",")[0]!;
  step(`user ${user} proves their claim (chain ${CHAIN_ID}, vault ${VAULT}, snapshot 1)`);
  const proof = path.join(work, "proof.json");
  await proveCommand(["--claim", path.join(out, "claims", `${user}.json`), "--chain-id", CHAIN_ID, "--vault", VAULT, "--snapshot-id", "1", "--out", proof]);

  step("anyone verifies the proof against the published manifest");
  await verifyCommand(["--proof", proof, "--manifest", path.join(out, "manifest.json")]);

  step("a forged claim (the amount doubled) is refused");
  const forged = JSON.parse(await fs.readFile(proof, "utf8")) as { amounts: string[] };
  forged.amounts[0] = (BigInt(forged.amounts[0]!) * 2n).toString();
  await fs.writeFile(path.join(work, "forged.json"), JSON.stringify(forged));
  try {
    await verifyCommand(["--proof", path.join(work, "forged.json")]);
    throw new Error("the forged proof was accepted");
  } catch (error) {
    process.stderr.write(`refused: ${(error as Error).message}\n`);
  }
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; files in ${work}`);
}

main()
  .then(async () => {
    await releaseProverThreads();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    await releaseProverThreads();
    process.exit(1);
  });
