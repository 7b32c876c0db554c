import path from "node:path";

import { ARTIFACTS_DIRECTORY } from "../../artifacts/files";
import { loadProvingArtifacts, WHERE_TO_GET_ARTIFACTS, type DigestSource } from "../../artifacts/load";
import { besideFile, besideFolder } from "../../artifacts/read";
import { LifeboatError } from "../../errors";
import { exists, writeFileAtomic } from "../../fs-atomic";
import { loadPoseidon } from "../../hash";
import { proveClaim } from "../../proof/claim";
import { ClaimProver } from "../../proof/prover";
import { checkClaimPackage } from "../../proof/witness";
import { parseClaimPackage, type ClaimPackage } from "../../snapshot/formats";
import { claimInstance } from "../../setup/circuits";
import { addressOption, integerOption, parseOptions } from "../args";
import { readJsonFile } from "../files";
import { findManifests, type LocatedManifest } from "../manifests";
import { log } from "../progress";

export const PROVE_USAGE = `usage: lifeboat prove --claim FILE --chain-id N --vault ADDRESS --snapshot-id N --out FILE [--manifest FILE|URL] [--artifacts DIR|URL]

Proves in zero knowledge that the claim package's leaf is in the snapshot, for one chain, vault and
snapshot id, verifies the proof locally and writes it (with the vault's calldata) to --out.
Proving uses the snapshot's published proving artifacts (artifacts/ next to its manifest.json),
each file checked against the sha256 the claim package and the manifest name. Nothing is compiled
and no key is made on this machine.

  --claim FILE          your claim package (claims/<account>.json of the snapshot)
  --chain-id N          the chain the vault lives on
  --vault ADDRESS       the RecoveryVault that will pay
  --snapshot-id N       the vault's id for this snapshot
  --out FILE            where to write proof.json (must not exist)
  --manifest FILE|URL   the published manifest to check the package against (default:
                        manifest.json beside the artifacts folder and beside the claims/ folder)
  --artifacts DIR|URL   the snapshot's published artifacts folder (default: artifacts/ beside the
                        manifest)`;

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
      artifacts: { type: "string" },
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
  if (claimInstance(claim.depth, claim.assets.length).id !== claim.circuit) {
    throw new LifeboatError(`claim package says circuit ${claim.circuit}, but its depth ${claim.depth} and ${claim.assets.length} assets make ${claimInstance(claim.depth, claim.assets.length).id}`);
  }
  const manifests = await findManifests({
    explicit: values.manifest,
    beside: [
      ...(values.artifacts === undefined ? [] : [besideFolder(values.artifacts, "manifest.json")]),
      path.join(path.dirname(path.dirname(path.resolve(claimFile))), "manifest.json"),
    ],
  });
  const poseidon = await loadPoseidon();
  const hash = (inputs: readonly bigint[]): bigint => poseidon.hash(inputs);
  checkAgainstManifests(claim, manifests, hash);
  if (manifests.length === 0) log("warning: no manifest given or found; checking the package against its own root only");

  const artifactsLocation = values.artifacts ?? (manifests[0] === undefined ? undefined : besideFile(manifests[0].location, ARTIFACTS_DIRECTORY));
  if (artifactsLocation === undefined) {
    throw new LifeboatError(`proving needs the snapshot's proving artifacts, and none were given or found beside a manifest: ${WHERE_TO_GET_ARTIFACTS}`);
  }
  const sources: DigestSource[] = [
    { digests: claim.artifacts, source: `the claim package ${claimFile}` },
    ...manifests.map((m) => ({ digests: m.manifest.setup.artifacts, source: `the manifest ${m.location}` })),
  ];
  const artifacts = await loadProvingArtifacts(artifactsLocation, claim.circuit, sources);
  if (manifests.some((m) => m.manifest.setup.development)) log("WARNING: development trusted setup in use: proofs are for testing only");

  const prover = await ClaimProver.load(artifacts);
  const started = Date.now();
  const first = manifests[0];
  const proofFile = await proveClaim({
    claim,
    target,
    hash,
    prover,
    expected: first === undefined ? undefined : { root: first.manifest.root, totals: first.manifest.totals, source: `manifest ${first.location}` },
  });
  await writeFileAtomic(out, `${JSON.stringify(proofFile, null, 2)}\n`);
  log(`proof for ${claim.account} verified locally and written to ${out} (${Date.now() - started} ms)`);
}

/** The package must be of the snapshot every manifest describes: same circuit, root and totals. */
function checkAgainstManifests(claim: ClaimPackage, manifests: readonly LocatedManifest[], hash: (inputs: readonly bigint[]) => bigint): void {
  for (const { manifest, location } of manifests) {
    if (manifest.circuit !== claim.circuit) {
      throw new LifeboatError(`the manifest ${location} is for circuit ${manifest.circuit}, the claim package for ${claim.circuit}: they are not of the same snapshot`);
    }
    checkClaimPackage(hash, claim, { root: manifest.root, totals: manifest.totals, source: `manifest ${location}` });
  }
}
