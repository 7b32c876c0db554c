/**
 * Builds the claim portal into a folder for static hosting (a web server, IPFS):
 * `npm run build:portal -- DIR`. `lifeboat serve` builds it on its own into the cache when it starts.
 */
import path from "node:path";

import { writeDirectoryAtomic } from "../prover/fs-atomic";
import { buildPortalInto } from "../prover/serve/portal-build";

async function main(): Promise<void> {
  const out = process.argv[2];
  if (out === undefined) throw new Error("usage: npm run build:portal -- DIR   (DIR must not exist)");
  await writeDirectoryAtomic(path.resolve(out), buildPortalInto);
  process.stdout.write(`portal built into ${path.resolve(out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
});
