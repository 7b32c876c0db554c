import path from "node:path";

import { ARTIFACTS_DIRECTORY } from "../../artifacts";
import { loadProvingArtifacts, WHERE_TO_GET_ARTIFACTS, type DigestSource } from "../../artifacts";
import { besideFile, besideFolder } from "../../artifacts";
import { LifeboatError } from "../../errors";
import { exists, writeFileAtomic } from "../../fs-atomic";
import { loadPoseidon } from "../../hash";
import { proveClaim } from "../../proof";
import { ClaimProver } from "../../proof";
import { checkClaimPackage } from "../../proof";
import { parseClaimPackage, type ClaimPackage } from "../../snapshot";
import { claimInstance } from "../../setup";
import { Contract } from "ethers";

import { connect } from "../chain-options";
import { defineCommand, JSON_OPTION, opt } from "../options";
import { output } from "../output";
import { readJsonFile } from "../files";
import { findManifests, type LocatedManifest } from "../manifests";
import { log } from "../progress";

const UINT256_MAX = (1n << 256n) - 1n;

export const prove = defineCommand({
  name: "prove",
  summary: "prove a claim package for a vault and snapshot",
  description: `Proves in zero knowledge that the claim package's leaf is in the snapshot, for one chain, vault and
snapshot id, verifies the proof locally and writes it (with the vault's calldata) to --out.
Proving uses the snapshot's published proving artifacts (artifacts/ next to its manifest.json),
each file checked against the sha256 the claim package and the manifest name. Nothing is compiled
and no key is made on this machine. With --rpc, the vault is checked first: it must be a
RecoveryVault on that chain holding that snapshot with your package's root (a typo in --vault or
--snapshot-id is caught before minutes of proving); without --rpc a loud warning says it was not.`,
  options: {
    claim: opt.path("FILE", "your claim package (claims/<account>.json of the snapshot)").require(),
    "chain-id": opt.integer("N", "the chain the vault lives on", 1n, UINT256_MAX).require(),
    vault: opt.address("ADDR", "the RecoveryVault that will pay").require(),
    "snapshot-id": opt.integer("N", "the vault's id for this snapshot", 1n, UINT256_MAX).require(),
    out: opt.path("FILE", "where to write proof.json (must not exist)").require(),
    manifest: opt.location(
      "FILE|URL",
      "the published manifest to check the package against (default: manifest.json beside the artifacts folder and beside the claims/ folder)",
    ),
    artifacts: opt.location("DIR|URL", "the snapshot's published artifacts folder (default: artifacts/ beside the manifest)"),
    rpc: opt.url("URL", "a JSON-RPC endpoint of the vault's chain, to check --vault and --snapshot-id before proving"),
    ...JSON_OPTION,
  },
  async run(values) {
    const target = { chainId: values["chain-id"], vault: values.vault, snapshotId: values["snapshot-id"] };
    const out = values.out;
    if (await exists(out)) throw new LifeboatError(`--out ${out} already exists; choose another file (nothing was written)`);

    const claimFile = values.claim;
    const claim = parseClaimPackage(await readJsonFile(claimFile, "--claim file"), `claim package ${claimFile}`);
    if (claimInstance(claim.depth, claim.assets.length).id !== claim.circuit) {
      throw new LifeboatError(
        `claim package says circuit ${claim.circuit}, but its depth ${claim.depth} and ${claim.assets.length} assets make ${claimInstance(claim.depth, claim.assets.length).id}`,
      );
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

    await checkVaultTarget(values.rpc, target, claim);
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
    log(`proof verified locally (${Date.now() - started} ms)`);
    output(values.json, { proof: out, account: claim.account, chainId: target.chainId, vault: target.vault, snapshotId: target.snapshotId }, () => [
      `proof for ${claim.account} written to ${out}`,
    ]);
  },
});

export const proveCommand = prove.run.bind(prove);

/**
 * --vault and --snapshot-id are checked against the chain when --rpc is given: a RecoveryVault on
 * chain --chain-id with that snapshot proposed for the package's root. Without --rpc: a loud warning.
 */
async function checkVaultTarget(rpc: string | undefined, target: { chainId: bigint; vault: string; snapshotId: bigint }, claim: ClaimPackage): Promise<void> {
  if (rpc === undefined) {
    log(
      `WARNING: --vault ${target.vault} and --snapshot-id ${target.snapshotId} were NOT checked against the chain (no --rpc): a typo makes a proof the vault refuses. Check them with lifeboat check, or pass --rpc.`,
    );
    return;
  }
  const { chain } = await connect({ rpc }, false);
  if (chain.chainId !== target.chainId) throw new LifeboatError(`--rpc ${rpc} serves chain ${chain.chainId}, not --chain-id ${target.chainId}`);
  if ((await chain.provider.getCode(target.vault)) === "0x")
    throw new LifeboatError(`--vault ${target.vault} is not a contract on chain ${target.chainId}: check the address (nothing was proved)`);
  let root: bigint;
  let state: bigint;
  try {
    const info = await new Contract(target.vault, VAULT_VIEW, chain.provider).getFunction("snapshot")(target.snapshotId);
    root = info.root as bigint;
    state = info.state as bigint;
  } catch {
    throw new LifeboatError(`--vault ${target.vault} does not answer as a RecoveryVault (snapshot(uint256)): check the address (nothing was proved)`);
  }
  if (state === 0n) throw new LifeboatError(`vault ${target.vault} has no snapshot ${target.snapshotId}: check --snapshot-id (nothing was proved)`);
  if (root !== BigInt(claim.root))
    throw new LifeboatError(
      `snapshot ${target.snapshotId} of vault ${target.vault} has root ${root}, your claim package ${claim.root}: wrong --snapshot-id or --vault (nothing was proved)`,
    );
}

const VAULT_VIEW = [
  "function snapshot(uint256) view returns (tuple(uint8 state, uint256 root, uint256 commitment, address verifier, uint64 vetoDeadline, uint64 finalizeDeadline, uint64 claimPeriod, uint64 claimDeadline, uint64 snapshotBlock, address sweepRecipient, bool swept, bytes32 manifestDigest, string uri, tuple(address token, uint96 total)[] assets, tuple(uint128 funded, uint128 paid)[] ledgers, uint256[] declaredFunding))",
];

/** The package must be of the snapshot every manifest describes: same circuit, root and totals. */
function checkAgainstManifests(claim: ClaimPackage, manifests: readonly LocatedManifest[], hash: (inputs: readonly bigint[]) => bigint): void {
  for (const { manifest, location } of manifests) {
    if (manifest.circuit !== claim.circuit) {
      throw new LifeboatError(
        `the manifest ${location} is for circuit ${manifest.circuit}, the claim package for ${claim.circuit}: they are not of the same snapshot`,
      );
    }
    checkClaimPackage(hash, claim, { root: manifest.root, totals: manifest.totals, source: `manifest ${location}` });
  }
}
