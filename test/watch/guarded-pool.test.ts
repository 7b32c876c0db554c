import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import hre from "hardhat";
import { Interface, type Contract, type InterfaceAbi, type ParamType, type Signer } from "ethers";

import { bindings as demoBindings } from "../../examples/demo/bindings";
import { iGuardedPoolAbi } from "../../prover/contracts";

import { deploySafe } from "../../prover/chain/safe";
import { loadObserverModule, observe, watch, type PoolObserver } from "../../prover/watch/watch";
import { expectRejection } from "../helpers/assertions";
import { deployContract } from "../helpers/contracts";

const { ethers } = hre;

interface AssetState {
  outflow: bigint;
  warnLimit: bigint;
  haltLimit: bigint;
  held: bigint;
  owed: bigint;
  insolvent: boolean;
}
const CALM: AssetState = { outflow: 0n, warnLimit: 1_000n, haltLimit: 2_500n, held: 10_000n, owed: 10_000n, insolvent: false };

/** A MockGuardedPool (any IGuardedPool) of `count` assets, its guardian a 2-of-3 Safe. */
async function guardedPool(count: number): Promise<{ pool: Contract; safe: Contract; owners: Signer[]; tokens: string[] }> {
  const signers = (await ethers.getSigners()) as unknown as Signer[];
  const [deployer] = signers as [Signer];
  const owners = signers.slice(15, 18);
  const safe = await deploySafe(deployer, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
  const tokens = Array.from({ length: count }, (_, k) => ethers.getAddress(`0x${(k + 1).toString(16).padStart(40, "a")}`));
  const pool = await deployContract("MockGuardedPool", deployer, [tokens, await safe.getAddress()]);
  for (let k = 0; k < count; k += 1) await (await pool.getFunction("setAsset")(k, CALM)).wait();
  return { pool, safe, owners, tokens };
}

async function at(pool: Contract): Promise<{ address: string; block: number }> {
  return { address: await pool.getAddress(), block: await ethers.provider.getBlockNumber() };
}

describe("lifeboat watch reads any IGuardedPool", function () {
  this.timeout(300_000);

  for (const count of [1, 2, 3]) {
    it(`with ${count} asset(s): nothing to report while calm, then each asset's outflow, warning and solvency by index`, async () => {
      const { pool, tokens } = await guardedPool(count);
      const calm = await at(pool);
      expect((await observe(ethers.provider, calm.address, calm.block)).findings).to.deep.equal([]);

      const last = count - 1;
      await (await pool.getFunction("setAsset")(last, { ...CALM, outflow: 600n })).wait();
      const near = await at(pool);
      expect((await observe(ethers.provider, near.address, near.block)).findings).to.deep.equal([
        { level: "warn", reason: `asset ${last}: outflow 600 is near the warning limit 1000` },
      ]);
      expect((await observe(ethers.provider, near.address, near.block, { warnAt: 0.7 })).findings).to.deep.equal([]);

      await (await pool.getFunction("setAsset")(last, { ...CALM, outflow: 1_001n, held: 8_999n })).wait();
      const crossed = await at(pool);
      const seen = await observe(ethers.provider, crossed.address, crossed.block);
      expect(seen.halted).to.equal(false);
      expect(seen.findings).to.deep.equal([
        { level: "act", reason: `asset ${last} (${tokens[last]}) is insolvent: reserves 8999 against liabilities 10000` },
        { level: "act", reason: `asset ${last}: outflow 1001 in the window is above the warning limit 1000` },
      ]);
      // The earlier block is still read as it was: the agent reads by block tag.
      expect((await observe(ethers.provider, near.address, near.block)).findings).to.have.length(1);
    });
  }

  it("an asset without limits is not rate-limited, and safe mode acts", async () => {
    const { pool } = await guardedPool(2);
    await (await pool.getFunction("setAsset")(0, { ...CALM, outflow: 10n ** 30n, warnLimit: 0n, haltLimit: 0n })).wait();
    await (await pool.getFunction("setSafeMode")(true)).wait();
    const now = await at(pool);
    expect((await observe(ethers.provider, now.address, now.block)).findings).to.deep.equal([
      { level: "act", reason: "the pool is in safe mode (a solvency invariant broke)" },
    ]);
  });

  it("halts a 3-asset pool through the Safe when its third asset's outflow crosses the limit, with the observers' findings and hooks", async () => {
    const { pool, safe, owners } = await guardedPool(3);
    const stateFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-guarded-")), "state.json");
    const calls: string[] = [];
    const extra: PoolObserver = {
      name: "test observer",
      observe: async (_provider, address, { blockTag }) => {
        calls.push(`observe ${address} ${blockTag}`);
        return [{ level: "warn", reason: "the protocol's own warning" }];
      },
      beforeHalt: async (findings) => {
        calls.push(`before halt: ${findings.map((finding) => finding.level).join(",")}`);
        throw new Error("assessment failed");
      },
    };
    await (await pool.getFunction("setAsset")(2, { ...CALM, outflow: 1_500n })).wait();
    const lines: string[] = [];
    const state = await watch({
      provider: ethers.provider,
      pool: await pool.getAddress(),
      observers: [extra],
      safe,
      owners: [owners[0]!, owners[1]!],
      submitter: owners[2]!,
      stateFile,
      pollMs: 20,
      maxBlocks: 1,
      log: (line) => lines.push(line),
    });
    expect(state.acted?.reason).to.equal("asset 2: outflow 1500 in the window is above the warning limit 1000");
    expect(await pool.getFunction("halted")()).to.equal(true);
    expect(await pool.getFunction("haltReason")()).to.equal("lifeboat watch: asset 2: outflow 1500 in the window is above the warning limit 1000");
    expect(lines.join("\n")).to.contain("warning: the protocol's own warning");
    expect(lines.join("\n")).to.contain("test observer before the halt failed (assessment failed); halting anyway");
    expect(calls).to.deep.equal([`observe ${await pool.getAddress()} ${state.lastBlock}`, "before halt: act,warn"]);
  });

  it("refuses a pool that reports no assets, or an absurd number", async () => {
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const empty = await deployContract("MockGuardedPool", signers[0]!, [[], await signers[1]!.getAddress()]);
    const now = await at(empty);
    await expectRejection(
      observe(ethers.provider, now.address, now.block),
      new RegExp(`pool ${now.address} reports 0 assets at block ${now.block}: an IGuardedPool has 1 to 64`),
    );
  });

  it("the demo pool answers every IGuardedPool function with the same selector and return encoding", () => {
    const demo = new Interface(demoBindings.DemoLendingPool.abi as InterfaceAbi);
    // A struct of static fields encodes exactly as its fields: compare flattened return types.
    const flat = (outputs: readonly ParamType[]): string =>
      (outputs.length === 1 && outputs[0]!.isTuple() ? outputs[0]!.components! : outputs).map((output) => output.format("sighash")).join(",");
    new Interface(iGuardedPoolAbi as InterfaceAbi).forEachFunction((wanted) => {
      const found = demo.getFunction(wanted.selector);
      expect(found?.format("sighash"), wanted.format("sighash")).to.equal(wanted.format("sighash"));
      expect(flat(found!.outputs), wanted.name).to.equal(flat(wanted.outputs));
      expect(found!.constant, wanted.name).to.equal(wanted.constant); // pure answers a view
    });
  });

  it("loads observers from a module by path, and names a module that exports none", async () => {
    expect(
      (await loadObserverModule(path.join(__dirname, "..", "..", "examples", "demo", "watch-observer.ts"))).map((observer) => observer.name),
    ).to.deep.equal(["demo pool observer"]);
    await expectRejection(loadObserverModule(path.join(__dirname, "..", "helpers", "assertions.ts")), /pool observer module .* exports no pool observer/);
  });
});
