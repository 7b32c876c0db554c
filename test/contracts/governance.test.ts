import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { VETO_WINDOW, activeSnapshotFixture, claimArgs, ensureCompiled, ethers, proofFor, smallCircuit } from "./helpers/fixtures";

const TIMELOCK_DELAY = 2 * 24 * 3600;

describe("RecoveryVault governance: guardian pause, admin behind a TimelockController", function () {
  before(async () => {
    await ensureCompiled();
    await smallCircuit();
  });

  /** The active-snapshot fixture with the admin role handed to a TimelockController. */
  async function governed() {
    const base = await activeSnapshotFixture(4);
    const [governor] = await ethers.getSigners();
    const Timelock = await ethers.getContractFactory("TimelockController", governor);
    const timelock = await Timelock.deploy(TIMELOCK_DELAY, [await governor!.getAddress()], [await governor!.getAddress()], ethers.ZeroAddress);
    const adminRole = await base.vault.DEFAULT_ADMIN_ROLE();
    await base.vault.grantRole(adminRole, await timelock.getAddress());
    await base.vault.renounceRole(adminRole, await base.admin.getAddress());
    const proof = await proofFor(base.packages[0]!, { vault: await base.vault.getAddress(), snapshotId: base.snapshotId });
    return { ...base, timelock, governor: governor!, adminRole, proof };
  }

  /** Schedules a call to the vault through the timelock; returns a function that executes it. */
  async function schedule(timelock: Awaited<ReturnType<typeof governed>>["timelock"], target: string, data: string) {
    const salt = ethers.id(data);
    await timelock.schedule(target, 0, data, ethers.ZeroHash, salt, TIMELOCK_DELAY);
    return () => timelock.execute(target, 0, data, ethers.ZeroHash, salt);
  }

  it("a guardian pauses claims; paused claims are refused", async () => {
    const { vault, guardian, proof, snapshotId } = await loadFixture(governed);
    await expect(vault.connect(guardian).pause())
      .to.emit(vault, "Paused")
      .withArgs(await guardian.getAddress());
    await expect(vault.claim(snapshotId, ...claimArgs(proof))).to.be.revertedWithCustomError(vault, "EnforcedPause");
  });

  it("a guardian cannot unpause, move funds or change parameters", async () => {
    const { vault, guardian, snapshotId, adminRole } = await loadFixture(governed);
    await vault.connect(guardian).pause();
    const who = await guardian.getAddress();
    await expect(vault.connect(guardian).unpause()).to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount").withArgs(who, adminRole);
    await expect(vault.connect(guardian).sweep(snapshotId))
      .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
      .withArgs(who, await vault.PROPOSER_ROLE());
    await expect(vault.connect(guardian).setVetoWindow(3 * 24 * 3600))
      .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
      .withArgs(who, adminRole);
    await expect(vault.connect(guardian).grantRole(adminRole, who))
      .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
      .withArgs(who, adminRole);
  });

  it("parameters change only through the timelock, after its delay", async () => {
    const { vault, timelock, governor, adminRole } = await loadFixture(governed);
    await expect(vault.connect(governor).setVetoWindow(5 * 24 * 3600))
      .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
      .withArgs(await governor.getAddress(), adminRole);
    const execute = await schedule(timelock, await vault.getAddress(), vault.interface.encodeFunctionData("setVetoWindow", [5 * 24 * 3600]));
    await expect(execute()).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
    await time.increase(TIMELOCK_DELAY);
    await expect(execute())
      .to.emit(vault, "VetoWindowChanged")
      .withArgs(VETO_WINDOW, 5 * 24 * 3600);
  });

  it("governance unpauses through the timelock, and claims resume", async () => {
    const { vault, timelock, guardian, proof, snapshotId } = await loadFixture(governed);
    await vault.connect(guardian).pause();
    const execute = await schedule(timelock, await vault.getAddress(), vault.interface.encodeFunctionData("unpause"));
    await time.increase(TIMELOCK_DELAY);
    await execute();
    await expect(vault.claim(snapshotId, ...claimArgs(proof))).to.emit(vault, "Claimed");
  });
});
