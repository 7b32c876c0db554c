import { expect } from "chai";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import type { Contract, Signer } from "ethers";

import { PRIVATE_CHECKS, auditSnapshot } from "../../prover/audit/audit";
import type { AuditReport, CheckId } from "../../prover/audit/report";
import { attach } from "../../prover/chain/contracts";
import { deployContract } from "../helpers/contracts";
import { deployDemoLendingPool } from "../../examples/demo/pool";
import { deployLifeboat, manifestDigest, publishSnapshot, type Deployment } from "../../prover/chain/vault";
import { readChainInput } from "../../prover/chainstate/chain-input";
import { BUILTIN_READERS } from "../../prover/chainstate/readers";
import { demoLendingPoolReader } from "../../examples/demo/reader";
import { CHAIN_SOURCE_FORMAT, parseChainSourceConfig } from "../../prover/chainstate/config";
import { loadPoseidon } from "../../prover/hash";
import { exclusionsDigest } from "../../prover/snapshot/build";
import { createSnapshot, type SnapshotInput } from "../../prover/snapshot/create";
import { parseManifest, type Manifest } from "../../prover/snapshot/formats";
import { generateSeed } from "../../prover/snapshot/seed";
import { claimFileName } from "../../prover/snapshot/write";
import { readPublishedVerifier } from "../../prover/chain/verifier-code";
import { referenceHashing } from "../helpers/hashing";
import { lifeboat } from "../helpers/cli";
import { chainRpc, ethers } from "../chainstate/helpers";

const DEPTH = 4;
const DAY = 24n * 3600n;
const quiet = (): void => undefined;
/** The zkey check takes half a minute on two cores: it runs in the first test and the CLI test only. */
const FAST: CheckId[] = ["setup"];

/** The built-in readers and the demo pool's, which the snapshot's source names. */
const readers = [...BUILTIN_READERS, demoLendingPoolReader];
describe("lifeboat audit", function () {
  this.timeout(300_000);
  let work: string;
  let input: SnapshotInput;
  let manifest: Manifest;
  let deployment: Deployment;
  let signers: Signer[];
  let tokens: Contract[];
  let attacker: string;
  const snap = (): string => path.join(work, "snap");

  async function audit(directory: string, options: { snapshotId?: bigint; deployment?: Deployment; skip?: CheckId[] } = {}): Promise<AuditReport> {
    const poseidon = await loadPoseidon();
    const { hashBatch } = await referenceHashing();
    return auditSnapshot({
      snapshot: directory,
      hash: (inputs) => poseidon.hash(inputs),
      hashBatch,
      chain: { rpc: chainRpc, provider: ethers.provider, readers },
      target: { deployment: options.deployment ?? deployment, snapshotId: options.snapshotId ?? 1n },
      skip: options.skip ?? FAST,
    });
  }

  /** A copy of the honest snapshot directory, changed by `change`. */
  async function tampered(name: string, change: (directory: string) => Promise<void>): Promise<string> {
    const directory = path.join(work, name);
    await fs.cp(snap(), directory, { recursive: true });
    await change(directory);
    return directory;
  }

  async function editManifest(directory: string, edit: (manifest: Record<string, unknown>) => void): Promise<void> {
    const file = path.join(directory, "manifest.json");
    const raw = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
    edit(raw);
    await fs.writeFile(file, JSON.stringify(raw, null, 2));
  }

  function failedOnly(report: AuditReport, ...ids: CheckId[]): void {
    expect(report.passed).to.equal(false);
    expect(
      report.failed,
      JSON.stringify(
        report.checks.filter((c) => c.status === "fail"),
        null,
        1,
      ),
    ).to.deep.equal(ids);
  }

  async function propose(id: bigint, fields: { manifest: Manifest; amounts: bigint[]; deployment?: Deployment }): Promise<void> {
    const manifestBytes = await fs.readFile(path.join(snap(), "manifest.json"));
    await publishSnapshot(signers[0]!, fields.deployment ?? deployment, fields.manifest, {
      snapshotId: id,
      snapshotBlock: BigInt((manifest.source as { block: number }).block),
      manifestDigest: manifestDigest(manifestBytes),
      uri: "ipfs://manifest",
      tokens: await Promise.all(tokens.map((token) => token.getAddress())),
      amounts: fields.amounts,
      claimPeriod: 90n * DAY,
      sweepRecipient: await signers[3]!.getAddress(),
      verifier: (await readPublishedVerifier(path.join(snap(), "artifacts"))).build,
    });
  }

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-audit-"));
    signers = (await ethers.getSigners()) as unknown as Signer[];
    const [owner] = signers as [Signer];
    attacker = await signers[2]!.getAddress();
    const weth = await deployContract("TestToken", owner, ["Wrapped Ether", "WETH", 18]);
    const usdc = await deployContract("TestToken", owner, ["USD Coin", "USDC", 6]);
    tokens = [weth, usdc];
    const { pool, block: poolBlock } = await deployDemoLendingPool(owner, {
      asset0: await weth.getAddress(),
      asset1: await usdc.getAddress(),
      governance: await owner.getAddress(),
      window: 3600,
      lockDelay: 86400,
    });
    const accounts = [...Array.from({ length: 11 }, (_, i) => ethers.getAddress(`0x${(i + 1).toString(16).padStart(40, "5")}`)), attacker];
    for (const token of tokens) {
      await (await token.getFunction("mint")(await owner.getAddress(), 10n ** 30n)).wait();
      await (await token.getFunction("approve")(await pool.getAddress(), 10n ** 30n)).wait();
    }
    await (
      await pool.getFunction("seedPositions")(
        accounts,
        accounts.map((_, i) => BigInt(i + 1) * 10n ** 18n),
        accounts.map((_, i) => BigInt(i + 1) * 10n ** 6n),
      )
    ).wait();
    const block = await ethers.provider.getBlockNumber();
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
    const read = await readChainInput(config, { rpc: chainRpc, block, readers });
    input = { sheet: read.sheet, bytes: read.csv, format: "csv", source: read.source };
    const adjustments = [{ account: accounts[0]!, asset: "USDC", delta: 7n * 10n ** 6n, reason: "deposit stuck in a cancelled withdrawal" }];
    const seed = generateSeed();
    ({ manifest } = await createSnapshot(input, { out: snap(), depth: DEPTH, seed, generatedSeed: seed, exclusions: [attacker], adjustments, log: quiet }));
    manifest = parseManifest(JSON.parse(await fs.readFile(path.join(snap(), "manifest.json"), "utf8")));
    // The operator deploys the verifier it published with the snapshot.
    ({ deployment } = await deployLifeboat(owner, [await readPublishedVerifier(path.join(snap(), "artifacts"))], { vetoWindow: 2n * DAY }));
    await propose(1n, { manifest, amounts: manifest.totals.map((total) => (BigInt(total) * 7n) / 10n) });
  });

  after(() => fs.rm(work, { recursive: true, force: true }));

  it("passes every check of an honest snapshot; the development setup is a warning", async () => {
    const report = await audit(snap(), { skip: [] });
    expect(report.passed, JSON.stringify(report.checks, null, 1)).to.equal(true);
    const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    expect(status).to.deep.equal({
      manifest: "pass",
      seed: "pass",
      tree: "pass",
      packages: "pass",
      input: "pass",
      exclusions: "pass",
      adjustments: "pass",
      artifacts: "pass",
      "chain-input": "pass",
      proposal: "pass",
      funding: "pass",
      verifier: "pass",
      setup: "warn",
    });
    expect(report.checks.find((check) => check.id === "setup")!.summary).to.match(/DEVELOPMENT ceremony/);
    // A guardian reviewing the proposal sees its deadlines in UTC and who receives the remainder.
    const details = report.checks.find((check) => check.id === "proposal")!.details;
    expect(details).to.include(`sweep recipient: ${await signers[3]!.getAddress()}`);
    expect(details.find((line) => line.startsWith("veto deadline: "))).to.match(/^veto deadline: \d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(details.find((line) => line.startsWith("finalize deadline: "))).to.match(/^finalize deadline: \d{4}-/);
    expect(details.find((line) => line.startsWith("claims close: "))).to.match(/^claims close: 90 days after finalization, between \d{4}-/);
  });

  it("fails the tree check for a tampered manifest total", async () => {
    const directory = await tampered("total", (d) =>
      editManifest(d, (m) => {
        (m["totals"] as string[])[0] = "1";
      }),
    );
    const report = await audit(directory);
    expect(report.failed).to.include("tree");
    expect(report.checks.find((c) => c.id === "tree")!.details.join()).to.match(/rebuilt total of WETH is \d+, manifest says 1/);
  });

  it("fails the tree check for a tampered tree file", async () => {
    const directory = await tampered("tree", async (d) => {
      const file = path.join(d, "private", "tree.ndjson");
      const lines = (await fs.readFile(file, "utf8")).split("\n");
      const leaf = JSON.parse(lines[3]!) as { balances: string[] };
      leaf.balances[1] = (BigInt(leaf.balances[1]!) + 1n).toString();
      lines[3] = JSON.stringify(leaf);
      await fs.writeFile(file, lines.join("\n"));
    });
    const report = await audit(directory);
    expect(report.failed).to.include("tree");
    expect(report.checks.find((c) => c.id === "tree")!.details.join()).to.match(/leaf 2 .* says leaf hash/);
  });

  it("fails the packages check for a package from another snapshot", async () => {
    const other = path.join(work, "other");
    const seed = generateSeed();
    await createSnapshot(input, { out: other, depth: DEPTH, seed, generatedSeed: seed, exclusions: [attacker], adjustments: [], log: quiet });
    const account = input.sheet.rows.find((row) => row.account !== attacker)!.account;
    const directory = await tampered("package", (d) =>
      fs.copyFile(path.join(other, "claims", claimFileName(account)), path.join(d, "claims", claimFileName(account))),
    );
    failedOnly(await audit(directory), "packages");
  });

  it("fails the exclusions check for an exclusion silently dropped from the manifest", async () => {
    const directory = await tampered("exclusion", (d) =>
      editManifest(d, (m) => {
        m["exclusions"] = { digest: exclusionsDigest([]), accounts: [], notFound: [] };
      }),
    );
    const report = await audit(directory, { skip: ["setup", "proposal"] });
    failedOnly(report, "exclusions");
    expect(report.checks.find((c) => c.id === "exclusions")!.details.join()).to.contain(
      `${attacker} is in the input but neither in the tree nor among the manifest's exclusions`,
    );
  });

  it("fails the exclusions check when the manifest miscounts the accounts left out for holding nothing", async () => {
    const directory = await tampered("zero-accounts", (d) =>
      editManifest(d, (m) => {
        m["zeroAccounts"] = (m["zeroAccounts"] as number) + 1;
      }),
    );
    const report = await audit(directory, { skip: ["setup", "proposal"] });
    failedOnly(report, "exclusions");
    expect(report.checks.find((c) => c.id === "exclusions")!.details.join()).to.contain(
      `the manifest counts ${manifest.zeroAccounts + 1} account(s) left out for holding nothing; input, adjustments and exclusions give ${manifest.zeroAccounts}`,
    );
  });

  it("fails the exclusions check when a contract of the deployment is a leaf", async () => {
    const leaf = input.sheet.rows.find((row) => row.account !== attacker)!.account;
    const report = await audit(snap(), { deployment: { ...deployment, vault: leaf }, skip: ["setup", "proposal", "funding", "verifier"] });
    failedOnly(report, "exclusions");
    expect(report.checks.find((c) => c.id === "exclusions")!.details).to.include(
      `${leaf} (the vault) is a leaf, but it can never be paid: it should have been excluded`,
    );
  });

  it("fails the adjustments check for an adjustment left out of the manifest", async () => {
    const directory = await tampered("adjustment", (d) =>
      editManifest(d, (m) => {
        m["adjustments"] = { digest: manifest.adjustments.digest, entries: [] };
      }),
    );
    const report = await audit(directory, { skip: ["setup", "proposal"] });
    failedOnly(report, "adjustments");
  });

  it("fails the proposal check when the root on chain differs", async () => {
    await propose(2n, { manifest: { ...manifest, root: "12345" }, amounts: [10n ** 18n, 10n ** 6n] });
    const report = await audit(snap(), { snapshotId: 2n });
    failedOnly(report, "proposal");
    expect(report.checks.find((c) => c.id === "proposal")!.details.join()).to.contain(`on-chain root 12345, manifest root ${manifest.root}`);
  });

  it("fails the funding check for an underfunded vault", async () => {
    const vault = await attach("RecoveryVault", deployment.vault, signers[0]!);
    await (
      await vault.getFunction("propose")(3n, {
        root: manifest.root,
        totals: manifest.totals,
        tokens: await Promise.all(tokens.map((t) => t.getAddress())),
        verifier: deployment.verifiers["claim_d4_k2"],
        declaredFunding: manifest.totals,
        claimPeriod: 90n * DAY,
        sweepRecipient: await signers[3]!.getAddress(),
        snapshotBlock: (manifest.source as { block: number }).block,
        manifestDigest: manifestDigest(await fs.readFile(path.join(snap(), "manifest.json"))),
        uri: "ipfs://x",
      })
    ).wait();
    await (await tokens[0]!.getFunction("approve")(deployment.vault, 10n ** 18n)).wait();
    await (await vault.getFunction("fund")(3n, 0, 10n ** 18n)).wait(); // WETH only: USDC is never funded
    const report = await audit(snap(), { snapshotId: 3n });
    failedOnly(report, "funding");
    expect(report.checks.find((c) => c.id === "funding")!.summary).to.match(/asset 1 \(USDC\) is funded 0, below the \d+ the proposal declared/);
  });

  it("fails the funding check at 0.00 % coverage even when the dust declaration is met, and lists the excluded accounts", async () => {
    const vault = await attach("RecoveryVault", deployment.vault, signers[0]!);
    await (
      await vault.getFunction("propose")(40n, {
        root: manifest.root,
        totals: manifest.totals,
        tokens: await Promise.all(tokens.map((t) => t.getAddress())),
        verifier: deployment.verifiers["claim_d4_k2"],
        declaredFunding: [100n, 100n],
        claimPeriod: 90n * DAY,
        sweepRecipient: await signers[3]!.getAddress(),
        snapshotBlock: (manifest.source as { block: number }).block,
        manifestDigest: manifestDigest(await fs.readFile(path.join(snap(), "manifest.json"))),
        uri: "ipfs://x",
      })
    ).wait();
    for (const [k, token] of tokens.entries()) {
      await (await token.getFunction("approve")(deployment.vault, 100n)).wait();
      await (await vault.getFunction("fund")(40n, k, 100n)).wait();
    }
    const report = await audit(snap(), { snapshotId: 40n, skip: ["setup", "verifier"] });
    failedOnly(report, "funding");
    expect(report.checks.find((c) => c.id === "funding")!.summary)
      .to.contain("is funded 100 of a total of")
      .and.contain("coverage 0.00 %, which pays users nothing");
    expect(report.checks.find((c) => c.id === "exclusions")!.details.join("\n")).to.match(/^excluded 0x[0-9a-fA-F]{40}: \d+ WETH, \d+ USDC$/m);
  });

  it("a public audit needs only the published manifest and artifacts, and checks the proposal, funding and verifier", async () => {
    const published = path.join(work, "published");
    await fs.mkdir(published);
    await fs.copyFile(path.join(snap(), "manifest.json"), path.join(published, "manifest.json"));
    await fs.cp(path.join(snap(), "artifacts"), path.join(published, "artifacts"), { recursive: true });
    const report = await audit(published, { skip: [...PRIVATE_CHECKS, "setup"] });
    expect(report.passed, JSON.stringify(report.checks, null, 1)).to.equal(true);
    const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    expect([status["artifacts"], status["proposal"], status["funding"], status["verifier"], status["tree"]]).to.deep.equal([
      "pass",
      "pass",
      "pass",
      "pass",
      "skip",
    ]);
  });

  it("fails the verifier check when the verifier on chain is not the published one (and publish refuses it)", async () => {
    const impostor = await deployContract("AcceptAllVerifier", signers[0]!, []);
    const forged: Deployment = { ...deployment, verifiers: { ...deployment.verifiers, claim_d4_k2: await impostor.getAddress() } };
    let refused: Error | undefined;
    await propose(4n, { manifest, amounts: [10n ** 18n, 10n ** 6n], deployment: forged }).catch((error: Error) => (refused = error));
    expect(refused?.message).to.match(new RegExp(`the verifier at ${await impostor.getAddress()} is not the verifier of this snapshot's published artifacts`));
    // Proposed by hand, around publish's check: the audit still catches it.
    const vault = await attach("RecoveryVault", deployment.vault, signers[0]!);
    await (
      await vault.getFunction("propose")(4n, {
        root: manifest.root,
        totals: manifest.totals,
        tokens: await Promise.all(tokens.map((t) => t.getAddress())),
        verifier: await impostor.getAddress(),
        declaredFunding: [10n ** 18n, 10n ** 6n],
        claimPeriod: 90n * DAY,
        sweepRecipient: await signers[3]!.getAddress(),
        snapshotBlock: (manifest.source as { block: number }).block,
        manifestDigest: manifestDigest(await fs.readFile(path.join(snap(), "manifest.json"))),
        uri: "ipfs://x",
      })
    ).wait();
    for (const [k, token] of tokens.entries()) {
      await (await token.getFunction("approve")(deployment.vault, 10n ** 18n)).wait();
      await (await vault.getFunction("fund")(4n, k, [10n ** 18n, 10n ** 6n][k]!)).wait(); // real coverage: only the verifier is wrong
    }
    const report = await audit(snap(), { snapshotId: 4n, deployment: forged });
    failedOnly(report, "verifier");
    expect(report.checks.find((c) => c.id === "verifier")!.summary).to.match(/is not the published verifier of this snapshot/);
  });

  it("fails the artifacts check for a zkey that differs from the manifest's by one byte", async () => {
    const directory = await tampered("zkey", async (d) => {
      const file = path.join(d, "artifacts", "claim.zkey");
      const bytes = await fs.readFile(file);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
      await fs.writeFile(file, bytes);
    });
    const report = await audit(directory);
    failedOnly(report, "artifacts");
    expect(report.checks.find((c) => c.id === "artifacts")!.details.join()).to.match(/claim\.zkey has sha256 [0-9a-f]{64}, the manifest names [0-9a-f]{64}/);
  });

  it("fails the artifacts check for a verification key that is not the zkey's, even with matching digests", async () => {
    const directory = await tampered("vk", async (d) => {
      const file = path.join(d, "artifacts", "verification_key.json");
      const key = JSON.parse(await fs.readFile(file, "utf8")) as { vk_alpha_1: string[] };
      key.vk_alpha_1 = ["1", "2", "1"]; // the generator: a key of somebody else's choosing
      const text = JSON.stringify(key, null, 2);
      await fs.writeFile(file, text);
      const digest = createHash("sha256").update(text).digest("hex");
      await editManifest(d, (m) => {
        (m["setup"] as Record<string, Record<string, string>>)["artifacts"]!["verification_key.json"] = digest;
      });
      const indexFile = path.join(d, "artifacts", "artifacts.json");
      const index = JSON.parse(await fs.readFile(indexFile, "utf8")) as { files: Record<string, { sha256: string; bytes: number }> };
      index.files["verification_key.json"] = { sha256: digest, bytes: Buffer.byteLength(text) };
      await fs.writeFile(indexFile, JSON.stringify(index, null, 2));
    });
    const report = await audit(directory, { skip: ["setup", "proposal"] });
    failedOnly(report, "artifacts");
    expect(report.checks.find((c) => c.id === "artifacts")!.details.join()).to.contain(
      "verification_key.json is not the verification key exported from claim.zkey",
    );
  });

  it("fails the chain-input check when the manifest's block is not the chain's", async () => {
    const directory = await tampered("block", (d) =>
      editManifest(d, (m) => {
        (m["source"] as { blockHash: string }).blockHash = `0x${"11".repeat(32)}`;
      }),
    );
    const report = await audit(directory, { skip: ["setup", "proposal"] });
    failedOnly(report, "chain-input");
  });

  it("as a command: writes the Markdown and JSON reports and exits non-zero naming the failed check", async () => {
    const directory = await tampered("cli", async (d) => {
      await fs.rm(path.join(d, "claims", claimFileName(input.sheet.rows.find((row) => row.account !== attacker)!.account)));
    });
    const out = path.join(work, "reports");
    const run = lifeboat(["audit", "--snapshot", directory, "--out", out]);
    expect(run.status, run.stderr).to.equal(1);
    expect(run.stderr).to.contain("error: audit failed: packages");
    const json = JSON.parse(await fs.readFile(path.join(out, "audit-report.json"), "utf8")) as AuditReport;
    expect(json.failed).to.deep.equal(["packages"]);
    expect(json.checks.find((c) => c.id === "proposal")!.status).to.equal("skip");
    const markdown = await fs.readFile(path.join(out, "audit-report.md"), "utf8");
    expect(markdown).to.contain("**FAILED** (packages)");
    expect(markdown).to.match(/\| packages: every claim package opens to that root \| \*\*FAIL\*\* \|/);
  });
});
