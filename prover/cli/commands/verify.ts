import { ARTIFACTS_DIRECTORY } from "../../artifacts/files";
import { loadVerificationKey } from "../../artifacts/load";
import { besideFile } from "../../artifacts/read";
import { LifeboatError } from "../../errors";
import { loadPoseidon } from "../../hash";
import { verifyProofFile } from "../../proof/claim";
import { parseProofFile } from "../../proof/proof-file";
import { parseOptions } from "../args";
import { readJsonFile } from "../files";
import { readManifest } from "../manifests";

export const VERIFY_USAGE = `usage: lifeboat verify --proof FILE --manifest FILE|URL [--artifacts DIR|URL]

Checks a proof.json as the vault would: its public signals must be exactly the snapshot commitment
of its root, totals, chain, vault and snapshot id, its account and its amounts; its root and totals
must be the manifest's; and the Groth16 proof must verify against the snapshot's published
verification key (checked against the sha256 the manifest names; never a key made on this machine).
Exits 0 only for a valid proof.

  --proof FILE          the proof.json to check
  --manifest FILE|URL   the snapshot's published manifest
  --artifacts DIR|URL   the snapshot's published artifacts folder (default: artifacts/ beside the manifest)`;

export async function verifyCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { proof: { type: "string", required: true }, manifest: { type: "string", required: true }, artifacts: { type: "string" } },
    VERIFY_USAGE,
  );
  if (help) return void process.stdout.write(`${VERIFY_USAGE}\n`);
  const file = parseProofFile(await readJsonFile(values.proof as string, "--proof file"), `proof file ${values.proof}`);
  const { manifest, location } = await readManifest(values.manifest as string, "--manifest");
  if (manifest.circuit !== file.circuit) {
    throw new LifeboatError(`INVALID proof: it is for circuit ${file.circuit}, the manifest ${location} for ${manifest.circuit}`);
  }
  const artifacts = values.artifacts ?? besideFile(location, ARTIFACTS_DIRECTORY);
  const verificationKey = await loadVerificationKey(artifacts, [{ digests: manifest.setup.artifacts, source: `the manifest ${location}` }]);
  const poseidon = await loadPoseidon();
  const outcome = await verifyProofFile(file, (inputs) => poseidon.hash(inputs), verificationKey, {
    root: manifest.root,
    totals: manifest.totals,
    source: "manifest",
  });
  if (!outcome.valid) throw new LifeboatError(`INVALID proof: ${outcome.reason}`);
  process.stdout.write(`valid: ${file.account} may claim ${file.amounts.join(", ")} from snapshot ${file.snapshotId} of vault ${file.vault} on chain ${file.chainId}\n`);
}
