import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { getAddress, type JsonRpcProvider } from "ethers";

import { deployDemoLendingPool } from "../../examples/demo/pool";
import { deployContract } from "../helpers/contracts";
import { lifeboat, ROOT_DIR, startNode } from "../helpers/cli";

const PORT = 19545 + (process.pid % 1000);
const RPC = `http://127.0.0.1:${PORT}`;

describe("end to end: a protocol's own position reader, passed to the commands by path", function () {
  let node: ChildProcess;
  let work: string;
  let provider: JsonRpcProvider;

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-reader-"));
    ({ node, provider } = await startNode(PORT));
  });

  after(async () => {
    node.kill();
    provider.destroy();
    await fs.rm(work, { recursive: true, force: true });
  });

  it("snapshot --from-chain and audit read the demo pool through --reader; without it the source's reader is named as missing", async () => {
    const signer = await provider.getSigner(0);
    const weth = await deployContract("TestToken", signer, ["Wrapped Ether", "WETH", 18]);
    const usdc = await deployContract("TestToken", signer, ["USD Coin", "USDC", 6]);
    const { pool, block: fromBlock } = await deployDemoLendingPool(signer, {
      asset0: await weth.getAddress(),
      asset1: await usdc.getAddress(),
      governance: await signer.getAddress(),
      window: 3600,
      lockDelay: 86_400,
    });
    const accounts = Array.from({ length: 5 }, (_, i) => getAddress(`0x${(i + 1).toString(16).padStart(40, "6")}`));
    for (const token of [weth, usdc]) {
      await (await token.getFunction("mint")(await signer.getAddress(), 10n ** 30n)).wait();
      await (await token.getFunction("approve")(await pool.getAddress(), 10n ** 30n)).wait();
    }
    const seeded = await (
      await pool.getFunction("seedPositions")(
        accounts,
        accounts.map((_, i) => BigInt(i + 1) * 10n ** 18n),
        accounts.map((_, i) => BigInt(i + 1) * 10n ** 6n),
      )
    ).wait();
    const block = seeded!.blockNumber;
    const config = path.join(work, "chain-source.json");
    await fs.writeFile(
      config,
      JSON.stringify({
        format: "lifeboat.chain-source.v1",
        chainId: "31337",
        assets: ["WETH", "USDC"],
        sources: [{ reader: "demo-lending-pool", address: await pool.getAddress(), fromBlock, assets: ["WETH", "USDC"] }],
      }),
    );
    await fs.writeFile(path.join(work, "seed.hex"), `0x${"24".repeat(32)}\n`);
    const reader = path.join(ROOT_DIR, "examples", "demo", "reader.ts");
    const snapshot = (out: string, extra: string[]): ReturnType<typeof lifeboat> =>
      lifeboat([
        "snapshot",
        "--from-chain",
        config,
        "--block",
        String(block),
        "--rpc",
        RPC,
        "--depth",
        "4",
        "--seed",
        path.join(work, "seed.hex"),
        "--out",
        path.join(work, out),
        ...extra,
      ]);

    const without = snapshot("without", []);
    expect(without.status).to.not.equal(0);
    expect(without.stderr).to.contain('reader must be one of erc20 (the readers given), got "demo-lending-pool"');

    const read = snapshot("with", ["--reader", reader]);
    expect(read.status, read.stderr).to.equal(0);
    expect(read.stderr, read.stderr).to.match(
      /demo-lending-pool 0x[0-9a-fA-F]{40}: 10 logs in \d+ requests, 5 accounts; deposits of asset 0 sum to totalDeposits\(0\)/,
    );

    const audit = lifeboat([
      "audit",
      "--snapshot",
      path.join(work, "with"),
      "--seed",
      path.join(work, "seed.hex"),
      "--rpc",
      RPC,
      "--reader",
      reader,
      "--out",
      path.join(work, "audit"),
    ]);
    expect(audit.status, audit.stderr).to.equal(0);
    expect(audit.stdout).to.match(/chain-input: .* \| PASS/);

    const wrongModule = lifeboat([
      "audit",
      "--snapshot",
      path.join(work, "with"),
      "--rpc",
      RPC,
      "--reader",
      path.join(ROOT_DIR, "test", "helpers", "cli.ts"),
      "--out",
      path.join(work, "audit-2"),
    ]);
    expect(wrongModule.status).to.not.equal(0);
    expect(wrongModule.stderr).to.contain("exports no position reader");
  });
});
