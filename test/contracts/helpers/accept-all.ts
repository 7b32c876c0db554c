import type { Signer } from "ethers";

import { deployVault, ensureCompiled, ethers, proposal } from "./fixtures";

/** Snapshot states as the vault's enum numbers them. */
export const STATE = { None: 0n, Proposed: 1n, Vetoed: 2n, Active: 3n, Expired: 4n } as const;

const LANE = 1n << 96n;

/**
 * Public signals for a claim under an accept-all verifier: [commitment, account, amounts words],
 * two 96-bit lanes per word as in docs/protocol.md §2.
 */
export function signalsFor(commitment: bigint, account: string, amounts: readonly bigint[]): bigint[] {
  const words: bigint[] = [];
  for (let j = 0; j < amounts.length; j += 2) words.push(amounts[j]! + (amounts[j + 1] ?? 0n) * LANE);
  return [commitment, BigInt(account), ...words];
}

/** Proof points that an accept-all verifier does not look at. */
export const NO_PROOF: [[bigint, bigint], [[bigint, bigint], [bigint, bigint]], [bigint, bigint]] = [
  [0n, 0n],
  [
    [0n, 0n],
    [0n, 0n],
  ],
  [0n, 0n],
];

/**
 * A vault (admin and proposer: signer 0; guardian: signer 1) whose proposals name verifiers that
 * accept every proof, so the vault's own rules can be exercised without proving; four tokens
 * minted to the admin and approved to the vault.
 */
export async function acceptAllFixture() {
  await ensureCompiled();
  const signers = (await ethers.getSigners()) as unknown as Signer[];
  const [admin, guardian, stranger, sweepTo] = signers as [Signer, Signer, Signer, Signer];
  const { vault, hasher } = await deployVault(admin, guardian);
  const verifier3 = await (await ethers.getContractFactory("AcceptAllVerifier", admin)).deploy();
  const verifier4 = await (await ethers.getContractFactory("AcceptAllVerifier4", admin)).deploy();
  const Token = await ethers.getContractFactory("TestToken", admin);
  const tokens = [];
  for (const symbol of ["TKA", "TKB", "TKC", "TKD"]) {
    const token = await Token.deploy(`Token ${symbol}`, symbol, 18);
    await token.mint(await admin.getAddress(), 10n ** 30n);
    await token.approve(await vault.getAddress(), 10n ** 30n);
    tokens.push(token);
  }
  const vaultAddress = await vault.getAddress();
  const tokenAddresses = await Promise.all(tokens.map((token) => token.getAddress()));
  /** A proposal of `totals` (one token each, in order) declaring `declared` (default: the totals). */
  const proposalOf = async (totals: bigint[], extra: { declaredFunding?: bigint[]; claimPeriod?: number | bigint; root?: bigint } = {}) =>
    proposal({
      root: extra.root ?? 777n,
      totals,
      tokens: tokenAddresses.slice(0, totals.length),
      verifier: totals.length <= 2 ? await verifier3.getAddress() : await verifier4.getAddress(),
      sweepRecipient: await sweepTo.getAddress(),
      ...(extra.declaredFunding === undefined ? {} : { declaredFunding: extra.declaredFunding }),
      ...(extra.claimPeriod === undefined ? {} : { claimPeriod: extra.claimPeriod }),
    });
  return { vault, hasher, verifier3, verifier4, tokens, tokenAddresses, vaultAddress, admin, guardian, stranger, sweepTo, signers, proposalOf };
}
