import path from "node:path";

import { openChain } from "../../chain/network";
import { readChainInput, DEFAULT_MAX_RANGE } from "../../chainstate/chain-input";
import { parseChainSourceConfig } from "../../chainstate/config";
import { BUILTIN_READERS, loadReaderModule } from "../../chainstate/readers";
import { contractAccounts } from "../../chainstate/contract-accounts";
import { DEFAULT_RETRY, type JsonRpc } from "../../chainstate/rpc";
import { UsageError } from "../args";
import { parseAdjustments, type Adjustment } from "../../snapshot/adjustments";
import { createSnapshot, type SnapshotInput } from "../../snapshot/create";
import { balancesFormat, parseBalances, parseExclusions, parseUnpayable } from "../../snapshot/input";
import { generateSeed, parseSeed } from "../../snapshot/seed";
import { SNAPSHOT_FILES } from "../../snapshot/write";
import { cacheRoot } from "../../setup";
import { DEFAULT_DEPTH, MAX_DEPTH, MIN_DEPTH } from "../../tree/constants";
import { integerOption, parseOptions } from "../args";
import { readInputFile } from "../files";
import { log, progressBar, throttledLog } from "../progress";

export const SNAPSHOT_USAGE = `usage: lifeboat snapshot --balances FILE --out DIR [options]
       lifeboat snapshot --from-chain CONFIG --block N --rpc URL --out DIR [options]

Builds the Merkle sum tree of pre-incident balances and writes, atomically, into DIR:
  manifest.json               public: root, per-asset totals, source, exclusions, adjustments, setup
  artifacts/                  public: the proving artifacts users prove with (publish with the manifest)
  claims/<account>.json       private: one claim package per user
  private/tree.ndjson         private: every leaf, for auditors
  private/input.csv|json      private: the input as read (its sha256 is the manifest's inputDigest)
  private/source-report.json  private (--from-chain): cross-checks, contract accounts, net debtors
  private/seed.hex            private: the seed, when it was generated here

Input, one of:
  --balances FILE    CSV "account,<ASSET>,..." or JSON {"assets": [...], "accounts": [{"account", "balances"}]};
                     balances are decimal integers in base units, below 2^96; 1 to 4 assets
  --from-chain FILE  a lifeboat.chain-source.v1 configuration: chain id, asset names and the sources
                     (ERC-20 tokens by Transfer-log replay, or a protocol's own reader)
    --reader FILE    a module exporting the protocol's position reader(s) that the sources name
                     (e.g. examples/demo/reader.ts); the built-in erc20 reader is always there
    --block N        the pre-incident block whose state is snapshotted
    --rpc URL        any JSON-RPC endpoint (archive state is needed for old blocks)
    --cache DIR      checkpoints for resumable log indexing (default: ${path.join(cacheRoot(), "chain")})
    --max-range N    largest eth_getLogs block range (default ${DEFAULT_MAX_RANGE}; halved on refusal)
Options:
  --out DIR          a directory that does not exist yet
  --depth N          tree depth, ${MIN_DEPTH}..${MAX_DEPTH} (default ${DEFAULT_DEPTH}: up to 2^${DEFAULT_DEPTH} accounts)
  --exclude FILE     accounts to leave out (attacker, protocol-owned): one address per line, or a JSON array
  --unpayable FILE   addresses that must never be a leaf (the vault, known sinks), in the --exclude format;
                     an input row holding something for one is refused unless it is excluded
                     (the zero address always is unpayable)
  --adjust FILE      manual corrections "account,asset,delta,reason" (CSV) or a JSON array; all published
  --seed FILE        the operator's secret seed (64 hex digits); without it a fresh one is made and saved
  --artifacts DIR    reuse published proving artifacts (from lifeboat setup --out, or the verifier
                     already deployed) instead of this machine's setup cache
  --ptau FILE        a public powers-of-tau file instead of the development ceremony`;

export async function snapshotCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      balances: { type: "string" },
      "from-chain": { type: "string" },
      block: { type: "string" },
      rpc: { type: "string" },
      cache: { type: "string" },
      "max-range": { type: "string" },
      reader: { type: "string" },
      out: { type: "string", required: true },
      depth: { type: "string" },
      exclude: { type: "string" },
      adjust: { type: "string" },
      unpayable: { type: "string" },
      seed: { type: "string" },
      ptau: { type: "string" },
      artifacts: { type: "string" },
    },
    SNAPSHOT_USAGE,
  );
  if (help) return void process.stdout.write(`${SNAPSHOT_USAGE}\n`);
  if (values.artifacts !== undefined && values.ptau !== undefined) {
    throw new UsageError("give --artifacts or --ptau, not both: published artifacts already carry their ceremony", SNAPSHOT_USAGE);
  }
  if ((values.balances === undefined) === (values["from-chain"] === undefined)) {
    throw new UsageError("give exactly one input: --balances FILE or --from-chain CONFIG", SNAPSHOT_USAGE);
  }
  const depth = Number(integerOption(values.depth ?? String(DEFAULT_DEPTH), "depth", BigInt(MIN_DEPTH), BigInt(MAX_DEPTH), SNAPSHOT_USAGE));
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

  const input = values.balances !== undefined ? await fileInput(values.balances) : await chainInput(values);
  const adjustments: Adjustment[] =
    values.adjust === undefined
      ? []
      : parseAdjustments((await readInputFile(values.adjust, "--adjust file")).toString("utf8"), balancesFormat(values.adjust), input.sheet.assets);

  const out = values.out as string;
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
  log(`snapshot of ${snapshot.leaves.length} accounts (${snapshot.excluded.length} excluded, ${adjustments.length} adjustments) written to ${path.resolve(out)}`);
  if (generatedSeed !== undefined) log(`a new seed was saved to ${path.join(path.resolve(out), SNAPSHOT_FILES.seed)}: keep it private`);
  process.stdout.write(`${JSON.stringify({ root: manifest.root, totals: manifest.totals, leafCount: manifest.leafCount }, null, 2)}\n`);
}

async function fileInput(file: string): Promise<SnapshotInput> {
  const bytes = await readInputFile(file, "--balances file");
  const format = balancesFormat(file);
  return { sheet: parseBalances(bytes.toString("utf8"), format), bytes, format, source: { kind: "file", format } };
}

async function chainInput(values: Record<string, string | boolean | undefined>): Promise<SnapshotInput> {
  const usage = SNAPSHOT_USAGE;
  const configFile = values["from-chain"] as string;
  if (values["block"] === undefined) throw new UsageError("--from-chain needs --block N (the pre-incident block)", usage);
  if (values["rpc"] === undefined) throw new UsageError("--from-chain needs --rpc URL", usage);
  const block = Number(integerOption(values["block"] as string, "block", 0n, BigInt(Number.MAX_SAFE_INTEGER), usage));
  const maxRange = Number(integerOption((values["max-range"] as string | undefined) ?? String(DEFAULT_MAX_RANGE), "max-range", 1n, 1_000_000n, usage));
  const readers = [...BUILTIN_READERS, ...(values["reader"] === undefined ? [] : await loadReaderModule(values["reader"] as string))];
  const config = parseChainSourceConfig((await readInputFile(configFile, "--from-chain configuration")).toString("utf8"), `--from-chain configuration ${configFile}`, readers);
  const chain = await openChain(values["rpc"] as string);
  const rpc = chain.provider as unknown as JsonRpc;
  const read = await readChainInput(config, {
    rpc,
    block,
    cacheDirectory: path.resolve((values["cache"] as string | undefined) ?? path.join(cacheRoot(), "chain")),
    maxRange,
    progress: throttledLog(1_000),
    warn: log,
    readers,
  });
  for (const report of read.reports) {
    log(`${report.reader} ${report.address}: ${report.logs} logs in ${report.requests} requests${report.resumedFrom === undefined ? "" : ` (resumed at block ${report.resumedFrom})`}, ${report.accounts} accounts; ${report.checks.join("; ")}`);
    for (const debtor of report.netDebtors) log(`warning: ${debtor.account} owes more than it deposited in column ${debtor.column} (deposit ${debtor.deposit}, debt ${debtor.debt}): recorded as 0; settle it with an adjustment`);
  }
  const contracts = await contractAccounts(rpc, DEFAULT_RETRY, read.sheet.rows.map((row) => row.account), throttledLog(1_000));
  for (const entry of contracts.filter((c) => c.flagged)) log(`warning: ${entry.account} is a contract that cannot sign a claim and may not be able to use a payout (see ${SNAPSHOT_FILES.sourceReport})`);
  return {
    sheet: read.sheet,
    bytes: read.csv,
    format: "csv",
    source: read.source,
    sourceReport: { format: "lifeboat.source-report.v1", source: read.source, sources: read.reports, contractAccounts: contracts },
  };
}
