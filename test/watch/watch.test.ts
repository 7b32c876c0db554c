import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import hre from "hardhat";
import type { Contract, Provider, Signer } from "ethers";

import { attach } from "../../prover/chain/contracts";
import { bindings as demoBindings } from "../../examples/demo/bindings";
import { demoPoolObserver } from "../../examples/demo/watch-observer";
import { deploySafe } from "../../prover/chain/safe";
import { watch, type WatchState } from "../../prover/watch/watch";
import { deployPool, setOracleGuard } from "../contracts/helpers/demo-pool";
import { ensureCompiled } from "../contracts/helpers/fixtures";
import { expectRejection } from "../helpers/assertions";

const { ethers } = hre;

async function mine(blocks: number): Promise<void> {
  for (let i = 0; i < blocks; i += 1) await hre.network.provider.send("evm_mine", []);
}

/** A provider whose reads fail every `period`-th call, like a flaky RPC endpoint. */
function flaky(provider: Provider, period: number): Provider {
  let calls = 0;
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === "call" || property === "getBlockNumber") {
        return async (...args: unknown[]) => {
          calls += 1;
          if (calls % period === 0) throw new Error("502 Bad Gateway (simulated)");
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("lifeboat watch", function () {
  let pool: Contract;
  let safe: Contract;
  let owners: Signer[];
  let attacker: Signer;
  let stateFile: string;

  before(async () => {
    await ensureCompiled();
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const [governance, alice] = signers as [Signer, Signer];
    attacker = signers[2]!;
    owners = signers.slice(15, 18);
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
    pool = await attach(demoBindings.DemoLendingPool, await deployed.getAddress(), governance);
    safe = await deploySafe(governance, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
    await (await deployed.grantRole(await deployed.GUARDIAN_ROLE(), await safe.getAddress())).wait();
    await (await weth.mint(await alice.getAddress(), 10_000n)).wait();
    await (await weth.connect(alice).approve(await deployed.getAddress(), 10_000n)).wait();
    await (await deployed.connect(alice).deposit(0, 10_000n)).wait();
    await (await deployed.setLimits(await weth.getAddress(), 1_000n, 2_500n)).wait();
    stateFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-watch-")), "state.json");
  });

  it("halts a drained pool through the Safe within a bounded number of blocks, surviving RPC errors", async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const provider = flaky(ethers.provider, 23);
    const running = watch({
      provider,
      pool: pool.connect(provider) as Contract,
      safe,
      owners: [owners[0]!, owners[1]!],
      submitter: owners[2]!,
      stateFile,
      pollMs: 20,
      log: (line) => lines.push(line),
      signal: controller.signal,
    });
    await mine(2);
    // The attack: 5 % leaves through the bug, below the breaker's warning limit; the pool goes
    // insolvent and into safe mode, but it is not halted.
    const drain = await (await pool.connect(attacker).getFunction("rescueTokens")(0, await attacker.getAddress(), 500n)).wait();
    expect(await pool.getFunction("halted")()).to.equal(false);
    for (let i = 0; i < 40 && !((await pool.getFunction("halted")()) as boolean); i += 1) {
      await mine(1);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    controller.abort();
    const state = await running;
    expect(await pool.getFunction("halted")()).to.equal(true);
    expect(state.acted?.block).to.equal(drain!.blockNumber);
    expect(state.acted?.reason).to.match(/safe mode|insolvent/);
    expect(lines.some((line) => line.includes("retrying"))).to.equal(true);
    expect((await safe.getFunction("nonce")()) as bigint).to.equal(1n);
  });

  it("does not halt twice after a restart, even if the state file lost the action", async () => {
    const saved = JSON.parse(await fs.readFile(stateFile, "utf8")) as WatchState;
    await mine(3);
    const again = await watch({
      provider: ethers.provider,
      pool,
      safe,
      owners: [owners[0]!, owners[1]!],
      submitter: owners[2]!,
      stateFile,
      pollMs: 20,
      maxBlocks: 3,
      log: () => undefined,
    });
    expect(again.lastBlock).to.equal(saved.lastBlock + 3);
    expect((await safe.getFunction("nonce")()) as bigint).to.equal(1n);

    // A crash between sending the halt and saving the state: the chain says it is done.
    const { acted: _, ...forgotten } = again;
    await fs.writeFile(stateFile, JSON.stringify({ ...forgotten, lastBlock: (saved.acted?.block ?? 0) - 1 }));
    const lines: string[] = [];
    const replayed = await watch({
      provider: ethers.provider,
      pool,
      safe,
      owners: [owners[0]!, owners[1]!],
      submitter: owners[2]!,
      stateFile,
      pollMs: 20,
      maxBlocks: 2,
      log: (line) => lines.push(line),
    });
    expect(replayed.acted?.txHash).to.equal("(already halted)");
    expect(lines.join("\n")).to.contain("already halted; not acting again");
    expect((await safe.getFunction("nonce")()) as bigint).to.equal(1n);
  });

  it("refuses a state file of another pool", async () => {
    const other = path.join(path.dirname(stateFile), "other.json");
    await fs.writeFile(other, JSON.stringify({ format: "lifeboat.watch-state.v1", pool: "0x000000000000000000000000000000000000dEaD", lastBlock: 1 }));
    let error: unknown;
    try {
      await watch({ provider: ethers.provider, pool, safe, owners, submitter: owners[0]!, stateFile: other, maxBlocks: 1, log: () => undefined });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.contain("is for pool 0x000000000000000000000000000000000000dEaD, not");
  });

  it("refuses a truncated or foreign state file by name instead of crashing", async () => {
    for (const [name, text, pattern] of [
      ["truncated.json", '{"format": "lifeboat.watch-state.v1", "pool":', /watch state .*truncated\.json is not valid JSON/],
      ["null.json", "null", /watch state .*null\.json is not a lifeboat\.watch-state\.v1 file/],
      ["nopool.json", JSON.stringify({ format: "lifeboat.watch-state.v1", lastBlock: 1 }), /nopool\.json is not a lifeboat\.watch-state\.v1 file/],
    ] as const) {
      const file = path.join(path.dirname(stateFile), name);
      await fs.writeFile(file, text);
      await expectRejection(
        watch({ provider: ethers.provider, pool, safe, owners, submitter: owners[0]!, stateFile: file, maxBlocks: 1, log: () => undefined }),
        pattern,
      );
    }
  });
});

describe("lifeboat watch: the demo pool's own observer (oracle, volatility, borrowers' collateral)", function () {
  it("lists margin warnings for borrowers near or past their liquidation limit, and on bad debt the pool does not count yet has it assessed and halts it", async () => {
    await ensureCompiled();
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const [governance, alice, bob] = signers as [Signer, Signer, Signer];
    const owners = signers.slice(15, 18);
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
    const pool = await attach(demoBindings.DemoLendingPool, await deployed.getAddress(), governance);
    const safe = await deploySafe(governance, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
    await (await deployed.grantRole(await deployed.GUARDIAN_ROLE(), await safe.getAddress())).wait();
    const oracle = await (await ethers.getContractFactory("DemoPriceOracle", governance)).deploy();
    const setPrice = async (price: bigint) => {
      await (await oracle.setPrice(price)).wait();
      await setOracleGuard(deployed, await oracle.getAddress(), price, 3600, 1000);
    };
    await setPrice(3_000n * 10n ** 6n);
    await (await usdc.mint(await alice.getAddress(), 10_000n * 10n ** 6n)).wait();
    await (await usdc.connect(alice).approve(await deployed.getAddress(), 10_000n * 10n ** 6n)).wait();
    await (await deployed.connect(alice).deposit(1, 10_000n * 10n ** 6n)).wait();
    await (await weth.mint(await bob.getAddress(), 10n ** 18n)).wait();
    await (await weth.connect(bob).approve(await deployed.getAddress(), 10n ** 18n)).wait();
    await (await deployed.connect(bob).deposit(0, 10n ** 18n)).wait();
    await (await deployed.connect(bob).borrow(1, 1_500n * 10n ** 6n)).wait();
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-watch-"));
    // Each run starts from a new state file, so it looks at the head block (the price and the
    // reference set together), not at the block between them.
    const run = async (stateName: string, lines: string[]) =>
      watch({
        provider: ethers.provider,
        pool,
        observers: [demoPoolObserver()],
        safe,
        owners: [owners[0]!, owners[1]!],
        submitter: owners[2]!,
        stateFile: path.join(directory, stateName),
        pollMs: 20,
        maxBlocks: 1,
        log: (line) => lines.push(line),
      });

    const bobAddress = await bob.getAddress();
    const calm: string[] = [];
    await setPrice(2_500n * 10n ** 6n); // 1,500 owed against a liquidation limit of 75 % of 2,500: 80 % of it
    await run("calm.json", calm);
    expect(calm.join("\n")).not.to.contain("margin warning");
    const warned: string[] = [];
    await setPrice(2_200n * 10n ** 6n); // limit 1,650: 1,500 is 91 % of it, above the pool's 90 %
    await run("margin.json", warned);
    expect(warned.join("\n")).to.contain(
      `warning: margin warning: account ${bobAddress} is near its liquidation limit 1650000000: debt worth 1500000000 against collateral worth 2200000000`,
    );
    const liquidatable: string[] = [];
    await setPrice(1_950n * 10n ** 6n); // limit 1,462.5: past it, still covered
    await run("liquidatable.json", liquidatable);
    expect(liquidatable.join("\n")).to.contain(
      `warning: margin warning: account ${bobAddress} can be liquidated: debt worth 1500000000 against collateral worth 1950000000, above its liquidation limit 1462500000`,
    );
    expect(liquidatable.join("\n")).not.to.contain("borrowing is frozen");
    expect(await pool.getFunction("halted")()).to.equal(false);

    // Volatility: a 10 % move sampled an hour after the last (r² = 1 %, v = 0.5 %) freezes borrowing, and the agent says so.
    await (
      await deployed.setVolatilityModel({
        interval: 3600,
        weightBps: 5000,
        maxStepBps: 500,
        low: 10n ** 14n,
        high: 4n * 10n ** 15n,
        freezeBorrow: 2n * 10n ** 15n,
        haltLevel: 10n ** 17n,
      })
    ).wait();
    await (await deployed.pokeVolatility()).wait();
    await ethers.provider.send("evm_increaseTime", [3600]);
    await setPrice(2_145n * 10n ** 6n);
    await (await deployed.pokeVolatility()).wait();
    const frozen: string[] = [];
    await run("frozen.json", frozen);
    expect(frozen.join("\n")).to.contain(
      "warning: borrowing is frozen: volatility 5000000000000000 is above 2000000000000000 (the pool halts at 100000000000000000)",
    );
    expect(await pool.getFunction("halted")()).to.equal(false);

    await setPrice(1_200n * 10n ** 6n); // 1,500 owed against 1,200: 300 of bad debt
    expect(await pool.getFunction("safeMode")()).to.equal(false); // nobody has assessed the account yet
    const alerted: string[] = [];
    const state = await run("bad-debt.json", alerted);
    expect(alerted.join("\n")).to.contain(
      `ALERT: account ${bobAddress} is undercollateralised: debt worth 1500000000 against collateral worth 1200000000 at the oracle price (bad debt 300000000)`,
    );
    expect(state.acted?.reason).to.match(/undercollateralised/);
    expect(await pool.getFunction("halted")()).to.equal(true);
    // The agent also had the pool assess the account: the bad debt is on the books, in safe mode.
    expect(alerted.join("\n")).to.contain(`had the pool assess ${bobAddress}`);
    expect(await pool.getFunction("badDebtOf")(bobAddress)).to.deep.equal([0n, 300n * 10n ** 6n]);
    expect(await pool.getFunction("safeMode")()).to.equal(true);
  });
});
