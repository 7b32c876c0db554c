import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { Wallet, ZeroAddress, type Signer } from "ethers";

import { execSafeTransaction } from "../../prover/chain/safe";
import { haltSafeTx, safeTxHash, shareSignature, signSafeTx, signatureFile } from "../../prover/watch/quorum";
import { runQuorumNode, type QuorumObserver, type QuorumState } from "../../prover/watch/quorum-node";
import { E18, guardedBySafe } from "../contracts/guard/fixture";
import { ethers } from "../contracts/helpers/fixtures";

describe("quorum monitoring: M-of-N watchers, each an owner of the guardians' Safe", function () {
  /** The chain from the fixture, and a fresh shared directory and state files (the chain is reverted per test; files are not). */
  async function watchers() {
    const base = await loadFixture(guardedBySafe);
    const { safe } = base;
    const shareDir = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-quorum-"));
    /** What an honest watcher sees: the pool in safe mode (an invariant broke). */
    const honest: QuorumObserver = async (block) =>
      (await base.protocol.safeMode({ blockTag: block })) ? ["the pool is in safe mode (an invariant broke)"] : [];
    const lines: string[] = [];
    const node = (owner: Signer, name: string, observe: QuorumObserver = honest) =>
      runQuorumNode({
        provider: ethers.provider,
        pool: base.address,
        safe,
        owner,
        shareDir,
        stateFile: path.join(shareDir, `${name}.state.json`),
        observe,
        pollMs: 10,
        maxBlocks: 1,
        log: (line) => lines.push(`${name}: ${line}`),
      });
    return { ...base, shareDir, honest, node, lines };
  }

  it("computes the Safe's own transaction hash for the halt", async () => {
    const { safe, address } = await loadFixture(guardedBySafe);
    const tx = await haltSafeTx(safe, address);
    const onChain = await safe.getFunction("getTransactionHash")(tx.to, 0, tx.data, 0, 0, 0, 0, ZeroAddress, ZeroAddress, tx.nonce);
    expect(safeTxHash(tx)).to.equal(onChain);
  });

  it("halts a drained pool with two of three watchers while the third is down", async () => {
    const { protocol, collateral, thief, safe, owners, node, shareDir, lines } = await watchers();
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 5n * E18);
    const first = await node(owners[0], "watcher-1");
    expect(first.signed, "the first watcher signs").to.not.equal(undefined);
    expect(await protocol.halted(), "one signature is not enough").to.equal(false);
    // watcher-2 is down. watcher-3 sees the same, signs, completes the threshold and executes.
    const third = await node(owners[2], "watcher-3");
    expect(third.executed?.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(await protocol.halted()).to.equal(true);
    const halted = await protocol.queryFilter(protocol.filters.Halted());
    expect(halted.map((event) => event.args.by)).to.deep.equal([await safe.getAddress()]);
    // The first watcher, restarted from its state file, finds the pool halted and does nothing more.
    const again: QuorumState = await node(owners[0], "watcher-1");
    expect(again.lastBlock).to.be.greaterThan(first.lastBlock);
    expect(again.haltedAt).to.not.equal(undefined);
    expect(again.executed).to.equal(undefined);
    expect(lines.some((line) => line.startsWith("watcher-3:") && line.includes("2 valid signatures (threshold 2): executed the halt"))).to.equal(true);
    expect((await fs.readdir(shareDir)).filter((name) => name.startsWith("0x"))).to.have.length(1);
  });

  it("re-signs at the Safe's new nonce when another Safe transaction executes between the signatures", async () => {
    const { protocol, collateral, thief, safe, owners, node } = await watchers();
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 5n * E18);
    await node(owners[0], "watcher-1");
    // The guardians' Safe does something else meanwhile: watcher-1's signature (nonce 0) is spent.
    await execSafeTransaction(
      safe,
      await collateral.getAddress(),
      collateral.interface.encodeFunctionData("approve", [thief.address, 0n]),
      [owners[1], owners[2]],
      owners[1],
    );
    expect(await safe.getFunction("nonce")()).to.equal(1n);
    const third = await node(owners[2], "watcher-3");
    expect(third.executed, "one signature at the new nonce is not enough").to.equal(undefined);
    const first = await node(owners[0], "watcher-1");
    expect(first.signed?.nonce).to.equal("1");
    expect(first.executed).to.not.equal(undefined);
    expect(await protocol.halted()).to.equal(true);
  });

  it("still halts when a liar spoils an honest watcher's shared file: the next honest step restores it", async () => {
    const { protocol, collateral, thief, safe, address, owners, node, shareDir } = await watchers();
    await protocol.connect(thief).skim(await collateral.getAddress(), thief.address, 5n * E18);
    await node(owners[0], "watcher-1");
    const tx = await haltSafeTx(safe, address);
    await fs.writeFile(signatureFile(shareDir, safeTxHash(tx), await owners[0].getAddress()), "{ spoiled");
    expect((await node(owners[2], "watcher-3")).executed, "the spoiled signature does not count").to.equal(undefined);
    await ethers.provider.send("evm_mine", []);
    expect((await node(owners[0], "watcher-1")).executed).to.not.equal(undefined);
    expect(await protocol.halted()).to.equal(true);
  });

  it("does nothing on one lying watcher's signature, nor on files it forges for the others", async () => {
    const { protocol, safe, address, owners, node, shareDir, lines } = await watchers();
    const liar = owners[1];
    const liarState = await node(liar, "liar", async () => ["an invented emergency"]);
    expect(liarState.signed).to.not.equal(undefined);
    // It forges the other owners' files: its own signature under their names, and a stranger's.
    const tx = await haltSafeTx(safe, address);
    await shareSignature(shareDir, tx, await owners[0].getAddress(), await signSafeTx(liar, tx), { block: 0, reason: "forged" });
    const stranger = Wallet.createRandom();
    await shareSignature(shareDir, tx, await owners[2].getAddress(), await signSafeTx(stranger, tx), { block: 0, reason: "forged" });
    await shareSignature(shareDir, tx, stranger.address, await signSafeTx(stranger, tx), { block: 0, reason: "not an owner" });
    await fs.writeFile(path.join(path.dirname(signatureFile(shareDir, safeTxHash(tx), stranger.address)), "garbage.json"), "{ not json");
    for (const [owner, name] of [
      [owners[0], "watcher-1"],
      [owners[2], "watcher-3"],
      [liar, "liar"],
    ] as const) {
      await ethers.provider.send("evm_mine", []);
      await node(owner, name, name === "liar" ? async () => ["an invented emergency"] : undefined);
    }
    expect(await protocol.halted()).to.equal(false);
    // Each honest watcher and the liar refuse the two files forged under owners' names; the
    // stranger's file and the garbage are not owners' files and are never read.
    const refusals = lines.filter((line) => line.includes("refused"));
    expect(refusals).to.have.length(6);
    expect(refusals.every((line) => line.includes("its signature is not"))).to.equal(true);
    expect(lines.some((line) => line.includes("executed the halt"))).to.equal(false);
  });

  it("refuses to run a watcher whose key is not an owner of the Safe", async () => {
    const { node, safe } = await watchers();
    const outsider = Wallet.createRandom().connect(ethers.provider);
    const refusal = await node(outsider, "outsider").then(
      () => "",
      (error: Error) => error.message,
    );
    expect(refusal).to.equal(`${outsider.address} is not an owner of the Safe ${await safe.getAddress()}: its signature would not count`);
  });
});

describe("lifeboat watch --quorum-dir", function () {
  it("refuses more than one owner key: a quorum watcher holds exactly one", async () => {
    const { watchCommand, WATCH_OWNER_KEYS_ENV } = await import("../../prover/cli/commands/watch");
    const keys = [Wallet.createRandom().privateKey, Wallet.createRandom().privateKey];
    const saved = process.env[WATCH_OWNER_KEYS_ENV];
    process.env[WATCH_OWNER_KEYS_ENV] = keys.join(",");
    const address = Wallet.createRandom().address;
    try {
      const refusal = await watchCommand([
        "--pool",
        address,
        "--safe",
        address,
        "--state",
        path.join(os.tmpdir(), "unused.json"),
        "--quorum-dir",
        os.tmpdir(),
      ]).then(
        () => "",
        (error: Error) => error.message,
      );
      expect(refusal).to.equal(`a quorum watcher holds one owner key: set ${WATCH_OWNER_KEYS_ENV} to exactly one key, not 2`);
    } finally {
      if (saved === undefined) delete process.env[WATCH_OWNER_KEYS_ENV];
      else process.env[WATCH_OWNER_KEYS_ENV] = saved;
    }
  });
});
