import { readArtifactsIndex } from "../artifacts/load";
import { copyProvingArtifacts, writeProvingArtifacts } from "../artifacts/publish";
import { LifeboatError } from "../errors";
import { createParallelHasher } from "../hash";
import { claimInstance, ensureClaimArtifacts, sha256Hex } from "../setup";
import type { Adjustment } from "./adjustments";
import { buildSnapshot, checkSnapshotSize, selectAccounts, type Snapshot } from "./build";
import type { Manifest, SnapshotSource } from "./formats";
import type { BalanceSheet } from "./input";
import { manifestOf } from "./outputs";
import { seedCommitment } from "./seed";
import { writeSnapshot } from "./write";

/** The input of a snapshot, however it was read. */
export interface SnapshotInput {
  readonly sheet: BalanceSheet;
  /** The bytes read (file) or the canonical file (chain): kept privately, digested publicly. */
  readonly bytes: string | Uint8Array;
  readonly format: "csv" | "json";
  readonly source: SnapshotSource;
  readonly sourceReport?: unknown;
}

/** Options of createSnapshot. */
export interface CreateOptions {
  /** The snapshot directory to create; it must not exist yet. */
  readonly out: string;
  /** Tree depth: the tree has 2^depth leaf slots. */
  readonly depth: number;
  /** The operator's secret 32-byte seed (salts and leaf order). */
  readonly seed: Uint8Array;
  /** Set when the seed was made for this snapshot: it is saved with the private files. */
  readonly generatedSeed?: Uint8Array | undefined;
  /** Accounts to leave out of the tree. */
  readonly exclusions: readonly string[];
  /** Manual corrections, applied before exclusions. */
  readonly adjustments: readonly Adjustment[];
  /** Addresses that may never be a leaf (`--unpayable`); the zero address always is one. */
  readonly unpayable?: readonly string[];
  /** A public powers-of-tau file for the trusted setup, instead of the development ceremony. */
  readonly ptau?: string | undefined;
  /**
   * A published artifacts folder to reuse (from `lifeboat setup --out`), so that the keys of the
   * deployed verifier are pinned; without it the keys come from this machine's setup cache.
   */
  readonly artifacts?: string | undefined;
  /** Receives progress and warning lines. */
  readonly log: (line: string) => void;
  /** Called as hashing advances: (done, total) in hashes. */
  readonly hashProgress?: (done: number, total: number) => void;
  /** Called as claim packages are written: (done, total) in packages. */
  readonly writeProgress?: (done: number, total: number) => void;
}

/**
 * input → adjustments → exclusions → sum tree → manifest, claim packages and private files,
 * written atomically into a new directory. Everything that can be refused without hashing is
 * refused before the (possibly minutes-long) first setup of a circuit.
 */
export async function createSnapshot(input: SnapshotInput, options: CreateOptions): Promise<{ manifest: Manifest; snapshot: Snapshot }> {
  const { sheet } = input;
  checkSnapshotSize(selectAccounts(sheet, options.exclusions, options.adjustments, options.unpayable ?? []).included, sheet.assets, options.depth);
  const circuit = claimInstance(options.depth, sheet.assets.length).id;
  if (options.artifacts !== undefined) {
    const index = await readArtifactsIndex(options.artifacts);
    if (index.circuit !== circuit)
      throw new LifeboatError(
        `--artifacts ${options.artifacts} holds circuit ${index.circuit}, but depth ${options.depth} with ${sheet.assets.length} assets needs ${circuit}`,
      );
  }
  const setup =
    options.artifacts === undefined ? await ensureClaimArtifacts(options.depth, sheet.assets.length, { ptau: options.ptau, log: options.log }) : undefined;
  const writeArtifacts = (directory: string) =>
    setup === undefined ? copyProvingArtifacts(options.artifacts as string, directory, circuit) : writeProvingArtifacts(directory, setup);

  const hasher = createParallelHasher();
  try {
    const snapshot = await buildSnapshot(sheet, {
      depth: options.depth,
      seed: options.seed,
      exclusions: options.exclusions,
      adjustments: options.adjustments,
      unpayable: options.unpayable ?? [],
      hashBatch: (arity, bytes) => hasher.hashBatch(arity, bytes),
      ...(options.hashProgress === undefined ? {} : { progress: options.hashProgress }),
    });
    for (const account of snapshot.notFound) options.log(`warning: excluded account ${account} is not in the input`);
    if (snapshot.zeroAccounts > 0)
      options.log(
        `${snapshot.zeroAccounts} account(s) hold nothing after adjustments and exclusions: they are not leaves (counted in the manifest's zeroAccounts)`,
      );
    const inputDigest = `sha256:${sha256Hex(input.bytes)}`;
    const manifest = await writeSnapshot(
      options.out,
      snapshot,
      (artifacts) => manifestOf(snapshot, { inputDigest, source: input.source, seedCommitment: seedCommitment(options.seed), artifacts }),
      {
        artifacts: writeArtifacts,
        generatedSeed: options.generatedSeed,
        input: { bytes: input.bytes, format: input.format },
        sourceReport: input.sourceReport,
        ...(options.writeProgress === undefined ? {} : { progress: options.writeProgress }),
      },
    );
    if (manifest.setup.development) options.log("WARNING: development trusted setup in use (see manifest.setup.warning)");
    return { manifest, snapshot };
  } finally {
    await hasher.close();
  }
}
