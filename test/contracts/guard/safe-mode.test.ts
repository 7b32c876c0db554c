import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { E18, guardedProtocol } from "./fixture";

describe("SafeMode: invariants after every state change, withdraw-only when one breaks", function () {
  it("stays out of safe mode while the invariants hold", async () => {
    const { protocol, alice } = await loadFixture(guardedProtocol);
    await protocol.connect(alice).borrow(1_000n * E18);
    await protocol.connect(alice).repay(1_000n * E18);
    await protocol.connect(alice).withdraw(5n * E18);
    expect(await protocol.safeMode()).to.equal(false);
  });

  it("enters safe mode in the call that breaks an invariant, naming it, without reverting the call", async () => {
    const { protocol, collateral, thief } = await loadFixture(guardedProtocol);
    await expect(protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 5n * E18))
      .to.emit(protocol, "SafeModeEntered")
      .withArgs(await protocol.INVARIANT_COLLATERAL_HELD(), thief.address);
    expect(await protocol.safeMode()).to.equal(true);
    expect(await collateral.balanceOf(thief.address)).to.equal(5n * E18);
  });

  it("names the second invariant when the loan token's cash is taken", async () => {
    const { protocol, loanToken, thief } = await loadFixture(guardedProtocol);
    await expect(protocol.connect(thief).skim(await loanToken.getAddress(), thief.address, 1n))
      .to.emit(protocol, "SafeModeEntered")
      .withArgs(await protocol.INVARIANT_CASH_HELD(), thief.address);
  });

  it("announces safe mode once, not on every later call", async () => {
    const { protocol, collateral, thief } = await loadFixture(guardedProtocol);
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 1n);
    await expect(protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 1n)).not.to.emit(protocol, "SafeModeEntered");
  });

  it("refuses deposits and borrows in safe mode", async () => {
    const { protocol, collateral, alice, thief } = await loadFixture(guardedProtocol);
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 1n);
    await expect(protocol.connect(alice).deposit(E18)).to.be.revertedWithCustomError(protocol, "SafeModeEnforced");
    await expect(protocol.connect(alice).borrow(E18)).to.be.revertedWithCustomError(protocol, "SafeModeEnforced");
  });

  it("keeps repayments and withdrawals open in safe mode, paying the pro-rata share of what is left", async () => {
    const { protocol, collateral, alice, bob, thief } = await loadFixture(guardedProtocol);
    await protocol.connect(alice).borrow(100n * E18);
    // 20 deposited, 5 taken: 75 % of every withdrawal is paid.
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 5n * E18);
    await protocol.connect(alice).repay(100n * E18);
    const before = await collateral.balanceOf(alice.address);
    await protocol.connect(alice).withdraw(10n * E18);
    expect((await collateral.balanceOf(alice.address)) - before).to.equal(75n * 10n ** 17n);
    await protocol.connect(bob).withdraw(10n * E18);
    expect(await collateral.balanceOf(await protocol.getAddress())).to.equal(0n);
  });

  it("refuses to leave safe mode while an invariant is still broken", async () => {
    const { protocol, collateral, governance, thief } = await loadFixture(guardedProtocol);
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 5n * E18);
    await expect(protocol.connect(governance).exitSafeMode())
      .to.be.revertedWithCustomError(protocol, "SafeModeInvariantBroken")
      .withArgs(await protocol.INVARIANT_COLLATERAL_HELD());
  });

  it("refuses to leave safe mode when it is not in it", async () => {
    const { protocol, governance } = await loadFixture(guardedProtocol);
    await expect(protocol.connect(governance).exitSafeMode()).to.be.revertedWithCustomError(protocol, "SafeModeExpected");
  });

  it("lets only governance leave safe mode", async () => {
    const { protocol, collateral, guardian, thief } = await loadFixture(guardedProtocol);
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 1n);
    await collateral.mint(await protocol.getAddress(), 1n);
    await expect(protocol.connect(guardian).exitSafeMode())
      .to.be.revertedWithCustomError(protocol, "AccessControlUnauthorizedAccount")
      .withArgs(guardian.address, await protocol.DEFAULT_ADMIN_ROLE());
  });

  it("leaves safe mode once the protocol is recapitalised, and reopens deposits", async () => {
    const { protocol, collateral, governance, alice, thief } = await loadFixture(guardedProtocol);
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 5n * E18);
    await collateral.mint(await protocol.getAddress(), 5n * E18);
    await expect(protocol.connect(governance).exitSafeMode()).to.emit(protocol, "SafeModeExited").withArgs(governance.address);
    expect(await protocol.safeMode()).to.equal(false);
    await protocol.connect(alice).deposit(E18);
    expect(await protocol.collateralOf(alice.address)).to.equal(11n * E18);
  });
});

describe("SafeMode entered by hand", function () {
  it("lets the protocol's guardian enter safe mode with a reason id of its own", async () => {
    const { protocol, guardian } = await loadFixture(guardedProtocol);
    await expect(protocol.connect(guardian).enterSafeMode(100)).to.emit(protocol, "SafeModeEntered").withArgs(100, guardian.address);
    expect(await protocol.safeMode()).to.equal(true);
  });

  it("is idempotent: entering again while in safe mode changes and announces nothing", async () => {
    const { protocol, guardian } = await loadFixture(guardedProtocol);
    await protocol.connect(guardian).enterSafeMode(100);
    await expect(protocol.connect(guardian).enterSafeMode(101)).not.to.emit(protocol, "SafeModeEntered");
    expect(await protocol.safeMode()).to.equal(true);
  });

  it("refuses reason id 0, which means that every invariant holds", async () => {
    const { protocol, guardian } = await loadFixture(guardedProtocol);
    await expect(protocol.connect(guardian).enterSafeMode(0)).to.be.revertedWithCustomError(protocol, "SafeModeInvalidInvariant").withArgs(0);
  });
});
