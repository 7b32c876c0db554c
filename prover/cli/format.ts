import { formatUnits } from "ethers";

/** Token units for people: `1234.5 USDC (1234500000 base units)` style, without the base units by default. */
export function tokenAmount(amount: bigint, decimals: number | undefined, symbol: string): string {
  if (decimals === undefined) return `${amount} ${symbol} (base units; decimals unknown)`;
  const text = formatUnits(amount, decimals);
  return `${text.endsWith(".0") ? text.slice(0, -2) : text} ${symbol}`;
}

/** A unix time as `2026-12-03T10:00:00Z (in 2 d 4 h)`, or "-" for 0 (not set). */
export function when(seconds: bigint, now: bigint = BigInt(Math.floor(Date.now() / 1000))): string {
  if (seconds === 0n) return "-";
  const iso = new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, "Z");
  return `${iso} (${relative(seconds - now)})`;
}

/** A signed number of seconds as "in 3 d 4 h" or "2 h 5 min ago". */
export function relative(delta: bigint): string {
  const abs = delta < 0n ? -delta : delta;
  const d = abs / 86_400n;
  const h = (abs % 86_400n) / 3600n;
  const m = (abs % 3600n) / 60n;
  const text = d > 0n ? `${d} d${h > 0n ? ` ${h} h` : ""}` : h > 0n ? `${h} h${m > 0n ? ` ${m} min` : ""}` : m > 0n ? `${m} min` : `${abs} s`;
  return delta < 0n ? `${text} ago` : `in ${text}`;
}

/** `part / whole` as a percentage with two decimals ("0.00 %" for a dust part, never rounded up to pass). */
export function percent(part: bigint, whole: bigint): string {
  if (whole === 0n) return "-";
  const basis = (part * 10_000n) / whole;
  return `${basis / 100n}.${(basis % 100n).toString().padStart(2, "0")} %`;
}

/** Well-known role hashes of the vault and OpenZeppelin's AccessControl, by name. */
export const ROLE_NAMES: Readonly<Record<string, string>> = {
  "0x0000000000000000000000000000000000000000000000000000000000000000": "DEFAULT_ADMIN_ROLE (governance)",
  // keccak256("PROPOSER_ROLE"), keccak256("GUARDIAN_ROLE")
  "0xb09aa5aeb3702cfd50b6b62bc4532604938f21248a27a1d5ca736082b6819cc1": "PROPOSER_ROLE",
  "0x55435dd261a4b9b3364963f7738a7a662ad9c84396d64be3365284bb7f0a5041": "GUARDIAN_ROLE",
};

/** The vault's SnapshotState enum, by value. */
export const STATE_NAMES = ["none", "proposed", "vetoed", "active (finalized)", "expired"] as const;

const state = (value: string): string => STATE_NAMES[Number(value)] ?? `state ${value}`;
const date = (value: string): string => when(BigInt(value));
const role = (value: string): string => ROLE_NAMES[value.toLowerCase()] ?? value;

/** Sentences for the custom errors the vault, its tokens and AccessControl revert with. */
const WORDS: Readonly<Record<string, (a: readonly string[]) => string>> = {
  RecoveryVaultWrongState: (a) => `snapshot ${a[0]} is ${state(a[1]!)}, but this needs it ${state(a[2]!)}`,
  RecoveryVaultVetoWindowOpen: (a) => `the veto window of snapshot ${a[0]} is still open until ${date(a[1]!)}`,
  RecoveryVaultVetoWindowClosed: (a) => `the veto window of snapshot ${a[0]} closed at ${date(a[1]!)}`,
  RecoveryVaultSnapshotExists: (a) => `snapshot id ${a[0]} is already used (${state(a[1]!)}): choose another id`,
  RecoveryVaultInvalidSnapshotId: (a) => `snapshot id ${a[0]} is not allowed (ids start at 1)`,
  RecoveryVaultUnderfunded: (a) =>
    `asset ${a[1]} of snapshot ${a[0]} is funded ${a[2]} base units, below the ${a[3]} its proposal declared: fund the rest first`,
  RecoveryVaultFundingExceedsTotal: (a) => `funding asset ${a[1]} of snapshot ${a[0]} would reach ${a[2]}, above its tree total ${a[3]}`,
  RecoveryVaultInvalidDeclaredFunding: (a) => `the declared funding ${a[1]} of asset ${a[0]} must be in (0, ${a[2]}] (its tree total)`,
  RecoveryVaultClaimsClosed: (a) => `claims of snapshot ${a[0]} closed at ${date(a[1]!)}`,
  RecoveryVaultClaimsStillOpen: (a) => `claims of snapshot ${a[0]} are open until ${date(a[1]!)}: it cannot be swept before`,
  RecoveryVaultNotSweepable: (a) => `snapshot ${a[0]} is ${state(a[1]!)}: nothing can be swept now`,
  RecoveryVaultAlreadySwept: (a) => `snapshot ${a[0]} was already swept`,
  RecoveryVaultAlreadyClaimed: (a) => `${a[1]} has already claimed from snapshot ${a[0]}`,
  RecoveryVaultInvalidProof: (a) => `the proof for ${a[1]} does not verify for snapshot ${a[0]}`,
  RecoveryVaultNotAccount: (a) => `only the account ${a[1]} itself may redirect its payout (the signer is ${a[0]})`,
  RecoveryVaultInvalidRecipient: (a) => `${a[0]} cannot receive a payout`,
  RecoveryVaultWrongSnapshotCommitment: () => "the proof was made for another vault, chain, snapshot id, root or totals",
  RecoveryVaultInvalidVetoWindow: (a) => `a veto window of ${a[0]} s is outside [${a[1]}, ${a[2]}] s`,
  RecoveryVaultInvalidClaimPeriod: (a) => `a claim period of ${a[0]} s is outside [${a[1]}, ${a[2]}] s`,
  RecoveryVaultDuplicateToken: (a) => `token ${a[0]} appears twice in the proposal`,
  RecoveryVaultInvalidToken: (a) => `asset ${a[0]}'s token ${a[1]} is not a contract`,
  RecoveryVaultNothingReceived: (a) => `the vault received nothing for asset ${a[1]} of snapshot ${a[0]}`,
  AccessControlUnauthorizedAccount: (a) => `${a[0]} lacks the role ${role(a[1]!)}`,
  EnforcedPause: () => "the vault is paused",
  ExpectedPause: () => "the vault is not paused",
  ERC20InsufficientBalance: (a) => `${a[0]} holds ${a[1]} base units, ${a[2]} are needed`,
  ERC20InsufficientAllowance: (a) => `the allowance of ${a[0]} is ${a[1]} base units, ${a[2]} are needed`,
};

/** A decoded custom error in words, when it is one we know. */
export function errorInWords(name: string, args: readonly string[]): string | undefined {
  try {
    return WORDS[name]?.(args);
  } catch {
    return undefined;
  }
}

/** Finds `SomeError(a, b)` in a message and explains each known one; empty when none is known. */
export function explainErrors(message: string): string[] {
  const found: string[] = [];
  for (const match of message.matchAll(/\b([A-Z][A-Za-z0-9]+)\(([^()]*)\)/g)) {
    const args = match[2]!.trim() === "" ? [] : match[2]!.split(",").map((arg) => arg.trim());
    const words = errorInWords(match[1]!, args);
    if (words !== undefined) found.push(`${match[1]}: ${words}`);
  }
  return found;
}
