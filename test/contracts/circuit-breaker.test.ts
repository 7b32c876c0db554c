import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { ContractTransactionResponse } from "ethers";

import { seededRandom } from "../helpers/hashing";
import { ensureCompiled, ethers } from "./helpers/fixtures";

const WINDOW = 3600;
const LOCK_DELAY = 24 * 3600;
const WARN = 500n;
const HALT = 1000n;

/** One outflow as the breaker decided it. */
interface Outflow {
  readonly at: number;
  readonly amount: bigint;
  /** "sent" at once, "locked" by a warning, or "halted" (locked by the halt, not counted). */
  readonly fate: "sent" | "locked" | "halted";
}

describe("guard: CircuitBreaker (through a minimal harness)", function () {
  before(ensureCompiled);

  async function fixture() {
    const [governance, guardian, alice, stranger] = await ethers.getSigners();
    const Token = await ethers.getContractFactory("TestToken", governance);
    const token = await Token.deploy("Wrapped Ether", "WETH", 18);
    const other = await Token.deploy("Other", "OTH", 18);
    const Harness = await ethers.getContractFactory("CircuitBreakerHarness", governance);
    const breaker = await Harness.deploy(await governance!.getAddress(), WINDOW, LOCK_DELAY);
    await breaker.grantRole(await breaker.GUARDIAN_ROLE(), await guardian!.getAddress());
    await token.mint(await breaker.getAddress(), 10n ** 30n);
    await other.mint(await breaker.getAddress(), 10n ** 30n);
    await breaker.setLimits(await token.getAddress(), WARN, HALT);
    return { breaker, token, other, governance: governance!, guardian: guardian!, alice: alice!, stranger: stranger! };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** Sends one outflow request at timestamp `at` and reads the breaker's decision from its events. */
  async function outflowAt(f: Fixture, at: number, amount: bigint): Promise<Outflow> {
    await time.setNextBlockTimestamp(at);
    const tx = (await f.breaker.connect(f.alice).payOut(await f.token.getAddress(), await f.alice.getAddress(), amount)) as ContractTransactionResponse;
    const receipt = (await tx.wait())!;
    const halted = receipt.logs.some((log) => f.breaker.interface.parseLog(log)?.name === "BreakerHalted");
    const requested = receipt.logs.map((log) => f.breaker.interface.parseLog(log)).find((log) => log?.name === "OutflowRequested");
    const fate = halted ? "halted" : (requested!.args.sent as boolean) ? "sent" : "locked";
    return { at, amount, fate };
  }

  describe("the rolling window is exact", () => {
    it("never lets more than the warning limit out at once within any span of window seconds, even across bucket edges", async () => {
      const f = await loadFixture(fixture);
      // Bucketed windows forget an outflow up to one bucket early: the worst case is an outflow at
      // the end of a bucket and the next one window − bucket + 1 seconds later.
      const bucket = WINDOW / 12;
      const start = Math.ceil(((await time.latest()) + 10) / bucket) * bucket + bucket - 1;
      expect((await outflowAt(f, start, WARN)).fate).to.equal("sent");
      const second = await outflowAt(f, start + WINDOW - bucket + 1, WARN);
      expect(second.fate).to.equal("locked");
      expect(await f.breaker.windowOutflow(await f.token.getAddress())).to.equal(2n * WARN);
    });

    it("forgets an outflow exactly window seconds after it", async () => {
      const f = await loadFixture(fixture);
      const start = (await time.latest()) + 10;
      await outflowAt(f, start, WARN);
      await time.setNextBlockTimestamp(start + WINDOW - 1);
      await ethers.provider.send("evm_mine", []);
      expect(await f.breaker.windowOutflow(await f.token.getAddress())).to.equal(WARN);
      expect((await outflowAt(f, start + WINDOW, WARN)).fate).to.equal("sent");
      expect(await f.breaker.windowOutflow(await f.token.getAddress())).to.equal(WARN);
    });

    it("counts every outflow while the chain is younger than the window", async () => {
      const f = await loadFixture(fixture);
      const Harness = await ethers.getContractFactory("CircuitBreakerHarness", f.governance);
      const young = await Harness.deploy(await f.governance.getAddress(), 2n ** 40n, LOCK_DELAY);
      await f.token.mint(await young.getAddress(), 1000n);
      await young.payOut(await f.token.getAddress(), await f.alice.getAddress(), 300n);
      await time.increase(365 * 24 * 3600);
      await young.payOut(await f.token.getAddress(), await f.alice.getAddress(), 200n);
      expect(await young.windowOutflow(await f.token.getAddress())).to.equal(500n);
    });

    it("property: over random outflows and time jumps, every span of window seconds stays within both limits and windowOutflow is the exact sum", async () => {
      let halts = 0;
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const f = await loadFixture(fixture);
        const random = seededRandom(seed);
        const bucket = WINDOW / 12;
        // Jumps that straddle the window's edges and the old buckets' edges, and ordinary ones.
        const jumps = [1, 2, bucket - 1, bucket, bucket + 1, WINDOW - bucket - 1, WINDOW - bucket + 1, WINDOW - 1, WINDOW, WINDOW + 1];
        const outflows: Outflow[] = [];
        let now = (await time.latest()) + 1;
        for (let step = 0; step < 40; step += 1) {
          now = Math.max(now, await time.latest()) + (random() < 0.5 ? jumps[Math.floor(random() * jumps.length)]! : 1 + Math.floor((random() * WINDOW) / 3));
          const amount = 1n + BigInt(Math.floor(random() * Number(WARN) * 0.6));
          const outflow = await outflowAt(f, now, amount);
          outflows.push(outflow);
          const inWindow = outflows.filter((o) => o.fate !== "halted" && o.at > now - WINDOW).reduce((sum, o) => sum + o.amount, 0n);
          expect(await f.breaker.windowOutflow(await f.token.getAddress()), `seed ${seed} step ${step}`).to.equal(inWindow);
          if (outflow.fate === "halted") await f.breaker.connect(f.governance).resume();
        }
        expect(
          outflows.some((o) => o.fate === "locked"),
          `seed ${seed} exercised the warning`,
        ).to.equal(true);
        halts += outflows.filter((o) => o.fate === "halted").length;
        for (const first of outflows) {
          const span = outflows.filter((o) => o.at >= first.at && o.at <= first.at + WINDOW - 1);
          const sent = span.filter((o) => o.fate === "sent").reduce((sum, o) => sum + o.amount, 0n);
          const counted = span.filter((o) => o.fate !== "halted").reduce((sum, o) => sum + o.amount, 0n);
          expect(sent, `seed ${seed}: sent at once in [${first.at}, ${first.at + WINDOW - 1}]`).to.be.at.most(WARN);
          expect(counted, `seed ${seed}: sent or locked in [${first.at}, ${first.at + WINDOW - 1}]`).to.be.at.most(HALT);
        }
      }
      expect(halts, "the sequences exercised the halt").to.be.greaterThan(0);
    });
  });

  describe("staged intervention", () => {
    it("pays at once up to the warning limit, locks beyond it, and halts beyond the halt limit without counting the halting outflow", async () => {
      const f = await loadFixture(fixture);
      const start = (await time.latest()) + 10;
      expect((await outflowAt(f, start, WARN)).fate).to.equal("sent");
      expect(await f.token.balanceOf(await f.alice.getAddress())).to.equal(WARN);
      await time.setNextBlockTimestamp(start + 1);
      await expect(f.breaker.connect(f.alice).payOut(await f.token.getAddress(), await f.alice.getAddress(), 400n))
        .to.emit(f.breaker, "BreakerWarning")
        .withArgs(await f.token.getAddress(), 900n, 0n, await f.alice.getAddress(), 400n);
      const lock = await f.breaker.lockedOutflow(0);
      expect(lock.releaseAt).to.equal(BigInt(start + 1 + LOCK_DELAY));
      expect((await outflowAt(f, start + 2, 101n)).fate).to.equal("halted");
      expect(await f.breaker.halted()).to.equal(true);
      expect(await f.breaker.windowOutflow(await f.token.getAddress())).to.equal(900n);
      expect((await f.breaker.lockedOutflow(1)).releaseAt).to.equal(2n ** 64n - 1n);
      expect(await f.breaker.lockedCount()).to.equal(2n);
      await expect(f.breaker.payOut(await f.token.getAddress(), await f.alice.getAddress(), 1n)).to.be.revertedWithCustomError(
        f.breaker,
        "CircuitBreakerHalted",
      );
    });

    it("does not rate-limit a token without limits, but still measures its outflow", async () => {
      const f = await loadFixture(fixture);
      await expect(f.breaker.payOut(await f.other.getAddress(), await f.alice.getAddress(), 10n ** 24n)).to.not.emit(f.breaker, "BreakerWarning");
      expect(await f.other.balanceOf(await f.alice.getAddress())).to.equal(10n ** 24n);
      expect(await f.breaker.windowOutflow(await f.other.getAddress())).to.equal(10n ** 24n);
      expect((await f.breaker.limits(await f.other.getAddress())).halt).to.equal(0n);
    });

    it("refuses to lock an amount that does not fit the lock record, instead of truncating it", async () => {
      const f = await loadFixture(fixture);
      const huge = 2n ** 128n;
      await f.token.mint(await f.breaker.getAddress(), huge);
      await expect(f.breaker.payOut(await f.token.getAddress(), await f.alice.getAddress(), huge))
        .to.be.revertedWithCustomError(f.breaker, "SafeCastOverflowedUintDowncast")
        .withArgs(128, huge);
    });
  });

  describe("locked outflows", () => {
    async function locked() {
      const f = await loadFixture(fixture);
      await f.breaker.payOut(await f.token.getAddress(), await f.alice.getAddress(), WARN);
      await f.breaker.payOut(await f.token.getAddress(), await f.alice.getAddress(), 100n); // lock 0
      return f;
    }

    it("releases a lock to its recipient after the delay, and not before nor twice", async () => {
      const f = await locked();
      const lock = await f.breaker.lockedOutflow(0);
      await expect(f.breaker.connect(f.stranger).releaseLocked(0))
        .to.be.revertedWithCustomError(f.breaker, "CircuitBreakerLockNotDue")
        .withArgs(0, lock.releaseAt);
      await time.increaseTo(lock.releaseAt);
      await expect(f.breaker.connect(f.stranger).releaseLocked(0))
        .to.emit(f.breaker, "OutflowReleased")
        .withArgs(0, await f.alice.getAddress(), 100n)
        .and.to.emit(f.breaker, "LockSettled")
        .withArgs(0, await f.token.getAddress(), 100n, true);
      expect(await f.token.balanceOf(await f.alice.getAddress())).to.equal(WARN + 100n);
      await expect(f.breaker.releaseLocked(0)).to.be.revertedWithCustomError(f.breaker, "CircuitBreakerLockSettled").withArgs(0);
      await expect(f.breaker.cancelLocked(0)).to.be.revertedWithCustomError(f.breaker, "CircuitBreakerLockSettled").withArgs(0);
    });

    it("refuses an unknown lock", async () => {
      const f = await locked();
      await expect(f.breaker.releaseLocked(1)).to.be.revertedWithCustomError(f.breaker, "CircuitBreakerUnknownLock").withArgs(1);
      await expect(f.breaker.cancelLocked(7)).to.be.revertedWithCustomError(f.breaker, "CircuitBreakerUnknownLock").withArgs(7);
      await expect(f.breaker.lockedOutflow(1)).to.be.revertedWithCustomError(f.breaker, "CircuitBreakerUnknownLock").withArgs(1);
    });

    it("lets only governance cancel a lock, which keeps the tokens", async () => {
      const f = await locked();
      const admin = await f.breaker.DEFAULT_ADMIN_ROLE();
      await expect(f.breaker.connect(f.guardian).cancelLocked(0))
        .to.be.revertedWithCustomError(f.breaker, "AccessControlUnauthorizedAccount")
        .withArgs(await f.guardian.getAddress(), admin);
      await expect(f.breaker.cancelLocked(0))
        .to.emit(f.breaker, "OutflowCancelled")
        .withArgs(0, await f.alice.getAddress(), 100n)
        .and.to.emit(f.breaker, "LockSettled")
        .withArgs(0, await f.token.getAddress(), 100n, false);
      await time.increase(LOCK_DELAY);
      await expect(f.breaker.releaseLocked(0)).to.be.revertedWithCustomError(f.breaker, "CircuitBreakerLockSettled").withArgs(0);
      expect(await f.token.balanceOf(await f.alice.getAddress())).to.equal(WARN);
    });

    it("holds locks while halted: nothing is released until governance resumes", async () => {
      const f = await locked();
      await time.increase(LOCK_DELAY);
      await f.breaker.connect(f.guardian).halt("incident");
      await expect(f.breaker.releaseLocked(0)).to.be.revertedWithCustomError(f.breaker, "CircuitBreakerHalted");
      await f.breaker.resume();
      await expect(f.breaker.releaseLocked(0)).to.emit(f.breaker, "OutflowReleased");
    });
  });

  describe("roles and parameters", () => {
    it("lets guardians and governance halt, and nobody else", async () => {
      const f = await loadFixture(fixture);
      await expect(f.breaker.connect(f.stranger).halt("no"))
        .to.be.revertedWithCustomError(f.breaker, "AccessControlUnauthorizedAccount")
        .withArgs(await f.stranger.getAddress(), await f.breaker.GUARDIAN_ROLE());
      await expect(f.breaker.connect(f.guardian).halt("suspicious flow"))
        .to.emit(f.breaker, "BreakerHalted")
        .withArgs(await f.guardian.getAddress(), "suspicious flow");
      await f.breaker.resume();
      await expect(f.breaker.connect(f.governance).halt("drill"))
        .to.emit(f.breaker, "BreakerHalted")
        .withArgs(await f.governance.getAddress(), "drill");
    });

    it("lets only governance resume, set limits and the lock delay", async () => {
      const f = await loadFixture(fixture);
      const admin = await f.breaker.DEFAULT_ADMIN_ROLE();
      const token = await f.token.getAddress();
      await f.breaker.connect(f.guardian).halt("incident");
      await expect(f.breaker.connect(f.guardian).resume())
        .to.be.revertedWithCustomError(f.breaker, "AccessControlUnauthorizedAccount")
        .withArgs(await f.guardian.getAddress(), admin);
      await expect(f.breaker.resume())
        .to.emit(f.breaker, "BreakerResumed")
        .withArgs(await f.governance.getAddress());
      expect(await f.breaker.halted()).to.equal(false);
      await expect(f.breaker.connect(f.guardian).setLimits(token, 1n, 2n)).to.be.revertedWithCustomError(f.breaker, "AccessControlUnauthorizedAccount");
      await expect(f.breaker.setLimits(token, 1n, 2n))
        .to.emit(f.breaker, "BreakerLimitsSet")
        .withArgs(token, 1n, 2n);
      expect(await f.breaker.limits(token)).to.deep.equal([1n, 2n]);
      await expect(f.breaker.connect(f.guardian).setLockDelay(1n)).to.be.revertedWithCustomError(f.breaker, "AccessControlUnauthorizedAccount");
      await expect(f.breaker.setLockDelay(60n)).to.emit(f.breaker, "BreakerLockDelaySet").withArgs(60n);
      expect(await f.breaker.lockDelay()).to.equal(60n);
    });

    it("refuses limits that are zero or inverted, and a zero window", async () => {
      const f = await loadFixture(fixture);
      const token = await f.token.getAddress();
      await expect(f.breaker.setLimits(token, 5n, 4n))
        .to.be.revertedWithCustomError(f.breaker, "CircuitBreakerInvalidLimits")
        .withArgs(5n, 4n);
      await expect(f.breaker.setLimits(token, 0n, 4n))
        .to.be.revertedWithCustomError(f.breaker, "CircuitBreakerInvalidLimits")
        .withArgs(0n, 4n);
      const Harness = await ethers.getContractFactory("CircuitBreakerHarness", f.governance);
      await expect(Harness.deploy(await f.governance.getAddress(), 0, LOCK_DELAY))
        .to.be.revertedWithCustomError(f.breaker, "CircuitBreakerInvalidWindow")
        .withArgs(0);
    });
  });
});
