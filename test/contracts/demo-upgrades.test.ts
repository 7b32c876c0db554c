import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { ZeroHash } from "ethers";

import { DEMO_POOL_UPGRADE_DELAY } from "../../examples/demo/pool";
import { deployPool } from "./helpers/demo-pool";
import { ensureCompiled, ethers } from "./helpers/fixtures";

const HOUR = 3600;
/** ERC-1967's implementation slot: keccak256("eip1967.proxy.implementation") - 1. */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

describe("DemoLendingPool: upgrades only through the timelock", function () {
  before(ensureCompiled);

  async function fixture() {
    const [governance, guardian, alice, stranger] = await ethers.getSigners();
    const Token = await ethers.getContractFactory("TestToken", governance);
    const weth = await Token.deploy("Wrapped Ether", "WETH", 18);
    const usdc = await Token.deploy("USD Coin", "USDC", 6);
    const deployment = await deployPool(governance!, {
      asset0: await weth.getAddress(),
      asset1: await usdc.getAddress(),
      governance: await governance!.getAddress(),
      window: HOUR,
      lockDelay: 24 * HOUR,
      cancellers: [await guardian!.getAddress()],
    });
    const { pool } = deployment;
    const timelock = await ethers.getContractAt("TimelockController", deployment.timelock, governance);
    await weth.mint(await alice!.getAddress(), 1000n);
    await weth.connect(alice!).approve(await pool.getAddress(), 1000n);
    await pool.connect(alice!).deposit(0, 1000n);
    await pool.setLimits(await weth.getAddress(), 500n, 900n);
    const v2 = await (await ethers.getContractFactory("DemoLendingPoolV2", governance)).deploy(HOUR);
    const upgrade = pool.interface.encodeFunctionData("upgradeToAndCall", [await v2.getAddress(), "0x"]);
    const schedule = (salt: string, delay = DEMO_POOL_UPGRADE_DELAY) => timelock.schedule(pool.getAddress(), 0, upgrade, ZeroHash, salt, delay);
    const execute = (salt: string) => timelock.execute(pool.getAddress(), 0, upgrade, ZeroHash, salt);
    const id = (salt: string) => timelock.hashOperation(pool.getAddress(), 0, upgrade, ZeroHash, salt);
    const currentImplementation = async () =>
      ethers.getAddress(`0x${(await ethers.provider.getStorage(await pool.getAddress(), IMPLEMENTATION_SLOT)).slice(26)}`);
    return {
      ...deployment,
      pool,
      timelock,
      v2,
      weth,
      schedule,
      execute,
      id,
      currentImplementation,
      governance: governance!,
      guardian: guardian!,
      alice: alice!,
      stranger: stranger!,
    };
  }

  it("refuses an upgrade by anyone but the timelock, governance's admin role included", async () => {
    const f = await loadFixture(fixture);
    for (const caller of [f.governance, f.stranger]) {
      await expect(f.pool.connect(caller).upgradeToAndCall(await f.v2.getAddress(), "0x"))
        .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolNotUpgrader")
        .withArgs(await caller.getAddress());
    }
    expect(await f.currentImplementation()).to.equal(f.implementation);
  });

  it("refuses an upgrade without the delay: scheduled too short, or executed early", async () => {
    const f = await loadFixture(fixture);
    await expect(f.schedule(ZeroHash, DEMO_POOL_UPGRADE_DELAY - 1))
      .to.be.revertedWithCustomError(f.timelock, "TimelockInsufficientDelay")
      .withArgs(DEMO_POOL_UPGRADE_DELAY - 1, DEMO_POOL_UPGRADE_DELAY);
    await f.schedule(ZeroHash);
    await time.increase(DEMO_POOL_UPGRADE_DELAY - 10);
    await expect(f.execute(ZeroHash)).to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState");
    expect(await f.currentImplementation()).to.equal(f.implementation);
  });

  it("a guardian cancels a scheduled upgrade during the delay, and it never executes", async () => {
    const f = await loadFixture(fixture);
    const before = await f.currentImplementation();
    await f.schedule(ZeroHash);
    const id = await f.id(ZeroHash);
    await expect(f.timelock.connect(f.stranger).cancel(id)).to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount");
    await expect(f.timelock.connect(f.guardian).cancel(id)).to.emit(f.timelock, "Cancelled").withArgs(id);
    await time.increase(DEMO_POOL_UPGRADE_DELAY + 1);
    await expect(f.execute(ZeroHash)).to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState");
    expect(await f.currentImplementation()).to.equal(before);
    // A guardian can cancel but not propose.
    await expect(
      f.timelock.connect(f.guardian).schedule(f.pool.getAddress(), 0, "0x", ZeroHash, ZeroHash, DEMO_POOL_UPGRADE_DELAY),
    ).to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount");
  });

  it("executes a scheduled upgrade after the delay, keeping every balance, role and limit", async () => {
    const f = await loadFixture(fixture);
    const alice = await f.alice.getAddress();
    await f.schedule(ZeroHash);
    await time.increase(DEMO_POOL_UPGRADE_DELAY);
    await expect(f.execute(ZeroHash))
      .to.emit(f.pool, "Upgraded")
      .withArgs(await f.v2.getAddress());
    expect(await f.currentImplementation()).to.equal(await f.v2.getAddress());
    const upgraded = await ethers.getContractAt("DemoLendingPoolV2", await f.pool.getAddress());
    expect(await upgraded.version()).to.equal(2n);
    expect(await upgraded.depositOf(alice, 0)).to.equal(1000n);
    expect(await upgraded.totalDeposits(0)).to.equal(1000n);
    expect(await upgraded.hasRole(await upgraded.DEFAULT_ADMIN_ROLE(), await f.governance.getAddress())).to.equal(true);
    expect(await upgraded.limits(await f.weth.getAddress())).to.deep.equal([500n, 900n]);
    expect(await upgraded.upgradeTimelock()).to.equal(f.timelock.target);
    expect(await upgraded.closeFactorBps()).to.equal(5000n);
    await upgraded.connect(f.alice).withdraw(0, 400n);
    expect(await f.weth.balanceOf(alice)).to.equal(400n);
    expect(await upgraded.solvent(0)).to.equal(true);
  });

  it("cannot be initialised twice, nor the implementation used directly, nor with a timelock that is no contract or has no delay", async () => {
    const f = await loadFixture(fixture);
    const governance = await f.governance.getAddress();
    await expect(f.pool.initialize(f.weth.getAddress(), f.weth.getAddress(), governance, 0, f.timelock.getAddress())).to.be.revertedWithCustomError(
      f.pool,
      "InvalidInitialization",
    );
    const implementation = await ethers.getContractAt("DemoLendingPool", f.implementation);
    await expect(implementation.initialize(f.weth.getAddress(), f.weth.getAddress(), governance, 0, f.timelock.getAddress())).to.be.revertedWithCustomError(
      implementation,
      "InvalidInitialization",
    );
    await expect(implementation.upgradeToAndCall(await f.v2.getAddress(), "0x")).to.be.revertedWithCustomError(implementation, "UUPSUnauthorizedCallContext");
    await expect(
      deployPool(f.governance, {
        asset0: await f.weth.getAddress(),
        asset1: await f.weth.getAddress(),
        governance,
        window: HOUR,
        lockDelay: 0,
        timelock: governance,
      }),
    )
      .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInvalidTimelock")
      .withArgs(governance);
    const noDelay = await (await ethers.getContractFactory("TimelockController", f.governance)).deploy(0, [governance], [governance], governance);
    await expect(
      deployPool(f.governance, {
        asset0: await f.weth.getAddress(),
        asset1: await f.weth.getAddress(),
        governance,
        window: HOUR,
        lockDelay: 0,
        timelock: await noDelay.getAddress(),
      }),
    )
      .to.be.revertedWithCustomError(f.pool, "DemoLendingPoolInvalidTimelock")
      .withArgs(await noDelay.getAddress());
  });
});
