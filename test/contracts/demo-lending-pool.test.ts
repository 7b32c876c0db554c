import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";

import { seededRandom } from "../helpers/hashing";
import { deployPool, setOracleGuard } from "./helpers/demo-pool";
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
    const { pool } = await deployPool(governance!, {
      asset0: await weth.getAddress(),
      asset1: await usdc.getAddress(),
      governance: await governance!.getAddress(),
      window: WINDOW,
      lockDelay: LOCK_DELAY,
    });
    await pool.grantRole(await pool.GUARDIAN_ROLE(), await guardian!.getAddress());
    const oracle = await (await ethers.getContractFactory("DemoPriceOracle", governance)).deploy();
    await oracle.setPrice(PRICE);
    await setOracleGuard(pool, await oracle.getAddress(), PRICE, 3600, 1000); // 1 hour, 10 %
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
      await expect(pool.connect(alice).withdraw(0, 1n))
        .to.emit(pool, "BreakerWarning")
        .withArgs(await weth.getAddress(), 501n, 0n, await alice.getAddress(), 1n);
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
      await expect(pool.connect(bob).releaseLocked(0))
        .to.emit(pool, "OutflowReleased")
        .withArgs(0, await bob.getAddress(), 200n);
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
      await expect(pool.connect(guardian).halt("suspicious flow"))
        .to.emit(pool, "BreakerHalted")
        .withArgs(await guardian.getAddress(), "suspicious flow");
      await expect(pool.connect(guardian).resume()).to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount");
      await expect(pool.connect(governance).resume()).to.emit(pool, "BreakerResumed");
      expect(await pool.halted()).to.equal(false);
      await expect(pool.setLimits(await weth.getAddress(), 5n, 4n))
        .to.be.revertedWithCustomError(pool, "CircuitBreakerInvalidLimits")
        .withArgs(5n, 4n);
    });

    it("governance can cancel a locked withdrawal, which gives the deposit back", async () => {
      const { pool, alice } = await loadFixture(fixture);
      await pool.connect(alice).withdraw(0, 600n); // above the warning limit: locked
      expect(await pool.depositOf(await alice.getAddress(), 0)).to.equal(400n);
      await expect(pool.cancelLocked(0))
        .to.emit(pool, "OutflowCancelled")
        .and.to.emit(pool, "WithdrawalCancelled")
        .withArgs(await alice.getAddress(), 0, 600n);
      expect(await pool.depositOf(await alice.getAddress(), 0)).to.equal(1000n);
      expect(await pool.solvent(0)).to.equal(true);
    });
  });

  describe("oracle guard", () => {
    it("halts instead of lending when the price deviates beyond the bound", async () => {
      const { pool, oracle, weth, usdc, alice } = await loadFixture(fixture);
      await oracle.setPrice((PRICE * 115n) / 100n); // +15 % against a 10 % bound
      const refusal = pool.interface.encodeErrorResult("OracleGuardDeviatesFromReference", [await weth.getAddress(), (PRICE * 115n) / 100n, PRICE, 1000]);
      await expect(pool.connect(alice).borrow(1, 1000n))
        .to.emit(pool, "OracleGuardPriceRejected")
        .withArgs(await weth.getAddress(), refusal)
        .and.to.emit(pool, "BreakerHalted")
        .withArgs(await alice.getAddress(), "oracle price refused");
      expect(await pool.halted()).to.equal(true);
      expect(await usdc.balanceOf(await pool.getAddress())).to.equal(0n);
      expect(await pool.debtOf(await alice.getAddress(), 1)).to.equal(0n);
    });

    it("halts instead of lending on a stale price", async () => {
      const { pool, oracle, weth, alice } = await loadFixture(fixture);
      await oracle.setPriceAt(PRICE, (await time.latest()) - 2 * 3600);
      const refusal = pool.interface.encodeErrorResult("OracleGuardTooFewValidFeeds", [await weth.getAddress(), 0, 1]);
      await expect(pool.connect(alice).borrow(1, 1000n))
        .to.emit(pool, "OracleGuardPriceRejected")
        .withArgs(await weth.getAddress(), refusal)
        .and.to.emit(pool, "BreakerHalted")
        .withArgs(await alice.getAddress(), "oracle price refused");
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
        .withArgs(await bob.getAddress(), 1_500n * 10n ** 6n + 1n, 1_500n * 10n ** 6n);
      expect(await pool.halted()).to.equal(false);
    });
  });

  describe("safe mode", () => {
    it("an invariant violation enters safe mode autonomously", async () => {
      const { pool, weth, attacker } = await loadFixture(fixture);
      await expect(pool.connect(attacker).rescueTokens(0, await attacker.getAddress(), 100n))
        .to.emit(pool, "SafeModeEntered")
        .withArgs(1, await attacker.getAddress());
      expect(await pool.safeMode()).to.equal(true);
      expect(await weth.balanceOf(await attacker.getAddress())).to.equal(100n);
    });

    it("in safe mode nothing can be borrowed and withdrawals pay only the pro-rata share", async () => {
      const { pool, weth, attacker, alice } = await loadFixture(fixture);
      await pool.connect(attacker).rescueTokens(0, await attacker.getAddress(), 200n); // 1800 held for 2000 owed
      await expect(pool.connect(alice).borrow(1, 1n)).to.be.revertedWithCustomError(pool, "SafeModeEnforced");
      await expect(pool.connect(alice).withdraw(0, 100n))
        .to.emit(pool, "Withdrawn")
        .withArgs(await alice.getAddress(), 0, 100n, 90n);
      expect(await weth.balanceOf(await alice.getAddress())).to.equal(90n);
      // The ratio is unchanged for those who stay: 1710 held for 1900 owed is still 90 %.
      expect(((await pool.cash(0)) * 10n ** 6n) / (await pool.totalDeposits(0))).to.equal(900_000n);
    });

    it("only governance leaves safe mode, and only once the invariants hold", async () => {
      const { pool, attacker, guardian, governance } = await loadFixture(fixture);
      await pool.connect(attacker).rescueTokens(0, await attacker.getAddress(), 700n); // above the warning limit: locked in the pool
      expect(await pool.safeMode()).to.equal(true);
      await expect(pool.connect(guardian).exitSafeMode()).to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount");
      await expect(pool.connect(governance).exitSafeMode()).to.be.revertedWithCustomError(pool, "SafeModeInvariantBroken").withArgs(1);
      await pool.connect(governance).cancelLocked(0); // the exploit's outflow is clawed back
      await expect(pool.connect(governance).exitSafeMode()).to.emit(pool, "SafeModeExited");
      expect(await pool.safeMode()).to.equal(false);
    });
  });

  const WETH = 10n ** 18n;
  const USDC = 10n ** 6n;

  /** Alice supplies 10,000 USDC; Bob deposits 1 WETH (3,000 USDC of collateral at the oracle price). */
  async function lending() {
    const f = await loadFixture(fixture);
    await f.pool.setLimits(await f.weth.getAddress(), 100n * WETH, 200n * WETH);
    await f.pool.connect(f.alice).deposit(1, 10_000n * USDC);
    await f.weth.mint(await f.bob.getAddress(), WETH);
    await f.weth.connect(f.bob).approve(await f.pool.getAddress(), WETH);
    await f.pool.connect(f.bob).deposit(0, WETH);
    return f;
  }

  /** The market falls: the oracle and governance's reference follow it. */
  async function priceFallsTo(f: Awaited<ReturnType<typeof fixture>>, price: bigint) {
    await f.oracle.setPrice(price);
    await setOracleGuard(f.pool, await f.oracle.getAddress(), price, 3600, 1000);
  }

  describe("withdrawals and borrows respect collateral (issue 11, item 9)", () => {
    it("refuses to let a borrower withdraw the collateral behind its debt", async () => {
      const f = await lending();
      const bob = await f.bob.getAddress();
      await f.pool.connect(f.bob).borrow(1, 1_500n * USDC);
      await expect(f.pool.connect(f.bob).withdraw(0, WETH + 1000n))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolUndercollateralized")
        .withArgs(bob, 1_500n * USDC, 0n);
      await expect(f.pool.connect(f.bob).withdraw(0, 1001n))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolUndercollateralized")
        .withArgs(bob, 1_500n * USDC, 1_500n * USDC - 1n);
      // Half the debt repaid frees half the collateral, exactly.
      await f.pool.connect(f.bob).repay(1, 750n * USDC);
      await f.pool.connect(f.bob).withdraw(0, WETH / 2n);
      expect(await f.pool.depositOf(bob, 0)).to.equal(WETH / 2n + 1000n);
      await expect(f.pool.connect(f.bob).withdraw(0, 1001n)).to.be.revertedWithCustomError(f.pool, "DemoLendingPoolUndercollateralized");
      expect(await f.pool.accountValues(bob)).to.deep.equal([1_500n * USDC, 750n * USDC, 750n * USDC, 1_125n * USDC]);
    });

    it("values all of an account's deposits and debts together (cross-margin), debt rounded up", async () => {
      const f = await lending();
      const bob = await f.bob.getAddress();
      await f.usdc.connect(f.bob).approve(await f.pool.getAddress(), 10n ** 12n);
      await f.pool.connect(f.bob).deposit(1, 1_000n * USDC); // 4,000 of collateral in all
      await f.pool.connect(f.bob).borrow(0, WETH / 3n); // 1,000 USDC of debt, rounded up
      // Were the WETH debt rounded down (999.999999…), one more unit would still fit.
      await expect(f.pool.connect(f.bob).borrow(1, 1_000n * USDC + 1n))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolUndercollateralized")
        .withArgs(bob, 2_000n * USDC + 1n, 2_000n * USDC);
      await f.pool.connect(f.bob).borrow(1, 1_000n * USDC);
      expect(await f.pool.borrowers()).to.deep.equal([bob]);
    });

    it("halts instead of paying a withdrawal by an account in debt on a stale price", async () => {
      const f = await lending();
      await f.pool.connect(f.bob).borrow(1, 100n * USDC);
      await f.oracle.setPriceAt(PRICE, (await time.latest()) - 2 * 3600);
      await expect(f.pool.connect(f.bob).withdraw(0, WETH / 2n))
        .to.emit(f.pool, "BreakerHalted")
        .withArgs(await f.bob.getAddress(), "oracle price refused");
      expect(await f.pool.halted()).to.equal(true);
      expect(await f.pool.depositOf(await f.bob.getAddress(), 0)).to.equal(WETH + 1000n);
    });

    it("lets an account without debt withdraw without consulting the oracle", async () => {
      const f = await lending();
      await f.oracle.setPriceAt(PRICE, (await time.latest()) - 2 * 3600);
      await f.pool.connect(f.bob).withdraw(0, WETH);
      expect(await f.weth.balanceOf(await f.bob.getAddress())).to.equal(WETH);
      expect(await f.pool.halted()).to.equal(false);
    });

    it("does not count bad debt as an asset: assessing an underwater borrower after a price fall enters safe mode", async () => {
      const f = await lending();
      const bob = await f.bob.getAddress();
      await f.pool.connect(f.bob).borrow(1, 1_500n * USDC);
      await priceFallsTo(f, 1_200n * USDC); // 1 WETH now covers 1,200 of the 1,500 owed
      expect(await f.pool.accountValues(bob)).to.deep.equal([1_200n * USDC, 1_500n * USDC, 600n * USDC, 900n * USDC]);
      expect(await f.pool.solvent(1)).to.equal(true); // not yet recognised
      await expect(f.pool.connect(f.attacker).assess([bob]))
        .to.emit(f.pool, "BadDebtAssessed")
        .withArgs(bob, 0n, 300n * USDC)
        .and.to.emit(f.pool, "SafeModeEntered")
        .withArgs(2, anyValue);
      expect(await f.pool.totalBadDebt(1)).to.equal(300n * USDC);
      expect(await f.pool.badDebtOf(bob)).to.deep.equal([0n, 300n * USDC]);
      expect(await f.pool.assetsHeld(1)).to.equal(9_700n * USDC);
      // Safe mode: Alice is paid her 97 %, and the borrower cannot take the collateral back.
      await expect(f.pool.connect(f.alice).withdraw(1, 1_000n * USDC))
        .to.emit(f.pool, "Withdrawn")
        .withArgs(await f.alice.getAddress(), 1, 1_000n * USDC, 970n * USDC);
      await expect(f.pool.connect(f.bob).withdraw(0, 1n)).to.be.revertedWithCustomError(f.pool, "DemoLendingPoolUndercollateralized");
      await expect(f.pool.exitSafeMode()).to.be.revertedWithCustomError(f.pool, "SafeModeInvariantBroken").withArgs(2);
      // Repaid in full, the bad debt is gone and governance may leave safe mode.
      await f.pool.connect(f.bob).repay(1, 1_500n * USDC);
      expect(await f.pool.totalBadDebt(1)).to.equal(0n);
      expect(await f.pool.borrowers()).to.deep.equal([]);
      await expect(f.pool.exitSafeMode()).to.emit(f.pool, "SafeModeExited");
    });

    it("attributes an account's bad debt to each debt asset in proportion, rounded up", async () => {
      const f = await lending();
      const bob = await f.bob.getAddress();
      await f.weth.mint(await f.alice.getAddress(), WETH);
      await f.weth.connect(f.alice).approve(await f.pool.getAddress(), WETH);
      await f.pool.connect(f.alice).deposit(0, WETH);
      await f.pool.connect(f.bob).borrow(0, WETH / 5n); // 600
      await f.pool.connect(f.bob).borrow(1, 900n * USDC); // 1,500 in all
      await priceFallsTo(f, 1_000n * USDC); // collateral 1,000, debt 1,100: 100 uncovered
      await expect(f.pool.assess([bob, await f.alice.getAddress()]))
        .to.emit(f.pool, "BadDebtAssessed")
        .withArgs(bob, anyValue, anyValue);
      await expect(f.pool.assess([bob, await f.alice.getAddress()])).to.not.emit(f.pool, "BadDebtAssessed"); // nothing changed
      const ceil = (a: bigint, b: bigint, c: bigint) => (a * b + c - 1n) / c;
      const debtValue = 200n * USDC + 900n * USDC;
      const collateral = 1_000n * USDC + (1000n * 1_000n * USDC) / WETH;
      expect(await f.pool.badDebtOf(bob)).to.deep.equal([
        ceil(WETH / 5n, debtValue - collateral, debtValue),
        ceil(900n * USDC, debtValue - collateral, debtValue),
      ]);
      expect(await f.pool.badDebtOf(await f.alice.getAddress())).to.deep.equal([0n, 0n]);
      // A partial repayment keeps the recognised bad debt as an upper bound; a new assessment at a
      // recovered price clears it.
      await f.weth.connect(f.bob).approve(await f.pool.getAddress(), WETH);
      await f.pool.connect(f.bob).repay(0, WETH / 5n - 1n);
      expect((await f.pool.badDebtOf(bob))[0]).to.equal(1n);
      await priceFallsTo(f, 3_000n * USDC);
      await f.pool.assess([bob]);
      expect(await f.pool.badDebtOf(bob)).to.deep.equal([0n, 0n]);
    });

    it("halts instead of assessing on a price the guard refuses", async () => {
      const f = await lending();
      await f.pool.connect(f.bob).borrow(1, 1_500n * USDC);
      await f.oracle.setPrice(1_200n * USDC); // the reference did not move: a 60 % deviation
      await expect(f.pool.assess([await f.bob.getAddress()]))
        .to.emit(f.pool, "BreakerHalted")
        .withArgs(await f.governance.getAddress(), "oracle price refused");
      expect(await f.pool.totalBadDebt(1)).to.equal(0n);
    });

    it("refuses to lend or pay out more than the pool holds, by name", async () => {
      const f = await lending();
      await expect(f.pool.connect(f.bob).borrow(1, 10_000n * USDC + 1n))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInsufficientLiquidity")
        .withArgs(1, 10_000n * USDC + 1n, 10_000n * USDC);
      await f.weth.mint(await f.alice.getAddress(), 10n * WETH);
      await f.weth.connect(f.alice).approve(await f.pool.getAddress(), 10n * WETH);
      await f.pool.connect(f.alice).deposit(0, 10n * WETH);
      await f.usdc.connect(f.bob).approve(await f.pool.getAddress(), 10n ** 12n);
      await f.pool.connect(f.bob).deposit(1, 1n);
      await f.pool.connect(f.alice).borrow(1, 10_000n * USDC + 1n); // all of the USDC lent out
      await expect(f.pool.connect(f.bob).withdraw(1, 1n)).to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInsufficientLiquidity").withArgs(1, 1n, 0n);
    });
  });

  describe("a cancelled locked outflow is undone completely (issue 11, item 10)", () => {
    async function lockedBorrow() {
      const f = await lending();
      await f.pool.setLimits(await f.usdc.getAddress(), 1_000n * USDC, 5_000n * USDC);
      await f.pool.connect(f.bob).borrow(1, 1_200n * USDC); // above the warning limit: locked
      return f;
    }

    it("a cancelled borrow removes the debt, and the pool is as before", async () => {
      const f = await lockedBorrow();
      const bob = await f.bob.getAddress();
      expect(await f.pool.debtOf(bob, 1)).to.equal(1_200n * USDC);
      await expect(f.pool.cancelLocked(0))
        .to.emit(f.pool, "BorrowCancelled")
        .withArgs(bob, 1, 1_200n * USDC, 0n);
      expect(await f.pool.debtOf(bob, 1)).to.equal(0n);
      expect(await f.pool.totalBorrowed(1)).to.equal(0n);
      expect(await f.pool.cash(1)).to.equal(10_000n * USDC);
      expect(await f.pool.lockedOut(1)).to.equal(0n);
      expect(await f.pool.borrowers()).to.deep.equal([]);
      expect(await f.usdc.balanceOf(bob)).to.equal(10n ** 12n);
      // Nothing owed: the whole collateral can leave.
      await f.pool.connect(f.bob).withdraw(0, WETH + 1000n);
      expect(await f.pool.solvent(1)).to.equal(true);
    });

    it("a borrow repaid before its lock was cancelled gives the repayment back as a deposit", async () => {
      const f = await lockedBorrow();
      const bob = await f.bob.getAddress();
      await f.usdc.connect(f.bob).approve(await f.pool.getAddress(), 10n ** 12n);
      await f.pool.connect(f.bob).repay(1, 1_000n * USDC); // from his own funds
      await expect(f.pool.cancelLocked(0))
        .to.emit(f.pool, "BorrowCancelled")
        .withArgs(bob, 1, 200n * USDC, 1_000n * USDC);
      expect(await f.pool.debtOf(bob, 1)).to.equal(0n);
      expect(await f.pool.depositOf(bob, 1)).to.equal(1_000n * USDC);
      expect(await f.pool.solvent(1)).to.equal(true);
      // A cancelled outflow still counts in the window it was made in: wait for the next one.
      await time.increase(WINDOW);
      await f.pool.connect(f.bob).withdraw(1, 1_000n * USDC);
      expect(await f.usdc.balanceOf(bob)).to.equal(10n ** 12n);
    });

    it("a released borrow pays the borrower and keeps the debt", async () => {
      const f = await lockedBorrow();
      await time.increase(LOCK_DELAY);
      await f.pool.releaseLocked(0);
      expect(await f.usdc.balanceOf(await f.bob.getAddress())).to.equal(10n ** 12n + 1_200n * USDC);
      expect(await f.pool.debtOf(await f.bob.getAddress(), 1)).to.equal(1_200n * USDC);
      expect(await f.pool.lockedOut(1)).to.equal(0n);
      await expect(f.pool.cancelLocked(0)).to.be.revertedWithCustomError(f.pool, "CircuitBreakerLockSettled").withArgs(0);
    });

    it("a cancelled withdrawal in safe mode gives back the whole deposit it consumed, and the ratio is kept", async () => {
      const f = await loadFixture(fixture);
      const alice = await f.alice.getAddress();
      await f.pool.connect(f.attacker).rescueTokens(0, await f.attacker.getAddress(), 200n); // 90 %
      await f.pool.setLimits(await f.weth.getAddress(), 50n, 1000n);
      await f.pool.connect(f.alice).withdraw(0, 300n); // pays 270, locked
      expect(await f.pool.lockedOut(0)).to.equal(270n);
      await expect(f.pool.cancelLocked(0)).to.emit(f.pool, "WithdrawalCancelled").withArgs(alice, 0, 300n);
      expect(await f.pool.depositOf(alice, 0)).to.equal(1000n);
      expect(await f.pool.assetsHeld(0)).to.equal(1800n);
      expect(await f.pool.totalDeposits(0)).to.equal(2000n);
    });
  });

  describe("safe mode pays pro rata from what the pool actually holds (issue 11, item 11)", () => {
    async function seizable() {
      const [governance, alice, bob, carol, dave] = await ethers.getSigners();
      const sUsd = await (await ethers.getContractFactory("SeizableToken", governance)).deploy();
      const other = await (await ethers.getContractFactory("TestToken", governance)).deploy("Other", "OTH", 18);
      const { pool } = await deployPool(governance!, {
        asset0: await sUsd.getAddress(),
        asset1: await other.getAddress(),
        governance: await governance!.getAddress(),
        window: WINDOW,
        lockDelay: LOCK_DELAY,
      });
      const users = [alice!, bob!, carol!, dave!];
      for (const user of users) {
        await sUsd.mint(await user.getAddress(), 10n ** 24n);
        await sUsd.connect(user).approve(await pool.getAddress(), 10n ** 24n);
      }
      return { pool, sUsd, users };
    }

    it("tokens taken from the pool behind its books: the first withdrawer gets the same fraction as the last", async () => {
      const { pool, sUsd, users } = await loadFixture(seizable);
      for (const user of users.slice(0, 3)) await pool.connect(user).deposit(0, 1_000n);
      await sUsd.seize(await pool.getAddress(), 900n); // 2,100 left for 3,000 owed
      const paid: bigint[] = [];
      for (const user of users.slice(0, 3)) {
        const before = await sUsd.balanceOf(await user.getAddress());
        await pool.connect(user).withdraw(0, 1_000n);
        paid.push((await sUsd.balanceOf(await user.getAddress())) - before);
      }
      expect(paid).to.deep.equal([700n, 700n, 700n]);
      expect(await pool.safeMode()).to.equal(true);
      expect(await sUsd.balanceOf(await pool.getAddress())).to.equal(0n);
    });

    it("refuses a deposit into a pool whose tokens went missing behind its books, before safe mode is recorded", async () => {
      const { pool, sUsd, users } = await loadFixture(seizable);
      await pool.connect(users[0]!).deposit(0, 1_000n);
      await sUsd.seize(await pool.getAddress(), 100n);
      expect(await pool.safeMode()).to.equal(false);
      await expect(pool.connect(users[1]!).deposit(0, 1_000n)).to.be.revertedWithCustomError(pool, "SafeModeEnforced");
      await expect(pool.connect(users[0]!).withdraw(0, 1_000n))
        .to.emit(pool, "SafeModeEntered")
        .withArgs(1, await users[0]!.getAddress());
    });

    it("property: whatever goes missing, every depositor who withdraws everything gets the same fraction (to a unit per withdrawal)", async () => {
      for (const seed of [11, 12, 13, 14, 15]) {
        const { pool, sUsd, users } = await loadFixture(seizable);
        const random = seededRandom(seed);
        const deposits = users.map(() => 1n + BigInt(Math.floor(random() * 1e9)));
        for (const [i, user] of users.entries()) await pool.connect(user).deposit(0, deposits[i]!);
        const owed = deposits.reduce((a, b) => a + b, 0n);
        // Losses of both kinds: tokens seized behind the books, tokens taken through the bug.
        const seized = BigInt(Math.floor(random() * Number(owed) * 0.3));
        const rescued = BigInt(Math.floor(random() * Number(owed) * 0.3));
        await sUsd.seize(await pool.getAddress(), seized);
        await pool.rescueTokens(0, await users[0]!.getAddress(), rescued);
        const held = owed - seized - rescued;
        const paid = users.map(() => 0n);
        let withdrawals = 0;
        const left = [...deposits];
        while (left.some((amount) => amount > 0n)) {
          const i = Math.floor(random() * users.length);
          if (left[i] === 0n) continue;
          const amount = random() < 0.4 ? left[i]! : 1n + BigInt(Math.floor(random() * Number(left[i]!)));
          const user = users[i]!;
          const before = await sUsd.balanceOf(await user.getAddress());
          await pool.connect(user).withdraw(0, amount);
          paid[i]! += (await sUsd.balanceOf(await user.getAddress())) - before;
          left[i]! -= amount;
          withdrawals += 1;
        }
        for (const [i, deposit] of deposits.entries()) {
          const fair = (deposit * held) / owed;
          const gap = paid[i]! > fair ? paid[i]! - fair : fair - paid[i]!;
          expect(gap, `seed ${seed}: depositor ${i} paid ${paid[i]} for a fair ${fair}`).to.be.at.most(BigInt(withdrawals));
        }
      }
    });
  });

  describe("refusals", () => {
    it("refuses zero amounts and unknown assets by name", async () => {
      const { pool, alice } = await loadFixture(fixture);
      for (const call of [
        () => pool.connect(alice).deposit(0, 0n),
        () => pool.connect(alice).withdraw(0, 0n),
        () => pool.connect(alice).borrow(1, 0n),
        () => pool.connect(alice).repay(1, 0n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(pool, "DemoLendingPoolZeroAmount");
      }
      for (const call of [
        () => pool.connect(alice).deposit(2, 1n),
        () => pool.connect(alice).withdraw(2, 1n),
        () => pool.connect(alice).borrow(2, 1n),
        () => pool.connect(alice).repay(2, 1n),
        async () => pool.rescueTokens(2, await alice.getAddress(), 1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(pool, "DemoLendingPoolInvalidAsset").withArgs(2);
      }
      await expect(pool.solvent(2)).to.be.revertedWithCustomError(pool, "DemoLendingPoolInvalidAsset").withArgs(2);
      await expect(pool.assetsHeld(7)).to.be.revertedWithCustomError(pool, "DemoLendingPoolInvalidAsset").withArgs(7);
    });

    it("refuses every guarded operation while halted, but takes repayments", async () => {
      const { pool, alice, guardian } = await loadFixture(fixture);
      await pool.connect(guardian).halt("incident");
      for (const call of [
        () => pool.connect(alice).deposit(0, 1n),
        () => pool.connect(alice).withdraw(0, 1n),
        () => pool.connect(alice).borrow(1, 1n),
        async () => pool.rescueTokens(0, await alice.getAddress(), 1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(pool, "CircuitBreakerHalted");
      }
      await expect(pool.connect(alice).repay(1, 1n)).to.be.revertedWithCustomError(pool, "DemoLendingPoolRepayExceedsDebt");
    });

    it("refuses a withdrawal above the deposit and a repayment above the debt", async () => {
      const { pool, alice } = await loadFixture(fixture);
      await expect(pool.connect(alice).withdraw(0, 1001n))
        .to.be.revertedWithCustomError(pool, "DemoLendingPoolInsufficientDeposit")
        .withArgs(await alice.getAddress(), 0, 1001n);
      await expect(pool.connect(alice).repay(1, 1n))
        .to.be.revertedWithCustomError(pool, "DemoLendingPoolRepayExceedsDebt")
        .withArgs(await alice.getAddress(), 1, 1n, 0n);
    });

    it("refuses deposits and seeding in safe mode, where they would make up others' shortfall", async () => {
      const { pool, attacker, alice, governance } = await loadFixture(fixture);
      await pool.connect(attacker).rescueTokens(0, await attacker.getAddress(), 100n);
      await expect(pool.connect(alice).deposit(0, 1n)).to.be.revertedWithCustomError(pool, "SafeModeEnforced");
      await expect(pool.connect(governance).seedPositions([], [], [])).to.be.revertedWithCustomError(pool, "SafeModeEnforced");
    });

    it("seeds positions in bulk from the owner's tokens, announcing each deposit", async () => {
      const { pool, weth, usdc, governance, alice, bob } = await loadFixture(fixture);
      const [a, b] = [await alice.getAddress(), await bob.getAddress()];
      await weth.mint(await governance.getAddress(), 30n);
      await usdc.mint(await governance.getAddress(), 5n);
      await weth.approve(await pool.getAddress(), 30n);
      await usdc.approve(await pool.getAddress(), 5n);
      const seeded = await pool.seedPositions([a, b], [30n, 0n], [0n, 5n]);
      await expect(seeded).to.emit(pool, "Deposited").withArgs(a, 0, 30n).and.to.emit(pool, "Deposited").withArgs(b, 1, 5n);
      expect((await seeded.wait())!.logs.filter((log) => pool.interface.parseLog(log)?.name === "Deposited")).to.have.length(2);
      expect(await pool.positionsOf([a, b])).to.deep.equal([
        [
          [1030n, 0n],
          [1000n, 5n],
        ],
        [
          [0n, 0n],
          [0n, 0n],
        ],
      ]);
      expect(await pool.totalDeposits(0)).to.equal(2030n);
      expect(await pool.cash(1)).to.equal(5n);
    });

    it("refuses seeding by anyone but the owner, and lists of different lengths", async () => {
      const { pool, alice, governance } = await loadFixture(fixture);
      await expect(pool.connect(alice).seedPositions([], [], []))
        .to.be.revertedWithCustomError(pool, "DemoLendingPoolNotOwner")
        .withArgs(await alice.getAddress());
      await expect(pool.connect(governance).seedPositions([await alice.getAddress()], [1n], [])).to.be.revertedWithCustomError(
        pool,
        "DemoLendingPoolLengthMismatch",
      );
      await expect(pool.connect(governance).seedPositions([await alice.getAddress()], [], [1n])).to.be.revertedWithCustomError(
        pool,
        "DemoLendingPoolLengthMismatch",
      );
    });

    it("lets only governance set the feeds and the reference, and never to no feed or half a reference", async () => {
      const { pool, oracle, guardian } = await loadFixture(fixture);
      const admin = await pool.DEFAULT_ADMIN_ROLE();
      await expect(pool.connect(guardian).setOracle([await oracle.getAddress()], [3600], 1, 10_000))
        .to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount")
        .withArgs(await guardian.getAddress(), admin);
      await expect(pool.connect(guardian).setReferencePrice(PRICE, 1000))
        .to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount")
        .withArgs(await guardian.getAddress(), admin);
      await expect(pool.setOracle([ethers.ZeroAddress], [3600], 1, 10_000))
        .to.be.revertedWithCustomError(pool, "OracleGuardInvalidFeed")
        .withArgs(0, ethers.ZeroAddress);
      await expect(pool.setOracle([], [], 1, 10_000))
        .to.be.revertedWithCustomError(pool, "OracleGuardInvalidFeedCount")
        .withArgs(0, 0);
      await expect(pool.setReferencePrice(0n, 1000)).to.be.revertedWithCustomError(pool, "OracleGuardInvalidReference").withArgs(0n, 1000);
      await expect(pool.setReferencePrice(PRICE, 0)).to.be.revertedWithCustomError(pool, "OracleGuardInvalidReference").withArgs(PRICE, 0);
    });

    it("takes the median of several feeds and halts when they disagree", async () => {
      const { pool, oracle, bob, governance } = await loadFixture(fixture);
      const Oracle = await ethers.getContractFactory("DemoPriceOracle", governance);
      const [second, third] = [await Oracle.deploy(), await Oracle.deploy()];
      await second.setPrice((PRICE * 101n) / 100n);
      await third.setPrice((PRICE * 99n) / 100n);
      await pool.setOracle([await oracle.getAddress(), await second.getAddress(), await third.getAddress()], [3600, 3600, 3600], 2, 300);
      await pool.connect(bob).deposit(1, 10n ** 9n);
      await expect(pool.connect(bob).borrow(0, 10n)).to.emit(pool, "Borrowed");
      await third.setPrice((PRICE * 90n) / 100n); // 11 % between the lowest and the highest, against 3 %
      await expect(pool.connect(bob).borrow(0, 10n)).to.emit(pool, "OracleGuardPriceRejected").and.to.emit(pool, "BreakerHalted");
      expect(await pool.halted()).to.equal(true);
      expect(await pool.debtOf(await bob.getAddress(), 0)).to.equal(10n);
    });

    it("runs its extension only on its own storage: called directly, the extension refuses governance and changes nothing of the pool", async () => {
      const { pool, oracle, governance, attacker } = await loadFixture(fixture);
      const extension = await ethers.getContractAt("DemoLendingPoolExtension", await pool.EXTENSION());
      const admin = await extension.DEFAULT_ADMIN_ROLE();
      for (const caller of [governance, attacker]) {
        await expect(extension.connect(caller).setOracle([await oracle.getAddress()], [1], 1, 10_000))
          .to.be.revertedWithCustomError(extension, "AccessControlUnauthorizedAccount")
          .withArgs(await caller.getAddress(), admin);
      }
      await extension.connect(attacker).sampleVolatility(1n); // the extension's own (unused) storage
      expect(await pool.oracleFeeds(await pool.assets(0))).to.have.length(1);
      expect(await pool.volatility()).to.equal(0n);
    });

    it("refuses to lend, assess or value an account before an oracle is set", async () => {
      const [governance, alice] = await ethers.getSigners();
      const Token = await ethers.getContractFactory("TestToken", governance);
      const [weth, usdc] = [await Token.deploy("Wrapped Ether", "WETH", 18), await Token.deploy("USD Coin", "USDC", 6)];
      const { pool } = await deployPool(governance!, {
        asset0: await weth.getAddress(),
        asset1: await usdc.getAddress(),
        governance: await governance!.getAddress(),
        window: WINDOW,
        lockDelay: LOCK_DELAY,
      });
      const account = await alice!.getAddress();
      for (const refused of [() => pool.connect(alice!).borrow(1, 1n), () => pool.assess([account]), () => pool.accountValues(account)]) {
        await expect(refused())
          .to.be.revertedWithCustomError(pool, "OracleGuardUnknownAsset")
          .withArgs(await weth.getAddress());
      }
      expect(await pool.halted()).to.equal(false);
    });
  });
});
