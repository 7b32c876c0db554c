import { createHash } from "node:crypto";

import { getAddress, type Contract, type Signer, type Provider, type ContractTransactionReceipt } from "ethers";

import { InputError, LifeboatError } from "../errors";
import { DEPLOYMENT_FORMAT, deploymentSchema, type Deployment } from "../schema/deployment";
import { parseWith } from "../schema/parse";
import type { ProofFile } from "../proof/proof-file";
import type { CompiledContract } from "../setup/solidity";
import type { Manifest } from "../snapshot/formats";
import { attach, deployContract, failure } from "./contracts";
import { deployPoseidon5, deployVerifier } from "./deploy";
import { assertVerifierCode, type VerifierBuild } from "./verifier-code";

export { DEPLOYMENT_FORMAT, type Deployment } from "../schema/deployment";

/** Validates a deployment file (the schema is prover/schema/deployment.ts). */
export function parseDeployment(raw: unknown, where = "deployment file"): Deployment {
  return parseWith(deploymentSchema, raw, where);
}

/** Gas used per step of an operation, keyed by a description of the step ("deploy RecoveryVault", "propose", …). */
export interface GasReport {
  readonly [step: string]: bigint;
}

/** Options of deployLifeboat. */
export interface DeployOptions {
  /** Veto window of proposals in seconds (the vault enforces 1 to 30 days). */
  readonly vetoWindow: bigint;
  /** Who may veto proposals (guardians, auditors, the emergency multisig); default: the signer. */
  readonly guardians?: readonly string[];
}

/**
 * Deploys the Poseidon hasher, the vault and a verifier per circuit. The signer becomes admin and
 * proposer; production hands the admin role to a TimelockController afterwards.
 */
export async function deployLifeboat(
  signer: Signer,
  verifiers: readonly VerifierBuild[],
  options: DeployOptions,
): Promise<{ deployment: Deployment; gas: GasReport }> {
  const gas: Record<string, bigint> = {};
  const used = async (contract: Contract | { deploymentTransaction(): unknown }): Promise<bigint> => {
    const tx = (contract as { deploymentTransaction(): { wait(): Promise<ContractTransactionReceipt | null> } | null }).deploymentTransaction();
    return (await tx?.wait())?.gasUsed ?? 0n;
  };
  const hasher = await deployPoseidon5(signer);
  gas["deploy Poseidon(5) hasher"] = await used(hasher as unknown as Contract);
  const vault = await deployContract("RecoveryVault", signer, [await signer.getAddress(), await hasher.getAddress(), options.vetoWindow]);
  gas["deploy RecoveryVault"] = await used(vault);
  await (await vault.getFunction("grantRole")(await vault.getFunction("PROPOSER_ROLE")(), await signer.getAddress())).wait();
  const guardianRole = await vault.getFunction("GUARDIAN_ROLE")();
  const guardians = options.guardians ?? [await signer.getAddress()];
  for (const guardian of guardians) {
    await (await vault.getFunction("grantRole")(guardianRole, guardian)).wait();
  }
  const deployed: Record<string, string> = {};
  for (const { circuit, build } of verifiers) {
    const verifier = await deployVerifier(build, signer);
    deployed[circuit] = await verifier.getAddress();
    gas[`deploy verifier ${circuit}`] = await used(verifier as unknown as Contract);
  }
  const network = await signer.provider!.getNetwork();
  return {
    deployment: {
      format: DEPLOYMENT_FORMAT,
      chainId: network.chainId.toString(),
      vault: await vault.getAddress(),
      hasher: await hasher.getAddress(),
      verifiers: deployed,
      guardians: guardians.map((g) => getAddress(g)),
    },
    gas,
  };
}

async function checkChain(deployment: Deployment, provider: Provider): Promise<void> {
  const chainId = (await provider.getNetwork()).chainId.toString();
  if (chainId !== deployment.chainId) {
    throw new LifeboatError(`the deployment is on chain ${deployment.chainId}, the RPC endpoint serves chain ${chainId}`);
  }
}

/** Options of publishSnapshot: the proposal's parameters besides the manifest's root and totals. */
export interface PublishOptions {
  /** The id to propose under (an incident number); each id is used once. */
  readonly snapshotId: bigint;
  /** The block whose state the snapshot records. */
  readonly snapshotBlock: bigint;
  /** sha256 of the manifest file's bytes, 0x-prefixed. */
  readonly manifestDigest: string;
  /** Where the manifest is published. */
  readonly uri: string;
  /** The ERC-20 token address of each asset, in the manifest's asset order. */
  readonly tokens: readonly string[];
  /**
   * Recovered amount per asset, in base units, pulled from the signer; also declared on chain as
   * the funding the snapshot carries (finalize requires it all), so each is in (0, total].
   */
  readonly amounts: readonly bigint[];
  /** Length of the claim window in seconds, counted from finalization (the vault enforces 30 days to 10 years). */
  readonly claimPeriod: bigint;
  /** Where what the snapshot has not paid goes once it can no longer pay (docs/protocol.md §8). */
  readonly sweepRecipient: string;
  /**
   * The verifier of the snapshot's published artifacts (Groth16Verifier.json, checked against the
   * manifest): the deployment's verifier must have exactly its code, or users' proofs would fail.
   */
  readonly verifier: CompiledContract;
}

/** sha256 of a manifest file's bytes: what a proposal attests to. */
export function manifestDigest(bytes: Uint8Array): string {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

/**
 * Publishes a manifest: proposes the snapshot (root, totals, tokens, verifier of the manifest's
 * circuit, digest, URI) and funds every asset from the signer. Claims open only after the veto
 * window, through `finalizeSnapshot`. Returns when the window ends.
 */
export async function publishSnapshot(
  signer: Signer,
  deployment: Deployment,
  manifest: Manifest,
  options: PublishOptions,
): Promise<{ snapshotId: bigint; vetoDeadline: bigint; gas: GasReport }> {
  await checkChain(deployment, signer.provider!);
  if (options.tokens.length !== manifest.assets.length || options.amounts.length !== manifest.assets.length) {
    throw new InputError(`the manifest has ${manifest.assets.length} assets (${manifest.assets.join(", ")}): give as many tokens and amounts`);
  }
  options.amounts.forEach((amount, k) => {
    const total = BigInt(manifest.totals[k]!);
    if (amount <= 0n || amount > total) {
      throw new InputError(
        `amounts[${k}] (${manifest.assets[k]}) is ${amount}: it must be in (0, ${total}], the asset's total in the manifest (a recovery never pays more than the snapshot holds)`,
      );
    }
  });
  const verifier = deployment.verifiers[manifest.circuit];
  if (verifier === undefined)
    throw new LifeboatError(
      `the deployment has no verifier for circuit ${manifest.circuit}; deploy one with lifeboat deploy --artifacts <the snapshot's artifacts/>`,
    );
  await assertVerifierCode(
    signer.provider!,
    verifier,
    options.verifier.deployedBytecode,
    `the verifier of this snapshot's published artifacts (${manifest.circuit})`,
  );
  const vault = await attach("RecoveryVault", deployment.vault, signer);
  const gas: Record<string, bigint> = {};
  const send = async (step: string, call: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>): Promise<ContractTransactionReceipt> => {
    let receipt: ContractTransactionReceipt | null;
    try {
      receipt = await (await call()).wait();
    } catch (error) {
      throw failure(`${step} failed`, error, vault.interface, "RecoveryVault");
    }
    gas[step] = receipt!.gasUsed;
    return receipt!;
  };
  const { snapshotId } = options;
  const proposed = await send("propose", () =>
    vault.getFunction("propose")(snapshotId, {
      root: manifest.root,
      totals: manifest.totals,
      tokens: options.tokens,
      declaredFunding: options.amounts,
      verifier,
      claimPeriod: options.claimPeriod,
      sweepRecipient: options.sweepRecipient,
      snapshotBlock: options.snapshotBlock,
      manifestDigest: options.manifestDigest,
      uri: options.uri,
    }),
  );
  const event = proposed.logs.map((log) => vault.interface.parseLog(log)).find((parsed) => parsed?.name === "SnapshotProposed");
  const vetoDeadline = event!.args[2] as bigint;
  for (const [k, tokenAddress] of options.tokens.entries()) {
    const token = await attach("IERC20", getAddress(tokenAddress), signer);
    await send(`approve ${manifest.assets[k]}`, () => token.getFunction("approve")(deployment.vault, options.amounts[k]!));
    await send(`fund ${manifest.assets[k]}`, () => vault.getFunction("fund")(snapshotId, k, options.amounts[k]!));
  }
  return { snapshotId, vetoDeadline, gas };
}

/** Opens claims after the veto window (anyone may). */
export async function finalizeSnapshot(
  signer: Signer,
  deployment: Deployment,
  snapshotId: bigint,
): Promise<{ commitment: bigint; claimDeadline: bigint; gasUsed: bigint }> {
  await checkChain(deployment, signer.provider!);
  const vault = await attach("RecoveryVault", deployment.vault, signer);
  let receipt: ContractTransactionReceipt;
  try {
    await vault.getFunction("finalize").staticCall(snapshotId);
    receipt = (await (await vault.getFunction("finalize")(snapshotId)).wait()) as ContractTransactionReceipt;
  } catch (error) {
    throw failure(`snapshot ${snapshotId} cannot be finalized`, error, vault.interface, "RecoveryVault");
  }
  const event = receipt.logs.map((log) => vault.interface.parseLog(log)).find((parsed) => parsed?.name === "SnapshotFinalized");
  return { commitment: event!.args[1] as bigint, claimDeadline: event!.args[2] as bigint, gasUsed: receipt.gasUsed };
}

/** A guardian's veto of a proposal in its window, with the reason on record. */
export async function vetoSnapshot(signer: Signer, deployment: Deployment, snapshotId: bigint, reason: string): Promise<{ gasUsed: bigint }> {
  await checkChain(deployment, signer.provider!);
  const vault = await attach("RecoveryVault", deployment.vault, signer);
  try {
    await vault.getFunction("veto").staticCall(snapshotId, reason);
    const receipt = (await (await vault.getFunction("veto")(snapshotId, reason)).wait()) as ContractTransactionReceipt;
    return { gasUsed: receipt.gasUsed };
  } catch (error) {
    throw failure(`snapshot ${snapshotId} cannot be vetoed`, error, vault.interface, "RecoveryVault");
  }
}

/**
 * Submits a proof file's claim. The call is simulated first, so a refusal comes back as the
 * vault's custom error (RecoveryVaultAlreadyClaimed, …) without spending gas.
 */
export async function submitClaim(
  signer: Signer,
  deployment: Deployment,
  proof: ProofFile,
  options: { recipient?: string | undefined } = {},
): Promise<{ gasUsed: bigint; payouts: bigint[]; txHash: string }> {
  await checkChain(deployment, signer.provider!);
  if (proof.chainId !== deployment.chainId || getAddress(proof.vault) !== getAddress(deployment.vault)) {
    throw new LifeboatError(
      `the proof is for vault ${proof.vault} on chain ${proof.chainId}, not ${deployment.vault} on chain ${deployment.chainId}: prove again for this vault`,
    );
  }
  const vault = await attach("RecoveryVault", deployment.vault, signer);
  const { pA, pB, pC, pubSignals } = proof.calldata;
  const args = options.recipient === undefined ? [proof.snapshotId, pA, pB, pC, pubSignals] : [proof.snapshotId, pA, pB, pC, pubSignals, options.recipient];
  const method = vault.getFunction(options.recipient === undefined ? "claim" : "claimTo");
  try {
    await method.staticCall(...args);
  } catch (error) {
    throw failure("the vault refuses this claim", error, vault.interface, "RecoveryVault");
  }
  const receipt = (await (await method(...args)).wait()) as ContractTransactionReceipt;
  const claimed = receipt.logs.map((log) => vault.interface.parseLog(log)).find((parsed) => parsed?.name === "Claimed");
  return { gasUsed: receipt.gasUsed, payouts: [...(claimed!.args[3] as bigint[])], txHash: receipt.hash };
}

/** One asset of a snapshot as the vault records it; amounts in the token's base units. */
export interface AssetStatus {
  /** The token's address. */
  readonly token: string;
  /** The token's symbol, or its address if it has none. */
  readonly symbol: string;
  /** The asset's total in the snapshot's tree. */
  readonly total: bigint;
  /** The funding the proposal declared: finalize requires `funded >= declared`. */
  readonly declared: bigint;
  /** What the vault has received for this asset. */
  readonly funded: bigint;
  /** What claims have paid out. */
  readonly paid: bigint;
  /** funded - paid: what is left to claim (or to sweep). */
  readonly remaining: bigint;
}

/** A snapshot's state as read from the vault: its proposal, deadlines and per-asset ledgers. */
export interface SnapshotStatus {
  readonly snapshotId: bigint;
  /** "expired": a proposal not finalized by its finalize deadline; it can never pay, its funding is sweepable. */
  readonly state: SnapshotStateName;
  readonly root: bigint;
  /** The snapshot commitment (docs/protocol.md §5); set at finalization, 0 before. */
  readonly commitment: bigint;
  /** Effective deadlines (unix seconds), the vault's paused time included. */
  readonly vetoDeadline: bigint;
  /** Until then a proposal may be finalized; 0 once finalized or vetoed. */
  readonly finalizeDeadline: bigint;
  /** Claim window in seconds from finalization. */
  readonly claimPeriod: bigint;
  /** Last second of claims; 0 until finalized. */
  readonly claimDeadline: bigint;
  /** Where unpaid funds go once the snapshot can no longer pay (checksummed address). */
  readonly sweepRecipient: string;
  /** The block whose state the snapshot records. */
  readonly snapshotBlock: bigint;
  /** sha256 of the manifest file's bytes, 0x-prefixed. */
  readonly manifestDigest: string;
  /** Where the manifest is published. */
  readonly uri: string;
  /** The Groth16 verifier the snapshot's claims are checked with (checksummed address). */
  readonly verifier: string;
  /** True once the unpaid funds have been swept (it happens once). */
  readonly swept: boolean;
  readonly assets: AssetStatus[];
}

/** The vault's snapshot states, indexed by the number it reports; "expired" is derived, never stored. */
export const SNAPSHOT_STATES = ["none", "proposed", "vetoed", "active", "expired"] as const;
/** The name of a snapshot state: one of SNAPSHOT_STATES. */
export type SnapshotStateName = (typeof SNAPSHOT_STATES)[number];

/** A snapshot's state and, per asset, its total, declared funding, what was funded, paid and what remains. */
export async function snapshotStatus(provider: Provider, deployment: Deployment, snapshotId: bigint): Promise<SnapshotStatus> {
  await checkChain(deployment, provider);
  const vault = await attach("RecoveryVault", deployment.vault, provider);
  const info = await vault.getFunction("snapshot")(snapshotId);
  const assets: AssetStatus[] = [];
  for (let k = 0; k < info.assets.length; k += 1) {
    const tokenAddress = info.assets[k].token as string;
    const token = await attach("IERC20Metadata", tokenAddress, provider);
    let symbol = tokenAddress;
    try {
      symbol = (await token.getFunction("symbol")()) as string;
    } catch {
      // not every token has a symbol
    }
    const funded = info.ledgers[k].funded as bigint;
    const paid = info.ledgers[k].paid as bigint;
    assets.push({
      token: tokenAddress,
      symbol,
      total: info.assets[k].total as bigint,
      declared: info.declaredFunding[k] as bigint,
      funded,
      paid,
      remaining: funded - paid,
    });
  }
  return {
    snapshotId,
    state: SNAPSHOT_STATES[Number(info.state)] ?? "none",
    root: info.root as bigint,
    commitment: info.commitment as bigint,
    vetoDeadline: info.vetoDeadline as bigint,
    finalizeDeadline: info.finalizeDeadline as bigint,
    claimPeriod: info.claimPeriod as bigint,
    claimDeadline: info.claimDeadline as bigint,
    sweepRecipient: getAddress(info.sweepRecipient as string),
    snapshotBlock: info.snapshotBlock as bigint,
    manifestDigest: info.manifestDigest as string,
    uri: info.uri as string,
    verifier: getAddress(info.verifier as string),
    swept: info.swept as boolean,
    assets,
  };
}

/** A unix time as an ISO-8601 UTC date, or "-" for 0 (not set). */
export function utc(seconds: bigint): string {
  return seconds === 0n ? "-" : new Date(Number(seconds) * 1000).toISOString();
}

/**
 * The windows a guardian and a user must see during the veto window, one line each: veto,
 * finalize and claim deadlines in UTC, the claim period, and who receives what is not claimed.
 */
export function describeWindows(status: SnapshotStatus): string[] {
  const days = Number(status.claimPeriod) / 86_400;
  const claims =
    status.claimDeadline !== 0n
      ? `claims close: ${utc(status.claimDeadline)} (${days} days from finalization)`
      : status.state === "proposed"
        ? `claims close: ${days} days after finalization, between ${utc(status.vetoDeadline + status.claimPeriod)} and ${utc(status.finalizeDeadline + status.claimPeriod)}`
        : `claims: never (${status.state})`;
  return [
    `state: ${status.state}`,
    `veto deadline: ${utc(status.vetoDeadline)}`,
    `finalize deadline: ${utc(status.finalizeDeadline)}${status.state === "proposed" ? " (not finalized by then: expires, funding back to the sweep recipient)" : ""}`,
    claims,
    `sweep recipient: ${status.sweepRecipient}${status.swept ? " (swept)" : ""}`,
    ...status.assets.map(
      (asset) =>
        `${asset.symbol}: total ${asset.total}, declared funding ${asset.declared}, funded ${asset.funded}${asset.funded < asset.declared ? " (below the declaration: finalize refuses)" : ""}`,
    ),
  ];
}
