import { ensureClaimArtifacts } from "../../setup";
import { DEFAULT_DEPTH, MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH } from "../../tree/constants";
import { integerOption, parseOptions } from "../args";
import { log } from "../progress";

export const SETUP_USAGE = `usage: lifeboat setup [--depth N] [--assets K] [--ptau FILE]

Compiles the claim circuit for a tree shape and runs its trusted setup (cached outside git in
$LIFEBOAT_CACHE or ~/.cache/lifeboat). Other commands do this on demand; this one does it ahead.

  --depth N     tree depth, ${MIN_DEPTH}..${MAX_DEPTH} (default ${DEFAULT_DEPTH})
  --assets K    assets per leaf, ${MIN_ASSETS}..${MAX_ASSETS} (default 2)
  --ptau FILE   a public powers-of-tau file instead of the development ceremony`;

export async function setupCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(argv, { depth: { type: "string" }, assets: { type: "string" }, ptau: { type: "string" } }, SETUP_USAGE);
  if (help) return void process.stdout.write(`${SETUP_USAGE}\n`);
  const depth = Number(integerOption(values.depth ?? String(DEFAULT_DEPTH), "depth", BigInt(MIN_DEPTH), BigInt(MAX_DEPTH), SETUP_USAGE));
  const assets = Number(integerOption(values.assets ?? "2", "assets", BigInt(MIN_ASSETS), BigInt(MAX_ASSETS), SETUP_USAGE));
  const { circuit, keys } = await ensureClaimArtifacts(depth, assets, { ptau: values.ptau, log });
  if (keys.provenance.development) log("WARNING: development trusted setup: for testing only");
  process.stdout.write(`${JSON.stringify({ ...keys.provenance, wasm: circuit.wasm, directory: keys.directory }, null, 2)}\n`);
}
