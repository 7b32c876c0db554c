import { Contract, Interface, type Provider } from "ethers";

import { contractInterface } from "../chain";
import { snapshotStatus, type Deployment, type SnapshotStatus } from "../chain";
import { LifeboatError } from "../errors";
import { percent, tokenAmount, when } from "./format";

/** IERC20Metadata: what the CLI asks any token (never the test token's ABI). */
export const ERC20 = new Interface([
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function mint(address to, uint256 amount)",
]);

/** The vault's interface, from its compiled artifact (so a call always matches the contract). */
export async function vaultInterface(): Promise<Interface> {
  return contractInterface("RecoveryVault");
}

/** A token's symbol and decimals, or undefined for each it does not answer. */
export async function tokenMetadata(provider: Provider, token: string): Promise<{ symbol?: string; decimals?: number }> {
  const contract = new Contract(token, ERC20, provider);
  const result: { symbol?: string; decimals?: number } = {};
  try {
    result.symbol = (await contract.getFunction("symbol")()) as string;
  } catch {
    // optional in ERC-20
  }
  try {
    result.decimals = Number(await contract.getFunction("decimals")());
  } catch {
    // optional in ERC-20
  }
  return result;
}

export interface AssetView {
  readonly symbol: string;
  readonly decimals: number | undefined;
  /** funded / total, as text. */
  readonly coverage: string;
}

/** A snapshot as the chain holds it, with what people need to read it: token units, chain time, pause. */
export interface SnapshotView {
  readonly status: SnapshotStatus;
  readonly assets: readonly AssetView[];
  /** The latest block's timestamp: "now" on the chain. */
  readonly now: bigint;
  readonly paused: boolean;
  /** A precise state name: proposed (veto window open / awaiting finalize), vetoed, finalized (claims open / closed), expired. */
  readonly stateName: string;
}

export async function snapshotView(provider: Provider, deployment: Deployment, snapshotId: bigint): Promise<SnapshotView> {
  let status: SnapshotStatus;
  try {
    status = await snapshotStatus(provider, deployment, snapshotId);
  } catch (error) {
    if (error instanceof LifeboatError) throw error;
    const code = await provider.getCode(deployment.vault);
    throw new LifeboatError(
      code === "0x"
        ? `there is no contract at the deployment's vault ${deployment.vault} on this chain (a chain that was restarted, or the wrong --rpc?)`
        : `${deployment.vault} does not answer as a RecoveryVault: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (status.state === "none") throw new LifeboatError(`vault ${deployment.vault} has no snapshot ${snapshotId}`);
  const assets: AssetView[] = [];
  for (const asset of status.assets) {
    const meta = await tokenMetadata(provider, asset.token);
    assets.push({ symbol: meta.symbol ?? asset.token, decimals: meta.decimals, coverage: percent(asset.funded, asset.total) });
  }
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  const paused = (await new Contract(deployment.vault, ["function paused() view returns (bool)"], provider).getFunction("paused")()) as boolean;
  return { status, assets, now, paused, stateName: stateName(status, now) };
}

function stateName(status: SnapshotStatus, now: bigint): string {
  switch (status.state) {
    case "proposed":
      return now < status.vetoDeadline ? "proposed (veto window open)" : "proposed (veto window over: awaiting finalize)";
    case "active":
      return now <= status.claimDeadline ? "finalized (claims open)" : `finalized (claims closed${status.swept ? ", swept" : ""})`;
    case "vetoed":
      return `vetoed${status.swept ? " (swept)" : ""}`;
    case "expired":
      return `expired (never finalized${status.swept ? "; swept" : ""})`;
    default:
      return status.state;
  }
}

/** The lines `status` and `check` print: state, deadlines in UTC with relative time, recipient, and per asset declared/funded/paid and coverage. */
export function describeView(view: SnapshotView): string[] {
  const { status, now } = view;
  const t = (seconds: bigint): string => when(seconds, now);
  const days = Number(status.claimPeriod) / 86_400;
  const lines = [
    `state:             ${view.stateName}${view.paused ? "; the vault is PAUSED (no funding, finalize or claims until governance unpauses it)" : ""}`,
    `veto deadline:     ${t(status.vetoDeadline)}`,
  ];
  if (status.state === "proposed" || status.state === "expired")
    lines.push(`finalize deadline: ${t(status.finalizeDeadline)} (not finalized by then: expires, funding goes to the sweep recipient)`);
  lines.push(
    status.claimDeadline !== 0n
      ? `claims close:      ${t(status.claimDeadline)} (${days} days from finalization)`
      : status.state === "proposed"
        ? `claims close:      ${days} days after finalization`
        : `claims:            never (${status.state})`,
  );
  lines.push(
    `sweep recipient:   ${status.sweepRecipient}${status.swept ? " (swept)" : ""}`,
    `manifest sha256:   ${status.manifestDigest}${status.uri === "" ? "" : ` at ${status.uri}`}`,
  );
  status.assets.forEach((asset, k) => {
    const v = view.assets[k]!;
    const amount = (value: bigint): string => tokenAmount(value, v.decimals, v.symbol);
    lines.push(
      `asset ${k} ${v.symbol} (${asset.token}):`,
      `  tree total ${amount(asset.total)}; declared funding ${amount(asset.declared)}; funded ${amount(asset.funded)} (coverage ${v.coverage})${asset.funded < asset.declared ? " — BELOW THE DECLARATION: finalize refuses" : ""}`,
      `  paid ${amount(asset.paid)}; remaining ${amount(asset.remaining)}`,
    );
  });
  return lines;
}

/** The view as JSON: bigints as decimal strings, dates as ISO. */
export function viewJson(view: SnapshotView): Record<string, unknown> {
  const iso = (s: bigint): string | null => (s === 0n ? null : new Date(Number(s) * 1000).toISOString());
  const { status } = view;
  return {
    ...status,
    stateName: view.stateName,
    paused: view.paused,
    chainTime: iso(view.now),
    vetoDeadline: iso(status.vetoDeadline),
    finalizeDeadline: iso(status.finalizeDeadline),
    claimDeadline: iso(status.claimDeadline),
    assets: status.assets.map((asset, k) => ({
      ...asset,
      symbol: view.assets[k]!.symbol,
      decimals: view.assets[k]!.decimals ?? null,
      coverage: view.assets[k]!.coverage,
    })),
  };
}
