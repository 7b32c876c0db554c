import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { VETO_WINDOW, deployVault, ensureCompiled, ethers, proposal, smallCircuit } from "./helpers/fixtures";
import { deployPoseidon5, deployVerifier } from "../../prover/chain/deploy";

const STATE = { None: 0n, Proposed: 1n, Vetoed: 2n, Active: 3n };
const DAY = 24 * 3600;

describe("RecoveryVault attestation: propose, veto window, finalize", function () {
  before(async () => {
    await ensureCompiled();
    await smallCircuit();
  });

  async function fixture() {
    const [admin, guardian, stranger, sweepTo] = await ethers.getSigners();
    const { vault } = await deployVault(admin!, guardian!);
    const verifier = await deployVerifier((await smallCircuit()).artifacts.keys.verifier, admin!);
    const token = await (await ethers.getContractFactory("TestToken", admin)).deploy("Token", "TKN", 18);
    await token.mint(await admin!.getAddress(), 10n ** 24n);
    await token.approve(await vault.getAddress(), 10n ** 24n);
    const proposalFor = async (root = 12345n) =>
      proposal({
        root,
        totals: [1000n],
        tokens: [await token.getAddress()],
        verifier: await verifier.getAddress(),
        sweepRecipient: await sweepTo!.getAddress(),
      });
    /** Proposes `id` and funds it in full. */
    const proposeFunded = async (id: bigint) => {
      await vault.propose(id, await proposalFor());
      await vault.fund(id, 0, 1000n);
    };
    return { vault, token, admin: admin!, guardian: guardian!, stranger: stranger!, sweepTo: sweepTo!, proposalFor, proposeFunded };
  }

  it("records the proposal: root, veto deadline, snapshot block, manifest digest and URI", async () => {
    const { vault, admin, proposalFor } = await loadFixture(fixture);
    const p = await proposalFor();
    const tx = await vault.propose(42n, p);
    const vetoDeadline = BigInt((await time.latest()) + VETO_WINDOW);
    await expect(tx).to.emit(vault, "SnapshotProposed");
    const event = (await vault.queryFilter(vault.filters.SnapshotProposed(42n)))[0]!;
    expect(event.args.proposer).to.equal(await admin.getAddress());
    expect(event.args.vetoDeadline).to.equal(vetoDeadline);
    const info = await vault.snapshot(42n);
    expect(info.state).to.equal(STATE.Proposed);
    expect(info.root).to.equal(12345n);
    expect(info.vetoDeadline).to.equal(vetoDeadline);
    expect(info.snapshotBlock).to.equal(p.snapshotBlock);
    expect(info.manifestDigest).to.equal(p.manifestDigest);
    expect(info.uri).to.equal(p.uri);
  });

  it("lets anyone finalize after the window, and not before", async () => {
    const { vault, stranger, proposeFunded } = await loadFixture(fixture);
    await proposeFunded(1n);
    const { vetoDeadline } = await vault.snapshot(1n);
    await expect(vault.connect(stranger).finalize(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultVetoWindowOpen").withArgs(1n, vetoDeadline);
    await time.increaseTo(vetoDeadline);
    await expect(vault.connect(stranger).finalize(1n)).to.emit(vault, "SnapshotFinalized");
    expect((await vault.snapshot(1n)).state).to.equal(STATE.Active);
  });

  it("a guardian's veto, with its reason, means the proposal can never be finalized", async () => {
    const { vault, guardian, proposeFunded } = await loadFixture(fixture);
    await proposeFunded(1n);
    await expect(vault.connect(guardian).veto(1n, "total of TKN understated by 40%"))
      .to.emit(vault, "SnapshotVetoed")
      .withArgs(1n, await guardian.getAddress(), "total of TKN understated by 40%");
    await time.increase(VETO_WINDOW);
    await expect(vault.finalize(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultWrongState").withArgs(1n, STATE.Vetoed, STATE.Proposed);
  });

  it("refuses a veto from anyone but a guardian, and after the window", async () => {
    const { vault, stranger, guardian, proposeFunded } = await loadFixture(fixture);
    await proposeFunded(1n);
    await expect(vault.connect(stranger).veto(1n, "no"))
      .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
      .withArgs(await stranger.getAddress(), await vault.GUARDIAN_ROLE());
    const { vetoDeadline } = await vault.snapshot(1n);
    await time.increaseTo(vetoDeadline);
    await expect(vault.connect(guardian).veto(1n, "late")).to.be.revertedWithCustomError(vault, "RecoveryVaultVetoWindowClosed").withArgs(1n, vetoDeadline);
  });

  it("refuses a second proposal for a finalized, a vetoed or a pending snapshot id: no root is ever replaced", async () => {
    const { vault, guardian, proposeFunded, proposalFor } = await loadFixture(fixture);
    await proposeFunded(1n);
    await expect(vault.propose(1n, await proposalFor(999n)))
      .to.be.revertedWithCustomError(vault, "RecoveryVaultSnapshotExists")
      .withArgs(1n, STATE.Proposed);
    await time.increase(VETO_WINDOW);
    await vault.finalize(1n);
    await expect(vault.propose(1n, await proposalFor(999n)))
      .to.be.revertedWithCustomError(vault, "RecoveryVaultSnapshotExists")
      .withArgs(1n, STATE.Active);
    await proposeFunded(2n);
    await vault.connect(guardian).veto(2n, "bad");
    await expect(vault.propose(2n, await proposalFor(999n)))
      .to.be.revertedWithCustomError(vault, "RecoveryVaultSnapshotExists")
      .withArgs(2n, STATE.Vetoed);
    await expect(vault.propose(0n, await proposalFor()))
      .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidSnapshotId")
      .withArgs(0n);
  });

  it("a stranger cannot squat a snapshot id", async () => {
    const { vault, stranger, proposalFor } = await loadFixture(fixture);
    await expect(vault.connect(stranger).propose(7n, await proposalFor()))
      .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
      .withArgs(await stranger.getAddress(), await vault.PROPOSER_ROLE());
    expect((await vault.snapshot(7n)).state).to.equal(STATE.None);
  });

  it("finalizing checks the vault is funded for the snapshot", async () => {
    const { vault, proposalFor } = await loadFixture(fixture);
    await vault.propose(3n, await proposalFor());
    await time.increase(VETO_WINDOW);
    await expect(vault.finalize(3n)).to.be.revertedWithCustomError(vault, "RecoveryVaultUnderfunded").withArgs(3n, 0, 0n, 1000n);
  });

  it("returns a vetoed snapshot's funding to its sweep recipient at once", async () => {
    const { vault, token, guardian, sweepTo, proposeFunded } = await loadFixture(fixture);
    await proposeFunded(1n);
    await vault.connect(guardian).veto(1n, "wrong block");
    await expect(vault.sweep(1n))
      .to.emit(vault, "Swept")
      .withArgs(1n, await sweepTo.getAddress(), [1000n]);
    expect(await token.balanceOf(await sweepTo.getAddress())).to.equal(1000n);
    await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultAlreadySwept").withArgs(1n);
  });

  it("refuses to sweep a pending proposal", async () => {
    const { vault, proposeFunded } = await loadFixture(fixture);
    await proposeFunded(1n);
    await expect(vault.sweep(1n)).to.be.revertedWithCustomError(vault, "RecoveryVaultNotSweepable").withArgs(1n, STATE.Proposed);
  });

  describe("the veto window", () => {
    it("is changed only by the admin (governance), within its bounds", async () => {
      const { vault, stranger, admin } = await loadFixture(fixture);
      await expect(vault.connect(stranger).setVetoWindow(3 * DAY))
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
        .withArgs(await stranger.getAddress(), await vault.DEFAULT_ADMIN_ROLE());
      await expect(vault.connect(admin).setVetoWindow(DAY - 1))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidVetoWindow")
        .withArgs(DAY - 1, DAY, 30 * DAY);
      await expect(vault.connect(admin).setVetoWindow(31 * DAY)).to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidVetoWindow");
      await expect(vault.connect(admin).setVetoWindow(3 * DAY))
        .to.emit(vault, "VetoWindowChanged")
        .withArgs(VETO_WINDOW, 3 * DAY);
      expect(await vault.vetoWindow()).to.equal(3 * DAY);
    });

    it("cannot be shorter than the minimum at deployment either", async () => {
      const [admin] = await ethers.getSigners();
      const hasher = await deployPoseidon5(admin!);
      const Vault = await ethers.getContractFactory("RecoveryVault", admin);
      await expect(Vault.deploy(await admin!.getAddress(), await hasher.getAddress(), 60)).to.be.revertedWithCustomError(
        Vault,
        "RecoveryVaultInvalidVetoWindow",
      );
    });
  });
});
