import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Signer } from "ethers";

import { deploySafe } from "../../../prover/chain/safe";
import { ensureCompiled, ethers } from "../helpers/fixtures";

export const E18 = 10n ** 18n;
/** Collateral priced at 2,000 loan-token units (18 decimals) per whole collateral token. */
export const PRICE = 2_000n * E18;
export const HOUR = 3600;

/**
 * The mock protocol with three 8-decimal feeds at PRICE, a 2-of-3 policy with a 2 % spread, a
 * 10 % band around the reference, liquidity supplied and one borrower with collateral.
 */
export async function guardedProtocol() {
  await ensureCompiled();
  const [governance, guardian, alice, bob, thief] = await ethers.getSigners();
  const Token = await ethers.getContractFactory("TestToken");
  const collateral = await Token.deploy("Wrapped Ether", "WETH", 18);
  const loanToken = await Token.deploy("USD Coin", "USDC", 18);
  const protocol = await ethers.deployContract("MockGuardedProtocol", [await collateral.getAddress(), await loanToken.getAddress(), governance!.address]);
  await protocol.connect(governance).grantRole(await protocol.GUARDIAN_ROLE(), guardian!.address);
  const feeds = await Promise.all([8, 8, 18].map((decimals) => ethers.deployContract("MockAggregator", [decimals])));
  for (const feed of feeds) await feed.setAnswer((PRICE * 10n ** (await feed.decimals())) / E18);
  const feedAddresses = await Promise.all(feeds.map((feed) => feed.getAddress()));
  await protocol.connect(governance).setOracle(feedAddresses, [HOUR, HOUR, HOUR], 2, 200);
  await protocol.connect(governance).setReferencePrice(PRICE, 1_000);
  const address = await protocol.getAddress();
  await loanToken.mint(governance!.address, 1_000_000n * E18);
  await loanToken.connect(governance).approve(address, 1_000_000n * E18);
  await protocol.connect(governance).supply(1_000_000n * E18);
  for (const user of [alice!, bob!]) {
    await collateral.mint(user.address, 100n * E18);
    await collateral.connect(user).approve(address, 100n * E18);
    await loanToken.connect(user).approve(address, 1_000_000n * E18);
  }
  await protocol.connect(alice).deposit(10n * E18);
  await protocol.connect(bob).deposit(10n * E18);
  /** Moves every feed to `price` (18 decimals), fresh now. */
  const setAll = async (price: bigint) => {
    for (const feed of feeds) await feed.setAnswer((price * 10n ** (await feed.decimals())) / E18);
  };
  return {
    protocol,
    collateral,
    loanToken,
    feeds,
    feedAddresses,
    governance: governance!,
    guardian: guardian!,
    alice: alice!,
    bob: bob!,
    thief: thief!,
    address,
    setAll,
    time,
  };
}

/** The same protocol whose guardian is a 2-of-3 Safe (owners: signers 15..17). */
export async function guardedBySafe() {
  const base = await guardedProtocol();
  const signers = (await ethers.getSigners()) as unknown as Signer[];
  const owners = signers.slice(15, 18) as [Signer, Signer, Signer];
  const safe = await deploySafe(base.governance as unknown as Signer, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
  await base.protocol.connect(base.governance).grantRole(await base.protocol.GUARDIAN_ROLE(), await safe.getAddress());
  return { ...base, safe, owners };
}
