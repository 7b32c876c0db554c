import path from "node:path";

import { parseDeployment } from "../../chain/vault";
import { openChain } from "../../chain/network";
import { auditSnapshot } from "../../audit/audit";
import { renderMarkdown } from "../../audit/report";
import type { JsonRpc } from "../../chainstate/rpc";
import { DEFAULT_MAX_RANGE } from "../../chainstate/chain-input";
import { LifeboatError } from "../../errors";
import { writeFileAtomic } from "../../fs-atomic";
import { createParallelHasher, loadPoseidon } from "../../hash";
import { cacheRoot } from "../../setup";
import { integerOption, parseOptions, UsageError } from "../args";
import { readJsonFile } from "../files";
import { log, throttledLog } from "../progress";
import { BUILTIN_READERS, loadReaderModule } from "../../chainstate/readers";

export const AUDIT_USAGE = `usage: lifeboat audit --snapshot DIR [--seed FILE] [--rpc URL [--deployment FILE --snapshot-id N]] [options]

Checks a snapshot without trusting its operator and writes a report for people (audit-report.md)
and one for machines (audit-report.json). Exit code 0 only if no check fails; the failed checks
are named. What each check proves and what it does not: docs/auditors.md.

  --snapshot DIR     the snapshot directory, with its private files (tree, input, and seed)
  --seed FILE        the operator's seed, when it is not in DIR/private/seed.hex
  --rpc URL          a JSON-RPC endpoint: re-derives a chain snapshot's input at its block
  --reader FILE      a module exporting the protocol's position reader(s) the snapshot's sources name
  --deployment FILE  the vault's deployment file (lifeboat deploy), with --snapshot-id N: checks the
  --snapshot-id N    proposal, the funding and the verifier on chain
  --artifacts DIR    the published proving artifacts (default: DIR/artifacts of the snapshot)
  --ptau FILE        the powers of tau the zkey was made from (default: a cached development
                     ptau with the manifest's digest)
  --cache DIR        checkpoints for log indexing (default: ${path.join(cacheRoot(), "chain")})
  --max-range N      largest eth_getLogs block range (default ${DEFAULT_MAX_RANGE})
  --out DIR          where the reports go (default: the current directory)`;

export async function auditCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      snapshot: { type: "string", required: true },
      seed: { type: "string" },
      rpc: { type: "string" },
      reader: { type: "string" },
      deployment: { type: "string" },
      "snapshot-id": { type: "string" },
      artifacts: { type: "string" },
      ptau: { type: "string" },
      cache: { type: "string" },
      "max-range": { type: "string" },
      out: { type: "string" },
    },
    AUDIT_USAGE,
  );
  if (help) return void process.stdout.write(`${AUDIT_USAGE}\n`);
  if ((values.deployment === undefined) !== (values["snapshot-id"] === undefined)) {
    throw new UsageError("--deployment and --snapshot-id go together", AUDIT_USAGE);
  }
  if (values.deployment !== undefined && values.rpc === undefined) throw new UsageError("--deployment needs --rpc (the chain the vault is on)", AUDIT_USAGE);
  const target =
    values.deployment === undefined
      ? undefined
      : {
          deployment: parseDeployment(await readJsonFile(values.deployment, "--deployment file"), `--deployment file ${values.deployment}`),
          snapshotId: integerOption(values["snapshot-id"] as string, "snapshot-id", 0n, 2n ** 256n - 1n, AUDIT_USAGE),
        };
  const maxRange = Number(integerOption(values["max-range"] ?? String(DEFAULT_MAX_RANGE), "max-range", 1n, 1_000_000n, AUDIT_USAGE));
  const chain = values.rpc === undefined ? undefined : await openChain(values.rpc);
  const readers = [...BUILTIN_READERS, ...(values.reader === undefined ? [] : await loadReaderModule(values.reader))];

  const poseidon = await loadPoseidon();
  const hasher = createParallelHasher();
  let report;
  try {
    report = await auditSnapshot({
      snapshot: values.snapshot as string,
      hash: (inputs) => poseidon.hash(inputs),
      hashBatch: (arity, input) => hasher.hashBatch(arity, input),
      chain:
        chain === undefined
          ? undefined
          : { rpc: chain.provider as unknown as JsonRpc, provider: chain.provider, cacheDirectory: path.resolve(values.cache ?? path.join(cacheRoot(), "chain")), maxRange, progress: throttledLog(1_000), readers },
      target,
      artifacts: values.artifacts === undefined ? undefined : path.resolve(values.artifacts),
      ptau: values.ptau,
      seedFile: values.seed,
      log,
    });
  } finally {
    await hasher.close();
  }
  const out = path.resolve(values.out ?? ".");
  const markdown = renderMarkdown(report);
  await writeFileAtomic(path.join(out, "audit-report.json"), `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(path.join(out, "audit-report.md"), markdown);
  process.stdout.write(markdown);
  log(`reports written to ${path.join(out, "audit-report.md")} and audit-report.json`);
  if (!report.passed) throw new LifeboatError(`audit failed: ${report.failed.join(", ")}`);
}
