import { createHash } from "node:crypto";
import path from "node:path";

import { createParallelHasher } from "../../hash";
import { balancesFormat, parseBalances, parseExclusions } from "../../snapshot/input";
import { applyExclusions, buildSnapshot, checkSnapshotSize } from "../../snapshot/build";
import { manifestOf } from "../../snapshot/outputs";
import { generateSeed, parseSeed, seedCommitment } from "../../snapshot/seed";
import { SNAPSHOT_FILES, writeSnapshot } from "../../snapshot/write";
import { ensureClaimArtifacts } from "../../setup";
import { DEFAULT_DEPTH, MAX_DEPTH, MIN_DEPTH } from "../../tree/constants";
import { integerOption, parseOptions } from "../args";
import { readInputFile } from "../files";
import { log, progressBar } from "../progress";

export const SNAPSHOT_USAGE = `usage: lifeboat snapshot --balances FILE --out DIR [--depth N] [--exclude FILE] [--seed FILE] [--ptau FILE]

Builds the Merkle sum tree of pre-incident balances and writes, atomically, into DIR:
  manifest.json          public: root, per-asset totals, digests, setup provenance
  claims/<account>.json  private: one claim package per user
  private/tree.ndjson    private: every leaf, for auditors
  private/seed.hex       private: the seed, when it was generated here

  --balances FILE  CSV "account,<ASSET>,..." or JSON {"assets": [...], "accounts": [{"account", "balances"}]};
                   balances are decimal integers in base units, below 2^96; 1 to 4 assets
  --out DIR        a directory that does not exist yet
  --depth N        tree depth, ${MIN_DEPTH}..${MAX_DEPTH} (default ${DEFAULT_DEPTH}: up to 2^${DEFAULT_DEPTH} accounts)
  --exclude FILE   accounts to leave out (attacker, protocol-owned): one address per line, or a JSON array
  --seed FILE      the operator's secret seed (64 hex digits); without it a fresh one is made and saved
  --ptau FILE      a public powers-of-tau file instead of the development ceremony`;

export async function snapshotCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      balances: { type: "string", required: true },
      out: { type: "string", required: true },
      depth: { type: "string" },
      exclude: { type: "string" },
      seed: { type: "string" },
      ptau: { type: "string" },
    },
    SNAPSHOT_USAGE,
  );
  if (help) return void process.stdout.write(`${SNAPSHOT_USAGE}\n`);
  const balancesFile = values.balances as string;
  const out = values.out as string;
  const depth = Number(
    integerOption(values.depth ?? String(DEFAULT_DEPTH), "depth", BigInt(MIN_DEPTH), BigInt(MAX_DEPTH), SNAPSHOT_USAGE),
  );

  const raw = await readInputFile(balancesFile, "--balances file");
  const sheet = parseBalances(raw.toString("utf8"), balancesFormat(balancesFile));
  const exclusions =
    values.exclude === undefined
      ? []
      : parseExclusions(
          (await readInputFile(values.exclude, "--exclude file")).toString("utf8"),
          balancesFormat(values.exclude),
        );
  const generatedSeed = values.seed === undefined ? generateSeed() : undefined;
  const seed =
    generatedSeed ??
    parseSeed((await readInputFile(values.seed as string, "--seed file")).toString("utf8"), `--seed file ${values.seed}`);

  // Refuse what can be refused before the (possibly minutes-long) first setup of a circuit.
  checkSnapshotSize(applyExclusions(sheet.rows, exclusions).included, sheet.assets, depth);
  const artifacts = await ensureClaimArtifacts(depth, sheet.assets.length, { ptau: values.ptau, log });
  if (artifacts.keys.provenance.development) log("WARNING: development trusted setup in use (see manifest.setup.warning)");

  const hasher = createParallelHasher();
  try {
    const snapshot = await buildSnapshot(sheet, {
      depth,
      seed,
      exclusions,
      hashBatch: (arity, input) => hasher.hashBatch(arity, input),
      progress: progressBar("hashing tree"),
    });
    for (const account of snapshot.notFound) log(`warning: excluded account ${account} is not in the balances file`);
    const manifest = manifestOf(snapshot, {
      circuit: artifacts.circuit.instance.id,
      inputDigest: `sha256:${createHash("sha256").update(raw).digest("hex")}`,
      seedCommitment: seedCommitment(seed),
      setup: artifacts.keys.provenance,
    });
    await writeSnapshot(out, snapshot, manifest, { generatedSeed, progress: progressBar("writing claim packages") });
    log(`snapshot of ${snapshot.leaves.length} accounts (${snapshot.excluded.length} excluded) written to ${path.resolve(out)}`);
    if (generatedSeed !== undefined) {
      log(`a new seed was saved to ${path.join(path.resolve(out), SNAPSHOT_FILES.seed)}: keep it private`);
    }
    process.stdout.write(
      `${JSON.stringify({ root: manifest.root, totals: manifest.totals, leafCount: manifest.leafCount }, null, 2)}\n`,
    );
  } finally {
    await hasher.close();
  }
}
