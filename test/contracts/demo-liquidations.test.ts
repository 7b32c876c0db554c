import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";

import { seededRandom } from "../helpers/hashing";
import { deployPool, setOracleGuard } from "./helpers/demo-pool";
import { ensureCompiled, ethers } from "./helpers/fixtures";

const WETH = 10n ** 18n;
const USDC = 10n ** 6n;
const HOUR = 3600;
/** USDC base units per 1e18 WETH base units. */
const usd = (dollars: number): bigint => BigInt(Math.round(dollars * 1e6));

/** Volatility levels are squared relative returns, 1e18 = 100 %². */
const MODEL = {
  interval: HOUR,
  weightBps: 5000,
  maxStepBps: 500,
  low: 10n ** 14n, // a 1 % move
  high: 4n * 10n ** 15n, // a 6.3 % move
  freezeBorrow: 2n * 10n ** 15n,
  haltLevel: 25n * 10n ** 15n,
};
const WETH_BOUNDS = { minLtv: 4000, maxLtv: 6000, minThreshold: 6500, maxThreshold: 8000 };

describe("DemoLendingPool: liquidations whose thresholds follow volatility", function () {
  before(ensureCompiled);

  /** Alice supplies 20,000 USDC; Bob and Carol deposit 1 WETH each; Liquidator holds USDC. */
  async function fixture() {
    const [governance, alice, bob, carol, liquidator, attacker] = await ethers.getSigners();
    const Token = await ethers.getContractFactory("TestToken", governance);
    const weth = await Token.deploy("Wrapped Ether", "WETH", 18);
    const usdc = await Token.deploy("USD Coin", "USDC", 6);
    const { pool } = await deployPool(governance!, {
      asset0: await weth.getAddress(),
      asset1: await usdc.getAddress(),
      governance: await governance!.getAddress(),
      window: HOUR,
      lockDelay: 24 * HOUR,
    });
    const oracle = await (await ethers.getContractFactory("DemoPriceOracle", governance)).deploy();
    await oracle.setPrice(usd(3000));
    await setOracleGuard(pool, await oracle.getAddress(), usd(3000), HOUR, 3000); // 1 hour, 30 %
    const poolAddress = await pool.getAddress();
    for (const user of [alice!, bob!, carol!, liquidator!]) {
      await weth.mint(await user.getAddress(), WETH);
      await usdc.mint(await user.getAddress(), 100_000n * USDC);
      await weth.connect(user).approve(poolAddress, WETH);
      await usdc.connect(user).approve(poolAddress, 100_000n * USDC);
    }
    await pool.connect(alice).deposit(1, 20_000n * USDC);
    await pool.connect(bob).deposit(0, WETH);
    await pool.connect(carol).deposit(0, WETH);
    return { pool, weth, usdc, oracle, governance: governance!, alice: alice!, bob: bob!, carol: carol!, liquidator: liquidator!, attacker: attacker! };
  }
  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** The fixture with the volatility model and WETH's bounds set, and a first sample taken. */
  async function withModel() {
    const f = await loadFixture(fixture);
    await f.pool.setRiskParams(0, WETH_BOUNDS.minLtv, WETH_BOUNDS.maxLtv, WETH_BOUNDS.minThreshold, WETH_BOUNDS.maxThreshold);
    await f.pool.setVolatilityModel(MODEL);
    await f.pool.pokeVolatility(); // the starting price
    return f;
  }

  /** An hour passes and the oracle reports `price`; anyone pokes. */
  async function hourlyPrice(f: Fixture, price: bigint) {
    await time.increase(HOUR);
    await f.oracle.setPrice(price);
    return f.pool.pokeVolatility();
  }

  async function wethRisk(f: Fixture) {
    const risk = await f.pool.riskParams(0);
    return { ltv: Number(risk.ltvBps), threshold: Number(risk.thresholdBps) };
  }

  function expectWithinBoundsAndStep(before: { ltv: number; threshold: number }, after: { ltv: number; threshold: number }) {
    expect(after.ltv).to.be.within(WETH_BOUNDS.minLtv, WETH_BOUNDS.maxLtv);
    expect(after.threshold).to.be.within(WETH_BOUNDS.minThreshold, WETH_BOUNDS.maxThreshold);
    expect(Math.abs(after.ltv - before.ltv)).to.be.at.most(MODEL.maxStepBps);
    expect(Math.abs(after.threshold - before.threshold)).to.be.at.most(MODEL.maxStepBps);
    expect(after.ltv).to.be.at.most(after.threshold);
  }

  async function expectSolvent(f: Fixture) {
    expect(await f.pool.solvent(0)).to.equal(true);
    expect(await f.pool.solvent(1)).to.equal(true);
    expect(await f.pool.safeMode()).to.equal(false);
  }
  describe("a price path with a volatility spike", () => {
    it("tightens margins within the bounds, by at most the step; stops borrowing; warns; liquidates; halts last; stays solvent", async () => {
      const f = await withModel();
      const [bob, carol, liquidator] = await Promise.all([f.bob.getAddress(), f.carol.getAddress(), f.liquidator.getAddress()]);
      const halts: number[] = [];
      const warnings: number[] = [];

      // Calm: no move, the limits step up toward their maximum.
      let before = await wethRisk(f);
      await expect(hourlyPrice(f, usd(3000)))
        .to.emit(f.pool, "RiskParamsUpdated")
        .withArgs(0, 5500, 8000);
      expectWithinBoundsAndStep(before, await wethRisk(f));
      await f.pool.connect(f.bob).borrow(1, 1_500n * USDC);
      await f.pool.connect(f.carol).borrow(1, 1_650n * USDC); // the whole 55 % borrow limit
      await expect(f.pool.connect(f.liquidator).liquidate(carol, 1, 1n, 0))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolPositionHealthy")
        .withArgs(carol, 1_650n * USDC, 2_400n * USDC);

      // -5 %: r² = 0.25 %, v = 0.125 %; the limits move part of the way toward their minimum.
      before = await wethRisk(f);
      await expect(hourlyPrice(f, usd(2850)))
        .to.emit(f.pool, "VolatilityUpdated")
        .withArgs(125n * 10n ** 13n, 25n * 10n ** 14n, usd(2850));
      expect(await wethRisk(f)).to.deep.equal({ ltv: 5410, threshold: 7557 });
      expectWithinBoundsAndStep(before, await wethRisk(f));
      await f.pool.connect(f.alice).borrow(0, 1n); // still below the borrowing freeze

      // -19.3 %: v jumps above `high`; the limits fall by one step toward the minimum, and borrowing stops.
      before = await wethRisk(f);
      await hourlyPrice(f, usd(2300));
      const spike = await wethRisk(f);
      expect(spike).to.deep.equal({ ltv: before.ltv - 500, threshold: before.threshold - 500 });
      expectWithinBoundsAndStep(before, spike);
      const volatility = await f.pool.volatility();
      expect(volatility).to.be.greaterThan(MODEL.freezeBorrow);
      await expect(f.pool.connect(f.bob).borrow(1, 1n))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolBorrowingFrozen")
        .withArgs(volatility, MODEL.freezeBorrow);
      expect(await f.pool.halted()).to.equal(false);

      // Margin warnings: both positions are near (Bob) or past (Carol) their tightened threshold.
      const liquidationLimit = (2300n * USDC * 7057n) / 10_000n; // 1,623.11 USDC
      const assessed = await (await f.pool.assess([bob, carol])).wait();
      warnings.push(assessed!.blockNumber);
      await expect(assessed)
        .to.emit(f.pool, "MarginWarning")
        .withArgs(bob, 1_500n * USDC, liquidationLimit);
      await expect(assessed)
        .to.emit(f.pool, "MarginWarning")
        .withArgs(carol, 1_650n * USDC, liquidationLimit);
      // (At the calm threshold, 80 % of 2,300 = 1,840, Carol would be healthy: tightening acts first.)

      // Carol is liquidated, up to the close factor; Bob, near but not past, is not.
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 1, 1n, 0))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolPositionHealthy")
        .withArgs(bob, 1_500n * USDC, liquidationLimit);
      await expect(f.pool.connect(f.liquidator).liquidate(carol, 1, 825n * USDC + 1n, 0))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolAboveCloseFactor")
        .withArgs(carol, 1, 825n * USDC + 1n, 825n * USDC);
      await expect(f.pool.connect(f.liquidator).liquidate(carol, 1, 825n * USDC, 1))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInsufficientCollateral")
        .withArgs(carol, 1, 866_250_000n, 0n);
      const seized = (825n * USDC * 10_500n * WETH) / (10_000n * 2300n * USDC); // 825 × 1.05 / 2,300 WETH
      await expect(f.pool.connect(f.liquidator).liquidate(carol, 1, 825n * USDC, 0))
        .to.emit(f.pool, "Liquidated")
        .withArgs(liquidator, carol, 1, 825n * USDC, 0, seized);
      expect(await f.pool.debtOf(carol, 1)).to.equal(825n * USDC);
      expect(await f.pool.depositOf(carol, 0)).to.equal(WETH - seized);
      expect(await f.pool.depositOf(liquidator, 0)).to.equal(seized);
      await expectSolvent(f);
      // Liquidated back to health: a second liquidation is refused.
      await expect(f.pool.connect(f.liquidator).liquidate(carol, 1, 1n, 0)).to.be.revertedWithCustomError(f.pool, "DemoLendingPoolPositionHealthy");
      // The liquidator's seized collateral is a deposit it withdraws like any other.
      await f.pool.connect(f.liquidator).withdraw(0, seized);
      expect(await f.weth.balanceOf(liquidator)).to.equal(WETH + seized);

      // +20 %: v crosses the halt level; the pool halts (the poke succeeds, so the halt persists).
      before = await wethRisk(f);
      const halted = await (await hourlyPrice(f, usd(2760))).wait();
      halts.push(halted!.blockNumber);
      await expect(halted)
        .to.emit(f.pool, "BreakerHalted")
        .withArgs(await f.governance.getAddress(), "volatility above the halt level");
      expect(await f.pool.halted()).to.equal(true);
      expectWithinBoundsAndStep(before, await wethRisk(f));
      expect(Math.max(...warnings)).to.be.lessThan(Math.min(...halts));
      await expectSolvent(f);
    });

    it("property: along random price paths the limits stay within their bounds, step by at most the step, and keep ltv <= threshold", async () => {
      const f = await withModel();
      await setOracleGuard(f.pool, await f.oracle.getAddress(), usd(3000), HOUR, 9000);
      await f.pool.setVolatilityModel({ ...MODEL, haltLevel: 10n ** 19n, freezeBorrow: 10n ** 19n });
      const random = seededRandom(16);
      let price = 3000;
      for (let i = 0; i < 25; i += 1) {
        price = Math.max(500, Math.min(5500, price * (1 + (random() - 0.5) * (i % 7 === 3 ? 0.5 : 0.04))));
        const before = await wethRisk(f);
        await hourlyPrice(f, usd(Math.round(price)));
        expectWithinBoundsAndStep(before, await wethRisk(f));
        expect(await f.pool.halted()).to.equal(false);
      }
    });

    it("samples at most once per interval, from any guarded price read", async () => {
      const f = await withModel();
      await time.increase(HOUR);
      await f.oracle.setPrice(usd(2900));
      await expect(f.pool.connect(f.bob).borrow(1, 100n * USDC)).to.emit(f.pool, "VolatilityUpdated"); // a borrow samples
      await f.oracle.setPrice(usd(2500));
      await expect(f.pool.pokeVolatility()).not.to.emit(f.pool, "VolatilityUpdated");
      await time.increase(HOUR);
      await f.oracle.setPrice(usd(2500));
      await expect(f.pool.pokeVolatility()).to.emit(f.pool, "VolatilityUpdated");
    });

    it("caps a sample's return at 10,000 %, so that no price the guard accepts can overflow the average", async () => {
      const f = await withModel();
      await time.increase(HOUR);
      await f.oracle.setPrice(10n ** 38n); // governance moved the reference by 10^26 times (the guard's largest price is 2^128)
      await setOracleGuard(f.pool, await f.oracle.getAddress(), 10n ** 38n, HOUR, 1000);
      await f.pool.setVolatilityModel({ ...MODEL, haltLevel: 10n ** 30n, freezeBorrow: 10n ** 30n });
      await f.pool.pokeVolatility(); // a new model starts from this price
      await time.increase(HOUR);
      await f.oracle.setPrice(1n);
      await setOracleGuard(f.pool, await f.oracle.getAddress(), 1n, HOUR, 1000);
      await f.pool.pokeVolatility();
      await time.increase(HOUR);
      await f.oracle.setPrice(10n ** 38n);
      await setOracleGuard(f.pool, await f.oracle.getAddress(), 10n ** 38n, HOUR, 1000);
      await expect(f.pool.pokeVolatility())
        .to.emit(f.pool, "VolatilityUpdated")
        .withArgs(anyValue, 10n ** 22n, 10n ** 38n); // r = 100, r² = 10^4
    });

    it("samples nothing from a price the guard refuses: it halts instead", async () => {
      const f = await withModel();
      await time.increase(2 * HOUR);
      await expect(f.pool.pokeVolatility())
        .to.emit(f.pool, "BreakerHalted")
        .withArgs(await f.governance.getAddress(), "oracle price refused")
        .and.not.to.emit(f.pool, "VolatilityUpdated");
    });
  });

  describe("liquidation refusals", () => {
    /** Bob borrows 1,500 USDC against 1 WETH at 3,000; WETH falls to 1,950 (the reference follows): past the 75 % threshold. */
    async function underwater() {
      const f = await loadFixture(fixture);
      await f.pool.connect(f.bob).borrow(1, 1_500n * USDC);
      await f.oracle.setPrice(usd(1950));
      await setOracleGuard(f.pool, await f.oracle.getAddress(), usd(1950), HOUR, 1000);
      return f;
    }

    it("liquidates an unhealthy position with the bonus, at the fixed default limits", async () => {
      const f = await underwater();
      const bob = await f.bob.getAddress();
      expect(await f.pool.accountValues(bob)).to.deep.equal([1_950n * USDC, 1_500n * USDC, 975n * USDC, 1_462_500_000n]);
      const seized = (750n * USDC * 10_500n * WETH) / (10_000n * 1950n * USDC);
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 1, 750n * USDC, 0))
        .to.emit(f.pool, "Liquidated")
        .withArgs(await f.liquidator.getAddress(), bob, 1, 750n * USDC, 0, seized);
      expect(await f.usdc.balanceOf(await f.pool.getAddress())).to.equal(20_000n * USDC - 750n * USDC);
      await expectSolvent(f);
    });

    it("seizes across assets at the price and within one asset at par: debt in WETH, collateral in USDC or WETH", async () => {
      const f = await loadFixture(fixture);
      const [alice, bob, liquidator] = await Promise.all([f.alice.getAddress(), f.bob.getAddress(), f.liquidator.getAddress()]);
      await f.pool.connect(f.alice).borrow(0, (17n * WETH) / 10n); // 5,100 USDC of debt against 20,000 of USDC
      await f.pool.connect(f.bob).borrow(0, (3n * WETH) / 10n); // 900 USDC of WETH debt
      await f.pool.connect(f.bob).borrow(1, 600n * USDC); // and 600 USDC: 1,500 against 3,000
      // WETH rises to 9,000: Alice owes 15,300 against a 15,000 liquidation limit.
      await f.oracle.setPrice(usd(9000));
      await setOracleGuard(f.pool, await f.oracle.getAddress(), usd(9000), HOUR, 1000);
      await expect(f.pool.connect(f.liquidator).liquidate(alice, 0, (85n * WETH) / 100n, 1))
        .to.emit(f.pool, "Liquidated")
        .withArgs(liquidator, alice, 0, (85n * WETH) / 100n, 1, 8_032_500_000n); // 0.85 WETH × 9,000 × 1.05
      // WETH falls to 1,000: Bob owes 300 + 600 against 1,000 of WETH, limit 750.
      await f.oracle.setPrice(usd(1000));
      await setOracleGuard(f.pool, await f.oracle.getAddress(), usd(1000), HOUR, 1000);
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 0, (15n * WETH) / 100n, 0))
        .to.emit(f.pool, "Liquidated")
        .withArgs(liquidator, bob, 0, (15n * WETH) / 100n, 0, (1575n * WETH) / 10_000n); // 0.15 × 1.05
      await expectSolvent(f);
    });

    it("refuses a healthy position, a repayment above the close factor, zero and unknown assets, by name", async () => {
      const f = await loadFixture(fixture);
      const bob = await f.bob.getAddress();
      await f.pool.connect(f.bob).borrow(1, 1_500n * USDC);
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 1, 1n, 0))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolPositionHealthy")
        .withArgs(bob, 1_500n * USDC, 2_250n * USDC);
      const g = await underwater();
      await expect(g.pool.connect(g.liquidator).liquidate(bob, 1, 750n * USDC + 1n, 0))
        .to.be.revertedWithCustomError(g.pool, "DemoLendingPoolAboveCloseFactor")
        .withArgs(bob, 1, 750n * USDC + 1n, 750n * USDC);
      await expect(g.pool.connect(g.liquidator).liquidate(bob, 0, 1n, 0))
        .to.be.revertedWithCustomError(g.pool, "DemoLendingPoolAboveCloseFactor")
        .withArgs(bob, 0, 1n, 0n);
      await expect(g.pool.connect(g.liquidator).liquidate(bob, 1, 0n, 0)).to.be.revertedWithCustomError(g.pool, "DemoLendingPoolZeroAmount");
      await expect(g.pool.connect(g.liquidator).liquidate(bob, 2, 1n, 0))
        .to.be.revertedWithCustomError(g.pool, "DemoLendingPoolInvalidAsset")
        .withArgs(2);
      await expect(g.pool.connect(g.liquidator).liquidate(bob, 1, 1n, 2))
        .to.be.revertedWithCustomError(g.pool, "DemoLendingPoolInvalidAsset")
        .withArgs(2);
    });

    it("refuses liquidations in safe mode and while halted, unless governance allows them", async () => {
      const f = await underwater();
      const bob = await f.bob.getAddress();
      await f.pool.halt("incident");
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 1, 100n * USDC, 0)).to.be.revertedWithCustomError(f.pool, "CircuitBreakerHalted");
      await f.pool.setLiquidationParams(5000, 500, 9000, true);
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 1, 100n * USDC, 0)).to.emit(f.pool, "Liquidated");
      await f.pool.setLiquidationParams(5000, 500, 9000, false);
      await f.pool.resume();
      await f.pool.connect(f.attacker).rescueTokens(1, await f.attacker.getAddress(), 10n * USDC); // tokens go missing: safe mode
      expect(await f.pool.safeMode()).to.equal(true);
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 1, 100n * USDC, 0)).to.be.revertedWithCustomError(f.pool, "SafeModeEnforced");
      await f.pool.setLiquidationParams(5000, 500, 9000, true);
      await expect(f.pool.connect(f.liquidator).liquidate(bob, 1, 100n * USDC, 0)).to.emit(f.pool, "Liquidated");
    });

    it("halts instead of liquidating on a price the guard refuses", async () => {
      const f = await underwater();
      await f.oracle.setPrice(usd(1500)); // 23 % from the reference, against a 10 % bound
      await expect(f.pool.connect(f.liquidator).liquidate(await f.bob.getAddress(), 1, 100n * USDC, 0))
        .to.emit(f.pool, "BreakerHalted")
        .and.not.to.emit(f.pool, "Liquidated");
      expect(await f.pool.debtOf(await f.bob.getAddress(), 1)).to.equal(1_500n * USDC);
    });
  });

  describe("governance of the risk parameters", () => {
    it("sets bounds, clamping the current limits into them, and refuses inconsistent ones by name", async () => {
      const f = await loadFixture(fixture);
      await expect(f.pool.setRiskParams(0, 3000, 4000, 6000, 7000))
        .to.emit(f.pool, "RiskParamsUpdated")
        .withArgs(0, 4000, 7000);
      expect(await f.pool.riskParams(0)).to.deep.equal([4000n, 7000n, 3000n, 4000n, 6000n, 7000n]);
      for (const bad of [
        [5000, 4000, 6000, 7000],
        [3000, 6500, 6000, 7000],
        [3000, 4000, 7500, 7000],
        [3000, 4000, 6000, 9600],
      ] as const) {
        await expect(f.pool.setRiskParams(1, ...bad))
          .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInvalidRiskParams")
          .withArgs(1);
      }
      await expect(f.pool.setRiskParams(2, 0, 0, 0, 0))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInvalidAsset")
        .withArgs(2);
      await expect(f.pool.riskParams(2)).to.be.revertedWithPanic(0x32);
      await expect(f.pool.connect(f.bob).setRiskParams(0, 3000, 4000, 6000, 7000)).to.be.revertedWithCustomError(f.pool, "AccessControlUnauthorizedAccount");
    });

    it("refuses an inconsistent volatility model, and a poke before there is one", async () => {
      const f = await loadFixture(fixture);
      await expect(f.pool.pokeVolatility()).to.be.revertedWithCustomError(f.pool, "DemoLendingPoolVolatilityUnset");
      for (const bad of [
        { interval: 0 },
        { weightBps: 0 },
        { weightBps: 10_001 },
        { maxStepBps: 0 },
        { low: MODEL.high },
        { freezeBorrow: 0n },
        { freezeBorrow: MODEL.haltLevel + 1n },
      ]) {
        await expect(f.pool.setVolatilityModel({ ...MODEL, ...bad })).to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInvalidVolatilityModel");
      }
      await expect(f.pool.connect(f.bob).setVolatilityModel(MODEL)).to.be.revertedWithCustomError(f.pool, "AccessControlUnauthorizedAccount");
      await expect(f.pool.setVolatilityModel(MODEL)).to.emit(f.pool, "VolatilityModelSet");
      expect((await f.pool.volatilityModel()).haltLevel).to.equal(MODEL.haltLevel);
    });

    it("refuses liquidation parameters out of range, or whose bonus a position at its threshold could not cover", async () => {
      const f = await loadFixture(fixture);
      for (const bad of [
        [0, 500, 9000],
        [10_001, 500, 9000],
        [5000, 500, 10_001],
        [5000, 3400, 9000],
      ] as const) {
        await expect(f.pool.setLiquidationParams(...bad, false))
          .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInvalidLiquidationParams")
          .withArgs(...bad);
      }
      await expect(f.pool.connect(f.bob).setLiquidationParams(5000, 500, 9000, true)).to.be.revertedWithCustomError(f.pool, "AccessControlUnauthorizedAccount");
      await expect(f.pool.setLiquidationParams(10_000, 3000, 8000, true))
        .to.emit(f.pool, "LiquidationParamsSet")
        .withArgs(10_000, 3000, 8000, true);
      await f.pool.setLiquidationParams(5000, 500, 9000, false);
      await f.pool.setRiskParams(1, 5000, 5000, 7500, 9000);
      await expect(f.pool.setLiquidationParams(5000, 1200, 9000, false)) // 90 % × 1.12 ≥ 100 % for USDC; WETH's 75 % would pass
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInvalidLiquidationParams")
        .withArgs(5000, 1200, 9000);
    });
  });
});
