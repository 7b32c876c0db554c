import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import type { JsonRpcProvider } from "ethers";

import { deployContract } from "../helpers/contracts";
import { sampleBalancesCsv } from "../../examples/demo/balances";
import { lifeboat, startNode } from "../helpers/cli";
import { serve } from "../helpers/serve";

const PORT = 19545 + (process.pid % 1000);
const RPC = `http://127.0.0.1:${PORT}`;

async function listFiles(directory: string): Promise<string[]> {
  return fs.readdir(directory, { recursive: true }).catch(() => []);
}

/**
 * The operator and the users are different people on different machines: separate processes,
 * separate caches (LIFEBOAT_CACHE), and nothing passes from one to the other except what the
 * operator publishes (manifest.json and artifacts/, here over HTTP) and each user's own package.
 */
describe("two machines: a user proves with the operator's published artifacts, and the chain accepts it", function () {
  let node: ChildProcess;
  let provider: JsonRpcProvider;
  let work: string;
  let site: { server: ChildProcess; url: string };
  let deployment: { vault: string; chainId: string };
  let claims: string[];
  const operator = (...parts: string[]): string => path.join(work, "operator", ...parts);
  const published = (...parts: string[]): string => path.join(work, "published", ...parts);

  /** A user's machine: an empty cache of its own and a folder holding only their claim package. */
  async function userMachine(
    name: string,
    claimOf: string,
  ): Promise<{ home: string; cache: string; claim: string; run: (args: string[]) => ReturnType<typeof lifeboat> }> {
    const home = path.join(work, name);
    await fs.mkdir(home);
    await fs.copyFile(claimOf, path.join(home, "claim.json"));
    const cache = path.join(home, "cache");
    return { home, cache, claim: path.join(home, "claim.json"), run: (args) => lifeboat(args, { LIFEBOAT_CACHE: cache }) };
  }

  const proveArgs = (claim: string, out: string, extra: string[]): string[] => [
    "prove",
    "--claim",
    claim,
    "--chain-id",
    deployment.chainId,
    "--vault",
    deployment.vault,
    "--snapshot-id",
    "1",
    "--out",
    out,
    ...extra,
  ];

  before(async function () {
    this.timeout(600_000);
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-two-machines-"));
    ({ node, provider } = await startNode(PORT));

    // The operator's machine (the default cache, where its setup lives).
    await fs.mkdir(operator(), { recursive: true });
    await fs.writeFile(operator("balances.csv"), sampleBalancesCsv(12, { seed: "two-machines" }));
    const snapshot = lifeboat(["snapshot", "--balances", operator("balances.csv"), "--out", operator("snap")]);
    expect(snapshot.status, snapshot.stderr).to.equal(0);
    const deployed = lifeboat(["deploy", "--out", operator("deployment.json"), "--artifacts", operator("snap", "artifacts"), "--rpc", RPC]);
    expect(deployed.status, deployed.stderr).to.equal(0);
    deployment = JSON.parse(await fs.readFile(operator("deployment.json"), "utf8")) as { vault: string; chainId: string };
    const manifest = JSON.parse(await fs.readFile(operator("snap", "manifest.json"), "utf8")) as { totals: string[] };
    const signer = await provider.getSigner(0);
    const tokens: string[] = [];
    for (const [name, symbol, decimals] of [
      ["Wrapped Ether", "WETH", 18],
      ["USD Coin", "USDC", 6],
    ] as const) {
      const token = await deployContract("TestToken", signer, [name, symbol, decimals]);
      await (await token.getFunction("mint")(await signer.getAddress(), 10n ** 30n)).wait();
      tokens.push(await token.getAddress());
    }
    const publish = lifeboat([
      "publish",
      "--deployment",
      operator("deployment.json"),
      "--manifest",
      operator("snap", "manifest.json"),
      "--snapshot-id",
      "1",
      "--snapshot-block",
      "1",
      "--tokens",
      tokens.join(","),
      "--amounts",
      manifest.totals.join(","),
      "--sweep-to",
      await signer.getAddress(),
      "--rpc",
      RPC,
    ]);
    expect(publish.status, publish.stderr).to.equal(0);
    await provider.send("evm_increaseTime", [72 * 3600]);
    await provider.send("evm_mine", []);
    expect(lifeboat(["finalize", "--deployment", operator("deployment.json"), "--snapshot-id", "1", "--rpc", RPC]).status).to.equal(0);

    // What the operator publishes: the manifest, the proving artifacts and the deployment file.
    await fs.mkdir(published());
    await fs.copyFile(operator("snap", "manifest.json"), published("manifest.json"));
    await fs.copyFile(operator("deployment.json"), published("deployment.json"));
    await fs.cp(operator("snap", "artifacts"), published("artifacts"), { recursive: true });
    site = await serve(published());
    claims = (await fs.readdir(operator("snap", "claims"))).map((name) => operator("snap", "claims", name));
  });

  after(async () => {
    node?.kill();
    provider?.destroy();
    site?.server.kill();
    await fs.rm(work, { recursive: true, force: true });
  });

  it("proves from the published URL with an empty cache, and the deployed verifier pays the claim", async () => {
    const user = await userMachine("alice", claims[3]!);
    const proved = user.run(proveArgs(user.claim, path.join(user.home, "proof.json"), ["--manifest", `${site.url}/manifest.json`]));
    expect(proved.status, proved.stderr).to.equal(0);
    // Nothing was compiled and no key was made on the user's machine.
    expect(proved.stderr).not.to.match(/compiling circuit|trusted setup for|making the development powers of tau/);
    expect(await listFiles(user.cache)).to.deep.equal([]);

    const checked = user.run([
      "check",
      "--claim",
      user.claim,
      "--manifest",
      `${site.url}/manifest.json`,
      "--deployment",
      published("deployment.json"),
      "--snapshot-id",
      "1",
      "--rpc",
      RPC,
    ]);
    expect(checked.status, checked.stderr).to.equal(0);
    const verified = user.run(["verify", "--proof", path.join(user.home, "proof.json"), "--manifest", `${site.url}/manifest.json`]);
    expect(verified.status, verified.stderr).to.equal(0);

    const claimed = user.run(["claim", "--deployment", published("deployment.json"), "--proof", path.join(user.home, "proof.json"), "--rpc", RPC, "--json"]);
    expect(claimed.status, claimed.stderr).to.equal(0);
    const { payouts } = JSON.parse(claimed.stdout) as { payouts: string[] };
    const { balances } = JSON.parse(await fs.readFile(user.claim, "utf8")) as { balances: string[] };
    expect(payouts).to.deep.equal(balances); // fully funded: pro rata is the whole balance
  });

  it("proves from a downloaded artifacts folder (the manifest beside it), and the chain accepts it", async () => {
    const user = await userMachine("bob", claims[5]!);
    const download = path.join(user.home, "download");
    await fs.cp(published(), download, { recursive: true });
    const proved = user.run(proveArgs(user.claim, path.join(user.home, "proof.json"), ["--artifacts", path.join(download, "artifacts")]));
    expect(proved.status, proved.stderr).to.equal(0);
    expect(await listFiles(user.cache)).to.deep.equal([]);
    const claimed = user.run(["claim", "--deployment", published("deployment.json"), "--proof", path.join(user.home, "proof.json"), "--rpc", RPC]);
    expect(claimed.status, claimed.stderr).to.equal(0);
  });

  for (const file of ["claim.zkey", "claim.wasm", "verification_key.json"]) {
    it(`refuses a ${file} that differs from the manifest's by one byte, before proving, naming the file and both digests`, async () => {
      const user = await userMachine(`tampered-${file}`, claims[1]!);
      const download = path.join(user.home, "download");
      await fs.cp(published(), download, { recursive: true });
      const target = path.join(download, "artifacts", file);
      const bytes = await fs.readFile(target);
      bytes[Math.floor(bytes.length / 2)] = bytes[Math.floor(bytes.length / 2)]! ^ 1;
      await fs.writeFile(target, bytes);
      const out = path.join(user.home, "proof.json");
      const proved = user.run(proveArgs(user.claim, out, ["--artifacts", path.join(download, "artifacts")]));
      expect(proved.status).to.equal(1);
      expect(proved.stderr).to.match(
        new RegExp(`proving artifact ${file.replace(".", "\\.")} at .* has sha256 [0-9a-f]{64}, but the claim package .* names [0-9a-f]{64}`),
      );
      expect(proved.stderr).not.to.contain("verified locally");
      await fs.access(out).then(
        () => expect.fail("a proof file was written"),
        () => undefined,
      );
    });
  }

  it("refuses a package of another snapshot, even though its artifacts match", async () => {
    // Another snapshot of the same shape: the same circuit and keys, so the same artifacts.
    await fs.writeFile(operator("other.csv"), sampleBalancesCsv(9, { seed: "another incident" }));
    expect(lifeboat(["snapshot", "--balances", operator("other.csv"), "--out", operator("other")]).status).to.equal(0);
    const otherClaim = path.join(operator("other", "claims"), (await fs.readdir(operator("other", "claims")))[0]!);
    const user = await userMachine("carol", otherClaim);
    const proved = user.run(proveArgs(user.claim, path.join(user.home, "proof.json"), ["--artifacts", `${site.url}/artifacts/`]));
    expect(proved.status).to.equal(1);
    expect(proved.stderr).to.match(/is for root \d+, but the manifest http:\/\/127\.0\.0\.1:\d+\/manifest\.json root is \d+: wrong snapshot/);
  });

  it("refuses a package whose artifact digests are not the manifest's: not of the same snapshot", async () => {
    const user = await userMachine("dave", claims[2]!);
    const claim = JSON.parse(await fs.readFile(user.claim, "utf8")) as { artifacts: Record<string, string> };
    claim.artifacts["claim.zkey"] = "ab".repeat(32);
    await fs.writeFile(user.claim, JSON.stringify(claim));
    const proved = user.run(proveArgs(user.claim, path.join(user.home, "proof.json"), ["--manifest", `${site.url}/manifest.json`]));
    expect(proved.status).to.equal(1);
    expect(proved.stderr).to.match(
      /the claim package .* names claim\.zkey with sha256 (ab){32}, but the manifest .* names [0-9a-f]{64}: they are not of the same snapshot/,
    );
  });

  it("without artifacts, says where to get them, and makes nothing", async () => {
    const user = await userMachine("erin", claims[0]!);
    const alone = user.run(proveArgs(user.claim, path.join(user.home, "proof.json"), []));
    expect(alone.status).to.equal(1);
    expect(alone.stderr).to.contain("the operator publishes them in the folder artifacts/ next to the snapshot's manifest.json");
    const empty = path.join(user.home, "empty");
    await fs.mkdir(empty);
    const nothing = user.run(proveArgs(user.claim, path.join(user.home, "proof.json"), ["--artifacts", empty]));
    expect(nothing.status).to.equal(1);
    expect(nothing.stderr).to.contain(`no proving artifacts at ${empty}`);
    const missing = user.run(proveArgs(user.claim, path.join(user.home, "proof.json"), ["--artifacts", `${site.url}/nowhere/`]));
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/no proving artifacts at http:\/\/127\.0\.0\.1:\d+\/nowhere\/ .*HTTP 404/);
    expect(await listFiles(user.cache)).to.deep.equal([]);
  });

  it("verify uses the published verification key and refuses one that is not the manifest's", async () => {
    const user = await userMachine("frank", claims[3]!);
    const download = path.join(user.home, "download");
    await fs.cp(published(), download, { recursive: true });
    const key = path.join(download, "artifacts", "verification_key.json");
    await fs.writeFile(key, (await fs.readFile(key, "utf8")).replace(/"nPublic": 3/, '"nPublic": 4'));
    await fs.copyFile(path.join(work, "alice", "proof.json"), path.join(user.home, "proof.json"));
    const verified = user.run(["verify", "--proof", path.join(user.home, "proof.json"), "--manifest", path.join(download, "manifest.json")]);
    expect(verified.status).to.equal(1);
    expect(verified.stderr).to.match(/proving artifact verification_key\.json at .* has sha256 [0-9a-f]{64}, but the manifest .* names [0-9a-f]{64}/);
  });

  it("publish refuses a deployment whose verifier is not the snapshot's published one", async () => {
    // A deployment made from other keys: the demo's claim_d4_k2 setup, deployed as if it were d20.
    const setup = lifeboat(["setup", "--depth", "4", "--assets", "2", "--out", operator("d4")]);
    expect(setup.status, setup.stderr).to.equal(0);
    const deployed = lifeboat(["deploy", "--out", operator("d4-deployment.json"), "--artifacts", operator("d4", "artifacts"), "--rpc", RPC]);
    expect(deployed.status, deployed.stderr).to.equal(0);
    const wrong = JSON.parse(await fs.readFile(operator("d4-deployment.json"), "utf8")) as { verifiers: Record<string, string> };
    wrong.verifiers["claim_d20_k2"] = wrong.verifiers["claim_d4_k2"]!;
    await fs.writeFile(operator("wrong-deployment.json"), JSON.stringify(wrong));
    const signer = await provider.getSigner(0);
    const publish = lifeboat([
      "publish",
      "--deployment",
      operator("wrong-deployment.json"),
      "--manifest",
      operator("snap", "manifest.json"),
      "--snapshot-id",
      "2",
      "--snapshot-block",
      "1",
      "--tokens",
      `${await signer.getAddress()},${await signer.getAddress()}`,
      "--amounts",
      "1,1",
      "--sweep-to",
      await signer.getAddress(),
      "--rpc",
      RPC,
    ]);
    expect(publish.status).to.equal(1);
    expect(publish.stderr).to.contain(
      `the verifier at ${wrong.verifiers["claim_d4_k2"]} is not the verifier of this snapshot's published artifacts (claim_d20_k2)`,
    );

    // The same published folder pins the keys of later snapshots of that shape.
    const pinned = lifeboat([
      "snapshot",
      "--balances",
      operator("balances.csv"),
      "--depth",
      "4",
      "--artifacts",
      operator("d4", "artifacts"),
      "--out",
      operator("pinned"),
    ]);
    expect(pinned.status, pinned.stderr).to.equal(0);
    const index = JSON.parse(await fs.readFile(operator("d4", "artifacts", "artifacts.json"), "utf8")) as { files: Record<string, { sha256: string }> };
    const manifest = JSON.parse(await fs.readFile(operator("pinned", "manifest.json"), "utf8")) as { setup: { artifacts: Record<string, string> } };
    expect(manifest.setup.artifacts).to.deep.equal(Object.fromEntries(Object.entries(index.files).map(([name, file]) => [name, file.sha256])));
    const otherShape = lifeboat([
      "snapshot",
      "--balances",
      operator("balances.csv"),
      "--depth",
      "5",
      "--artifacts",
      operator("d4", "artifacts"),
      "--out",
      operator("x"),
    ]);
    expect(otherShape.status).to.equal(1);
    expect(otherShape.stderr).to.contain("holds circuit claim_d4_k2, but depth 5 with 2 assets needs claim_d5_k2");
  });
});
