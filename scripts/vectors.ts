/**
 * Writes docs/vectors.json, the known-answer vectors of docs/protocol.md, from the reference
 * implementation. Run after a deliberate protocol change only (a new format version):
 *   npx ts-node --transpile-only scripts/vectors.ts
 * test/protocol/vectors.test.ts fails whenever the code and the file disagree.
 */
import { promises as fs } from "node:fs";
import path from "node:path";

import { loadReferencePoseidon } from "../prover/hash";
import { computeVectors } from "../test/protocol/known-answers";

async function main(): Promise<void> {
  const poseidon = await loadReferencePoseidon();
  const vectors = await computeVectors(
    (inputs) => poseidon.hash(inputs),
    async (arity, bytes) => poseidon.hashBatch(arity, bytes),
  );
  const file = path.resolve(__dirname, "..", "docs", "vectors.json");
  await fs.writeFile(file, `${JSON.stringify(vectors, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
