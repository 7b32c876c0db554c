import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import type { JsonRpcProvider } from "ethers";

import { deployContract } from "../../prover/chain/contracts";
import { sampleBalancesCsv } from "../../examples/demo/balances";
import { ROOT_DIR, startNode } from "../helpers/cli";

const BIN = path.join(ROOT_DIR, "bin", "lifeboat.js");
const PORT = 19545 + (process.pid % 1000);
const RPC = `http://127.0.0.1:${PORT}`;

/** The environment of a user's shell: not an npm script of this repository. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (extra["npm_lifecycle_event"] === undefined) {
    delete env["npm_lifecycle_event"];
    delete env["INIT_CWD"];
  }
  return env;
}

describe("the operator's, user's and auditor's command line, run from their own folder (issue 13)", function () {
  let node: ChildProcess;
  let provider: JsonRpcProvider;
  let work: string;
  let weth: string;
  let usdc: string;
  let totals: string[];
  let operator: string;

  /** `lifeboat ARGS` as its own process, in the user's folder (outside the repository). */
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}, cwd = work) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: userEnv(extra) });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const ok = (args: string[]) => {
    const result = run(args);
    expect(result.status, `${args.join(" ")}\n${result.stderr}`).to.equal(0);
    return result;
  };
  const publishArgs = (id: string, tokens: string[], amounts: string[]) => [
    "publish",
    "--deployment",
    "deployment.json",
    "--manifest",
    "snap/manifest.json",
    "--snapshot-id",
    id,
    "--snapshot-block",
    "1",
    "--tokens",
    tokens.join(","),
    "--amounts",
    amounts.join(","),
    "--sweep-to",
    operator,
    "--rpc",
    RPC,
  ];
  const seventy = () => totals.map((total) => ((BigInt(total) * 7n) / 10n).toString());

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-cli13-"));
    ({ node, provider } = await startNode(PORT));
    operator = await (await provider.getSigner(0)).getAddress();
    await fs.writeFile(path.join(work, "balances.csv"), sampleBalancesCsv(12, { seed: "cli13" }));
    // Item 3: relative paths are the caller's, and the chain commands run outside the repository.
    ok(["snapshot", "--balances", "balances.csv", "--out", "snap", "--depth", "4"]);
    totals = (JSON.parse(await fs.readFile(path.join(work, "snap", "manifest.json"), "utf8")) as { totals: string[] }).totals;
    // Item 6's rehearsal helpers: a test token and its minting (the second token in-process, to save time).
    weth = (JSON.parse(ok(["node", "token", "--symbol", "WETH", "--rpc", RPC, "--json"]).stdout) as { token: string }).token;
    expect(ok(["node", "mint", "--token", weth, "--to", operator, "--amount", "1000000000", "--rpc", RPC]).stdout).to.contain(
      `minted 1000000000 WETH to ${operator}`,
    );
    const token = await deployContract("TestToken", await provider.getSigner(0), ["USD Coin", "USDC", 6]);
    await (await token.getFunction("mint")(operator, 10n ** 30n)).wait();
    usdc = await token.getAddress();
  });

  after(async () => {
    node.kill();
    provider.destroy();
    await fs.rm(work, { recursive: true, force: true });
  });

  it("2: a repeated single-value option is an error naming it; deployment.json records the guardians", async () => {
    const [a, b] = [operator, await (await provider.getSigner(1)).getAddress()];
    const twice = run(["deploy", "--out", "deployment.json", "--artifacts", "snap/artifacts", "--guardian", a, "--guardian", b, "--rpc", RPC]);
    expect(twice.status).to.equal(2);
    expect(twice.stderr).to.contain("--guardian is given twice").and.contain("give a list as one comma-separated value");
    expect(existsSync(path.join(work, "deployment.json"))).to.equal(false);
    ok(["deploy", "--out", "deployment.json", "--artifacts", "snap/artifacts", "--guardian", `${a},${b}`, "--rpc", RPC]);
    const deployment = JSON.parse(await fs.readFile(path.join(work, "deployment.json"), "utf8")) as { guardians: string[] };
    expect(deployment.guardians).to.deep.equal([a, b]);
    const ids = run(["status", "--deployment", "deployment.json", "--snapshot-id", "1", "--snapshot-id", "2", "--rpc", RPC]);
    expect(ids.status).to.equal(2);
    expect(ids.stderr).to.contain('--snapshot-id is given twice ("1" and "2")');
  });

  it("1: publish refuses swapped tokens and dust funding, and --dry-run prints the plan without sending", () => {
    const swapped = run(publishArgs("7", [usdc, weth], seventy()));
    expect(swapped.status).to.equal(1);
    expect(swapped.stderr).to.contain("the tokens are in the wrong order: the manifest's assets are WETH,USDC, the tokens' symbols USDC,WETH");
    const dust = run(publishArgs("7", [weth, usdc], ["100", "100"]));
    expect(dust.status).to.equal(1);
    expect(dust.stderr).to.contain("refusing an underfunded proposal (pass --allow-underfunded if this is intended)").and.contain("covers 0.00 %");
    const plan = ok([...publishArgs("7", [weth, usdc], seventy()), "--dry-run"]);
    expect(plan.stdout)
      .to.contain("nothing was sent")
      .and.contain("1. the vault")
      .and.contain("propose(uint256,(")
      .and.contain(`2. token WETH ${weth}: approve(address,uint256)`);
    expect(plan.stdout.match(/^\d\. .*: (\w+)\(/gm)!.map((line) => line.replace(/^.*: (\w+)\($/, "$1"))).to.deep.equal([
      "propose",
      "approve",
      "fund",
      "approve",
      "fund",
    ]);
  });

  it("4 and 6: check and status tell the whole truth, exit non-zero when the user should object or cannot claim, errors in words", async () => {
    ok(publishArgs("7", [weth, usdc], seventy()));
    const claims = (await fs.readdir(path.join(work, "snap", "claims"))).sort();
    const claimFile = path.join("snap", "claims", claims[0]!);
    const check = (id: string) => run(["check", "--claim", claimFile, "--deployment", "deployment.json", "--snapshot-id", id, "--rpc", RPC]);
    const inWindow = check("7");
    expect(inWindow.status, inWindow.stderr).to.equal(3);
    expect(inWindow.stdout)
      .to.contain("included:")
      .and.contain("proposed (veto window open)")
      .and.contain("expected payout:")
      .and.contain("already claimed:   no");
    expect(inWindow.stdout).to.match(/veto deadline: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 2 d 23 h/);
    expect(inWindow.stdout).to.contain(`sweep recipient:   ${operator}`).and.contain("coverage 70.00 %");
    expect(inWindow.stderr).to.contain("no claim can be made now: not finalized yet");
    // An underfunded proposal: the user should object.
    ok([...publishArgs("8", [weth, usdc], seventy()), "--fund", "1,1", "--allow-underfunded"]);
    const under = check("8");
    expect(under.status).to.equal(1);
    expect(under.stderr).to.contain("OBJECT: asset 0 WETH is funded 1 of the");
    // A vetoed one: object too.
    ok(publishArgs("9", [weth, usdc], seventy()));
    ok(["veto", "--deployment", "deployment.json", "--snapshot-id", "9", "--reason", "test", "--rpc", RPC]);
    const vetoed = check("9");
    expect(vetoed.status).to.equal(1);
    expect(vetoed.stderr).to.contain("the proposal was vetoed");
    // Item 6: the vault's custom errors come in words.
    const early = run(["finalize", "--deployment", "deployment.json", "--snapshot-id", "7", "--rpc", RPC]);
    expect(early.status).to.equal(1);
    expect(early.stderr).to.match(/RecoveryVaultVetoWindowOpen\(7, \d+\) — the veto window of snapshot 7 is still open until \d{4}-/);
    // The rehearsal clock, then claims open.
    expect(ok(["node", "time", "--advance", "3d", "--rpc", RPC]).stdout).to.contain("advanced 259200 s");
    ok(["finalize", "--deployment", "deployment.json", "--snapshot-id", "7", "--rpc", RPC]);
    const open = check("7");
    expect(open.status, open.stderr).to.equal(0);
    expect(open.stdout)
      .to.contain("finalized (claims open)")
      .and.match(/funded [0-9.]+ USDC \(coverage 70\.00 %\)/);
    const json = JSON.parse(ok(["status", "--deployment", "deployment.json", "--snapshot-id", "7", "--rpc", RPC, "--json"]).stdout) as {
      state: string;
      assets: { symbol: string; decimals: number }[];
    };
    expect(json.state).to.equal("active");
    expect(json.assets.map((a) => [a.symbol, a.decimals])).to.deep.equal([
      ["WETH", 18],
      ["USDC", 6],
    ]);
  });

  it("8: prove checks --vault on chain and claim --to refuses a token; a claim is then seen by check", async () => {
    const deployment = JSON.parse(await fs.readFile(path.join(work, "deployment.json"), "utf8")) as { vault: string; chainId: string };
    const claims = (await fs.readdir(path.join(work, "snap", "claims"))).sort();
    const claimFile = path.join("snap", "claims", claims[0]!);
    const prove = (vault: string, out: string, rpc: string[]) =>
      run(["prove", "--claim", claimFile, "--chain-id", deployment.chainId, "--vault", vault, "--snapshot-id", "7", "--out", out, ...rpc]);
    const typo = prove(weth, "p0.json", ["--rpc", RPC]);
    expect(typo.status).to.equal(1);
    expect(typo.stderr).to.contain(`--vault ${weth} does not answer as a RecoveryVault`);
    expect(existsSync(path.join(work, "p0.json"))).to.equal(false);
    const proved = prove(deployment.vault, "proof.json", []);
    expect(proved.status, proved.stderr).to.equal(0);
    expect(proved.stderr).to.contain("were NOT checked against the chain");
    const toToken = run(["claim", "--deployment", "deployment.json", "--proof", "proof.json", "--to", usdc, "--rpc", RPC]);
    expect(toToken.status).to.equal(1);
    expect(toToken.stderr).to.contain(`--to ${usdc} is the token contract of USDC`);
    ok(["claim", "--deployment", "deployment.json", "--proof", "proof.json", "--rpc", RPC]);
    const after = run(["check", "--claim", claimFile, "--deployment", "deployment.json", "--snapshot-id", "7", "--rpc", RPC]);
    expect(after.status).to.equal(3);
    expect(after.stdout).to.contain("already claimed:   yes");
  });

  it("missing commands: fund, sweep, pause/unpause, set-veto-window refuse what the vault would, with --dry-run and --safe-tx", async () => {
    const base = ["--deployment", "deployment.json", "--rpc", RPC];
    const over = run(["fund", ...base, "--snapshot-id", "8", "--asset", "0", "--amount", totals[0]!]);
    expect(over.status).to.equal(1);
    expect(over.stderr).to.contain("above its tree total");
    const early = run(["sweep", ...base, "--snapshot-id", "7"]);
    expect(early.status).to.equal(1);
    expect(early.stderr).to.contain("RecoveryVaultClaimsStillOpen(7,").and.contain("it cannot be swept before");
    const plan = ok(["sweep", ...base, "--snapshot-id", "9", "--dry-run"]);
    expect(plan.stdout).to.contain("sweep(uint256)").and.contain("snapshotId = 9");
    ok(["sweep", ...base, "--snapshot-id", "9"]);
    const window = run(["set-veto-window", ...base, "--hours", "10"]);
    expect(window.status).to.equal(2);
    expect(window.stderr).to.contain("--hours must be in [24, 720], got 10");
    ok(["pause", ...base]);
    const paused = run(["status", ...base, "--snapshot-id", "7"]);
    expect(paused.status).to.equal(3);
    expect(paused.stdout).to.contain("the vault is PAUSED");
    const notAdmin = run(["unpause", ...base], { LIFEBOAT_PRIVATE_KEY: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" });
    expect(notAdmin.status).to.equal(1);
    expect(notAdmin.stderr).to.contain("lacks the role DEFAULT_ADMIN_ROLE");
    ok(["unpause", ...base]);
    const batch = path.join(work, "unpause.json");
    ok(["unpause", "--deployment", "deployment.json", "--safe-tx", "unpause.json"]);
    expect(JSON.parse(await fs.readFile(batch, "utf8")).transactions[0].contractMethod.name).to.equal("unpause");
  });

  it("3: npm run lifeboat takes relative paths from INIT_CWD, the caller's directory", () => {
    const result = run(
      ["verify", "--proof", "proof.json", "--manifest", "snap/manifest.json", "--json"],
      { npm_lifecycle_event: "lifeboat", npm_package_name: "lifeboat", INIT_CWD: work },
      ROOT_DIR,
    );
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ valid: true });
  });

  it("7: without --rpc, chain commands say how to give one; nothing is deployed on a vanishing chain", () => {
    for (const args of [
      ["status", "--deployment", "deployment.json", "--snapshot-id", "7"],
      ["deploy", "--out", "d2.json", "--artifacts", "snap/artifacts"],
    ]) {
      const result = run(args);
      expect(result.status, args[0]).to.equal(2);
      expect(result.stderr).to.contain("--rpc URL is required").and.contain("lifeboat node");
      expect(result.stderr).to.not.contain("internal error");
    }
    expect(existsSync(path.join(work, "d2.json"))).to.equal(false);
  });

  it("10: --version, no arguments exits 2, --json everywhere results are printed", () => {
    expect(run(["--version"]).stdout).to.match(/^lifeboat \d+\.\d+\.\d+\n$/);
    const bare = run([]);
    expect(bare.status).to.equal(2);
    expect(bare.stderr).to.contain("usage: lifeboat <command>");
    const verify = run(["verify", "--proof", "proof.json", "--manifest", "snap/manifest.json"]);
    expect(verify.stdout).to.match(/^valid: /);
  });

  it("5: an interrupted snapshot leaves no temporary directory, and a stale one is removed with a note", async function () {
    await fs.mkdir(path.join(work, "again.tmp-deadbeef", "private"), { recursive: true });
    await fs.writeFile(path.join(work, "again.tmp-deadbeef", "private", "seed.hex"), "secret");
    const again = ok(["snapshot", "--balances", "balances.csv", "--out", "again", "--depth", "4"]);
    expect(again.stderr).to.contain(`note: removed ${path.join(work, "again.tmp-deadbeef")}`);
    expect(existsSync(path.join(work, "again.tmp-deadbeef"))).to.equal(false);
    // A larger input, interrupted once its temporary directory exists.
    await fs.writeFile(path.join(work, "big.csv"), sampleBalancesCsv(3000, { seed: "big" }));
    const child = spawn(process.execPath, [BIN, "snapshot", "--balances", "big.csv", "--out", "big", "--depth", "12"], {
      cwd: work,
      env: userEnv(),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 600 && !(await fs.readdir(work)).some((name) => name.startsWith("big.tmp-")); i += 1) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const code = await exited;
    expect((await fs.readdir(work)).filter((name) => name.startsWith("big"))).to.deep.equal(["big.csv"]);
    if (code !== 0) expect(stderr).to.contain("interrupted by SIGINT");
  });
});
