import path from "node:path";

import { parseDeployment } from "../../chain";
import { openChain } from "../../chain";
import { auditSnapshot, PRIVATE_CHECKS } from "../../audit";
import { renderMarkdown } from "../../audit";
import type { JsonRpc } from "../../chainstate";
import { DEFAULT_MAX_RANGE } from "../../chainstate";
import { BUILTIN_READERS, loadReaderModule } from "../../chainstate";
import { LifeboatError } from "../../errors";
import { writeFileAtomic } from "../../fs-atomic";
import { createParallelHasher, loadPoseidon } from "../../hash";
import { cacheRoot } from "../../setup";
import { UsageError } from "../args";
import { defineCommand, JSON_OPTION, opt, resolvePath } from "../options";
import { readJsonFile } from "../files";
import { log, throttledLog } from "../progress";

export const audit = defineCommand({
  name: "audit",
  summary: "check a snapshot: tree, packages, input, chain, vault, setup",
  description: `Checks a snapshot without trusting its operator and writes a report for people (audit-report.md)
and one for machines (audit-report.json). Exit code 0 only if no check fails; the failed checks
are named. --public audits only what is published (DIR holds manifest.json and artifacts/). With --deployment and --snapshot-id (and --rpc) it also checks the proposal, the
verifier and the funding on chain: funding below the proposal's declaration fails. What each check
proves and what it does not: docs/auditors.md.`,
  options: {
    snapshot: opt.path("DIR", "the snapshot directory, with its private files (tree, input, and seed)").require(),
    seed: opt.path("FILE", "the operator's seed, when it is not in DIR/private/seed.hex"),
    rpc: opt.url("URL", "a JSON-RPC endpoint: re-derives a chain snapshot's input at its block, and reads the vault"),
    reader: opt.path("FILE", "a module exporting the protocol's position reader(s) the snapshot's sources name"),
    deployment: opt.path(
      "FILE",
      "the vault's deployment file (lifeboat deploy); with --snapshot-id: checks the proposal, the funding and the verifier on chain",
    ),
    "snapshot-id": opt.integer("N", "the snapshot's id in the vault (with --deployment)", 1n, 2n ** 256n - 1n),
    artifacts: opt.path("DIR", "the published proving artifacts (default: DIR/artifacts of the snapshot)"),
    ptau: opt.path("FILE", "the powers of tau the zkey was made from (default: a cached development ptau with the manifest's digest)"),
    cache: opt.path("DIR", "checkpoints for log indexing").default(path.join(cacheRoot(), "chain"), "$LIFEBOAT_CACHE/chain"),
    "max-range": opt.count("N", "largest eth_getLogs block range", 1, 1_000_000).default(DEFAULT_MAX_RANGE, String(DEFAULT_MAX_RANGE)),
    out: opt.path("DIR", "where the reports go").default(".", "the current directory"),
    public: opt.flag(
      "a public audit, what anyone can check without the private files: the manifest, the published artifacts and the setup, and with --deployment the proposal, the funding and the verifier on chain",
    ),
    ...JSON_OPTION,
  },
  async run(values, usage) {
    if ((values.deployment === undefined) !== (values["snapshot-id"] === undefined)) {
      throw new UsageError("--deployment and --snapshot-id go together", usage);
    }
    if (values.deployment !== undefined && values.rpc === undefined) throw new UsageError("--deployment needs --rpc (the chain the vault is on)", usage);
    const target =
      values.deployment === undefined
        ? undefined
        : {
            deployment: parseDeployment(await readJsonFile(values.deployment, "--deployment file"), `--deployment file ${values.deployment}`),
            snapshotId: values["snapshot-id"] as bigint,
          };
    const maxRange = values["max-range"];
    const chain = values.rpc === undefined ? undefined : await openChain(values.rpc);
    const readers = [...BUILTIN_READERS, ...(values.reader === undefined ? [] : await loadReaderModule(values.reader))];

    const poseidon = await loadPoseidon();
    const hasher = createParallelHasher();
    let report;
    try {
      report = await auditSnapshot({
        snapshot: values.snapshot,
        hash: (inputs) => poseidon.hash(inputs),
        hashBatch: (arity, input) => hasher.hashBatch(arity, input),
        chain:
          chain === undefined
            ? undefined
            : {
                rpc: chain.provider as unknown as JsonRpc,
                provider: chain.provider,
                cacheDirectory: values.cache,
                maxRange,
                progress: throttledLog(1_000),
                readers,
              },
        target,
        artifacts: values.artifacts,
        ptau: values.ptau,
        seedFile: values.seed,
        ...(values.public ? { skip: PRIVATE_CHECKS, skipReason: "public audit: needs the private files (tree, input, seed)" } : {}),
        log,
      });
    } finally {
      await hasher.close();
    }
    const out = values.out === "." ? resolvePath(".") : values.out;
    const markdown = renderMarkdown(report);
    await writeFileAtomic(path.join(out, "audit-report.json"), `${JSON.stringify(report, null, 2)}\n`);
    await writeFileAtomic(path.join(out, "audit-report.md"), markdown);
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(markdown);
    log(`reports written to ${path.join(out, "audit-report.md")} and audit-report.json`);
    if (!report.passed) throw new LifeboatError(`audit failed: ${report.failed.join(", ")}`);
  },
});

export const auditCommand = audit.run.bind(audit);
