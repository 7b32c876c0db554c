import path from "node:path";

import { LifeboatError } from "../../errors";
import { exists, writeFileAtomic } from "../../fs-atomic";
import { loadPoseidon } from "../../hash";
import { proveClaim } from "../../proof/claim";
import { ClaimProver } from "../../proof/prover";
import { parseClaimPackage, parseManifest, type Manifest } from "../../snapshot/formats";
import { claimInstance, ensureClaimArtifacts } from "../../setup";
import { addressOption, integerOption, parseOptions } from "../args";
import { readJsonFile } from "../files";
import { log } from "../progress";

export const PROVE_USAGE = `usage: lifeboat prove --claim FILE --chain-id N --vault ADDRESS --snapshot-id N --out FILE [--manifest FILE] [--ptau FILE]

Proves in zero knowledge that the claim package's leaf is in the snapshot, for one chain, vault and
snapshot id, verifies the proof locally and writes it (with the vault's calldata) to --out.

  --claim FILE        your claim package (claims/<account>.json of the snapshot)
  --chain-id N        the chain the vault lives on
  --vault ADDRESS     the RecoveryVault that will pay
  --snapshot-id N     the vault's id for this snapshot
  --out FILE          where to write proof.json (must not exist)
  --manifest FILE     the published manifest to check the package against
                      (default: manifest.json beside the claims/ folder, when present)
  --ptau FILE         the public powers-of-tau the snapshot's setup used, if not the development one`;

const UINT256_MAX = (1n << 256n) - 1n;

export async function proveCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      claim: { type: "string", required: true },
      "chain-id": { type: "string", required: true },
      vault: { type: "string", required: true },
      "snapshot-id": { type: "string", required: true },
      out: { type: "string", required: true },
      manifest: { type: "string" },
      ptau: { type: "string" },
    },
    PROVE_USAGE,
  );
  if (help) return void process.stdout.write(`${PROVE_USAGE}\n`);
  const target = {
    chainId: integerOption(values["chain-id"] as string, "chain-id", 1n, UINT256_MAX, PROVE_USAGE),
    vault: addressOption(values.vault as string, "vault", PROVE_USAGE),
    snapshotId: integerOption(values["snapshot-id"] as string, "snapshot-id", 0n, UINT256_MAX, PROVE_USAGE),
  };
  const out = values.out as string;
  if (await exists(out)) throw new LifeboatError(`--out ${out} already exists; choose another file (nothing was written)`);

  const claimFile = values.claim as string;
  const claim = parseClaimPackage(await readJsonFile(claimFile, "--claim file"), `claim package ${claimFile}`);
  const manifest = await findManifest(claimFile, values.manifest);
  if (manifest === undefined) log("warning: no manifest given or found beside claims/; checking the package against its own root only");
  else if (manifest.circuit !== claim.circuit) {
    throw new LifeboatError(`the manifest is for circuit ${manifest.circuit}, the claim package for ${claim.circuit}`);
  }
  if (claimInstance(claim.depth, claim.assets.length).id !== claim.circuit) {
    throw new LifeboatError(`claim package says circuit ${claim.circuit}, but its depth ${claim.depth} and ${claim.assets.length} assets make ${claimInstance(claim.depth, claim.assets.length).id}`);
  }

  const artifacts = await ensureClaimArtifacts(claim.depth, claim.assets.length, { ptau: values.ptau, log });
  if (artifacts.keys.provenance.development) log("WARNING: development trusted setup in use: proofs are for testing only");
  const poseidon = await loadPoseidon();
  const prover = await ClaimProver.load(artifacts);
  const started = Date.now();
  const proofFile = await proveClaim({
    claim,
    target,
    hash: (inputs) => poseidon.hash(inputs),
    prover,
    expected: manifest === undefined ? undefined : { root: manifest.root, totals: manifest.totals, source: "manifest" },
  });
  await writeFileAtomic(out, `${JSON.stringify(proofFile, null, 2)}\n`);
  log(`proof for ${claim.account} verified locally and written to ${out} (${Date.now() - started} ms)`);
}

async function findManifest(claimFile: string, explicit: string | undefined): Promise<Manifest | undefined> {
  const file = explicit ?? path.join(path.dirname(path.dirname(path.resolve(claimFile))), "manifest.json");
  if (explicit === undefined && !(await exists(file))) return undefined;
  return parseManifest(await readJsonFile(file, explicit === undefined ? "manifest" : "--manifest file"), `manifest ${file}`);
}
