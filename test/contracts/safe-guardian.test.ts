import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Interface, Signer } from "ethers";

import { deploySafe, execSafeTransaction } from "../../prover/chain/safe";
import { activeSnapshotFixture, ensureCompiled, ethers, smallCircuit } from "./helpers/fixtures";

describe("the emergency multisig: a Safe holding the guardian role", function () {
  before(async () => {
    await ensureCompiled();
    await smallCircuit();
  });

  async function withSafe() {
    const base = await activeSnapshotFixture(2);
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const owners = signers.slice(15, 18);
    const safe = await deploySafe(base.admin, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
    await base.vault.grantRole(await base.vault.GUARDIAN_ROLE(), await safe.getAddress());
    await base.vault.revokeRole(await base.vault.GUARDIAN_ROLE(), await base.guardian.getAddress());
    const call = (name: string, args: unknown[] = []) => (base.vault.interface as unknown as Interface).encodeFunctionData(name, args);
    return { ...base, safe, owners, call, vaultAddress: await base.vault.getAddress() };
  }

  it("pauses the vault with its owners' signatures (threshold met)", async () => {
    const { vault, safe, owners, call, vaultAddress, relayer } = await loadFixture(withSafe);
    await execSafeTransaction(safe, vaultAddress, call("pause"), [owners[0]!, owners[2]!], relayer);
    expect(await vault.paused()).to.equal(true);
  });

  it("does not pause with fewer signatures than its threshold", async () => {
    const { vault, safe, owners, call, vaultAddress, relayer } = await loadFixture(withSafe);
    await expect(execSafeTransaction(safe, vaultAddress, call("pause"), [owners[1]!], relayer)).to.be.revertedWith("GS020");
    expect(await vault.paused()).to.equal(false);
  });

  it("does not accept a non-owner's signature towards the threshold", async () => {
    const { vault, safe, owners, call, vaultAddress, relayer, stranger } = await loadFixture(withSafe);
    await expect(execSafeTransaction(safe, vaultAddress, call("pause"), [owners[0]!, stranger], relayer)).to.be.revertedWith("GS026");
    expect(await vault.paused()).to.equal(false);
  });

  it("can veto a proposal", async () => {
    const { vault, safe, owners, vaultAddress, relayer, verifier, weth, sweepTo } = await loadFixture(withSafe);
    const { proposal } = await import("./helpers/fixtures");
    await vault.propose(
      2n,
      proposal({
        root: 5n,
        totals: [5n],
        tokens: [await weth.getAddress()],
        verifier: await verifier.getAddress(),
        sweepRecipient: await sweepTo.getAddress(),
      }),
    );
    await execSafeTransaction(
      safe,
      vaultAddress,
      vault.interface.encodeFunctionData("veto", [2n, "root does not match the audit"]),
      [owners[0]!, owners[1]!],
      relayer,
    );
    expect((await vault.snapshot(2n)).state).to.equal(2n);
  });

  it("cannot unpause, move funds or change parameters, even with every signature", async () => {
    const { vault, safe, owners, call, vaultAddress, relayer, snapshotId } = await loadFixture(withSafe);
    await execSafeTransaction(safe, vaultAddress, call("pause"), [owners[0]!, owners[1]!], relayer);
    for (const data of [
      call("unpause"),
      vault.interface.encodeFunctionData("sweep", [snapshotId]),
      vault.interface.encodeFunctionData("setVetoWindow", [5 * 24 * 3600]),
    ]) {
      // The inner call reverts on the vault's role check, so the Safe transaction fails (GS013).
      await expect(execSafeTransaction(safe, vaultAddress, data, owners, relayer)).to.be.revertedWith("GS013");
    }
    expect(await vault.paused()).to.equal(true);
  });
});
