import { Contract } from "ethers";

import { writeFileAtomic, exists } from "../../fs-atomic";
import { LifeboatError } from "../../errors";
import {
  deployLifeboat,
  describeWindows,
  finalizeSnapshot,
  manifestDigest,
  parseDeployment,
  publishSnapshot,
  snapshotStatus,
  submitClaim,
  utc,
  vetoSnapshot,
} from "../../chain/vault";
import { checkInclusion } from "../../chain/check";
import { loadPoseidon } from "../../hash";
import { parseProofFile } from "../../proof/proof-file";
import { parseClaimPackage, parseManifest } from "../../snapshot/formats";
import { ARTIFACTS_DIRECTORY } from "../../artifacts/files";
import { loadVerificationKey, WHERE_TO_GET_ARTIFACTS } from "../../artifacts/load";
import { besideFile, besideFolder } from "../../artifacts/read";
import { assertVerifierCode, assertVerifierOfKey, readPublishedVerifier, type VerifierBuild } from "../../chain/verifier-code";
import { findManifests } from "../manifests";
import { addressOption, integerOption, parseOptions, UsageError } from "../args";
import { CHAIN_OPTIONS, CHAIN_USAGE, connect } from "../chain-options";
import { readInputFile, readJsonFile } from "../files";
import { log } from "../progress";
import { batchCall } from "../../chain/safe-tx-builder";
import { revertReason } from "../revert";
import { ERC20_APPROVE, SAFE_TX_OPTIONS, SAFE_TX_USAGE, safeTxTarget, vaultInterface, writeSafeTx } from "../safe-tx";

const UINT256_MAX = (1n << 256n) - 1n;

export const DEPLOY_USAGE = `usage: lifeboat deploy --out FILE --artifacts DIR[,DIR..] [--veto-window-hours H] [--guardian ADDRESS] [--rpc URL] [--keystore FILE]

Deploys the Poseidon(5) hasher, a RecoveryVault (the signer becomes its admin and proposer) and, for
each published artifacts folder, its Groth16 verifier exactly as published (Groth16Verifier.json,
checked against the folder's artifacts.json); writes the addresses to FILE. The artifacts come from
lifeboat setup --out DIR or lifeboat snapshot --out DIR (DIR/artifacts): proofs made with them are
the ones the deployed verifier accepts.

  --out FILE       deployment.json to write (must not exist)
  --artifacts DIR  the published artifacts folder(s), comma-separated, one per circuit
  --veto-window-hours H  how long a proposal waits for vetoes before it can be finalized
                   (default 72; the vault enforces 24 to 720)
  --guardian ADDR  who may veto (repeat the flag's value with commas); default: the signer
${CHAIN_USAGE}`;

export async function deployCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      out: { type: "string", required: true },
      artifacts: { type: "string", required: true },
      "veto-window-hours": { type: "string" },
      guardian: { type: "string" },
      ...CHAIN_OPTIONS,
    },
    DEPLOY_USAGE,
  );
  if (help) return void process.stdout.write(`${DEPLOY_USAGE}\n`);
  const out = values.out as string;
  if (await exists(out)) throw new LifeboatError(`--out ${out} already exists (nothing was deployed)`);
  const hours = integerOption(values["veto-window-hours"] ?? "72", "veto-window-hours", 24n, 720n, DEPLOY_USAGE);
  const guardians = values.guardian?.split(",").map((guardian, i) => addressOption(guardian.trim(), `guardian[${i}]`, DEPLOY_USAGE));
  const verifiers: VerifierBuild[] = [];
  for (const folder of (values.artifacts as string).split(",").map((entry) => entry.trim())) {
    const published = await readPublishedVerifier(folder);
    if (verifiers.some((v) => v.circuit === published.circuit)) throw new UsageError(`--artifacts names two folders for circuit ${published.circuit}`, DEPLOY_USAGE);
    if (published.index.ceremony.development) log(`WARNING: deploying the verifier of ${published.circuit} from a DEVELOPMENT trusted setup: for testing only`);
    verifiers.push(published);
  }
  const { signer } = await connect(values, true);
  const { deployment, gas } = await deployLifeboat(signer!, verifiers, { vetoWindow: hours * 3600n, ...(guardians === undefined ? {} : { guardians }) });
  await writeFileAtomic(out, `${JSON.stringify(deployment, null, 2)}\n`);
  for (const [step, used] of Object.entries(gas)) log(`${step}: ${used} gas`);
  process.stdout.write(`${JSON.stringify(deployment, null, 2)}\n`);
}

export const PUBLISH_USAGE = `usage: lifeboat publish --deployment FILE --manifest FILE --snapshot-id N --snapshot-block N --tokens A[,B..] --amounts X[,Y..] --sweep-to ADDRESS [--uri URI] [--claim-days N] [--artifacts DIR] [--rpc URL] [--keystore FILE | --safe-tx FILE [--safe ADDRESS]]

Proposes the manifest's snapshot to the vault (root, per-asset totals, verifier of its circuit, the
manifest's sha256, the snapshot block) and funds every asset from the signer's balance. Claims open
after the veto window, when anyone runs lifeboat finalize. Prints the id and the window's end.
Refused unless the deployment's verifier has exactly the code of the snapshot's published verifier
(artifacts/Groth16Verifier.json, checked against the manifest).

  --deployment FILE  deployment.json from lifeboat deploy
  --manifest FILE    the snapshot's manifest.json (its exact bytes are attested)
  --snapshot-id N    the id to propose under (an incident number); each id is used once
  --snapshot-block N the block whose state the snapshot records
  --uri URI          where the manifest is published (default: none)
  --tokens LIST      ERC-20 addresses, one per manifest asset, in its order
  --amounts LIST     recovered amounts in base units, one per asset, each at most the asset's
                     total; declared on chain: finalize requires all of it
  --sweep-to ADDR    who receives what is left after the claim window (fixed now)
  --claim-days N     length of the claim window in days from finalization, 30 to 3650 (default 90)
  --artifacts DIR    the snapshot's artifacts folder (default: artifacts/ beside the manifest)
With --safe-tx the batch is propose, then approve and fund per asset: the Safe must hold the
proposer role and the tokens.
${CHAIN_USAGE}
${SAFE_TX_USAGE}`;

export async function publishCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      deployment: { type: "string", required: true },
      manifest: { type: "string", required: true },
      "snapshot-id": { type: "string", required: true },
      "snapshot-block": { type: "string", required: true },
      uri: { type: "string" },
      tokens: { type: "string", required: true },
      amounts: { type: "string", required: true },
      "sweep-to": { type: "string", required: true },
      "claim-days": { type: "string" },
      artifacts: { type: "string" },
      ...CHAIN_OPTIONS,
      ...SAFE_TX_OPTIONS,
    },
    PUBLISH_USAGE,
  );
  if (help) return void process.stdout.write(`${PUBLISH_USAGE}\n`);
  const deployment = parseDeployment(await readJsonFile(values.deployment as string, "--deployment file"));
  const manifestBytes = await readInputFile(values.manifest as string, "--manifest file");
  const manifest = parseManifest(await readJsonFile(values.manifest as string, "--manifest file"));
  const snapshotId = integerOption(values["snapshot-id"] as string, "snapshot-id", 1n, UINT256_MAX, PUBLISH_USAGE);
  const snapshotBlock = integerOption(values["snapshot-block"] as string, "snapshot-block", 0n, (1n << 64n) - 1n, PUBLISH_USAGE);
  const tokens = (values.tokens as string).split(",").map((token, k) => addressOption(token.trim(), `tokens[${k}]`, PUBLISH_USAGE));
  const amounts = (values.amounts as string).split(",").map((amount, k) => integerOption(amount.trim(), `amounts[${k}]`, 1n, UINT256_MAX, PUBLISH_USAGE));
  if (tokens.length !== manifest.assets.length || amounts.length !== manifest.assets.length) {
    throw new UsageError(`the manifest has ${manifest.assets.length} assets (${manifest.assets.join(", ")}): give as many --tokens and --amounts`, PUBLISH_USAGE);
  }
  const days = integerOption(values["claim-days"] ?? "90", "claim-days", 30n, 3650n, PUBLISH_USAGE);
  const sweepRecipient = addressOption(values["sweep-to"] as string, "sweep-to", PUBLISH_USAGE);
  const safeTx = await safeTxTarget(values, PUBLISH_USAGE);
  if (manifest.setup.development) log("WARNING: this manifest was made with the DEVELOPMENT trusted setup");
  const artifacts = values.artifacts ?? besideFile(values.manifest as string, ARTIFACTS_DIRECTORY);
  const { build: publishedVerifier } = await readPublishedVerifier(artifacts, [{ digests: manifest.setup.artifacts, source: `the manifest ${values.manifest}` }]);
  if (safeTx !== undefined) {
    const verifier = deployment.verifiers[manifest.circuit];
    if (verifier === undefined) throw new LifeboatError(`the deployment has no verifier for circuit ${manifest.circuit}; deploy one with lifeboat deploy --artifacts <the snapshot's artifacts/>`);
    if (values.rpc !== undefined) {
      const { chain } = await connect(values, false);
      await assertVerifierCode(chain.provider, verifier, publishedVerifier.deployedBytecode, `the verifier of this snapshot's published artifacts (${manifest.circuit})`);
    } else {
      log(`warning: without --rpc the deployment's verifier ${verifier} was not compared with the published one: the Safe's owners should run lifeboat audit before signing`);
    }
    const vault = await vaultInterface();
    const proposal = {
      root: manifest.root,
      totals: manifest.totals,
      tokens,
      verifier,
      claimPeriod: days * 86_400n,
      sweepRecipient,
      snapshotBlock,
      manifestDigest: manifestDigest(manifestBytes),
      uri: values.uri ?? "",
      declaredFunding: amounts,
    };
    const funding = tokens.flatMap((token, k) => [
      batchCall(token, ERC20_APPROVE, "approve", [deployment.vault, amounts[k]!]),
      batchCall(deployment.vault, vault, "fund", [snapshotId, k, amounts[k]!]),
    ]);
    return writeSafeTx(safeTx, {
      chainId: deployment.chainId,
      name: `Lifeboat: propose and fund snapshot ${snapshotId}`,
      description: `Proposes snapshot ${snapshotId} (root ${manifest.root}, manifest sha256 ${proposal.manifestDigest}) to the vault ${deployment.vault} and funds ${manifest.assets.length} asset(s) from the Safe.`,
      transactions: [batchCall(deployment.vault, vault, "propose", [snapshotId, proposal]), ...funding],
    });
  }
  const { signer } = await connect(values, true);
  const { vetoDeadline, gas } = await publishSnapshot(signer!, deployment, manifest, {
    snapshotId,
    snapshotBlock,
    manifestDigest: manifestDigest(manifestBytes),
    uri: values.uri ?? "",
    tokens,
    amounts,
    claimPeriod: days * 86_400n,
    sweepRecipient,
    verifier: publishedVerifier,
  });
  for (const [step, used] of Object.entries(gas)) log(`${step}: ${used} gas`);
  log(`proposed: guardians may veto until ${new Date(Number(vetoDeadline) * 1000).toISOString()}; then run lifeboat finalize`);
  process.stdout.write(`${JSON.stringify({ snapshotId: snapshotId.toString(), vetoDeadline: vetoDeadline.toString(), vault: deployment.vault, chainId: deployment.chainId })}\n`);
}

export const FINALIZE_USAGE = `usage: lifeboat finalize --deployment FILE --snapshot-id N [--rpc URL] [--keystore FILE | --safe-tx FILE [--safe ADDRESS]]

Opens claims for a proposal whose veto window has passed without a veto (anyone may run it).

  --deployment FILE  deployment.json from lifeboat deploy
  --snapshot-id N    the proposed snapshot
${CHAIN_USAGE}
${SAFE_TX_USAGE}`;

export async function finalizeCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { deployment: { type: "string", required: true }, "snapshot-id": { type: "string", required: true }, ...CHAIN_OPTIONS, ...SAFE_TX_OPTIONS },
    FINALIZE_USAGE,
  );
  if (help) return void process.stdout.write(`${FINALIZE_USAGE}\n`);
  const deployment = parseDeployment(await readJsonFile(values.deployment as string, "--deployment file"));
  const snapshotId = integerOption(values["snapshot-id"] as string, "snapshot-id", 1n, UINT256_MAX, FINALIZE_USAGE);
  const safeTx = await safeTxTarget(values, FINALIZE_USAGE);
  if (safeTx !== undefined) {
    return writeSafeTx(safeTx, {
      chainId: deployment.chainId,
      name: `Lifeboat: finalize snapshot ${snapshotId}`,
      description: `Opens claims for snapshot ${snapshotId} of the vault ${deployment.vault} (its veto window must have passed).`,
      transactions: [batchCall(deployment.vault, await vaultInterface(), "finalize", [snapshotId])],
    });
  }
  const { signer } = await connect(values, true);
  const { commitment, claimDeadline, gasUsed } = await finalizeSnapshot(signer!, deployment, snapshotId);
  log(`snapshot ${snapshotId} finalized: claims are open until ${utc(claimDeadline)}, plus any time the vault spends paused (${gasUsed} gas)`);
  process.stdout.write(`${JSON.stringify({ snapshotId: snapshotId.toString(), commitment: commitment.toString() })}\n`);
}

export const VETO_USAGE = `usage: lifeboat veto --deployment FILE --snapshot-id N --reason TEXT [--rpc URL] [--keystore FILE | --safe-tx FILE [--safe ADDRESS]]

A guardian's veto of a proposal during its veto window; the reason goes on chain. A vetoed
proposal can never be finalized; its funding can be swept back to its sweep recipient.

  --deployment FILE  deployment.json from lifeboat deploy
  --snapshot-id N    the proposed snapshot
  --reason TEXT      why (for the record)
${CHAIN_USAGE}
${SAFE_TX_USAGE}`;

export async function vetoCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { deployment: { type: "string", required: true }, "snapshot-id": { type: "string", required: true }, reason: { type: "string", required: true }, ...CHAIN_OPTIONS, ...SAFE_TX_OPTIONS },
    VETO_USAGE,
  );
  if (help) return void process.stdout.write(`${VETO_USAGE}\n`);
  const deployment = parseDeployment(await readJsonFile(values.deployment as string, "--deployment file"));
  const snapshotId = integerOption(values["snapshot-id"] as string, "snapshot-id", 1n, UINT256_MAX, VETO_USAGE);
  const reason = values.reason as string;
  if (reason.trim() === "") throw new UsageError("--reason must say why", VETO_USAGE);
  const safeTx = await safeTxTarget(values, VETO_USAGE);
  if (safeTx !== undefined) {
    return writeSafeTx(safeTx, {
      chainId: deployment.chainId,
      name: `Lifeboat: veto snapshot ${snapshotId}`,
      description: `Vetoes snapshot ${snapshotId} of the vault ${deployment.vault}: ${reason}`,
      transactions: [batchCall(deployment.vault, await vaultInterface(), "veto", [snapshotId, reason])],
    });
  }
  const { signer } = await connect(values, true);
  await vetoSnapshot(signer!, deployment, snapshotId, reason);
  log(`snapshot ${snapshotId} vetoed: ${reason}`);
}

export const PAUSE_USAGE = `usage: lifeboat pause --deployment FILE [--rpc URL] [--keystore FILE | --safe-tx FILE [--safe ADDRESS]]

A guardian pauses the vault: no claims until governance unpauses it.

  --deployment FILE  deployment.json from lifeboat deploy
${CHAIN_USAGE}
${SAFE_TX_USAGE}`;

export async function pauseCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(argv, { deployment: { type: "string", required: true }, ...CHAIN_OPTIONS, ...SAFE_TX_OPTIONS }, PAUSE_USAGE);
  if (help) return void process.stdout.write(`${PAUSE_USAGE}\n`);
  const deployment = parseDeployment(await readJsonFile(values.deployment as string, "--deployment file"));
  const vault = await vaultInterface();
  const safeTx = await safeTxTarget(values, PAUSE_USAGE);
  if (safeTx !== undefined) {
    return writeSafeTx(safeTx, {
      chainId: deployment.chainId,
      name: "Lifeboat: pause the vault",
      description: `Pauses the vault ${deployment.vault}: no claims until governance unpauses it.`,
      transactions: [batchCall(deployment.vault, vault, "pause", [])],
    });
  }
  const { chain, signer } = await connect(values, true);
  const chainId = (await chain.provider.getNetwork()).chainId.toString();
  if (chainId !== deployment.chainId) throw new LifeboatError(`the deployment is on chain ${deployment.chainId}, the RPC endpoint serves chain ${chainId}`);
  const contract = new Contract(deployment.vault, vault, signer);
  try {
    await contract.getFunction("pause").staticCall();
    const receipt = await (await contract.getFunction("pause")()).wait();
    log(`vault ${deployment.vault} paused in ${receipt!.hash}`);
  } catch (error) {
    throw new LifeboatError(`the vault cannot be paused: ${revertReason(error, vault)}`);
  }
}

export const CLAIM_USAGE = `usage: lifeboat claim --deployment FILE --proof FILE [--to ADDRESS] [--rpc URL] [--keystore FILE]

Submits a proof.json to the vault. Anyone may submit it: the vault pays the account in the proof.
With --to, the payout goes to another address; only the account itself may do that.

  --deployment FILE  deployment.json from lifeboat deploy
  --proof FILE       proof.json from lifeboat prove (for this vault, chain and snapshot)
  --to ADDRESS       redirect the payout (the signer must be the account)
${CHAIN_USAGE}`;

export async function claimCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { deployment: { type: "string", required: true }, proof: { type: "string", required: true }, to: { type: "string" }, ...CHAIN_OPTIONS },
    CLAIM_USAGE,
  );
  if (help) return void process.stdout.write(`${CLAIM_USAGE}\n`);
  const deployment = parseDeployment(await readJsonFile(values.deployment as string, "--deployment file"));
  const proof = parseProofFile(await readJsonFile(values.proof as string, "--proof file"));
  const recipient = values.to === undefined ? undefined : addressOption(values.to, "to", CLAIM_USAGE);
  const { signer } = await connect(values, true);
  const result = await submitClaim(signer!, deployment, proof, { recipient });
  log(`claimed for ${proof.account} in ${result.txHash} (${result.gasUsed} gas)`);
  process.stdout.write(`${JSON.stringify({ account: proof.account, recipient: recipient ?? proof.account, payouts: result.payouts.map(String), gasUsed: result.gasUsed.toString() })}\n`);
}

export const STATUS_USAGE = `usage: lifeboat status --deployment FILE --snapshot-id N [--rpc URL]

Shows a snapshot's state (proposed, vetoed, active, expired), its effective deadlines in UTC (veto,
finalize, claims; paused time included), its sweep recipient and, per asset, its tree total, the
declared funding finalize requires, what was funded, paid and what remains.

  --deployment FILE  deployment.json from lifeboat deploy
  --snapshot-id N    the snapshot
${CHAIN_USAGE}`;

export async function statusCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    { deployment: { type: "string", required: true }, "snapshot-id": { type: "string", required: true }, ...CHAIN_OPTIONS },
    STATUS_USAGE,
  );
  if (help) return void process.stdout.write(`${STATUS_USAGE}\n`);
  const deployment = parseDeployment(await readJsonFile(values.deployment as string, "--deployment file"));
  const snapshotId = integerOption(values["snapshot-id"] as string, "snapshot-id", 1n, UINT256_MAX, STATUS_USAGE);
  const { chain } = await connect(values, false);
  const status = await snapshotStatus(chain.provider, deployment, snapshotId);
  if (status.state === "none") throw new LifeboatError(`vault ${deployment.vault} has no snapshot ${snapshotId}`);
  process.stdout.write(
    `${JSON.stringify(
      {
        ...status,
        snapshotId: status.snapshotId.toString(),
        root: status.root.toString(),
        commitment: status.commitment.toString(),
        vetoDeadline: utc(status.vetoDeadline),
        finalizeDeadline: utc(status.finalizeDeadline),
        claimPeriod: status.claimPeriod.toString(),
        claimDeadline: utc(status.claimDeadline),
        snapshotBlock: status.snapshotBlock.toString(),
        assets: status.assets.map((asset) => Object.fromEntries(Object.entries(asset).map(([key, value]) => [key, String(value)]))),
      },
      null,
      2,
    )}\n`,
  );
}

export const NODE_USAGE = `usage: lifeboat node [--port N]

Runs a local Hardhat JSON-RPC node on 127.0.0.1 (chain id 31337, unlocked development accounts),
so that deploy, publish, prove, claim and status can be run as separate commands with --rpc.`;

export async function nodeCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(argv, { port: { type: "string" } }, NODE_USAGE);
  if (help) return void process.stdout.write(`${NODE_USAGE}\n`);
  const port = Number(integerOption(values.port ?? "8545", "port", 1n, 65535n, NODE_USAGE));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as typeof import("hardhat");
  await hre.run("node", { hostname: "127.0.0.1", port });
}

export const CHECK_USAGE = `usage: lifeboat check --claim FILE --deployment FILE --snapshot-id N [--manifest FILE|URL] [--artifacts DIR|URL] [--rpc URL]

A user's self-check, best run during the veto window: your claim package must open to the root and
per-asset totals proposed on chain, the proposal must name the verifier for your circuit, and that
verifier's code must be the one rebuilt here from the snapshot's published verification key
(checked against the sha256 your package names), so the proofs you will make are the ones it
accepts. Exits 0 when all hold; otherwise says what differs, so you can ask the guardians to veto
in time.

  --claim FILE          your claim package (claims/<account>.json)
  --deployment FILE     deployment.json of the vault
  --snapshot-id N       the proposed (or finalized) snapshot
  --manifest FILE|URL   the published manifest (default: manifest.json beside the claims/ folder)
  --artifacts DIR|URL   the published artifacts folder (default: artifacts/ beside the manifest)
${CHAIN_USAGE}`;

export async function checkCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      claim: { type: "string", required: true },
      deployment: { type: "string", required: true },
      "snapshot-id": { type: "string", required: true },
      manifest: { type: "string" },
      artifacts: { type: "string" },
      ...CHAIN_OPTIONS,
    },
    CHECK_USAGE,
  );
  if (help) return void process.stdout.write(`${CHECK_USAGE}\n`);
  const claim = parseClaimPackage(await readJsonFile(values.claim as string, "--claim file"), `claim package ${values.claim}`);
  const deployment = parseDeployment(await readJsonFile(values.deployment as string, "--deployment file"));
  const snapshotId = integerOption(values["snapshot-id"] as string, "snapshot-id", 1n, UINT256_MAX, CHECK_USAGE);
  const { chain } = await connect(values, false);
  const poseidon = await loadPoseidon();
  const status = await checkInclusion(chain.provider, deployment, snapshotId, claim, (inputs) => poseidon.hash(inputs));
  // The verifier on chain must be the one of the published verification key this package names.
  const manifests = await findManifests({ explicit: values.manifest, beside: [besideFolder(besideFile(values.claim as string, "."), "manifest.json")] });
  const artifacts = values.artifacts ?? (manifests[0] === undefined ? undefined : besideFile(manifests[0].location, ARTIFACTS_DIRECTORY));
  if (artifacts === undefined) throw new LifeboatError(`checking the verifier on chain needs the snapshot's proving artifacts, and none were given or found: ${WHERE_TO_GET_ARTIFACTS}`);
  const verificationKey = await loadVerificationKey(artifacts, [
    { digests: claim.artifacts, source: `the claim package ${values.claim}` },
    ...manifests.map((m) => ({ digests: m.manifest.setup.artifacts, source: `the manifest ${m.location}` })),
  ]);
  await assertVerifierOfKey(chain.provider, status.verifier, verificationKey, claim.circuit);
  const window = status.state === "proposed" ? `; guardians can veto until ${utc(status.vetoDeadline)}` : "";
  process.stdout.write(
    `included: ${claim.account} holds ${claim.balances.map((balance, k) => `${balance} ${claim.assets[k]}`).join(", ")} in snapshot ${snapshotId} (${status.state}${window})\n`,
  );
  for (const line of describeWindows(status)) process.stdout.write(`  ${line}\n`);
}
