import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Signer } from "ethers";

import { deploySafe } from "../../prover/chain/safe";
import { QUORUM_HALT_REASON } from "../../prover/watch/quorum";
import { runQuorumNode, type QuorumObserver } from "../../prover/watch/quorum-node";
import { observe } from "../../prover/watch/watch";
import { demoPoolObserver } from "../../examples/demo/watch-observer";
import { deployPool } from "../contracts/helpers/demo-pool";
import { ensureCompiled, ethers } from "../contracts/helpers/fixtures";

/**
 * The quorum watchers against the real demo pool (not a mock): each watcher runs the agent's own
 * observation (`observe`, what `lifeboat watch` reads at every block) and, on a finding to act on,
 * signs the guardians' Safe transaction that halts the pool; whoever completes 2 of 3 executes it.
 */
describe("quorum monitoring of the demo pool: 2 of 3 watchers halt it through the guardians' Safe", function () {
  before(ensureCompiled);

  /** A WETH/USDC pool (warn above 1,000 WETH units per hour, halt above 2,500), its Safe (2 of 3) as guardian, Alice's 10,000 WETH units. */
  async function guardedDemoPool() {
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const [governance, alice] = signers as [Signer, Signer];
    const owners = signers.slice(15, 18) as [Signer, Signer, Signer];
    const Token = await ethers.getContractFactory("TestToken", governance);
    const weth = await Token.deploy("Wrapped Ether", "WETH", 18);
    const usdc = await Token.deploy("USD Coin", "USDC", 6);
    const deployed = (
      await deployPool(governance, {
        asset0: await weth.getAddress(),
        asset1: await usdc.getAddress(),
        governance: await governance.getAddress(),
        window: 3600,
        lockDelay: 86_400,
      })
    ).pool;
    const safe = await deploySafe(governance, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
    await (await deployed.grantRole(await deployed.GUARDIAN_ROLE(), await safe.getAddress())).wait();
    await (await weth.mint(await alice.getAddress(), 10_000n)).wait();
    await (await weth.connect(alice).approve(await deployed.getAddress(), 10_000n)).wait();
    await (await deployed.connect(alice).deposit(0, 10_000n)).wait();
    await (await deployed.setLimits(await weth.getAddress(), 1_000n, 2_500n)).wait();
    return { deployed, safe, owners, alice, weth };
  }

  async function watchers() {
    const base = await loadFixture(guardedDemoPool);
    const poolAddress = await base.deployed.getAddress();
    const shareDir = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-quorum-pool-"));
    /** The agent's own observation of the pool: the findings it acts on. */
    const honest: QuorumObserver = async (block) =>
      (await observe(ethers.provider, poolAddress, block, { warnAt: 0.5, observers: [demoPoolObserver()] })).findings
        .filter((finding) => finding.level === "act")
        .map((finding) => finding.reason);
    const lines: string[] = [];
    const node = (owner: Signer, name: string, observer: QuorumObserver = honest) =>
      runQuorumNode({
        provider: ethers.provider,
        pool: poolAddress,
        safe: base.safe,
        owner,
        shareDir,
        stateFile: path.join(shareDir, `${name}.state.json`),
        observe: observer,
        pollMs: 10,
        maxBlocks: 1,
        log: (line) => lines.push(`${name}: ${line}`),
      });
    return { ...base, node, lines, shareDir };
  }

  /** An outflow above the warning limit: 1,200 WETH units in the hour, the second withdrawal locked with a warning. */
  async function breach(f: Awaited<ReturnType<typeof watchers>>) {
    await (await f.deployed.connect(f.alice).withdraw(0, 900n)).wait();
    await expect(f.deployed.connect(f.alice).withdraw(0, 300n)).to.emit(f.deployed, "BreakerWarning");
    expect(await f.deployed.halted(), "a warning locks the outflow; it does not halt").to.equal(false);
  }

  it("halts on an outflow breach that two of three watchers see, while the third is down", async () => {
    const f = await watchers();
    await breach(f);
    const first = await f.node(f.owners[0], "watcher-1");
    expect(first.signed, "the first watcher signs").to.not.equal(undefined);
    expect(f.lines[0]).to.contain("ALERT: asset 0: outflow 1200 in the window is above the warning limit 1000; signed the halt");
    expect(await f.deployed.halted(), "one signature is not enough").to.equal(false);
    // watcher-2 is down; watcher-3 sees the same breach, signs, completes the threshold and executes.
    const third = await f.node(f.owners[2], "watcher-3");
    expect(third.executed?.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(await f.deployed.halted()).to.equal(true);
    const halts = await f.deployed.queryFilter(f.deployed.filters.BreakerHalted());
    expect(halts.map((event) => [event.args.by, event.args.reason])).to.deep.equal([[await f.safe.getAddress(), QUORUM_HALT_REASON]]);
    // The halted pool keeps the locked outflow: its recipient cannot release it.
    await expect(f.deployed.connect(f.alice).releaseLocked(0)).to.be.revertedWithCustomError(f.deployed, "CircuitBreakerHalted");
  });

  it("does nothing when fewer than the quorum see the breach", async () => {
    const f = await watchers();
    await breach(f);
    const only = await f.node(f.owners[1], "watcher-2");
    expect(only.signed).to.not.equal(undefined);
    for (let round = 0; round < 2; round += 1) {
      await ethers.provider.send("evm_mine", []);
      expect((await f.node(f.owners[1], "watcher-2")).executed, "its own signature, again, is still one").to.equal(undefined);
    }
    expect(await f.deployed.halted()).to.equal(false);
  });

  it("does nothing on one lying watcher's signature when the honest ones see no breach", async () => {
    const f = await watchers();
    await (await f.deployed.connect(f.alice).withdraw(0, 900n)).wait(); // within the warning limit
    const liar = await f.node(f.owners[1], "liar", async () => ["an invented outflow"]);
    expect(liar.signed).to.not.equal(undefined);
    for (const [owner, name] of [
      [f.owners[0], "watcher-1"],
      [f.owners[2], "watcher-3"],
    ] as const) {
      await ethers.provider.send("evm_mine", []);
      const state = await f.node(owner, name);
      expect(state.signed, `${name} sees nothing to act on`).to.equal(undefined);
    }
    expect(await f.deployed.halted()).to.equal(false);
    expect(f.lines.some((line) => line.includes("executed the halt"))).to.equal(false);
  });
});
