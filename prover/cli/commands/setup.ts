import path from "node:path";

import { ARTIFACTS_DIRECTORY } from "../../artifacts/files";
import { writeProvingArtifacts } from "../../artifacts/publish";
import { writeDirectoryAtomic } from "../../fs-atomic";
import { ensureClaimArtifacts } from "../../setup";
import { DEFAULT_DEPTH, MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH } from "../../tree/constants";
import { integerOption, parseOptions } from "../args";
import { log } from "../progress";

export const SETUP_USAGE = `usage: lifeboat setup --out DIR [--depth N] [--assets K] [--ptau FILE]

Compiles the claim circuit for a tree shape, runs its trusted setup (cached outside git in
$LIFEBOAT_CACHE or ~/.cache/lifeboat) and writes the public proving artifacts into DIR/artifacts/:
the witness generator (claim.wasm), the proving key (claim.zkey), the verification key, the Solidity
verifier and its compiled form, and artifacts.json listing each file's sha256 and the ceremony's
provenance. Deploy the verifier from this folder (lifeboat deploy --artifacts DIR/artifacts) and
snapshot with it (lifeboat snapshot --artifacts DIR/artifacts) to pin one set of keys.

  --out DIR     a directory that does not exist yet
  --depth N     tree depth, ${MIN_DEPTH}..${MAX_DEPTH} (default ${DEFAULT_DEPTH})
  --assets K    assets per leaf, ${MIN_ASSETS}..${MAX_ASSETS} (default 2)
  --ptau FILE   a public powers-of-tau file instead of the development ceremony`;

export async function setupCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { out: { type: "string", required: true }, depth: { type: "string" }, assets: { type: "string" }, ptau: { type: "string" } },
    SETUP_USAGE,
  );
  if (help) return void process.stdout.write(`${SETUP_USAGE}\n`);
  const depth = Number(integerOption(values.depth ?? String(DEFAULT_DEPTH), "depth", BigInt(MIN_DEPTH), BigInt(MAX_DEPTH), SETUP_USAGE));
  const assets = Number(integerOption(values.assets ?? "2", "assets", BigInt(MIN_ASSETS), BigInt(MAX_ASSETS), SETUP_USAGE));
  const setup = await ensureClaimArtifacts(depth, assets, { ptau: values.ptau, log });
  if (setup.keys.provenance.development) log("WARNING: development trusted setup: for testing only");
  const out = values.out as string;
  let index;
  await writeDirectoryAtomic(out, async (directory) => {
    index = await writeProvingArtifacts(path.join(directory, ARTIFACTS_DIRECTORY), setup);
  });
  log(`proving artifacts of ${setup.circuit.instance.id} written to ${path.join(path.resolve(out), ARTIFACTS_DIRECTORY)}: publish this folder`);
  process.stdout.write(`${JSON.stringify(index, null, 2)}\n`);
}
