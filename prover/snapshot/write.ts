import { createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { once } from "node:events";

import { ARTIFACTS_DIRECTORY, type ArtifactsIndex } from "../artifacts/files";
import { writeDirectoryAtomic } from "../fs-atomic";
import type { Snapshot } from "./build";
import type { Manifest } from "./formats";
import { claimPackageOf, provingDigestsOf, treeHeaderOf, treeLeafLineOf } from "./outputs";
import { formatSeed } from "./seed";

/** The layout of a snapshot directory. */
export const SNAPSHOT_FILES = {
  manifest: "manifest.json",
  /** Public: the proving artifacts (docs/protocol.md §9), published next to the manifest. */
  artifacts: ARTIFACTS_DIRECTORY,
  claims: "claims",
  tree: path.join("private", "tree.ndjson"),
  seed: path.join("private", "seed.hex"),
  /** The input exactly as read: the balances file, or the canonical file read from chain. */
  input: (format: "csv" | "json") => path.join("private", `input.${format}`),
  /** Chain snapshots: what each source read, its cross-checks, contract accounts, net debtors. */
  sourceReport: path.join("private", "source-report.json"),
} as const;

/**
 * The file name of an account's claim package in `claims/`: `<account>.json`, with the account
 * checksummed as it appears in the snapshot.
 */
export function claimFileName(account: string): string {
  return `${account}.json`;
}

const PRIVATE = 0o600;

/**
 * Writes a snapshot directory atomically: everything lands in a temporary sibling which is renamed
 * to `out` only when complete, so a failure leaves nothing behind and `out` is never half-written.
 * The proving artifacts are written first, because the manifest and every claim package name
 * their digests.
 */
export async function writeSnapshot(
  out: string,
  snapshot: Snapshot,
  manifestOf: (artifacts: ArtifactsIndex) => Manifest,
  options: {
    /** Writes the public proving artifacts into the given folder and returns their index. */
    artifacts: (directory: string) => Promise<ArtifactsIndex>;
    generatedSeed?: Uint8Array | undefined;
    /** The input as read, kept for auditors (its sha256 is the manifest's inputDigest). */
    input: { readonly bytes: string | Uint8Array; readonly format: "csv" | "json" };
    sourceReport?: unknown;
    progress?: (done: number, total: number) => void;
  },
): Promise<Manifest> {
  let manifest: Manifest | undefined;
  await writeDirectoryAtomic(out, async (directory) => {
    const written = manifestOf(await options.artifacts(path.join(directory, SNAPSHOT_FILES.artifacts)));
    manifest = written;
    await fs.mkdir(path.join(directory, "private"), { mode: 0o700 });
    await fs.mkdir(path.join(directory, SNAPSHOT_FILES.claims), { mode: 0o700 });
    await fs.writeFile(path.join(directory, SNAPSHOT_FILES.manifest), `${JSON.stringify(written, null, 2)}\n`);
    if (options.generatedSeed !== undefined) {
      await fs.writeFile(path.join(directory, SNAPSHOT_FILES.seed), formatSeed(options.generatedSeed), { mode: PRIVATE });
    }
    await fs.writeFile(path.join(directory, SNAPSHOT_FILES.input(options.input.format)), options.input.bytes, { mode: PRIVATE });
    if (options.sourceReport !== undefined) {
      await fs.writeFile(path.join(directory, SNAPSHOT_FILES.sourceReport), `${JSON.stringify(options.sourceReport, null, 2)}\n`, { mode: PRIVATE });
    }

    const tree = createWriteStream(path.join(directory, SNAPSHOT_FILES.tree), { mode: PRIVATE });
    const writeLine = async (value: unknown): Promise<void> => {
      if (!tree.write(`${JSON.stringify(value)}\n`)) await once(tree, "drain");
    };
    await writeLine(treeHeaderOf(snapshot));
    for (const leaf of snapshot.leaves) await writeLine(treeLeafLineOf(snapshot, leaf));
    tree.end();
    await once(tree, "finish");

    // Claim packages: many small files, written a bounded number at a time.
    const provingDigests = provingDigestsOf(written);
    const total = snapshot.leaves.length;
    let done = 0;
    const CONCURRENCY = 64;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        const leaf = snapshot.leaves[next] as (typeof snapshot.leaves)[number];
        next += 1;
        const claimPackage = claimPackageOf(snapshot, written.circuit, provingDigests, leaf);
        await fs.writeFile(
          path.join(directory, SNAPSHOT_FILES.claims, claimFileName(leaf.account)),
          // Compact: a million packages pretty-printed take twice the disk (8 GB).
          `${JSON.stringify(claimPackage)}\n`,
          { mode: PRIVATE },
        );
        done += 1;
        if (done % 4096 === 0 || done === total) options.progress?.(done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, total) }, worker));
  });
  return manifest as Manifest;
}
