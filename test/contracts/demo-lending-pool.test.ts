import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { ensureCompiled, ethers } from "./helpers/fixtures";

const WINDOW = 3600;
const LOCK_DELAY = 24 * 3600;
const PRICE = 3000n * 10n ** 6n; // USDC base units per 1e18 WETH base units

describe("DemoLendingPool: the guard's reference integration", function () {
  before(ensureCompiled);

  async function fixture() {
    const [governance, guardian, alice, bob, attacker] = await ethers.getSigners();
    const Token = await ethers.getContractFactory("TestToken", governance);
    const weth = await Token.deploy("Wrapped Ether", "WETH", 18);
    const usdc = await Token.deploy("USD Coin", "USDC", 6);
    const Pool = await ethers.getContractFactory("DemoLendingPool", governance);
    const pool = await Pool.deploy(await weth.getAddress(), await usdc.getAddress(), await governance!.getAddress(), WINDOW, LOCK_DELAY);
    await pool.grantRole(await pool.GUARDIAN_ROLE(), await guardian!.getAddress());
    const oracle = await (await ethers.getContractFactory("DemoPriceOracle", governance)).deploy();
    await oracle.setPrice(PRICE);
    await pool.setOracleGuard(await oracle.getAddress(), PRICE, 3600, 1000); // 1 hour, 10 %
    for (const user of [alice!, bob!]) {
      await weth.mint(await user.getAddress(), 1000n);
      await usdc.mint(await user.getAddress(), 10n ** 12n);
      await weth.connect(user).approve(await pool.getAddress(), 1000n);
      await usdc.connect(user).approve(await pool.getAddress(), 10n ** 12n);
      await pool.connect(user).deposit(0, 1000n);
    }
    await pool.setLimits(await weth.getAddress(), 500n, 1000n); // per hour: warn above 500, halt above 1000
    return { pool, weth, usdc, oracle, governance: governance!, guardian: guardian!, alice: alice!, bob: bob!, attacker: attacker! };
  }

  describe("rate limit with staged intervention", () => {
    it("pays outflows up to the warning limit at once, and locks the first one beyond it", async () => {
      const { pool, weth, alice } = await loadFixture(fixture);
      await pool.connect(alice).withdraw(0, 500n);
      expect(await weth.balanceOf(await alice.getAddress())).to.equal(500n);
      await expect(pool.connect(alice).withdraw(0, 1n)).to.emit(pool, "BreakerWarning").withArgs(await weth.getAddress(), 501n, 0n, await alice.getAddress(), 1n);
      expect(await weth.balanceOf(await alice.getAddress())).to.equal(500n);
      expect(await pool.halted()).to.equal(false);
    });

    it("releases a warned outflow after the lock delay, and not before", async () => {
      const { pool, weth, alice, bob } = await loadFixture(fixture);
      await pool.connect(alice).withdraw(0, 400n);
      await pool.connect(bob).withdraw(0, 200n);
      const lock = await pool.lockedOutflow(0);
      await expect(pool.connect(bob).releaseLocked(0)).to.be.revertedWithCustomError(pool, "CircuitBreakerLockNotDue").withArgs(0, lock.releaseAt);
      await time.increaseTo(lock.releaseAt);
      await expect(pool.connect(bob).releaseLocked(0)).to.emit(pool, "OutflowReleased").withArgs(0, await bob.getAddress(), 200n);
      expect(await weth.balanceOf(await bob.getAddress())).to.equal(200n);
      await expect(pool.releaseLocked(0)).to.be.revertedWithCustomError(pool, "CircuitBreakerLockSettled").withArgs(0);
    });

    it("halts on the outflow that crosses the halt limit in the window, and locks it", async () => {
      const { pool, weth, alice, bob } = await loadFixture(fixture);
      await pool.connect(alice).withdraw(0, 500n);
      await pool.connect(bob).withdraw(0, 500n); // 1000: warned and locked, not yet halted
      expect(await pool.halted()).to.equal(false);
      await expect(pool.connect(alice).withdraw(0, 1n)).to.emit(pool, "BreakerHalted");
      expect(await pool.halted()).to.equal(true);
      expect(await weth.balanceOf(await alice.getAddress())).to.equal(500n);
      await expect(pool.connect(bob).withdraw(0, 1n)).to.be.revertedWithCustomError(pool, "CircuitBreakerHalted");
      await expect(pool.releaseLocked(1)).to.be.revertedWithCustomError(pool, "CircuitBreakerHalted");
    });

    it("counts only the rolling window: the same outflows spread over two windows pass", async () => {
      const { pool, weth, alice, bob } = await loadFixture(fixture);
      await pool.connect(alice).withdraw(0, 450n);
      await time.increase(WINDOW + WINDOW / 12);
      await pool.connect(bob).withdraw(0, 450n);
      expect(await weth.balanceOf(await bob.getAddress())).to.equal(450n);
      expect(await pool.windowOutflow(await weth.getAddress())).to.equal(450n);
    });

    it("thresholds are governance's: a guardian can halt but cannot set limits or resume", async () => {
      const { pool, weth, guardian, governance } = await loadFixture(fixture);
      const adminRole = await pool.DEFAULT_ADMIN_ROLE();
      await expect(pool.connect(guardian).setLimits(await weth.getAddress(), 1n, 2n))
        .to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount")
        .withArgs(await guardian.getAddress(), adminRole);
      await expect(pool.connect(guardian).halt("suspicious flow")).to.emit(pool, "BreakerHalted").withArgs(await guardian.getAddress(), "suspicious flow");
      await expect(pool.connect(guardian).resume()).to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount");
      await expect(pool.connect(governance).resume()).to.emit(pool, "BreakerResumed");
      expect(await pool.halted()).to.equal(false);
      await expect(pool.setLimits(await weth.getAddress(), 5n, 4n)).to.be.revertedWithCustomError(pool, "CircuitBreakerInvalidLimits").withArgs(5n, 4n);
    });

    it("governance can cancel a locked withdrawal, which gives the deposit back", async () => {
      const { pool, alice } = await loadFixture(fixture);
      await pool.connect(alice).withdraw(0, 600n); // above the warning limit: locked
      expect(await pool.depositOf(await alice.getAddress(), 0)).to.equal(400n);
      await expect(pool.cancelLocked(0)).to.emit(pool, "OutflowCancelled");
      expect(await pool.depositOf(await alice.getAddress(), 0)).to.equal(1000n);
      expect(await pool.solvent(0)).to.equal(true);
    });
  });

  describe("oracle guard", () => {
    it("halts instead of lending when the price deviates beyond the bound", async () => {
      const { pool, oracle, usdc, alice } = await loadFixture(fixture);
      await oracle.setPrice((PRICE * 115n) / 100n); // +15 % against a 10 % bound
      await expect(pool.connect(alice).borrow(1, 1000n)).to.emit(pool, "BreakerHalted").withArgs(await alice.getAddress(), "oracle price deviates from the reference");
      expect(await pool.halted()).to.equal(true);
      expect(await usdc.balanceOf(await pool.getAddress())).to.equal(0n);
      expect(await pool.debtOf(await alice.getAddress(), 1)).to.equal(0n);
    });

    it("halts instead of lending on a stale price", async () => {
      const { pool, oracle, alice } = await loadFixture(fixture);
      await oracle.setPriceAt(PRICE, (await time.latest()) - 2 * 3600);
      await expect(pool.connect(alice).borrow(1, 1000n)).to.emit(pool, "BreakerHalted").withArgs(await alice.getAddress(), "stale oracle price");
      expect(await pool.halted()).to.equal(true);
    });

    it("lends within the bound at the oracle price, up to 50 % of the collateral, and no more", async () => {
      const { pool, weth, usdc, alice, bob } = await loadFixture(fixture);
      await pool.connect(alice).deposit(1, 10_000n * 10n ** 6n); // USDC liquidity
      await weth.mint(await bob.getAddress(), 10n ** 18n);
      await weth.connect(bob).approve(await pool.getAddress(), 10n ** 18n);
      await pool.connect(bob).deposit(0, 10n ** 18n); // 1 WETH = 3,000 USDC of collateral
      await pool.connect(bob).borrow(1, 1_500n * 10n ** 6n);
      expect(await usdc.balanceOf(await bob.getAddress())).to.equal(10n ** 12n + 1_500n * 10n ** 6n);
      await expect(pool.connect(bob).borrow(1, 1n))
        .to.be.revertedWithCustomError(pool, "DemoLendingPoolUndercollateralized")
        .withArgs(await bob.getAddress(), 1, 1n, 1_500n * 10n ** 6n);
      expect(await pool.halted()).to.equal(false);
    });
  });

  describe("safe mode", () => {
    it("an invariant violation enters safe mode autonomously", async () => {
      const { pool, weth, attacker } = await loadFixture(fixture);
      await expect(pool.connect(attacker).rescueTokens(0, await attacker.getAddress(), 100n)).to.emit(pool, "SafeModeEntered").withArgs(0, 1900n, 2000n);
      expect(await pool.safeMode()).to.equal(true);
      expect(await weth.balanceOf(await attacker.getAddress())).to.equal(100n);
    });

    it("in safe mode nothing can be borrowed and withdrawals pay only the pro-rata share", async () => {
      const { pool, weth, attacker, alice } = await loadFixture(fixture);
      await pool.connect(attacker).rescueTokens(0, await attacker.getAddress(), 200n); // 1800 held for 2000 owed
      await expect(pool.connect(alice).borrow(1, 1n)).to.be.revertedWithCustomError(pool, "DemoLendingPoolSafeMode");
      await expect(pool.connect(alice).withdraw(0, 100n)).to.emit(pool, "Withdrawn").withArgs(await alice.getAddress(), 0, 100n, 90n);
      expect(await weth.balanceOf(await alice.getAddress())).to.equal(90n);
      // The ratio is unchanged for those who stay: 1710 held for 1900 owed is still 90 %.
      expect((await pool.cash(0)) * 10n ** 6n / (await pool.totalDeposits(0))).to.equal(900_000n);
    });

    it("only governance leaves safe mode, and only once the invariants hold", async () => {
      const { pool, attacker, guardian, governance } = await loadFixture(fixture);
      await pool.connect(attacker).rescueTokens(0, await attacker.getAddress(), 700n); // above the warning limit: locked in the pool
      expect(await pool.safeMode()).to.equal(true);
      await expect(pool.connect(guardian).exitSafeMode()).to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount");
      await expect(pool.connect(governance).exitSafeMode()).to.be.revertedWithCustomError(pool, "DemoLendingPoolInvariantsBroken").withArgs(0);
      await pool.connect(governance).cancelLocked(0); // the exploit's outflow is clawed back
      await expect(pool.connect(governance).exitSafeMode()).to.emit(pool, "SafeModeExited");
      expect(await pool.safeMode()).to.equal(false);
    });
  });
});
