import { expect } from "chai";

import type { Signer } from "ethers";

import { deployContract } from "../helpers/contracts";
import { readChainInput } from "../../prover/chainstate/chain-input";
import { parseChainSourceConfig } from "../../prover/chainstate/config";
import { BUILTIN_READERS, type PositionReader } from "../../prover/chainstate/readers";
import type { JsonRpc } from "../../prover/chainstate/rpc";
import { InputError } from "../../prover/errors";
import { buildSnapshot, selectAccounts, type Snapshot } from "../../prover/snapshot/build";
import type { Adjustment } from "../../prover/snapshot/adjustments";
import { parseBalances, type BalanceSheet } from "../../prover/snapshot/input";
import { chainRpc, erc20Config, ethers, FAST_RETRY } from "../chainstate/helpers";
import { expectRejection } from "../helpers/assertions";
import { referenceHashing } from "../helpers/hashing";

const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";
const C = "0x3333333333333333333333333333333333333333";
const VAULT = "0x4444444444444444444444444444444444444444";
const ZERO = "0x0000000000000000000000000000000000000000";
const SEED = new Uint8Array(32).fill(7);

async function build(sheet: BalanceSheet, options: { adjustments?: Adjustment[]; exclusions?: string[]; unpayable?: string[] } = {}): Promise<Snapshot> {
  const { hashBatch } = await referenceHashing();
  return buildSnapshot(sheet, { depth: 3, seed: SEED, hashBatch, ...options });
}

function shape(snapshot: Snapshot): { root: string; leaves: number; zero: number } {
  return { root: snapshot.tree.root.toString(), leaves: snapshot.tree.leafCount, zero: snapshot.zeroAccounts };
}

describe("one rule for all-zero accounts: never a leaf, in every input kind", () => {
  it("the same balances give the same root and leaf count with and without an unrelated adjustment", async () => {
    // Before the rule, the first gave 3 leaves (B's zero row was a leaf) and the second 2.
    const plain = parseBalances(`account,WETH,USDC\n${A},101,5\n${B},0,0\n${C},3,0\n`, "csv");
    const adjusted = parseBalances(`account,WETH,USDC\n${A},100,5\n${B},0,0\n${C},3,0\n`, "csv");
    const withAdjustment = await build(adjusted, { adjustments: [{ account: A, asset: "WETH", delta: 1n, reason: "late deposit" }] });
    expect(shape(withAdjustment)).to.deep.equal(shape(await build(plain)));
    expect(shape(withAdjustment)).to.include({ leaves: 2, zero: 1 });
  });

  it("a file with zero rows gives the root of the same file without them, CSV or JSON", async () => {
    const without = await build(parseBalances(`account,WETH,USDC\n${A},101,5\n${C},3,0\n`, "csv"));
    const withZeros = await build(parseBalances(`account,WETH,USDC\n${B},0,0\n${A},101,5\n${C},3,0\n${VAULT},0,0\n`, "csv"));
    const json = JSON.stringify({
      assets: ["WETH", "USDC"],
      accounts: [
        { account: B, balances: ["0", "0"] },
        { account: A, balances: ["101", "5"] },
        { account: C, balances: ["3", "0"] },
      ],
    });
    expect(shape(withZeros)).to.deep.equal({ ...shape(without), zero: 2 });
    expect(shape(await build(parseBalances(json, "json")))).to.deep.equal({ ...shape(without), zero: 1 });
  });

  it("an account an adjustment empties is counted, not a leaf; an excluded zero account stays recorded as excluded", async () => {
    const sheet = parseBalances(`account,WETH,USDC\n${A},101,5\n${B},0,0\n${C},3,0\n`, "csv");
    const snapshot = await build(sheet, { adjustments: [{ account: C, asset: "WETH", delta: -3n, reason: "double count" }], exclusions: [B] });
    expect(snapshot.leaves.map((leaf) => leaf.account)).to.deep.equal([A]);
    expect(snapshot.zeroAccounts).to.equal(1);
    expect(snapshot.excluded.map((row) => [row.account, row.balances])).to.deep.equal([[B, [0n, 0n]]]);
  });

  it("refuses an input in which nobody holds anything", async () => {
    await expectRejection(
      build(parseBalances(`account,WETH\n${A},0\n${B},0\n`, "csv")),
      /^no account holds anything after adjustments and exclusions: nothing to snapshot$/,
    );
  });
});

describe("unpayable accounts are refused as leaves", () => {
  const sheet = parseBalances(`account,WETH,USDC\n${A},101,5\n${VAULT},7,0\n`, "csv");

  it("refuses an input row naming an unpayable address, with its line and the address", () => {
    expect(() => selectAccounts(sheet, [], [], [VAULT])).to.throw(
      InputError,
      `line 3: account ${VAULT} is unpayable (--unpayable) and would be a leaf whose share no one can claim; exclude it (--exclude) so that its balance is recorded and left out`,
    );
    const json = parseBalances(JSON.stringify({ assets: ["WETH"], accounts: [{ account: VAULT, balances: ["7"] }] }), "json");
    expect(() => selectAccounts(json, [], [], [VAULT.toUpperCase().replace("0X", "0x")])).to.throw(InputError, `accounts[0]: account ${VAULT} is unpayable`);
  });

  it("accepts a row of zeros for it, which is never a leaf anyway", async () => {
    const zeroVault = parseBalances(`account,WETH,USDC\n${A},101,5\n${VAULT},0,0\n`, "csv");
    expect(shape(await build(zeroVault, { unpayable: [VAULT] }))).to.include({ leaves: 1, zero: 1 });
  });

  it("accepts it once it is excluded, and the root is that of the input without it", async () => {
    const excluded = await build(sheet, { exclusions: [VAULT], unpayable: [VAULT] });
    expect(excluded.excluded.map((row) => row.account)).to.deep.equal([VAULT]);
    expect(shape(excluded).root).to.equal(shape(await build(parseBalances(`account,WETH,USDC\n${A},101,5\n`, "csv"))).root);
  });

  it("refuses an adjustment that would pay an unpayable address, and the zero address always", () => {
    expect(() =>
      selectAccounts(
        sheet,
        [VAULT],
        [
          { account: C, asset: "WETH", delta: 1n, reason: "r" },
          { account: ZERO, asset: "WETH", delta: 1n, reason: "r" },
        ],
      ),
    ).to.throw(InputError, `adjustment 2: account ${ZERO} is unpayable (--unpayable): it can never be paid, so it cannot be given a balance`);
    expect(() => selectAccounts(sheet, [VAULT], [{ account: VAULT, asset: "WETH", delta: 1n, reason: "r" }], [VAULT])).to.throw(
      InputError,
      /is both excluded and adjusted/,
    );
  });

  it("refuses the zero address in a sheet that was not read from a file", () => {
    const made: BalanceSheet = { assets: ["WETH"], rows: [{ account: ZERO, balances: [1n] }] };
    expect(() => selectAccounts(made, [], [])).to.throw(InputError, `input row 1: account ${ZERO} is unpayable`);
  });
});

describe("chain inputs follow the same rules", function () {
  this.timeout(120_000);

  /** A node that answers only what readChainInput asks before it runs the readers. */
  const stubNode: JsonRpc = {
    send: async (method) => {
      if (method === "eth_chainId") return "0x1";
      if (method === "eth_getBlockByNumber") return { number: "0xa", hash: `0x${"ab".repeat(32)}`, timestamp: "0x1" };
      throw new Error(`unexpected ${method}`);
    },
  };

  it("refuses a reader that reports the zero address as a holder, naming the source and the balance", async () => {
    const rogue: PositionReader = {
      kind: "zero-holder-test",
      columns: 1,
      read: async (spec) => ({
        balances: new Map([
          [A, [5n]],
          [ZERO, [3n]],
        ]),
        report: { reader: spec.reader, address: spec.address, fromBlock: spec.fromBlock, logs: 0, requests: 0, accounts: 2, checks: [], netDebtors: [] },
      }),
    };
    const config = {
      format: "lifeboat.chain-source.v1" as const,
      chainId: "1",
      assets: ["T"],
      sources: [{ reader: rogue.kind, address: C, fromBlock: 0, assets: ["T"] }],
    };
    await expectRejection(
      readChainInput(config, { rpc: stubNode, block: 10, policy: FAST_RETRY, readers: [...BUILTIN_READERS, rogue] }),
      /^source zero-holder-test 0x3333333333333333333333333333333333333333 reports the zero address as a holder \(3\): it can never be paid, and no reader may return it$/,
    );
  });

  it("a configuration's asset names are unique case-insensitively, as in a balances file", () => {
    const config = (assets: string[]): string =>
      JSON.stringify({
        format: "lifeboat.chain-source.v1",
        chainId: "1",
        assets,
        sources: [{ reader: "erc20", address: C, fromBlock: 0, assets: [assets[0]] }],
      });
    expect(() => parseChainSourceConfig(config(["USDC", "usdc"]))).to.throw(
      InputError,
      'chain-source configuration.assets[1]: "usdc" appears twice (asset names compare case-insensitively)',
    );
    expect(parseChainSourceConfig(config(["USDC", "WETH"])).assets).to.deep.equal(["USDC", "WETH"]);
  });

  it("a chain snapshot and a file of the same balances, former holders listed with zeros, give the same root", async () => {
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const [owner, alice, bob, carol] = signers as [Signer, Signer, Signer, Signer];
    const token = await deployContract("TestToken", owner, ["Zero", "ZERO", 18]);
    const fromBlock = (await token.deploymentTransaction()!.wait())!.blockNumber;
    for (const holder of [alice, bob, carol]) await (await token.getFunction("mint")(await holder.getAddress(), 10n ** 18n)).wait();
    await (await token.connect(carol).getFunction("transfer")(await alice.getAddress(), 10n ** 18n)).wait(); // carol now holds 0
    const block = await ethers.provider.getBlockNumber();
    const read = await readChainInput(await erc20Config(await token.getAddress(), fromBlock), { rpc: chainRpc, block, policy: FAST_RETRY });
    expect(read.sheet.rows).to.have.length(2);
    const file = parseBalances(
      `account,HIST\n${await carol.getAddress()},0\n${await alice.getAddress()},${2n * 10n ** 18n}\n${await bob.getAddress()},${10n ** 18n}\n`,
      "csv",
    );
    expect(shape(await build(file))).to.deep.equal({ ...shape(await build(read.sheet)), zero: 1 });
    expect(shape(await build(parseBalances(read.csv, "csv")))).to.deep.equal(shape(await build(read.sheet)));
  });
});
