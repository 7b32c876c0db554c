import path from "node:path";

import { openChain } from "../../chain";
import { readChainInput, DEFAULT_MAX_RANGE } from "../../chainstate";
import { parseChainSourceConfig } from "../../chainstate";
import { contractAccounts } from "../../chainstate";
import { BUILTIN_READERS, loadReaderModule } from "../../chainstate";
import { DEFAULT_RETRY, type JsonRpc } from "../../chainstate";
import { UsageError } from "../args";
import { parseAdjustments, type Adjustment } from "../../snapshot";
import { createSnapshot, type SnapshotInput } from "../../snapshot";
import { balancesFormat, parseBalances, parseExclusions, parseUnpayable } from "../../snapshot";
import { generateSeed, parseSeed } from "../../snapshot";
import { SNAPSHOT_FILES } from "../../snapshot";
import { cacheRoot } from "../../setup";
import { DEFAULT_DEPTH, MAX_DEPTH, MIN_DEPTH } from "../../tree";
import { defineCommand, JSON_OPTION, opt } from "../options";
import { output } from "../output";
import { removeStaleTemporaries } from "../interrupt";
import { readInputFile } from "../files";
import { log, progressBar, throttledLog } from "../progress";

export const snapshot = defineCommand({
  name: "snapshot",
  summary: "build the sum tree, manifest and claim packages",
  synopsis: "lifeboat snapshot --balances FILE --out DIR [options]",
  forms: ["lifeboat snapshot --from-chain CONFIG --block N --rpc URL --out DIR [options]"],
  description: `Builds the Merkle sum tree of pre-incident balances and writes, atomically, into DIR:
  manifest.json               public: root, per-asset totals, source, exclusions, adjustments, setup
  artifacts/                  public: the proving artifacts users prove with (publish with the manifest)
  claims/<account>.json       private: one claim package per user
  private/tree.ndjson         private: every leaf, for auditors
  private/input.csv|json      private: the input as read (its sha256 is the manifest's inputDigest)
  private/source-report.json  private (--from-chain): cross-checks, contract accounts, net debtors
  private/seed.hex            private: the seed, when it was generated here
The input is one of --balances FILE or --from-chain CONFIG (with --block and --rpc). An interrupted
run (Ctrl-C) removes its temporary directory; a directory DIR.tmp-* left by a killed run is removed
by the next run, with a note.`,
  options: {
    balances: opt.path(
      "FILE",
      'CSV "account,<ASSET>,..." or JSON {"assets": [...], "accounts": [{"account", "balances"}]}; balances are decimal integers in base units, below 2^96; 1 to 4 assets',
    ),
    "from-chain": opt.path(
      "CONFIG",
      "a lifeboat.chain-source.v1 configuration: chain id, asset names and the sources (ERC-20 tokens by Transfer-log replay, the demo lending pool's positions)",
    ),
    block: opt.integer("N", "with --from-chain: the pre-incident block whose state is snapshotted", 0n, BigInt(Number.MAX_SAFE_INTEGER)),
    rpc: opt.url("URL", "with --from-chain: any JSON-RPC endpoint (archive state is needed for old blocks)"),
    reader: opt.path(
      "FILE",
      "with --from-chain: a module exporting the protocol's position reader(s) that the sources name (e.g. examples/demo/reader.ts); the built-in erc20 reader is always there",
    ),
    cache: opt.path("DIR", "with --from-chain: checkpoints for resumable log indexing").default(path.join(cacheRoot(), "chain"), "$LIFEBOAT_CACHE/chain"),
    "max-range": opt
      .count("N", "with --from-chain: largest eth_getLogs block range (halved on refusal)", 1, 1_000_000)
      .default(DEFAULT_MAX_RANGE, String(DEFAULT_MAX_RANGE)),
    out: opt.path("DIR", "a directory that does not exist yet").require(),
    depth: opt.count("N", `tree depth, up to 2^N accounts`, MIN_DEPTH, MAX_DEPTH).default(DEFAULT_DEPTH, String(DEFAULT_DEPTH)),
    exclude: opt.path("FILE", "accounts to leave out (attacker, protocol-owned): one address per line, or a JSON array; they are listed in the manifest"),
    unpayable: opt.path(
      "FILE",
      "addresses that must never be a leaf (the vault, known sinks), in the --exclude format; an input row holding something for one is refused unless it is excluded (the zero address always is unpayable)",
    ),
    adjust: opt.path("FILE", 'manual corrections "account,asset,delta,reason" (CSV) or a JSON array; all published'),
    seed: opt.path("FILE", "the operator's secret seed (64 hex digits); without it a fresh one is made and saved"),
    artifacts: opt.path(
      "DIR",
      "reuse published proving artifacts (from lifeboat setup --out, or the verifier already deployed) instead of this machine's setup cache",
    ),
    ptau: opt.path("FILE", "a public powers-of-tau file instead of the development ceremony"),
    ...JSON_OPTION,
  },
  async run(values, usage) {
    if (values.artifacts !== undefined && values.ptau !== undefined) {
      throw new UsageError("give --artifacts or --ptau, not both: published artifacts already carry their ceremony", usage);
    }
    if ((values.balances === undefined) === (values["from-chain"] === undefined)) {
      throw new UsageError("give exactly one input: --balances FILE or --from-chain CONFIG", usage);
    }
    const depth = values.depth;
    const exclusions =
      values.exclude === undefined
        ? []
        : parseExclusions((await readInputFile(values.exclude, "--exclude file")).toString("utf8"), balancesFormat(values.exclude));
    const unpayable =
      values.unpayable === undefined
        ? []
        : parseUnpayable((await readInputFile(values.unpayable, "--unpayable file")).toString("utf8"), balancesFormat(values.unpayable));
    const generatedSeed = values.seed === undefined ? generateSeed() : undefined;
    const seed = generatedSeed ?? parseSeed((await readInputFile(values.seed as string, "--seed file")).toString("utf8"), `--seed file ${values.seed}`);

    await removeStaleTemporaries(values.out);
    const input = values.balances !== undefined ? await fileInput(values.balances, depth) : await chainInput(values, usage);
    const adjustments: Adjustment[] =
      values.adjust === undefined
        ? []
        : parseAdjustments((await readInputFile(values.adjust, "--adjust file")).toString("utf8"), balancesFormat(values.adjust), input.sheet.assets);

    const out = values.out;
    const { manifest, snapshot } = await createSnapshot(input, {
      out,
      depth,
      seed,
      generatedSeed,
      exclusions,
      adjustments,
      unpayable,
      ptau: values.ptau,
      artifacts: values.artifacts,
      log,
      hashProgress: progressBar("hashing tree"),
      writeProgress: progressBar("writing claim packages"),
    });
    if (generatedSeed !== undefined) log(`a new seed was saved to ${path.join(out, SNAPSHOT_FILES.seed)}: keep it private`);
    output(values.json, { root: manifest.root, totals: manifest.totals, leafCount: manifest.leafCount, excluded: snapshot.excluded.length, out }, () => [
      `snapshot of ${snapshot.leaves.length} accounts (${snapshot.excluded.length} excluded, ${adjustments.length} adjustments) written to ${out}`,
      `root:   ${manifest.root}`,
      ...manifest.assets.map((asset, k) => `total:  ${manifest.totals[k]} ${asset} (base units)`),
    ]);
  },
});

export const snapshotCommand = snapshot.run.bind(snapshot);

async function fileInput(file: string, depth: number): Promise<SnapshotInput> {
  const bytes = await readInputFile(file, "--balances file");
  const format = balancesFormat(file);
  // Say early what a big file means, before the minute it takes to read it.
  let rows = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) rows += 1;
  if (rows > 20_000) log(`reading ${file}: about ${rows} lines`);
  if (format === "csv" && rows - 1 > 2 ** depth)
    log(
      `warning: ${file} has about ${rows - 1} rows, more than the ${2 ** depth} accounts depth ${depth} holds: it is refused unless exclusions and empty accounts bring it down (give --depth ${Math.ceil(Math.log2(rows))})`,
    );
  return { sheet: parseBalances(bytes.toString("utf8"), format, progressBar("reading balances")), bytes, format, source: { kind: "file", format } };
}

async function chainInput(
  values: {
    "from-chain"?: string | undefined;
    block?: bigint | undefined;
    rpc?: string | undefined;
    reader?: string | undefined;
    cache: string;
    "max-range": number;
  },
  usage: string,
): Promise<SnapshotInput> {
  const configFile = values["from-chain"] as string;
  if (values.block === undefined) throw new UsageError("--from-chain needs --block N (the pre-incident block)", usage);
  if (values.rpc === undefined) throw new UsageError("--from-chain needs --rpc URL", usage);
  const block = Number(values.block);
  const maxRange = values["max-range"];
  const readers = [...BUILTIN_READERS, ...(values.reader === undefined ? [] : await loadReaderModule(values.reader))];
  const config = parseChainSourceConfig(
    (await readInputFile(configFile, "--from-chain configuration")).toString("utf8"),
    `--from-chain configuration ${configFile}`,
    readers,
  );
  const chain = await openChain(values.rpc);
  const rpc = chain.provider as unknown as JsonRpc;
  const read = await readChainInput(config, {
    rpc,
    block,
    cacheDirectory: values.cache,
    maxRange,
    progress: throttledLog(1_000),
    warn: log,
    readers,
  });
  for (const report of read.reports) {
    log(
      `${report.reader} ${report.address}: ${report.logs} logs in ${report.requests} requests${report.resumedFrom === undefined ? "" : ` (resumed at block ${report.resumedFrom})`}, ${report.accounts} accounts; ${report.checks.join("; ")}`,
    );
    for (const debtor of report.netDebtors)
      log(
        `warning: ${debtor.account} owes more than it deposited in column ${debtor.column} (deposit ${debtor.deposit}, debt ${debtor.debt}): recorded as 0; settle it with an adjustment`,
      );
  }
  const contracts = await contractAccounts(
    rpc,
    DEFAULT_RETRY,
    read.sheet.rows.map((row) => row.account),
    throttledLog(1_000),
  );
  for (const entry of contracts.filter((c) => c.flagged))
    log(`warning: ${entry.account} is a contract that cannot sign a claim and may not be able to use a payout (see ${SNAPSHOT_FILES.sourceReport})`);
  return {
    sheet: read.sheet,
    bytes: read.csv,
    format: "csv",
    source: read.source,
    sourceReport: { format: "lifeboat.source-report.v1", source: read.source, sources: read.reports, contractAccounts: contracts },
  };
}
