import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import type { JsonRpcProvider } from "ethers";

import { deployContract } from "../helpers/contracts";
import { sampleBalancesCsv } from "../../examples/demo/balances";
import { lifeboat, startNode } from "../helpers/cli";

const PORT = 18545 + (process.pid % 1000);
const RPC = `http://127.0.0.1:${PORT}`;

describe("end to end: the lifeboat commands against a local node (production circuit)", function () {
  let node: ChildProcess;
  let work: string;
  let provider: JsonRpcProvider;

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-cli-"));
    ({ node, provider } = await startNode(PORT));
  });

  after(async () => {
    node.kill();
    provider.destroy();
    await fs.rm(work, { recursive: true, force: true });
  });

  it("snapshot → deploy → publish → prove → claim → status, each a separate command", async () => {
    await fs.writeFile(path.join(work, "balances.csv"), sampleBalancesCsv(30, { seed: "cli" }));
    expect(lifeboat(["snapshot", "--balances", path.join(work, "balances.csv"), "--out", path.join(work, "snap")]).status).to.equal(0);
    const manifest = JSON.parse(await fs.readFile(path.join(work, "snap", "manifest.json"), "utf8")) as { totals: string[] };

    const deployed = lifeboat(["deploy", "--out", path.join(work, "deployment.json"), "--artifacts", path.join(work, "snap", "artifacts"), "--rpc", RPC]);
    expect(deployed.status, deployed.stderr).to.equal(0);
    const deployment = JSON.parse(await fs.readFile(path.join(work, "deployment.json"), "utf8")) as { vault: string; chainId: string };

    // The recovered tokens: two ERC-20s minted to the node's first account (the operator).
    const operator = await provider.getSigner(0);
    const tokens: string[] = [];
    for (const [name, symbol, decimals] of [
      ["Wrapped Ether", "WETH", 18],
      ["USD Coin", "USDC", 6],
    ] as const) {
      const token = await deployContract("TestToken", operator, [name, symbol, decimals]);
      await (await token.getFunction("mint")(await operator.getAddress(), 10n ** 30n)).wait();
      tokens.push(await token.getAddress());
    }
    const recovered = manifest.totals.map((total) => ((BigInt(total) * 7n) / 10n).toString());
    const sweepTo = await operator.getAddress();
    const publish = (id: string) =>
      lifeboat([
        "publish",
        "--deployment",
        path.join(work, "deployment.json"),
        "--manifest",
        path.join(work, "snap", "manifest.json"),
        "--snapshot-id",
        id,
        "--snapshot-block",
        "1",
        "--uri",
        "ipfs://manifest",
        "--tokens",
        tokens.join(","),
        "--amounts",
        recovered.join(","),
        "--sweep-to",
        sweepTo,
        "--rpc",
        RPC,
        "--json",
      ]);
    const published = publish("7");
    expect(published.status, published.stderr).to.equal(0);
    const { snapshotId } = JSON.parse(published.stdout) as { snapshotId: string };
    // During the window, a user checks their package against the proposal on chain.
    const someClaim = path.join(work, "snap", "claims", (await fs.readdir(path.join(work, "snap", "claims")))[0]!);
    const checked = lifeboat(["check", "--claim", someClaim, "--deployment", path.join(work, "deployment.json"), "--snapshot-id", snapshotId, "--rpc", RPC]);
    expect(checked.status, checked.stderr).to.equal(3); // all is right, but claims are not open yet
    expect(checked.stdout).to.match(/^included: 0x[0-9a-fA-F]{40} holds .* in snapshot 7 \(proposed \(veto window open\)\)/);
    expect(checked.stdout).to.match(/veto deadline: +\d{4}-\d\d-\d\dT/);
    expect(checked.stdout).to.contain(`sweep recipient:   ${sweepTo}`);
    expect(checked.stdout).to.contain("claims close:      90 days after finalization");
    // A package of another tree (say, one where the operator dropped accounts) does not open to it.
    await fs.writeFile(path.join(work, "other.csv"), sampleBalancesCsv(29, { seed: "cli" }));
    expect(lifeboat(["snapshot", "--balances", path.join(work, "other.csv"), "--out", path.join(work, "other")]).status).to.equal(0);
    const otherClaim = path.join(work, "other", "claims", (await fs.readdir(path.join(work, "other", "claims")))[0]!);
    const mismatch = lifeboat(["check", "--claim", otherClaim, "--deployment", path.join(work, "deployment.json"), "--snapshot-id", snapshotId, "--rpc", RPC]);
    expect(mismatch.status).to.equal(1);
    expect(mismatch.stderr).to.contain(`but the proposal ${snapshotId} on chain root is`);
    const finalize = (id: string) => lifeboat(["finalize", "--deployment", path.join(work, "deployment.json"), "--snapshot-id", id, "--rpc", RPC]);
    const early = finalize(snapshotId);
    expect(early.status).to.equal(1);
    expect(early.stderr).to.contain("finalize on the vault would fail (nothing was sent): RecoveryVaultVetoWindowOpen(");

    // A second proposal, vetoed by the guardian (the deployer here), can never be finalized.
    expect(publish("8").status).to.equal(0);
    const vetoed = lifeboat([
      "veto",
      "--deployment",
      path.join(work, "deployment.json"),
      "--snapshot-id",
      "8",
      "--reason",
      "totals do not match the pool",
      "--rpc",
      RPC,
    ]);
    expect(vetoed.status, vetoed.stderr).to.equal(0);

    await provider.send("evm_increaseTime", [72 * 3600]);
    await provider.send("evm_mine", []);
    expect(finalize("8").stderr).to.contain("RecoveryVaultWrongState(8, 2, 1)");
    const finalized = finalize(snapshotId);
    expect(finalized.status, finalized.stderr).to.equal(0);

    const claimFile = path.join(work, "snap", "claims", (await fs.readdir(path.join(work, "snap", "claims")))[4]!);
    const proved = lifeboat([
      "prove",
      "--claim",
      claimFile,
      "--chain-id",
      deployment.chainId,
      "--vault",
      deployment.vault,
      "--snapshot-id",
      snapshotId,
      "--out",
      path.join(work, "proof.json"),
    ]);
    expect(proved.status, proved.stderr).to.equal(0);

    const claimed = lifeboat(["claim", "--deployment", path.join(work, "deployment.json"), "--proof", path.join(work, "proof.json"), "--rpc", RPC, "--json"]);
    expect(claimed.status, claimed.stderr).to.equal(0);
    const { payouts } = JSON.parse(claimed.stdout) as { payouts: string[] };
    const claim = JSON.parse(await fs.readFile(claimFile, "utf8")) as { balances: string[] };
    expect(payouts).to.deep.equal(claim.balances.map((balance, k) => ((BigInt(balance) * BigInt(recovered[k]!)) / BigInt(manifest.totals[k]!)).toString()));

    const again = lifeboat(["claim", "--deployment", path.join(work, "deployment.json"), "--proof", path.join(work, "proof.json"), "--rpc", RPC]);
    expect(again.status).to.equal(1);
    expect(again.stderr).to.contain("has already claimed from snapshot");

    const status = lifeboat(["status", "--deployment", path.join(work, "deployment.json"), "--snapshot-id", snapshotId, "--rpc", RPC, "--json"]);
    expect(status.status, status.stderr).to.equal(0);
    const report = JSON.parse(status.stdout) as { state: string; assets: { symbol: string; paid: string; remaining: string }[] };
    expect(report.state).to.equal("active");
    expect((JSON.parse(status.stdout) as { uri: string }).uri).to.equal("ipfs://manifest");
    expect(report.assets.map((asset) => asset.symbol)).to.deep.equal(["WETH", "USDC"]);
    expect(report.assets[0]!.paid).to.equal(payouts[0]);
    expect(BigInt(report.assets[0]!.remaining)).to.equal(BigInt(recovered[0]!) - BigInt(payouts[0]!));
  });

  it("takes keys only from the environment or a keystore, and says what is wrong", () => {
    const bad = lifeboat(["status", "--deployment", "x.json", "--snapshot-id", "1", "--private-key", "0x01"]);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.contain("Unknown option '--private-key'");
    const malformed = lifeboat(["deploy", "--out", path.join(work, "d2.json"), "--artifacts", path.join(work, "snap", "artifacts"), "--rpc", RPC], {
      LIFEBOAT_PRIVATE_KEY: "not-a-key",
    });
    expect(malformed.status).to.equal(1);
    expect(malformed.stderr).to.contain("LIFEBOAT_PRIVATE_KEY must hold a 32-byte hex private key (its value is not shown)");
    const keystore = lifeboat([
      "deploy",
      "--out",
      path.join(work, "d3.json"),
      "--artifacts",
      path.join(work, "snap", "artifacts"),
      "--rpc",
      RPC,
      "--keystore",
      path.join(work, "none.json"),
    ]);
    expect(keystore.status).to.equal(1);
    expect(keystore.stderr).to.contain("--keystore needs its password in the LIFEBOAT_KEYSTORE_PASSWORD environment variable");
  });

  it("refuses an unreachable RPC endpoint clearly", () => {
    const result = lifeboat(["status", "--deployment", path.join(work, "deployment.json"), "--snapshot-id", "1", "--rpc", "http://127.0.0.1:1"]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain("cannot reach the JSON-RPC endpoint http://127.0.0.1:1");
  });

  it("snapshot --from-chain reads a token at a block, resumes from its cache, and the audit passes", async () => {
    const signer = await provider.getSigner(0);
    const token = await deployContract("TestToken", signer, ["History", "HIST", 18]);
    const fromBlock = (await token.deploymentTransaction()!.wait())!.blockNumber;
    const holders = Array.from({ length: 6 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "9")}`);
    let block = 0;
    for (const [i, holder] of holders.entries()) block = (await (await token.getFunction("mint")(holder, BigInt(i + 1) * 10n ** 18n)).wait())!.blockNumber;
    await (await token.getFunction("mint")(holders[0]!, 10n ** 18n)).wait(); // after the snapshot block
    const config = path.join(work, "chain-source.json");
    await fs.writeFile(
      config,
      JSON.stringify({
        format: "lifeboat.chain-source.v1",
        chainId: "31337",
        assets: ["HIST"],
        sources: [{ reader: "erc20", address: await token.getAddress(), fromBlock, assets: ["HIST"] }],
      }),
    );
    await fs.writeFile(path.join(work, "seed.hex"), `0x${"42".repeat(32)}\n`);
    const args = (out: string): string[] => [
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
      "--cache",
      path.join(work, "chain-cache"),
      "--max-range",
      "2",
      "--out",
      path.join(work, out),
      "--json",
    ];
    const first = lifeboat(args("from-chain-1"));
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stderr, first.stderr).to.match(/erc20 0x[0-9a-fA-F]{40}: 6 logs in \d+ requests, 6 accounts; sum of replayed balances = totalSupply\(\)/);
    const second = lifeboat(args("from-chain-2"));
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stderr).to.match(/: 6 logs in 0 requests/); // the finished scan came from the cache
    expect(JSON.parse(second.stdout).root).to.equal(JSON.parse(first.stdout).root);
    const manifest = JSON.parse(await fs.readFile(path.join(work, "from-chain-1", "manifest.json"), "utf8")) as { source: { kind: string; block: number } };
    expect(manifest.source).to.include({ kind: "chain", block });
    const audit = lifeboat([
      "audit",
      "--snapshot",
      path.join(work, "from-chain-1"),
      "--seed",
      path.join(work, "seed.hex"),
      "--rpc",
      RPC,
      "--out",
      path.join(work, "audit"),
    ]);
    expect(audit.status, audit.stderr).to.equal(0);
    expect(audit.stdout).to.contain("**PASSED**");
    expect(audit.stdout).to.match(/chain-input: the input re-derived from chain matches \| PASS/);

    const missingBlock = lifeboat(["snapshot", "--from-chain", config, "--rpc", RPC, "--out", path.join(work, "x")]);
    expect(missingBlock.status).to.equal(2);
    expect(missingBlock.stderr).to.contain("error: --from-chain needs --block N");
    const both = lifeboat(["snapshot", "--from-chain", config, "--balances", config, "--out", path.join(work, "x")]);
    expect(both.status).to.equal(2);
  });
});
