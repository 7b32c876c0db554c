import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { DAY, FINALIZE_WINDOW, MAX_CLAIM_PERIOD, MIN_CLAIM_PERIOD, VETO_WINDOW, ethers } from "./helpers/fixtures";
import { NO_PROOF, STATE, acceptAllFixture, signalsFor } from "./helpers/accept-all";

/**
 * Issue 11, items 1–4: every state has a way out for the funding, a pause never shortens a window,
 * dust cannot activate a snapshot, and claims stay open at least MIN_CLAIM_PERIOD. Each attack is
 * written as it would have run against the old vault; the comment says what the old vault did.
 */
describe("RecoveryVault hardening", function () {
  async function fixture() {
    const base = await acceptAllFixture();
    const { vault, proposalOf } = base;
    const totals = [1000n, 2000n];
    /** Proposes snapshot `id` over two assets and funds both in full. */
    const proposeFunded = async (id: bigint, extra: Parameters<typeof proposalOf>[1] = {}) => {
      await vault.propose(id, await proposalOf(totals, extra));
      await vault.fund(id, 0, 1000n);
      await vault.fund(id, 1, 2000n);
    };
    /** Proposes, funds and finalizes snapshot `id` at its veto deadline. */
    const active = async (id: bigint, extra: Parameters<typeof proposalOf>[1] = {}) => {
      await proposeFunded(id, extra);
      await time.increaseTo((await vault.snapshot(id)).vetoDeadline);
      await vault.finalize(id);
      return vault.snapshot(id);
    };
    const claimOf = async (id: bigint, account: string, amounts: bigint[]) =>
      vault.claim(id, ...NO_PROOF, signalsFor((await vault.snapshot(id)).commitment, account, amounts));
    return { ...base, totals, proposeFunded, active, claimOf };
  }

  describe("1. no snapshot state strands funding", () => {
    it("a proposal nobody finalizes expires at its finalize deadline and its funding goes back to the sweep recipient", async () => {
      // Old vault: a Proposed snapshot past its claim deadline could be neither finalized,
      // vetoed nor swept; its funding was locked forever.
      const { vault, tokens, sweepTo, guardian, proposeFunded, proposalOf } = await loadFixture(fixture);
      await proposeFunded(1n);
      const { vetoDeadline, finalizeDeadline } = await vault.snapshot(1n);
      expect(finalizeDeadline).to.equal(vetoDeadline + BigInt(FINALIZE_WINDOW));
      await time.increaseTo(finalizeDeadline);
      expect((await vault.snapshot(1n)).state).to.equal(STATE.Expired);
      await expect(vault.finalize(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultWrongState").withArgs(1n, STATE.Expired, STATE.Proposed);
      await expect(vault.fund(1n, 0, 1n))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultWrongState")
        .withArgs(1n, STATE.Expired, STATE.Proposed);
      await expect(vault.connect(guardian).veto(1n, "late"))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultWrongState")
        .withArgs(1n, STATE.Expired, STATE.Proposed);
      await expect(vault.propose(1n, await proposalOf([5n])))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultSnapshotExists")
        .withArgs(1n, STATE.Expired);
      await expect(vault.sweep(1n))
        .to.emit(vault, "Swept")
        .withArgs(1n, await sweepTo.getAddress(), [1000n, 2000n]);
      expect(await tokens[0]!.balanceOf(await sweepTo.getAddress())).to.equal(1000n);
      expect(await tokens[1]!.balanceOf(await sweepTo.getAddress())).to.equal(2000n);
      await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultAlreadySwept").withArgs(1n);
    });

    it("can be finalized up to the second before its finalize deadline", async () => {
      const { vault, proposeFunded } = await loadFixture(fixture);
      await proposeFunded(1n);
      const { finalizeDeadline } = await vault.snapshot(1n);
      await time.setNextBlockTimestamp(finalizeDeadline - 1n);
      await expect(vault.finalize(1n)).to.emit(vault, "SnapshotFinalized");
      expect((await vault.snapshot(1n)).state).to.equal(STATE.Active);
    });

    it("a pause near the end of the veto window, lifted after the old claim deadline, strands nothing", async () => {
      // Old vault: the proposal could no longer be finalized (claim deadline passed) nor swept.
      const { vault, guardian, admin, proposeFunded, claimOf, signers } = await loadFixture(fixture);
      await proposeFunded(1n);
      const before = await vault.snapshot(1n);
      await time.increaseTo(before.vetoDeadline - 60n);
      await vault.connect(guardian).pause();
      await time.increase(200 * DAY);
      await vault.connect(admin).unpause();
      const after = await vault.snapshot(1n);
      expect(after.state).to.equal(STATE.Proposed);
      expect(after.vetoDeadline - before.vetoDeadline).to.be.at.least(BigInt(200 * DAY));
      await time.increaseTo(after.vetoDeadline);
      await vault.finalize(1n);
      const user = await signers[6]!.getAddress();
      await expect(claimOf(1n, user, [100n, 200n]))
        .to.emit(vault, "Claimed")
        .withArgs(1n, user, user, [100n, 200n]);
    });

    it("sweep refuses an unknown id, a pending proposal, an open claim window, a pause and a stranger", async () => {
      const { vault, guardian, stranger, active, proposeFunded } = await loadFixture(fixture);
      await expect(vault.sweep(9n)).to.be.revertedWithCustomError(vault, "RecoveryVaultNotSweepable").withArgs(9n, STATE.None);
      await proposeFunded(2n);
      await expect(vault.sweep(2n)).to.be.revertedWithCustomError(vault, "RecoveryVaultNotSweepable").withArgs(2n, STATE.Proposed);
      const { claimDeadline } = await active(1n);
      await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultClaimsStillOpen").withArgs(1n, claimDeadline);
      await time.setNextBlockTimestamp(claimDeadline); // the deadline's last second still belongs to claims
      await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultClaimsStillOpen").withArgs(1n, claimDeadline);
      await expect(vault.connect(stranger).sweep(1n)).to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount");
      await vault.connect(guardian).pause();
      await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "EnforcedPause");
    });

    it("refuses a sweep recipient that is the zero address or the vault itself (both would lose the remainder)", async () => {
      const { vault, vaultAddress, proposalOf } = await loadFixture(fixture);
      const p = await proposalOf([10n]);
      for (const recipient of ["0x0000000000000000000000000000000000000000", vaultAddress]) {
        await expect(vault.propose(1n, { ...p, sweepRecipient: recipient }))
          .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidSweepRecipient")
          .withArgs(recipient);
      }
    });
  });

  describe("2. a pause never costs users their claims", () => {
    it("a guardian who pauses across the claim deadline cannot hand unclaimed shares to the sweep recipient", async () => {
      // Old vault: after the unpause the deadline had passed; sweep took every unclaimed share.
      const { vault, guardian, admin, active, claimOf, signers } = await loadFixture(fixture);
      const { claimDeadline } = await active(1n);
      await time.increaseTo(claimDeadline - BigInt(DAY));
      await vault.connect(guardian).pause();
      const pausedAt = BigInt(await time.latest());
      await time.increase(10 * DAY);
      expect((await vault.snapshot(1n)).claimDeadline).to.equal(claimDeadline + BigInt(await time.latest()) - pausedAt);
      await vault.connect(admin).unpause();
      const unpausedAt = BigInt(await time.latest());
      const moved = (await vault.snapshot(1n)).claimDeadline;
      expect(moved).to.equal(claimDeadline + unpausedAt - pausedAt);
      await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultClaimsStillOpen").withArgs(1n, moved);
      const user = await signers[6]!.getAddress();
      await time.setNextBlockTimestamp(moved);
      await expect(claimOf(1n, user, [100n, 200n])).to.emit(vault, "Claimed");
      await expect(claimOf(1n, await signers[7]!.getAddress(), [1n, 1n]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultClaimsClosed")
        .withArgs(1n, moved);
      await expect(vault.sweep(1n)).to.emit(vault, "Swept");
    });

    it("a pause during the veto window extends it: the veto stays possible and finalize waits", async () => {
      const { vault, guardian, admin, proposeFunded } = await loadFixture(fixture);
      await proposeFunded(1n);
      const { vetoDeadline } = await vault.snapshot(1n);
      await vault.connect(guardian).pause();
      await time.increaseTo(vetoDeadline + BigInt(5 * DAY));
      await vault.connect(admin).unpause();
      const moved = (await vault.snapshot(1n)).vetoDeadline;
      expect(moved).to.be.greaterThan(vetoDeadline + BigInt(5 * DAY) - 10n);
      await expect(vault.finalize(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultVetoWindowOpen").withArgs(1n, moved);
      await expect(vault.connect(guardian).veto(1n, "found a bug while paused")).to.emit(vault, "SnapshotVetoed");
      expect((await vault.snapshot(1n)).vetoDeadline).to.equal(moved);
    });

    it("a guardian may veto while paused, and the vetoed funding is swept once governance unpauses", async () => {
      const { vault, guardian, admin, sweepTo, proposeFunded } = await loadFixture(fixture);
      await proposeFunded(1n);
      await vault.connect(guardian).pause();
      await expect(vault.connect(guardian).veto(1n, "paused")).to.emit(vault, "SnapshotVetoed");
      await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await vault.connect(admin).unpause();
      await expect(vault.sweep(1n))
        .to.emit(vault, "Swept")
        .withArgs(1n, await sweepTo.getAddress(), [1000n, 2000n]);
    });

    it("counts paused time across pauses, the ongoing one included", async () => {
      const { vault, guardian, admin } = await loadFixture(fixture);
      expect(await vault.pausedTime()).to.equal(0n);
      await vault.connect(guardian).pause();
      await time.increase(100);
      await vault.connect(admin).unpause();
      const first = await vault.pausedTime();
      expect(first).to.be.within(100n, 102n);
      await time.increase(1000);
      expect(await vault.pausedTime()).to.equal(first);
      await vault.connect(guardian).pause();
      await time.increase(50);
      expect(await vault.pausedTime()).to.equal(first + 50n);
    });

    it("refuses a second pause, an unpause of a running vault, and finalize, fund and claims while paused", async () => {
      const { vault, guardian, admin, active, proposeFunded, claimOf, signers } = await loadFixture(fixture);
      await expect(vault.connect(admin).unpause()).to.be.revertedWithCustomError(vault, "ExpectedPause");
      await active(1n);
      await proposeFunded(2n);
      await time.increase(VETO_WINDOW);
      await vault.connect(guardian).pause();
      await expect(vault.connect(guardian).pause()).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(vault.finalize(2n)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(vault.fund(2n, 0, 1n)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(claimOf(1n, await signers[6]!.getAddress(), [1n, 1n])).to.be.revertedWithCustomError(vault, "EnforcedPause");
      const account = signers[6]!;
      const signals = signalsFor((await vault.snapshot(1n)).commitment, await account.getAddress(), [1n, 1n]);
      await expect(vault.connect(account).claimTo(1n, ...NO_PROOF, signals, await signers[7]!.getAddress())).to.be.revertedWithCustomError(
        vault,
        "EnforcedPause",
      );
    });
  });

  describe("3. activation cannot be forced with dust", () => {
    it("1 wei of each asset does not activate a snapshot at the veto deadline; its declared funding does", async () => {
      // Old vault: finalize accepted any non-zero funding, so a stranger's 1 wei activated a
      // snapshot paying ~0 and the real funding could no longer be added.
      const { vault, tokens, admin, stranger, proposalOf } = await loadFixture(fixture);
      await vault.propose(1n, await proposalOf([1000n, 2000n], { declaredFunding: [600n, 1500n] }));
      for (const [k, token] of tokens.slice(0, 2).entries()) {
        await token.mint(await stranger.getAddress(), 1n);
        await token.connect(stranger).approve(await vault.getAddress(), 1n);
        await vault.connect(stranger).fund(1n, k, 1n);
      }
      await time.increaseTo((await vault.snapshot(1n)).vetoDeadline);
      await expect(vault.connect(stranger).finalize(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultUnderfunded").withArgs(1n, 0, 1n, 600n);
      await vault.connect(admin).fund(1n, 0, 599n);
      await expect(vault.connect(stranger).finalize(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultUnderfunded").withArgs(1n, 1, 1n, 1500n);
      await vault.connect(admin).fund(1n, 1, 1600n);
      await expect(vault.connect(stranger).finalize(1n)).to.emit(vault, "SnapshotFinalized");
      const info = await vault.snapshot(1n);
      expect(info.declaredFunding).to.deep.equal([600n, 1500n]);
      expect(info.ledgers.map((ledger) => ledger.funded)).to.deep.equal([600n, 1601n]);
    });

    it("refuses declared funding of the wrong length, zero, or above the total", async () => {
      const { vault, proposalOf } = await loadFixture(fixture);
      const p = await proposalOf([1000n, 2000n]);
      await expect(vault.propose(1n, { ...p, declaredFunding: [1n] }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultDeclaredFundingLengthMismatch")
        .withArgs(2, 1);
      await expect(vault.propose(1n, { ...p, declaredFunding: [1n, 0n] }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidDeclaredFunding")
        .withArgs(1, 0n, 2000n);
      await expect(vault.propose(1n, { ...p, declaredFunding: [1001n, 1n] }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidDeclaredFunding")
        .withArgs(0, 1001n, 1000n);
    });

    it("refuses funding beyond an asset's total (a claim would pay more than the account held), nothing received, and an unknown asset", async () => {
      const { vault, tokens, proposalOf } = await loadFixture(fixture);
      await vault.propose(1n, await proposalOf([1000n, 2000n], { declaredFunding: [1n, 1n] }));
      await vault.fund(1n, 0, 999n);
      await expect(vault.fund(1n, 0, 2n))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultFundingExceedsTotal")
        .withArgs(1n, 0, 1001n, 1000n);
      await expect(vault.fund(1n, 0, 0n))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultNothingReceived")
        .withArgs(1n, 0);
      await expect(vault.fund(1n, 2, 1n))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultAssetIndexOutOfRange")
        .withArgs(1n, 2);
      await expect(vault.fund(5n, 0, 1n))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultWrongState")
        .withArgs(5n, STATE.None, STATE.Proposed);
      expect(await tokens[0]!.balanceOf(await vault.getAddress())).to.equal(999n);
    });
  });

  describe("4. a claim window users can actually use", () => {
    it("refuses a claim period shorter than MIN_CLAIM_PERIOD or longer than MAX_CLAIM_PERIOD", async () => {
      // Old vault: a claim deadline one second after the veto window was accepted.
      const { vault, proposalOf } = await loadFixture(fixture);
      expect(await vault.MIN_CLAIM_PERIOD()).to.equal(MIN_CLAIM_PERIOD);
      expect(await vault.FINALIZE_WINDOW()).to.equal(FINALIZE_WINDOW);
      for (const period of [1, MIN_CLAIM_PERIOD - 1, MAX_CLAIM_PERIOD + 1]) {
        await expect(vault.propose(1n, await proposalOf([10n], { claimPeriod: period })))
          .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidClaimPeriod")
          .withArgs(period, MIN_CLAIM_PERIOD, MAX_CLAIM_PERIOD);
      }
      await expect(vault.propose(1n, await proposalOf([10n], { claimPeriod: MAX_CLAIM_PERIOD }))).to.emit(vault, "SnapshotProposed");
    });

    it("counts the claim period from finalization: a late finalization still gives users the whole period", async () => {
      const { vault, proposeFunded, claimOf, signers } = await loadFixture(fixture);
      await proposeFunded(1n, { claimPeriod: MIN_CLAIM_PERIOD });
      const { finalizeDeadline } = await vault.snapshot(1n);
      await time.setNextBlockTimestamp(finalizeDeadline - 1n);
      await expect(vault.finalize(1n))
        .to.emit(vault, "SnapshotFinalized")
        .withArgs(1n, (value: bigint) => value > 0n, finalizeDeadline - 1n + BigInt(MIN_CLAIM_PERIOD));
      const { claimDeadline, claimPeriod } = await vault.snapshot(1n);
      expect(claimPeriod).to.equal(BigInt(MIN_CLAIM_PERIOD));
      expect(claimDeadline).to.equal(finalizeDeadline - 1n + BigInt(MIN_CLAIM_PERIOD));
      await time.setNextBlockTimestamp(claimDeadline);
      await expect(claimOf(1n, await signers[6]!.getAddress(), [1n, 2n])).to.emit(vault, "Claimed");
      await expect(claimOf(1n, await signers[7]!.getAddress(), [1n, 2n]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultClaimsClosed")
        .withArgs(1n, claimDeadline);
    });

    it("reports 0 for the deadlines that do not apply in a state", async () => {
      const { vault, guardian, proposeFunded, active } = await loadFixture(fixture);
      const none = await vault.snapshot(7n);
      expect([none.state, none.vetoDeadline, none.finalizeDeadline, none.claimDeadline]).to.deep.equal([STATE.None, 0n, 0n, 0n]);
      await proposeFunded(2n);
      expect((await vault.snapshot(2n)).claimDeadline).to.equal(0n);
      await vault.connect(guardian).veto(2n, "no");
      const vetoed = await vault.snapshot(2n);
      expect([vetoed.finalizeDeadline, vetoed.claimDeadline]).to.deep.equal([0n, 0n]);
      expect((await active(1n)).finalizeDeadline).to.equal(0n);
    });
  });

  describe("claims under the vault's own rules (an accept-all verifier)", () => {
    it("stops a payout above the funding even if a verifier accepted impossible amounts", async () => {
      const { vault, active, claimOf, signers } = await loadFixture(fixture);
      await active(1n);
      await claimOf(1n, await signers[6]!.getAddress(), [1000n, 0n]);
      await expect(claimOf(1n, await signers[7]!.getAddress(), [1n, 0n]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultPayoutExceedsFunding")
        .withArgs(1n, 0);
    });

    it("pays one, three and four assets (one and two amounts words)", async () => {
      const { vault, tokens, proposalOf, claimOf, signers } = await loadFixture(fixture);
      for (const [id, totals] of [
        [1n, [10n]],
        [3n, [10n, 20n, 30n]],
        [4n, [10n, 20n, 30n, 40n]],
      ] as const) {
        await vault.propose(id, await proposalOf([...totals]));
        for (const [k, total] of totals.entries()) await vault.fund(id, k, total);
      }
      await time.increase(VETO_WINDOW);
      const user = await signers[6]!.getAddress();
      for (const [id, amounts] of [
        [1n, [4n]],
        [3n, [1n, 2n, 3n]],
        [4n, [1n, 2n, 3n, 4n]],
      ] as const) {
        await vault.finalize(id);
        await expect(claimOf(id, user, [...amounts]))
          .to.emit(vault, "Claimed")
          .withArgs(id, user, user, [...amounts]);
      }
      expect(await tokens[3]!.balanceOf(user)).to.equal(4n);
      await expect(claimOf(3n, await signers[7]!.getAddress(), [0n, 0n, 1n << 96n]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidAmounts")
        .withArgs(1, 1n << 96n);
    });

    it("claimTo refuses the zero address and the vault as recipients", async () => {
      const { vault, vaultAddress, active, signers } = await loadFixture(fixture);
      const { commitment } = await active(1n);
      const account = signers[6]!;
      const signals = signalsFor(commitment, await account.getAddress(), [1n, 1n]);
      for (const recipient of ["0x0000000000000000000000000000000000000000", vaultAddress]) {
        await expect(vault.connect(account).claimTo(1n, ...NO_PROOF, signals, recipient))
          .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidRecipient")
          .withArgs(recipient);
      }
      await expect(vault.claim(1n, ...NO_PROOF, [commitment]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultPublicSignalCount")
        .withArgs(3, 1);
    });
  });

  describe("re-entry", () => {
    it("refuses re-entry into fund, claimTo and sweep from a token's transfer out of the vault", async () => {
      const { vault, admin, vaultAddress, signers, proposalOf } = await loadFixture(fixture);
      const user = await signers[6]!.getAddress();
      const reentrancy = vault.interface.getError("ReentrancyGuardReentrantCall")!.selector;
      const calls = {
        fund: vault.interface.encodeFunctionData("fund", [1n, 0, 1n]),
        claimTo: vault.interface.encodeFunctionData("claimTo", [1n, ...NO_PROOF, [0n, 0n, 0n], user]),
        sweep: vault.interface.encodeFunctionData("sweep", [1n]),
      };
      let id = 10n;
      for (const [name, data] of Object.entries(calls)) {
        id += 1n;
        const evil = await (await ethers.getContractFactory("ReentrantToken", admin)).deploy();
        await evil.mint(await admin.getAddress(), 100n);
        await evil.approve(vaultAddress, 100n);
        // The token may even hold the proposer role: the guard still stops it.
        await vault.grantRole(await vault.PROPOSER_ROLE(), await evil.getAddress());
        await vault.propose(id, { ...(await proposalOf([100n])), tokens: [await evil.getAddress()] });
        await vault.fund(id, 0, 100n);
        await time.increase(VETO_WINDOW);
        await vault.finalize(id);
        await evil.arm(vaultAddress, data);
        await vault.claim(id, ...NO_PROOF, signalsFor((await vault.snapshot(id)).commitment, user, [10n]));
        expect(await evil.reentered(), name).to.equal(true);
        expect(await evil.reentrySucceeded(), name).to.equal(false);
        expect((await evil.reentryError()).slice(0, 10), name).to.equal(reentrancy);
      }
    });

    it("refuses a pause by anyone but a guardian", async () => {
      const { vault, stranger } = await loadFixture(fixture);
      await expect(vault.connect(stranger).pause())
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
        .withArgs(await stranger.getAddress(), await vault.GUARDIAN_ROLE());
    });
  });

  describe("proposal refusals", () => {
    it("refuses a zero root, no assets or five, mismatched totals, a token without code and a zero total", async () => {
      const { vault, stranger, proposalOf, tokenAddresses } = await loadFixture(fixture);
      const p = await proposalOf([10n, 20n]);
      await expect(vault.propose(1n, { ...p, root: 0n }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidRoot")
        .withArgs(0n);
      await expect(vault.propose(1n, { ...p, tokens: [], totals: [], declaredFunding: [] }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidAssetCount")
        .withArgs(0);
      const five = [...tokenAddresses, tokenAddresses[0]!];
      await expect(vault.propose(1n, { ...p, tokens: five, totals: five.map(() => 1n), declaredFunding: five.map(() => 1n) }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidAssetCount")
        .withArgs(5);
      await expect(vault.propose(1n, { ...p, totals: [10n] }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultTotalsLengthMismatch")
        .withArgs(2, 1);
      const eoa = await stranger.getAddress();
      await expect(vault.propose(1n, { ...p, tokens: [tokenAddresses[0]!, eoa] }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidToken")
        .withArgs(1, eoa);
      await expect(vault.propose(1n, { ...p, totals: [10n, 0n], declaredFunding: [1n, 1n] }))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidTotal")
        .withArgs(1, 0n);
    });
  });
});
