import { LifeboatError } from "../../errors";
import { loadPoseidon } from "../../hash";
import { verifyProofFile } from "../../proof/claim";
import { parseProofFile } from "../../proof/proof-file";
import { parseManifest } from "../../snapshot/formats";
import { declaredInstances, ensureClaimArtifacts } from "../../setup";
import { parseOptions } from "../args";
import { readJsonFile } from "../files";
import { log } from "../progress";

export const VERIFY_USAGE = `usage: lifeboat verify --proof FILE [--manifest FILE] [--ptau FILE]

Checks a proof.json as the vault would: its public signals must be exactly the snapshot commitment
of its root, totals, chain, vault and snapshot id, its account and its amounts, and the Groth16 proof
must verify against the verification key of its circuit (from this machine's setup, never from the
file). Exits 0 only for a valid proof.

  --proof FILE     the proof.json to check
  --manifest FILE  also require the proof's root and totals to be the manifest's
  --ptau FILE      the public powers-of-tau the setup used, if not the development one`;

export async function verifyCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { proof: { type: "string", required: true }, manifest: { type: "string" }, ptau: { type: "string" } },
    VERIFY_USAGE,
  );
  if (help) return void process.stdout.write(`${VERIFY_USAGE}\n`);
  const file = parseProofFile(await readJsonFile(values.proof as string, "--proof file"), `proof file ${values.proof}`);
  const instance = (await declaredInstances()).find((candidate) => candidate.id === file.circuit) ?? parseInstanceId(file.circuit);
  const manifest = values.manifest === undefined ? undefined : parseManifest(await readJsonFile(values.manifest, "--manifest file"));
  const artifacts = await ensureClaimArtifacts(instance.depth, instance.assets, { ptau: values.ptau, log });
  const poseidon = await loadPoseidon();
  const outcome = await verifyProofFile(
    file,
    (inputs) => poseidon.hash(inputs),
    artifacts.keys.verificationKey,
    manifest === undefined ? undefined : { root: manifest.root, totals: manifest.totals, source: "manifest" },
  );
  if (!outcome.valid) throw new LifeboatError(`INVALID proof: ${outcome.reason}`);
  process.stdout.write(`valid: ${file.account} may claim ${file.amounts.join(", ")} from snapshot ${file.snapshotId} of vault ${file.vault} on chain ${file.chainId}\n`);
}

function parseInstanceId(id: string): { depth: number; assets: number } {
  const match = /^claim_d(\d+)_k(\d+)$/.exec(id);
  if (match === null) throw new LifeboatError(`proof file names an unknown circuit ${JSON.stringify(id)}`);
  return { depth: Number(match[1]), assets: Number(match[2]) };
}
