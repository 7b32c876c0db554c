import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { ContractTransactionResponse } from "ethers";

import { ethers } from "../helpers/fixtures";
import { E18, HOUR, PRICE, guardedProtocol } from "./fixture";

type Fixture = Awaited<ReturnType<typeof guardedProtocol>>;

/** The custom error carried by the OracleGuardPriceRejected event of `tx`, decoded. */
async function rejection(protocol: Fixture["protocol"], tx: ContractTransactionResponse) {
  const receipt = await tx.wait();
  const event = receipt!.logs.map((log) => protocol.interface.parseLog(log)).find((parsed) => parsed?.name === "OracleGuardPriceRejected");
  expect(event, "an OracleGuardPriceRejected event").to.not.equal(undefined);
  return protocol.interface.parseError(event!.args[1] as string)!;
}

/** Borrowing at a refused price halts, lends nothing, and says why by the error's name. */
async function expectHaltOnBorrow(fixture: Fixture, errorName: string) {
  const { protocol, loanToken, alice } = fixture;
  const before = await loanToken.balanceOf(alice.address);
  const tx = await protocol.connect(alice).borrow(1_000n * E18);
  await expect(tx).to.emit(protocol, "Halted").withArgs(alice.address, "oracle price refused");
  const refusal = await rejection(protocol, tx);
  expect(refusal.name).to.equal(errorName);
  expect(await protocol.halted()).to.equal(true);
  expect(await protocol.debtOf(alice.address)).to.equal(0n);
  expect(await loanToken.balanceOf(alice.address)).to.equal(before);
  return refusal;
}

const MODE = { Normal: 0, Reverts: 1, BurnsGas: 2, ShortReturn: 3, WideRoundId: 4, WideAnsweredInRound: 5 };
const STATUS = { Valid: 0n, CallFailed: 1n, NonPositive: 2n, IncompleteRound: 3n, StaleRound: 4n, Stale: 5n, FromTheFuture: 6n, OutOfRange: 7n };

describe("OracleGuard: the median of several feeds, refused when stale, disagreeing or deviating", function () {
  describe("a good price", function () {
    it("lends at the median of the valid answers, normalised to 18 decimals from 8- and 18-decimal feeds", async () => {
      const { protocol, feeds, collateral, alice } = await loadFixture(guardedProtocol);
      await feeds[0]!.setAnswer(1_990n * 10n ** 8n);
      await feeds[1]!.setAnswer(2_010n * 10n ** 8n);
      const [price, refusal] = await protocol.oraclePrice(await collateral.getAddress());
      expect(price).to.equal(PRICE);
      expect(refusal).to.equal("0x");
      expect(await protocol.maxBorrow(alice.address)).to.equal(10_000n * E18);
      await protocol.connect(alice).borrow(10_000n * E18);
      expect(await protocol.debtOf(alice.address)).to.equal(10_000n * E18);
      expect(await protocol.halted()).to.equal(false);
    });

    it("takes the mean of the two middle answers when an even number of feeds is valid", async () => {
      const { protocol, feeds, collateral } = await loadFixture(guardedProtocol);
      await feeds[0]!.setMode(MODE.Reverts);
      await feeds[1]!.setAnswer(2_010n * 10n ** 8n);
      expect((await protocol.oraclePrice(await collateral.getAddress()))[0]).to.equal(2_005n * E18);
    });

    it("normalises a feed with more than 18 decimals by dividing", async () => {
      const { protocol, governance, feeds, feedAddresses, collateral } = await loadFixture(guardedProtocol);
      const wide = await ethers.deployContract("MockAggregator", [20]);
      await wide.setAnswer(PRICE * 100n);
      await protocol.connect(governance).setOracle([feedAddresses[0]!, feedAddresses[1]!, await wide.getAddress()], [HOUR, HOUR, HOUR], 3, 200);
      await feeds[0]!.setAnswer(2_000n * 10n ** 8n);
      expect((await protocol.oraclePrice(await collateral.getAddress()))[0]).to.equal(PRICE);
    });

    it("prices on with one feed down, whichever way it fails", async () => {
      const { protocol, feeds, collateral, alice, time } = await loadFixture(guardedProtocol);
      const asset = await collateral.getAddress();
      const now = BigInt(await time.latest());
      const failures: [string, () => Promise<unknown>, bigint][] = [
        ["reverts", () => feeds[0]!.setMode(MODE.Reverts), STATUS.CallFailed],
        ["burns all its gas", () => feeds[0]!.setMode(MODE.BurnsGas), STATUS.CallFailed],
        ["returns too little data", () => feeds[0]!.setMode(MODE.ShortReturn), STATUS.CallFailed],
        ["answers a round id wider than uint80", () => feeds[0]!.setMode(MODE.WideRoundId), STATUS.CallFailed],
        ["answers an answeredInRound wider than uint80", () => feeds[0]!.setMode(MODE.WideAnsweredInRound), STATUS.CallFailed],
        ["answers zero", () => feeds[0]!.setRoundData(5, 0, now, 5), STATUS.NonPositive],
        ["answers a negative price", () => feeds[0]!.setRoundData(5, -1, now, 5), STATUS.NonPositive],
        ["has an incomplete round", () => feeds[0]!.setRoundData(5, 2_000n * 10n ** 8n, 0, 5), STATUS.IncompleteRound],
        ["carries an answer from an older round", () => feeds[0]!.setRoundData(5, 2_000n * 10n ** 8n, now, 4), STATUS.StaleRound],
        ["is older than its max age", () => feeds[0]!.setRoundData(5, 2_000n * 10n ** 8n, now - BigInt(HOUR) - 10n, 5), STATUS.Stale],
        ["is dated in the future", () => feeds[0]!.setRoundData(5, 2_000n * 10n ** 8n, now + 3_600n, 5), STATUS.FromTheFuture],
        ["answers beyond 2^128 after normalising", () => feeds[0]!.setRoundData(5, 1n << 250n, now, 5), STATUS.OutOfRange],
      ];
      for (const [what, breakIt, status] of failures) {
        await feeds[0]!.setMode(MODE.Normal);
        await breakIt();
        const readings = await protocol.oracleReadings(asset);
        expect(readings[0]!.status, what).to.equal(status);
        expect(readings[1]!.status, what).to.equal(STATUS.Valid);
        expect((await protocol.oraclePrice(asset))[0], what).to.equal(PRICE);
      }
      await protocol.connect(alice).borrow(1_000n * E18);
      expect(await protocol.halted()).to.equal(false);
    });
  });

  describe("a refused price", function () {
    it("halts instead of lending when too few feeds are fresh", async () => {
      const fixture = await loadFixture(guardedProtocol);
      const { protocol, feeds, collateral, alice, time } = fixture;
      await time.increase(HOUR + 1);
      await feeds[2]!.setAnswer(PRICE);
      const refusal = await expectHaltOnBorrow(fixture, "OracleGuardTooFewValidFeeds");
      expect(refusal.args.toArray()).to.deep.equal([await collateral.getAddress(), 1n, 2n]);
      await expect(protocol.maxBorrow(alice.address))
        .to.be.revertedWithCustomError(protocol, "OracleGuardTooFewValidFeeds")
        .withArgs(await collateral.getAddress(), 1n, 2n);
    });

    it("halts when the feeds disagree by more than the spread bound", async () => {
      const fixture = await loadFixture(guardedProtocol);
      const { protocol, feeds, collateral, alice } = fixture;
      await feeds[1]!.setAnswer(2_100n * 10n ** 8n); // 5 % of the median apart
      const refusal = await expectHaltOnBorrow(fixture, "OracleGuardFeedsDisagree");
      expect(refusal.args.toArray()).to.deep.equal([await collateral.getAddress(), PRICE, 2_100n * E18, 500n, 200n]);
      await expect(protocol.maxBorrow(alice.address)).to.be.revertedWithCustomError(protocol, "OracleGuardFeedsDisagree");
    });

    it("halts when the median deviates from the reference by more than its bound, even if every feed agrees", async () => {
      const fixture = await loadFixture(guardedProtocol);
      const { protocol, collateral, alice, setAll } = fixture;
      await setAll(2_300n * E18); // +15 % against a 10 % band
      const refusal = await expectHaltOnBorrow(fixture, "OracleGuardDeviatesFromReference");
      expect(refusal.args.toArray()).to.deep.equal([await collateral.getAddress(), 2_300n * E18, PRICE, 1_000n]);
      await expect(protocol.maxBorrow(alice.address)).to.be.revertedWithCustomError(protocol, "OracleGuardDeviatesFromReference");
    });

    it("accepts the same move once governance clears the reference", async () => {
      const { protocol, governance, collateral, setAll } = await loadFixture(guardedProtocol);
      await setAll(2_300n * E18);
      await protocol.connect(governance).setReferencePrice(0, 0);
      expect((await protocol.oraclePrice(await collateral.getAddress()))[0]).to.equal(2_300n * E18);
    });

    it("keeps the halt until governance resumes", async () => {
      const fixture = await loadFixture(guardedProtocol);
      const { protocol, governance, alice, setAll } = fixture;
      await setAll(2_300n * E18);
      await expectHaltOnBorrow(fixture, "OracleGuardDeviatesFromReference");
      await setAll(PRICE);
      await expect(protocol.connect(alice).borrow(E18)).to.be.revertedWithCustomError(protocol, "MockGuardedProtocolHalted");
      await protocol.connect(governance).resume();
      await protocol.connect(alice).borrow(E18);
      expect(await protocol.debtOf(alice.address)).to.equal(E18);
    });

    it("reverts rather than count a feed as failed when the caller leaves it too little gas", async () => {
      const { protocol, alice } = await loadFixture(guardedProtocol);
      await expect(protocol.connect(alice).borrow(E18, { gasLimit: 170_000 })).to.be.revertedWithCustomError(protocol, "OracleGuardInsufficientGas");
      expect(await protocol.halted()).to.equal(false);
    });

    it("refuses an asset without feeds", async () => {
      const { collateral, loanToken, governance, alice } = await loadFixture(guardedProtocol);
      const bare = await ethers.deployContract("MockGuardedProtocol", [await collateral.getAddress(), await loanToken.getAddress(), governance.address]);
      await expect(bare.maxBorrow(alice.address))
        .to.be.revertedWithCustomError(bare, "OracleGuardUnknownAsset")
        .withArgs(await collateral.getAddress());
      await expect(bare.connect(governance).setReferencePrice(PRICE, 100)).to.be.revertedWithCustomError(bare, "OracleGuardUnknownAsset");
    });
  });

  describe("configuration", function () {
    it("records the feeds with their decimals and the policy", async () => {
      const { protocol, collateral, feedAddresses } = await loadFixture(guardedProtocol);
      const feeds = await protocol.oracleFeeds(await collateral.getAddress());
      expect(feeds.map((feed) => [feed.source, feed.decimals, feed.maxAge])).to.deep.equal(
        feedAddresses.map((address, i) => [address, i === 2 ? 18n : 8n, BigInt(HOUR)]),
      );
      const policy = await protocol.oraclePolicy(await collateral.getAddress());
      expect([policy.minValidFeeds, policy.maxSpreadBps, policy.maxDeviationBps, policy.referencePrice]).to.deep.equal([2n, 200n, 1_000n, PRICE]);
    });

    it("refuses every malformed feed set by name", async () => {
      const { protocol, governance, feedAddresses, alice } = await loadFixture(guardedProtocol);
      const [a, b, c] = feedAddresses as [string, string, string];
      const huge = await (await ethers.deployContract("MockAggregator", [40])).getAddress();
      const set = (feeds: string[], ages: number[], min: number, spread: number) => protocol.connect(governance).setOracle(feeds, ages, min, spread);
      const ten = Array.from({ length: 10 }, () => a);
      await expect(set([], [], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidFeedCount")
        .withArgs(0, 0);
      await expect(
        set(
          ten,
          ten.map(() => HOUR),
          1,
          200,
        ),
      )
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidFeedCount")
        .withArgs(10, 10);
      await expect(set([a, b], [HOUR], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidFeedCount")
        .withArgs(2, 1);
      await expect(set([a, ethers.ZeroAddress], [HOUR, HOUR], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidFeed")
        .withArgs(1, ethers.ZeroAddress);
      await expect(set([a, alice.address], [HOUR, HOUR], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidFeed")
        .withArgs(1, alice.address);
      await expect(set([a, b, a], [HOUR, HOUR, HOUR], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardDuplicateFeed")
        .withArgs(2, a);
      await expect(set([a, huge], [HOUR, HOUR], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidFeedDecimals")
        .withArgs(1, 40);
      await expect(set([a, b], [HOUR, 0], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidMaxAge")
        .withArgs(1, 0);
      await expect(set([a, b, c], [HOUR, HOUR, HOUR], 0, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidMinValidFeeds")
        .withArgs(0, 3);
      await expect(set([a, b, c], [HOUR, HOUR, HOUR], 4, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidMinValidFeeds")
        .withArgs(4, 3);
      await expect(set([a, b, c], [HOUR, HOUR, HOUR], 2, 0))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidBps")
        .withArgs(0);
      await expect(set([a, b, c], [HOUR, HOUR, HOUR], 2, 10_001))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidBps")
        .withArgs(10_001);
    });

    it("refuses a feed whose decimals() fails", async () => {
      const { protocol, governance } = await loadFixture(guardedProtocol);
      // A contract without decimals() returning a uint8 in range: the protocol itself.
      const notAFeed = await protocol.getAddress();
      await expect(protocol.connect(governance).setOracle([notAFeed], [HOUR], 1, 200))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidFeed")
        .withArgs(0, notAFeed);
    });

    it("refuses the zero address as an asset", async () => {
      const { loanToken, governance, feedAddresses } = await loadFixture(guardedProtocol);
      const bare = await ethers.deployContract("MockGuardedProtocol", [ethers.ZeroAddress, await loanToken.getAddress(), governance.address]);
      await expect(bare.connect(governance).setOracle(feedAddresses, [HOUR, HOUR, HOUR], 2, 200))
        .to.be.revertedWithCustomError(bare, "OracleGuardInvalidAsset")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses a reference without a bound, a bound without a reference, a bound over 100 % and a price over 2^128", async () => {
      const { protocol, governance } = await loadFixture(guardedProtocol);
      await expect(protocol.connect(governance).setReferencePrice(1n << 128n, 100))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidReference")
        .withArgs(1n << 128n, 100);
      await expect(protocol.connect(governance).setReferencePrice(PRICE, 0))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidReference")
        .withArgs(PRICE, 0);
      await expect(protocol.connect(governance).setReferencePrice(0, 100))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidReference")
        .withArgs(0, 100);
      await expect(protocol.connect(governance).setReferencePrice(PRICE, 10_001))
        .to.be.revertedWithCustomError(protocol, "OracleGuardInvalidBps")
        .withArgs(10_001);
    });

    it("lets only governance set feeds and the reference", async () => {
      const { protocol, guardian, feedAddresses } = await loadFixture(guardedProtocol);
      await expect(protocol.connect(guardian).setOracle(feedAddresses, [HOUR, HOUR, HOUR], 2, 200)).to.be.revertedWithCustomError(
        protocol,
        "AccessControlUnauthorizedAccount",
      );
      await expect(protocol.connect(guardian).setReferencePrice(PRICE, 100)).to.be.revertedWithCustomError(protocol, "AccessControlUnauthorizedAccount");
    });
  });
});
