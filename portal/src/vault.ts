import { Contract, Interface, type ContractRunner, type TransactionReceipt } from "ethers";

/** The part of RecoveryVault (contracts/interfaces/IRecoveryVault.sol) the portal uses. */
export const VAULT_ABI = [
  "function snapshot(uint256 snapshotId) view returns (tuple(uint8 state, uint256 root, uint256 commitment, address verifier, uint64 vetoDeadline, uint64 finalizeDeadline, uint64 claimPeriod, uint64 claimDeadline, uint64 snapshotBlock, address sweepRecipient, bool swept, bytes32 manifestDigest, string uri, tuple(address token, uint96 total)[] assets, tuple(uint128 funded, uint128 paid)[] ledgers, uint256[] declaredFunding) info)",
  "function isClaimed(uint256 snapshotId, address account) view returns (bool)",
  "function paused() view returns (bool)",
  "function claim(uint256 snapshotId, uint256[2] pA, uint256[2][2] pB, uint256[2] pC, uint256[] pubSignals)",
  "function claimTo(uint256 snapshotId, uint256[2] pA, uint256[2][2] pB, uint256[2] pC, uint256[] pubSignals, address recipient)",
  "event Claimed(uint256 indexed snapshotId, address indexed account, address indexed recipient, uint256[] payouts)",
  "error RecoveryVaultAlreadyClaimed(uint256 snapshotId, address account)",
  "error RecoveryVaultClaimsClosed(uint256 snapshotId, uint64 claimDeadline)",
  "error RecoveryVaultWrongState(uint256 snapshotId, uint8 state, uint8 expected)",
  "error RecoveryVaultInvalidProof(uint256 snapshotId, address account)",
  "error RecoveryVaultNotAccount(address caller, address account)",
  "error RecoveryVaultInvalidRecipient(address recipient)",
  "error RecoveryVaultWrongSnapshotCommitment(uint256 expected, uint256 actual)",
  "error RecoveryVaultPublicSignalCount(uint256 expected, uint256 actual)",
  "error EnforcedPause()",
] as const;

export const ERC20_ABI = [
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address) view returns (uint256)",
] as const;

export const STATES = ["none", "proposed", "vetoed", "active", "expired"] as const;
export type StateName = (typeof STATES)[number];

export interface AssetView {
  readonly token: string;
  readonly symbol: string;
  readonly decimals: number;
  readonly total: bigint;
  readonly funded: bigint;
  readonly paid: bigint;
}

export interface VaultView {
  readonly state: StateName;
  readonly root: bigint;
  readonly commitment: bigint;
  readonly vetoDeadline: bigint;
  readonly claimDeadline: bigint;
  readonly paused: boolean;
  /** The chain's latest block time: deadlines are compared with it, not the user's clock. */
  readonly now: bigint;
  readonly assets: readonly AssetView[];
}

export function vaultContract(address: string, runner: ContractRunner): Contract {
  return new Contract(address, VAULT_ABI as unknown as string[], runner);
}

/** The snapshot's state, deadlines, assets and the vault's pause, read from the chain. */
export async function readVault(runner: ContractRunner & { getBlock?: unknown }, vault: string, snapshotId: bigint): Promise<VaultView> {
  const contract = vaultContract(vault, runner);
  const [info, paused] = await Promise.all([contract.getFunction("snapshot")(snapshotId), contract.getFunction("paused")() as Promise<boolean>]);
  const provider = runner.provider!;
  const block = await provider.getBlock("latest");
  const assets: AssetView[] = await Promise.all(
    (info.assets as { token: string; total: bigint }[]).map(async (asset, k) => {
      const token = new Contract(asset.token, ERC20_ABI as unknown as string[], runner);
      const [symbol, decimals] = await Promise.all([
        (token.getFunction("symbol")() as Promise<string>).catch(() => asset.token),
        (token.getFunction("decimals")() as Promise<bigint>).then(Number).catch(() => 0),
      ]);
      const ledger = (info.ledgers as { funded: bigint; paid: bigint }[])[k]!;
      return { token: asset.token, symbol, decimals, total: asset.total, funded: ledger.funded, paid: ledger.paid };
    }),
  );
  return {
    state: STATES[Number(info.state)] ?? "none",
    root: info.root as bigint,
    commitment: info.commitment as bigint,
    vetoDeadline: info.vetoDeadline as bigint,
    claimDeadline: info.claimDeadline as bigint,
    paused,
    now: BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000)),
    assets,
  };
}

/** What the vault pays for `amounts`: amount × funded / total per asset, rounded down, as the vault computes it. */
export function expectedPayouts(view: VaultView, amounts: readonly bigint[]): bigint[] {
  return view.assets.map((asset, k) => (asset.total === 0n ? 0n : ((amounts[k] ?? 0n) * asset.funded) / asset.total));
}

export function utc(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toUTCString();
}

/**
 * Why claims cannot be made now, as a sentence for the user, or undefined when they can. The
 * vault refuses the same cases; saying so first spares the user a failed transaction.
 */
export function claimRefusal(view: VaultView, claimed: boolean): string | undefined {
  if (view.state === "none") return "This vault has no such snapshot. Check that you opened the right page for your claim.";
  if (view.state === "vetoed") return "The guardians vetoed this snapshot: it will never pay. Watch the operator's announcements for a corrected snapshot.";
  if (view.state === "expired") return "This snapshot was never opened for claims and has expired: it will never pay.";
  if (view.state === "proposed")
    return `Claims are not open yet. The snapshot is in its veto window until ${utc(view.vetoDeadline)}; check your amounts now and tell the guardians if they are wrong.`;
  if (view.paused) return "Claims are paused by the guardians for now. Your share is safe and the claim deadline moves by the time paused; try again later.";
  if (view.now > view.claimDeadline) return `Claims closed on ${utc(view.claimDeadline)}. Nothing can be claimed any more.`;
  if (claimed) return "This account has already claimed its share of this snapshot. Nothing more can be claimed.";
  return undefined;
}

/** The vault's custom errors, as sentences. */
export function explainRevert(error: unknown): string {
  const vaultErrors = new Interface(VAULT_ABI as unknown as string[]);
  const data = findRevertData(error);
  if (data !== undefined) {
    const parsed = (() => {
      try {
        return vaultErrors.parseError(data);
      } catch {
        return null;
      }
    })();
    switch (parsed?.name) {
      case "RecoveryVaultAlreadyClaimed":
        return "This account has already claimed its share of this snapshot. Nothing more can be claimed.";
      case "RecoveryVaultClaimsClosed":
        return `Claims closed on ${utc(parsed.args[1] as bigint)}. Nothing can be claimed any more.`;
      case "EnforcedPause":
        return "Claims are paused by the guardians for now. Your share is safe; try again later.";
      case "RecoveryVaultWrongState":
        return `The snapshot is ${STATES[Number(parsed.args[1])] ?? "not open"}, not open for claims.`;
      case "RecoveryVaultNotAccount":
        return "Only the account itself may send its share to another address: connect the wallet of the account in the package.";
      case "RecoveryVaultInvalidRecipient":
        return "That recipient address cannot receive the claim. Enter another address.";
      case "RecoveryVaultInvalidProof":
      case "RecoveryVaultWrongSnapshotCommitment":
        return "The vault did not accept the proof: it was made for another snapshot or vault.";
      default:
        if (parsed !== null && parsed !== undefined) return `The vault refused the claim (${parsed.name}).`;
    }
  }
  const message = (error as { shortMessage?: string; message?: string }).shortMessage ?? (error as Error).message ?? String(error);
  if (/user (rejected|denied)/i.test(message) || (error as { code?: unknown }).code === "ACTION_REJECTED" || (error as { code?: unknown }).code === 4001) {
    return "You declined the request in your wallet. Nothing was sent.";
  }
  return `The transaction failed: ${message}`;
}

function findRevertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
    for (const key of ["error", "info", "cause", "data", "payload"]) stack.push((current as Record<string, unknown>)[key]);
  }
  return undefined;
}

/** The payouts of the Claimed event in a claim's receipt. */
export function claimedPayouts(receipt: TransactionReceipt): bigint[] | undefined {
  const vaultInterface = new Interface(VAULT_ABI as unknown as string[]);
  for (const log of receipt.logs) {
    try {
      const parsed = vaultInterface.parseLog(log);
      if (parsed?.name === "Claimed") return [...(parsed.args[3] as bigint[])];
    } catch {
      // another contract's event (a token's Transfer)
    }
  }
  return undefined;
}
