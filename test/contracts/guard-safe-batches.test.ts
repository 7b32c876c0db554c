import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ZeroAddress, ZeroHash, type Signer } from "ethers";

import { DEMO_POOL_UPGRADE_DELAY } from "../../examples/demo/pool";
import { deploySafe, execSafeTransaction } from "../../prover/chain/safe";
import {
  batchTransactionCalldata,
  buildBatchFile,
  hasValidChecksum,
  poolLimitsCalls,
  poolUpgradeOperation,
  timelockCancelCall,
  timelockExecuteCall,
  timelockOperationId,
  timelockScheduleCall,
  type BatchFile,
  type BatchTransaction,
} from "../../prover/chain/safe-tx-builder";
import { limitsCommand, upgradeCommand } from "../../prover/cli/commands/guard";
import { expectRejection } from "../helpers/assertions";
import { quietly } from "../helpers/quietly";
import { safeValidateChecksum } from "../helpers/safe-checksum";
import { deployPool } from "./helpers/demo-pool";
import { ensureCompiled, ethers } from "./helpers/fixtures";

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
const SALT = `0x${"11".repeat(32)}`;

/**
 * The pool's limits and upgrades written as Safe Transaction Builder batches and executed by the
 * Safe that governs the pool: what `--safe-tx` produces for `lifeboat limits` and `lifeboat upgrade`.
 */
describe("guard governance as Safe Transaction Builder batches, executed by the governing Safe", function () {
  before(ensureCompiled);

  /** A pool governed by a 2-of-3 Safe, upgradeable through a timelock whose proposer, executor and canceller is that Safe. */
  async function fixture() {
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const deployer = signers[0]!;
    const owners = signers.slice(15, 18) as [Signer, Signer, Signer];
    const safe = await deploySafe(deployer, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
    const safeAddress = await safe.getAddress();
    const timelock = await (
      await ethers.getContractFactory("TimelockController", deployer)
    ).deploy(DEMO_POOL_UPGRADE_DELAY, [safeAddress], [safeAddress], ZeroAddress);
    const Token = await ethers.getContractFactory("TestToken", deployer);
    const [weth, usdc] = [await Token.deploy("Wrapped Ether", "WETH", 18), await Token.deploy("USD Coin", "USDC", 6)];
    const { pool, implementation } = await deployPool(deployer, {
      asset0: await weth.getAddress(),
      asset1: await usdc.getAddress(),
      governance: safeAddress,
      window: 3600,
      lockDelay: 86_400,
      timelock: await timelock.getAddress(),
    });
    const v2 = await (await ethers.getContractFactory("DemoLendingPoolV2", deployer)).deploy(3600);
    /** The Safe executes every call of the batch (two owners sign), after the file's checksum is checked as the app checks it. */
    const run = async (batch: BatchFile) => {
      const file = JSON.parse(JSON.stringify(batch)) as BatchFile & { meta: Record<string, unknown> };
      expect(safeValidateChecksum(file), "the Transaction Builder accepts the file").to.equal(true);
      expect(hasValidChecksum(file)).to.equal(true);
      for (const transaction of file.transactions)
        await execSafeTransaction(safe, transaction.to, batchTransactionCalldata(transaction), [owners[0], owners[2]], owners[1]);
    };
    const batch = (name: string, transactions: readonly BatchTransaction[]) =>
      buildBatchFile({ chainId: 31337n, name, description: name, safe: safeAddress, transactions });
    const currentImplementation = async () =>
      ethers.getAddress(`0x${(await ethers.provider.getStorage(await pool.getAddress(), IMPLEMENTATION_SLOT)).slice(26)}`);
    return { pool, implementation, timelock, weth, usdc, v2, run, batch, currentImplementation };
  }

  it("sets both assets' limits in one batch", async () => {
    const f = await loadFixture(fixture);
    const [weth, usdc] = [await f.weth.getAddress(), await f.usdc.getAddress()];
    const calls = poolLimitsCalls(await f.pool.getAddress(), [
      { token: weth, warn: 500n, halt: 900n },
      { token: usdc, warn: 10n ** 9n, halt: 2n * 10n ** 9n },
    ]);
    expect(
      calls.map((call) => [call.contractMethod?.name, call.contractInputsValues]),
      "the owners review the method and its values",
    ).to.deep.equal([
      ["setLimits", { token: weth, warn: "500", haltLimit: "900" }],
      ["setLimits", { token: usdc, warn: "1000000000", haltLimit: "2000000000" }],
    ]);
    await f.run(f.batch("limits", calls));
    expect(await f.pool.limits(weth)).to.deep.equal([500n, 900n]);
    expect(await f.pool.limits(usdc)).to.deep.equal([10n ** 9n, 2n * 10n ** 9n]);
  });

  it("schedules an upgrade, which executes only after the delay, with the id the timelock computes", async () => {
    const f = await loadFixture(fixture);
    const operation = poolUpgradeOperation(await f.timelock.getAddress(), await f.pool.getAddress(), await f.v2.getAddress(), SALT);
    expect(timelockOperationId(operation)).to.equal(await f.timelock.hashOperation(operation.target, 0, operation.data, ZeroHash, SALT));
    await f.run(f.batch("schedule upgrade", [timelockScheduleCall(operation, BigInt(DEMO_POOL_UPGRADE_DELAY))]));
    expect(await f.timelock.isOperationPending(timelockOperationId(operation))).to.equal(true);
    await expectRejection(f.run(f.batch("execute early", [timelockExecuteCall(operation)])), /GS013/); // the timelock refused: the Safe's call failed
    await time.increase(DEMO_POOL_UPGRADE_DELAY);
    await f.run(f.batch("execute upgrade", [timelockExecuteCall(operation)]));
    expect(await f.currentImplementation()).to.equal(await f.v2.getAddress());
    expect(await (await ethers.getContractAt("DemoLendingPoolV2", await f.pool.getAddress())).version()).to.equal(2n);
  });

  it("cancels a scheduled upgrade during the delay, after which it never executes", async () => {
    const f = await loadFixture(fixture);
    const operation = poolUpgradeOperation(await f.timelock.getAddress(), await f.pool.getAddress(), await f.v2.getAddress(), SALT);
    await f.run(f.batch("schedule upgrade", [timelockScheduleCall(operation, BigInt(DEMO_POOL_UPGRADE_DELAY))]));
    await f.run(f.batch("cancel upgrade", [timelockCancelCall(operation)]));
    await time.increase(DEMO_POOL_UPGRADE_DELAY);
    await expectRejection(f.run(f.batch("execute upgrade", [timelockExecuteCall(operation)])), /GS013/);
    expect(await f.currentImplementation()).to.equal(f.implementation);
  });

  it("refuses limits the breaker would refuse, bad addresses and salts, and a non-positive delay, naming the field", async () => {
    const pool = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const token = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    expect(() => poolLimitsCalls(pool, [])).to.throw("limits batch: give at least one asset's limits");
    expect(() => poolLimitsCalls(pool, [{ token, warn: 2n, halt: 1n }])).to.throw(
      "limits batch: asset 0: warn 2 must be positive and at most halt 1 (the breaker refuses it)",
    );
    expect(() => poolLimitsCalls(pool, [{ token, warn: 0n, halt: 1n }])).to.throw("limits batch: asset 0: warn 0 must be positive and at most halt 1");
    expect(() => poolLimitsCalls(pool, [{ token, warn: 1n, halt: 2n ** 128n }])).to.throw(`limits batch: asset 0: halt ${2n ** 128n} is not a uint128`);
    expect(() => poolLimitsCalls(pool, [{ token: "0x12", warn: 1n, halt: 2n }])).to.throw('limits batch: asset 0: token "0x12" is not an address');
    expect(() => poolUpgradeOperation(token, pool, "0xnope", SALT)).to.throw('upgrade: new implementation "0xnope" is not an address');
    const operation = poolUpgradeOperation(token, pool, token, "0x01");
    expect(() => timelockOperationId(operation)).to.throw('timelock operation: salt "0x01" is not 32 bytes of hex');
    expect(() => timelockScheduleCall(poolUpgradeOperation(token, pool, token, SALT), 0n)).to.throw("timelock schedule: delay 0 must be positive");
  });

  describe("lifeboat limits and lifeboat upgrade write these batches (--safe-tx)", function () {
    const batchOf = async (args: string[], command: (argv: string[]) => Promise<void>): Promise<BatchFile> => {
      const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-guard-batch-")), "batch.json");
      await quietly(() => command([...args, "--chain-id", "31337", "--safe-tx", file]));
      return JSON.parse(await fs.readFile(file, "utf8")) as BatchFile;
    };

    it("sets the limits the command was given, one setLimits per token", async () => {
      const f = await loadFixture(fixture);
      const [weth, usdc, pool] = [await f.weth.getAddress(), await f.usdc.getAddress(), await f.pool.getAddress()];
      await f.run(await batchOf(["--pool", pool, "--tokens", `${weth},${usdc}`, "--warn", "500,1000000000", "--halt", "900,2000000000"], limitsCommand));
      expect(await f.pool.limits(weth)).to.deep.equal([500n, 900n]);
      expect(await f.pool.limits(usdc)).to.deep.equal([10n ** 9n, 2n * 10n ** 9n]);
    });

    it("schedules, then after the delay executes, the upgrade, naming the timelock's operation id", async () => {
      const f = await loadFixture(fixture);
      const args = [
        "--pool",
        await f.pool.getAddress(),
        "--timelock",
        await f.timelock.getAddress(),
        "--implementation",
        await f.v2.getAddress(),
        "--salt",
        SALT,
      ];
      const id = await f.timelock.hashOperation(
        await f.pool.getAddress(),
        0,
        f.pool.interface.encodeFunctionData("upgradeToAndCall", [await f.v2.getAddress(), "0x"]),
        ZeroHash,
        SALT,
      );
      const plan = await quietly(() =>
        upgradeCommand([...args, "--step", "schedule", "--delay", `${DEMO_POOL_UPGRADE_DELAY}s`, "--chain-id", "31337", "--dry-run"]),
      );
      expect(plan).to.contain(id);
      await f.run(await batchOf([...args, "--step", "schedule", "--delay", `${DEMO_POOL_UPGRADE_DELAY}s`], upgradeCommand));
      expect(await f.timelock.isOperationPending(id)).to.equal(true);
      await time.increase(DEMO_POOL_UPGRADE_DELAY);
      await f.run(await batchOf([...args, "--step", "execute"], upgradeCommand));
      expect(await f.currentImplementation()).to.equal(await f.v2.getAddress());
    });

    it("refuses what the breaker or the timelock would refuse, and options that do not fit, by name", async () => {
      const f = await loadFixture(fixture);
      const [weth, pool] = [await f.weth.getAddress(), await f.pool.getAddress()];
      const limits = (warn: string, halt: string, tokens = weth) =>
        limitsCommand(["--pool", pool, "--tokens", tokens, "--warn", warn, "--halt", halt, "--chain-id", "31337", "--dry-run"]);
      await expectRejection(limits("900", "500"), /asset 0: warn 900 must be positive and at most halt 500/);
      await expectRejection(limits("0", "500"), /asset 0: warn 0 must be positive/);
      await expectRejection(limits("1,2", "3,4"), /--tokens names 1 token\(s\): give as many --warn \(2\) and --halt \(2\) values/);
      const upgrade = (extra: string[]) =>
        upgradeCommand(["--pool", pool, "--timelock", pool, "--implementation", pool, "--chain-id", "31337", "--dry-run", ...extra]);
      await expectRejection(upgrade(["--salt", "0x12", "--step", "execute"]), /--salt must be 0x and 64 hex digits, got "0x12"/);
      await expectRejection(upgrade(["--salt", SALT, "--step", "deploy"]), /--step must be one of schedule, execute, cancel, got "deploy"/);
      await expectRejection(upgrade(["--salt", SALT, "--step", "execute", "--delay", "2d"]), /--delay goes with --step schedule/);
      await expectRejection(upgrade(["--salt", SALT, "--step", "schedule"]), /--delay goes with --step schedule/);
      await expectRejection(upgrade(["--salt", SALT, "--step", "cancel", "--init-data", "0x1"]), /--init-data must be 0x-prefixed hex bytes/);
    });
  });
});
