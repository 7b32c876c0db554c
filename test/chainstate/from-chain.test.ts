import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import type { Signer } from "ethers";

import { deployContract } from "../helpers/contracts";
import { deployDemoLendingPool } from "../../examples/demo/pool";
import { deploySafe } from "../../prover/chain/safe";
import { readChainInput } from "../../prover/chainstate/chain-input";
import { BUILTIN_READERS, erc20Reader, loadReaderModule, readersByKind } from "../../prover/chainstate/readers";
import { demoLendingPoolReader } from "../../examples/demo/reader";
import { CHAIN_SOURCE_FORMAT, parseChainSourceConfig } from "../../prover/chainstate/config";
import { contractAccounts } from "../../prover/chainstate/contract-accounts";
import { buildSnapshot } from "../../prover/snapshot/build";
import { generateSeed } from "../../prover/snapshot/seed";
import { expectRejection } from "../helpers/assertions";
import { referenceHashing } from "../helpers/hashing";
import { setOracleGuard } from "../contracts/helpers/demo-pool";
import { chainRpc, erc20Config, ethers, FAST_RETRY, limitedRpc, tokenWithHistory } from "./helpers";

const readers = [...BUILTIN_READERS, demoLendingPoolReader];
describe("snapshot from chain state", function () {
  this.timeout(120_000);
  let cache: string;
  let history: Awaited<ReturnType<typeof tokenWithHistory>>;
  let middle: number;

  before(async () => {
    cache = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-chain-"));
    history = await tokenWithHistory(60);
    middle = history.firstBlock + Math.floor((history.lastBlock - history.firstBlock) / 2);
  });
  after(() => fs.rm(cache, { recursive: true, force: true }));

  const tokenAddress = (): Promise<string> => history.token.getAddress();

  it("replays Transfer logs to the balances balanceOf reports at that block", async () => {
    const config = await erc20Config(await tokenAddress(), history.firstBlock);
    for (const block of [middle, history.lastBlock]) {
      const read = await readChainInput(config, { rpc: chainRpc, block, policy: FAST_RETRY });
      const byAccount = new Map(read.sheet.rows.map((row) => [row.account, row.balances[0]]));
      for (const holder of [...history.holders, "0x000000000000000000000000000000000000dEaD"]) {
        const expected = (await history.token.getFunction("balanceOf")(holder, { blockTag: block })) as bigint;
        expect(byAccount.get(holder) ?? 0n, `${holder} at block ${block}`).to.equal(expected);
      }
      expect(read.source).to.include({ kind: "chain", block });
      expect(read.reports[0]!.checks[0]).to.match(/totalSupply/);
    }
    const early = await readChainInput(config, { rpc: chainRpc, block: middle, policy: FAST_RETRY });
    const late = await readChainInput(config, { rpc: chainRpc, block: history.lastBlock, policy: FAST_RETRY });
    expect(early.csv).to.not.equal(late.csv); // the block matters
  });

  it("gives the same result through a node that refuses large ranges and drops connections", async () => {
    const config = await erc20Config(await tokenAddress(), history.firstBlock);
    const plain = await readChainInput(config, { rpc: chainRpc, block: middle, policy: FAST_RETRY });
    const node = limitedRpc(chainRpc, { maxBlocks: 5, flakyEvery: 7 });
    const hard = await readChainInput(config, { rpc: node, block: middle, maxRange: 64, policy: FAST_RETRY });
    expect(hard.csv).to.equal(plain.csv);
    expect(node.ranges.every(([from, to]) => to - from + 1 <= 5)).to.equal(true);
    // the accepted ranges tile the history exactly: nothing read twice, nothing skipped
    const sorted = [...node.ranges].sort((a, b) => a[0] - b[0]);
    expect(sorted[0]![0]).to.equal(history.firstBlock);
    sorted.slice(1).forEach(([from], i) => expect(from).to.equal(sorted[i]![1] + 1));
    expect(sorted[sorted.length - 1]![1]).to.equal(middle);
  });

  it("resumes an indexing run killed halfway to the same root, without reading the first half again", async () => {
    const config = await erc20Config(await tokenAddress(), history.firstBlock);
    const directory = path.join(cache, "resume");
    const killed = limitedRpc(chainRpc, { dieAfterLogs: 6 });
    await expectRejection(
      readChainInput(config, {
        rpc: killed,
        block: history.lastBlock,
        maxRange: 4,
        cacheDirectory: directory,
        checkpointMs: 0,
        policy: { ...FAST_RETRY, attempts: 1 },
      }),
      /process killed/,
    );

    const resumedNode = limitedRpc(chainRpc);
    const resumed = await readChainInput(config, {
      rpc: resumedNode,
      block: history.lastBlock,
      maxRange: 4,
      cacheDirectory: directory,
      checkpointMs: 0,
      policy: FAST_RETRY,
    });
    expect(resumed.reports[0]!.resumedFrom).to.equal(history.firstBlock + 6 * 4);
    expect(resumedNode.ranges[0]![0]).to.equal(history.firstBlock + 6 * 4);

    const fresh = await readChainInput(config, { rpc: chainRpc, block: history.lastBlock, maxRange: 4, policy: FAST_RETRY });
    expect(resumed.csv).to.equal(fresh.csv);
    const { hashBatch } = await referenceHashing();
    const seed = generateSeed();
    const [a, b] = await Promise.all([resumed, fresh].map((read) => buildSnapshot(read.sheet, { depth: 5, seed, hashBatch })));
    expect(a!.tree.root).to.equal(b!.tree.root);

    // a finished scan is cached: the same snapshot again reads no logs
    const again = limitedRpc(chainRpc);
    await readChainInput(config, { rpc: again, block: history.lastBlock, maxRange: 4, cacheDirectory: directory, policy: FAST_RETRY });
    expect(again.logCalls).to.equal(0);
  });

  it("ignores an unreadable checkpoint, with a warning, and starts over", async () => {
    const config = await erc20Config(await tokenAddress(), history.firstBlock);
    const directory = path.join(cache, "corrupt");
    await readChainInput(config, { rpc: chainRpc, block: middle, cacheDirectory: directory, policy: FAST_RETRY });
    const [chainDir] = await fs.readdir(directory);
    const [file] = await fs.readdir(path.join(directory, chainDir!));
    await fs.writeFile(path.join(directory, chainDir!, file!), '{"format": "lifeboat.scan-checkpoint.v1", "next":');
    const warnings: string[] = [];
    const read = await readChainInput(config, {
      rpc: chainRpc,
      block: middle,
      cacheDirectory: directory,
      policy: FAST_RETRY,
      warn: (line) => warnings.push(line),
    });
    expect(warnings.join()).to.match(/ignoring the unreadable checkpoint/);
    expect(read.csv).to.equal((await readChainInput(config, { rpc: chainRpc, block: middle, policy: FAST_RETRY })).csv);
  });

  it("reads the demo pool's positions through its reader, nets debts, reports net debtors, cross-checks totalDeposits", async () => {
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const [owner, alice, bob] = signers as [Signer, Signer, Signer];
    const weth = await deployContract("TestToken", owner, ["Wrapped Ether", "WETH", 18]);
    const usdc = await deployContract("TestToken", owner, ["USD Coin", "USDC", 6]);
    const { pool, block: poolBlock } = await deployDemoLendingPool(owner, {
      asset0: await weth.getAddress(),
      asset1: await usdc.getAddress(),
      governance: await owner.getAddress(),
      window: 3600,
      lockDelay: 86400,
    });
    const accounts = Array.from({ length: 40 }, (_, i) => ethers.getAddress(`0x${(i + 1).toString(16).padStart(40, "7")}`));
    const amounts = accounts.map((_, i) => BigInt(i + 1) * 10n ** 18n);
    for (const token of [weth, usdc]) {
      await (await token.getFunction("mint")(await owner.getAddress(), 10n ** 30n)).wait();
      await (await token.getFunction("approve")(await pool.getAddress(), 10n ** 30n)).wait();
    }
    await (
      await pool.getFunction("seedPositions")(
        accounts,
        amounts,
        amounts.map((a) => a / 10n ** 12n),
      )
    ).wait();
    await (await weth.getFunction("mint")(await alice.getAddress(), 5n * 10n ** 18n)).wait();
    await (await weth.connect(alice).getFunction("approve")(await pool.getAddress(), 5n * 10n ** 18n)).wait();
    await (await pool.connect(alice).getFunction("deposit")(0, 5n * 10n ** 18n)).wait();
    // alice borrows USDC against her WETH: she owes USDC and deposited none, a net debtor there
    const oracle = await deployContract("DemoPriceOracle", owner, []);
    await (await oracle.getFunction("setPrice")(2_000n * 10n ** 6n)).wait();
    await setOracleGuard(pool, await oracle.getAddress(), 2_000n * 10n ** 6n, 3600, 500);
    await (await pool.connect(alice).getFunction("borrow")(1, 100n * 10n ** 6n)).wait();
    const block = await ethers.provider.getBlockNumber();
    await (await pool.connect(alice).getFunction("withdraw")(0, 2n * 10n ** 18n)).wait(); // after the snapshot block
    const config = parseChainSourceConfig(
      JSON.stringify({
        format: CHAIN_SOURCE_FORMAT,
        chainId: "31337",
        assets: ["WETH", "USDC"],
        sources: [{ reader: "demo-lending-pool", address: await pool.getAddress(), fromBlock: poolBlock, assets: ["WETH", "USDC"] }],
      }),
      "chain-source configuration",
      readers,
    );
    const read = await readChainInput(config, { rpc: limitedRpc(chainRpc, { maxBlocks: 2 }), block, policy: FAST_RETRY, readers });
    expect(read.sheet.rows).to.have.length(41);
    const everyone = [...accounts, await alice.getAddress()];
    const deposits = await Promise.all(
      everyone.map(async (account) => Promise.all([0, 1].map((k) => pool.getFunction("depositOf")(account, k, { blockTag: block }) as Promise<bigint>))),
    );
    const byAccount = new Map(read.sheet.rows.map((row) => [row.account, row.balances]));
    everyone.slice(0, -1).forEach((account, i) => expect(byAccount.get(account)).to.deep.equal(deposits[i]));
    expect(byAccount.get(await alice.getAddress())).to.deep.equal([5n * 10n ** 18n, 0n]);
    expect(read.reports[0]!.netDebtors).to.deep.equal([{ account: await alice.getAddress(), column: 1, deposit: "0", debt: String(100n * 10n ** 6n) }]);
    expect(byAccount.has(await bob.getAddress())).to.equal(false);
    expect(read.reports[0]!.checks.join()).to.match(/totalDeposits\(0\)/);
  });

  it("adds the columns of several sources that feed one asset", async () => {
    const config = parseChainSourceConfig(
      JSON.stringify({
        format: CHAIN_SOURCE_FORMAT,
        chainId: "31337",
        assets: ["HIST"],
        sources: [{ reader: "erc20", address: await tokenAddress(), fromBlock: history.firstBlock, assets: ["HIST"] }],
      }),
    );
    const second = await tokenWithHistory(3);
    const both = parseChainSourceConfig(
      JSON.stringify({
        ...config,
        sources: [...config.sources, { reader: "erc20", address: await second.token.getAddress(), fromBlock: second.firstBlock, assets: ["HIST"] }],
      }),
    );
    const block = await ethers.provider.getBlockNumber();
    const one = await readChainInput(config, { rpc: chainRpc, block, policy: FAST_RETRY });
    const sum = await readChainInput(both, { rpc: chainRpc, block, policy: FAST_RETRY });
    const holder = history.holders[0]!;
    const row = (read: typeof one): bigint => read.sheet.rows.find((r) => r.account === holder)!.balances[0]!;
    expect(row(sum) - row(one)).to.equal((await second.token.getFunction("balanceOf")(holder)) as bigint);
  });

  describe("refusals", () => {
    it("refuses a node of another chain, a block beyond the head, and a fromBlock after the block", async () => {
      const config = await erc20Config(await tokenAddress(), history.firstBlock);
      await expectRejection(
        readChainInput({ ...config, chainId: "1" }, { rpc: chainRpc, block: middle, policy: FAST_RETRY }),
        /configuration is for chain 1, the node serves chain 31337/,
      );
      const head = await ethers.provider.getBlockNumber();
      await expectRejection(
        readChainInput(config, { rpc: chainRpc, block: head + 10, policy: FAST_RETRY }),
        new RegExp(`--block ${head + 10} is not a block of this chain`),
      );
      await expectRejection(
        readChainInput(await erc20Config(await tokenAddress(), middle + 1), { rpc: chainRpc, block: middle, policy: FAST_RETRY }),
        /starts at block/,
      );
    });

    it("refuses a log reply from another contract, or outside the asked range", async () => {
      const config = await erc20Config(await tokenAddress(), history.firstBlock);
      const lying: typeof chainRpc = {
        async send(method, params) {
          const reply = await chainRpc.send(method, params);
          if (method !== "eth_getLogs" || !Array.isArray(reply) || reply.length === 0) return reply;
          return [{ ...reply[0], address: "0x000000000000000000000000000000000000bEEF" }, ...reply.slice(1)];
        },
      };
      await expectRejection(
        readChainInput(config, { rpc: lying, block: middle, policy: FAST_RETRY }),
        /comes from "0x000000000000000000000000000000000000bEEF", not the requested/,
      );
      const shifted: typeof chainRpc = {
        async send(method, params) {
          const reply = await chainRpc.send(method, params);
          if (method !== "eth_getLogs" || !Array.isArray(reply) || reply.length === 0) return reply;
          return reply.map((log: { blockNumber: string }) => ({ ...log, blockNumber: "0xffffff" }));
        },
      };
      await expectRejection(readChainInput(config, { rpc: shifted, block: middle, policy: FAST_RETRY }), /is from block 16777215, outside the requested/);
    });

    it("stops when the logs miss a transfer: totalSupply() disagrees, or a balance would go negative", async () => {
      const config = await erc20Config(await tokenAddress(), history.firstBlock);
      const dropping = (which: (index: number) => boolean): typeof chainRpc => {
        let seen = 0;
        return {
          async send(method, params) {
            const reply = await chainRpc.send(method, params);
            if (method !== "eth_getLogs" || !Array.isArray(reply)) return reply;
            return reply.filter(() => !which(seen++));
          },
        };
      };
      // drop the first mint: the sum misses it (or a later transfer from that holder goes negative)
      await expectRejection(
        readChainInput(config, { rpc: dropping((i) => i === 0), block: middle, policy: FAST_RETRY }),
        /totalSupply\(\) at block|would hold -/,
      );
      // drop a transfer between holders: the supply agrees, balanceOf of the largest holders does not
      await expectRejection(
        readChainInput(config, { rpc: dropping((i) => i === 20), block: middle, policy: FAST_RETRY }),
        /balanceOf\(\) at block|would hold -/,
      );
    });

    it("refuses a source whose reader was not given, naming the readers that were", async () => {
      const config = {
        format: CHAIN_SOURCE_FORMAT as typeof CHAIN_SOURCE_FORMAT,
        chainId: "31337",
        assets: ["A", "B"],
        sources: [{ reader: "demo-lending-pool", address: await tokenAddress(), fromBlock: 0, assets: ["A", "B"] }],
      };
      expect(() => parseChainSourceConfig(JSON.stringify(config))).to.throw(
        /sources\[0\]\.reader must be one of erc20 \(the readers given\), got "demo-lending-pool"/,
      );
      expect(parseChainSourceConfig(JSON.stringify(config), "c", readers).sources).to.have.length(1);
      await expectRejection(
        readChainInput(config, { rpc: chainRpc, block: middle, policy: FAST_RETRY }),
        /no reader of kind demo-lending-pool was given \(given: erc20\)/,
      );
      expect(() => readersByKind([erc20Reader, erc20Reader])).to.throw(/two position readers share the kind "erc20"/);
    });

    it("loads a protocol's readers from a module by path, and names a module that exports none", async () => {
      expect((await loadReaderModule(path.join(__dirname, "..", "..", "examples", "demo", "reader.ts"))).map((reader) => reader.kind)).to.deep.equal([
        "demo-lending-pool",
      ]);
      await expectRejection(loadReaderModule(path.join(__dirname, "helpers.ts")), /exports no position reader/);
      await expectRejection(loadReaderModule(path.join(__dirname, "no-such-reader.js")), /position reader module .*no-such-reader\.js cannot be loaded/);
    });

    it("names the field of a bad configuration", () => {
      const good = {
        format: CHAIN_SOURCE_FORMAT,
        chainId: "31337",
        assets: ["A"],
        sources: [{ reader: "erc20", address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", fromBlock: 0, assets: ["A"] }],
      };
      const bad = (patch: Record<string, unknown>): string => JSON.stringify({ ...good, ...patch });
      expect(() => parseChainSourceConfig(bad({ format: "v0" }))).to.throw(/format must be "lifeboat.chain-source.v1", got "v0"/);
      expect(() => parseChainSourceConfig(bad({ chainId: 1 }))).to.throw(/chainId must be a decimal string, got 1/);
      expect(() => parseChainSourceConfig(bad({ sources: [{ ...good.sources[0], reader: "uniswap" }] }))).to.throw(
        /sources\[0\]\.reader must be one of erc20 \(the readers given\), got "uniswap"/,
      );
      expect(() => parseChainSourceConfig(bad({ sources: [{ ...good.sources[0], assets: ["B"] }] }))).to.throw(
        /sources\[0\]\.assets\[0\] must be one of the snapshot's assets \(A\), got "B"/,
      );
      expect(() => parseChainSourceConfig(bad({ sources: [{ ...good.sources[0], address: "0x1234" }] }))).to.throw(
        /sources\[0\]\.address must be a checksummed 20-byte address, got "0x1234"/,
      );
      expect(() => parseChainSourceConfig(bad({ sources: [good.sources[0], good.sources[0]] }))).to.throw(/listed twice/);
      expect(() => parseChainSourceConfig(bad({ sources: [{ ...good.sources[0], fromBlock: -1 }] }))).to.throw(
        /sources\[0\]\.fromBlock must be an integer in \[0, \d+\], got -1/,
      );
    });
  });

  it("flags contract accounts that cannot sign a claim, and tells a Safe from an unknown contract", async () => {
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const safe = await deploySafe(signers[0]!, [await signers[1]!.getAddress()], 1);
    const accounts = [await signers[3]!.getAddress(), await safe.getAddress(), await tokenAddress()];
    const found = await contractAccounts(chainRpc, FAST_RETRY, accounts, () => undefined);
    expect(found).to.have.length(2);
    expect(found.find((entry) => entry.account === (accounts[1] as string))).to.include({ kind: "safe", flagged: false });
    expect(found.find((entry) => entry.account === (accounts[2] as string))).to.include({ kind: "contract", flagged: true });
  });
});
