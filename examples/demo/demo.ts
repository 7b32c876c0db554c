/**
 * `npm run demo`: the whole incident story on an in-process Hardhat chain.
 *
 * A lending pool holds two assets for 1,000 accounts. An attacker drains part of it through a
 * bug: the solvency invariant puts the pool into safe mode, the circuit breaker halts it on the
 * larger drain, and the guardians' Safe confirms the halt. The operator snapshots the pre-incident deposits (read from the chain at the last block
 * before the exploit), excluding the attacker; deploys Lifeboat; publishes the snapshot and funds
 * the vault with the 70 % that was recovered; the proposal waits out its veto window and is
 * finalized. Users prove and claim (one through a relayer, one
 * redirecting the payout); a double claim and a forged proof are refused; a table closes the story.
 *
 * The users are not the operator: they prove with an empty cache of their own, from nothing but
 * what the operator published (manifest.json and artifacts/) and their own claim package, and one
 * of them runs `lifeboat prove` as a separate process, as on their own machine.
 */
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import hre from "hardhat";
import { getAddress, type Signer } from "ethers";

import {
  deployContract,
  checkInclusion,
  deploySafe,
  execSafeTransaction,
  deployLifeboat,
  finalizeSnapshot,
  manifestDigest,
  publishSnapshot,
  snapshotStatus,
  submitClaim,
  assertVerifierOfKey,
  readPublishedVerifier,
} from "lifeboat/vault";
import { readChainInput, BUILTIN_READERS, CHAIN_SOURCE_FORMAT, parseChainSourceConfig } from "lifeboat/positions";
import { auditSnapshot, renderMarkdown } from "lifeboat/audit";
import { createParallelHasher, loadPoseidon } from "lifeboat/hash";
import { proveClaim, ClaimProver, releaseProverThreads, parseProofFile, type ProofFile } from "lifeboat/proof";
import { loadProvingArtifacts, loadVerificationKey } from "lifeboat/artifacts";
import { ensureClaimArtifacts } from "lifeboat/setup";
import { createSnapshot, generateSeed, parseClaimPackage, claimFileName } from "lifeboat/snapshot";
import { check, expectRevert } from "./checks";
import { deployDemoLendingPool } from "./pool";
import { demoLendingPoolReader } from "./reader";
import { createHash } from "node:crypto";

const ACCOUNTS = 1000;
const BATCH = 100;
const RECOVERED_PERCENT = 70n;
const DAY = 24n * 3600n;
const VETO_WINDOW = 3n * DAY;
const HOUR = 3600n;

const started = Date.now();
function step(text: string): void {
  process.stderr.write(`\n[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
}
function say(text: string): void {
  process.stderr.write(`           ${text}\n`);
}

/** Deterministic pseudo-random balances: WETH up to ~50, USDC up to ~100k. */
function positions(count: number): { account: string; weth: bigint; usdc: bigint }[] {
  return Array.from({ length: count }, (_, i) => {
    const digest = createHash("sha256").update(`lifeboat-demo/${i}`).digest();
    return {
      account: getAddress(`0x${digest.subarray(0, 20).toString("hex")}`),
      weth: BigInt(digest.readUInt32BE(20) % 50_000) * 10n ** 15n,
      usdc: BigInt(digest.readUInt32BE(24) % 100_000_000) * 10n ** 3n,
    };
  });
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-demo-"));
  const signers = (await hre.ethers.getSigners()) as unknown as Signer[];
  const [protocol, attacker, relayer, treasury, operatorSigner, guardian] = signers as [Signer, Signer, Signer, Signer, Signer, Signer];
  const users = signers.slice(10, 14);

  step("circuits and trusted setup (cached after the first run)");
  const artifacts = await ensureClaimArtifacts(20, 2, { log: say });
  if (artifacts.keys.provenance.development) say("WARNING: development trusted setup: for demonstration only");

  step(`a lending pool with two assets and ${ACCOUNTS} accounts`);
  const weth = await deployContract("TestToken", protocol, ["Wrapped Ether", "WETH", 18]);
  const usdc = await deployContract("TestToken", protocol, ["USD Coin", "USDC", 6]);
  const governance = protocol; // in production a TimelockController (see test/contracts/governance.test.ts)
  // Behind an ERC-1967 proxy that only a TimelockController (2-day delay) can upgrade.
  const { pool, block: poolBlock } = await deployDemoLendingPool(protocol, {
    asset0: await weth.getAddress(),
    asset1: await usdc.getAddress(),
    governance: await governance.getAddress(),
    window: HOUR,
    lockDelay: DAY,
  });
  const owners = signers.slice(15, 18);
  const safe = await deploySafe(protocol, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
  await (await pool.getFunction("grantRole")(await pool.getFunction("GUARDIAN_ROLE")(), await safe.getAddress())).wait();
  say(`guardian: a 2-of-3 Safe at ${await safe.getAddress()}`);
  const book = positions(ACCOUNTS - users.length);
  for (const user of users) book.unshift({ account: await user.getAddress(), weth: 3n * 10n ** 18n, usdc: 2_500n * 10n ** 6n });
  const attackerAddress = await attacker.getAddress();
  book.push({ account: attackerAddress, weth: 10n ** 18n, usdc: 100n * 10n ** 6n }); // the attacker's own small position
  for (let i = 0; i < book.length; i += BATCH) {
    const batch = book.slice(i, i + BATCH);
    const [w, u] = [batch.reduce((s, p) => s + p.weth, 0n), batch.reduce((s, p) => s + p.usdc, 0n)];
    await (await weth.getFunction("mint")(await protocol.getAddress(), w)).wait();
    await (await usdc.getFunction("mint")(await protocol.getAddress(), u)).wait();
    await (await weth.getFunction("approve")(await pool.getAddress(), w)).wait();
    await (await usdc.getFunction("approve")(await pool.getAddress(), u)).wait();
    await (
      await pool.getFunction("seedPositions")(
        batch.map((p) => p.account),
        batch.map((p) => p.weth),
        batch.map((p) => p.usdc),
      )
    ).wait();
  }
  const poolWeth = (await weth.getFunction("balanceOf")(await pool.getAddress())) as bigint;
  const poolUsdc = (await usdc.getFunction("balanceOf")(await pool.getAddress())) as bigint;
  say(`pool holds ${fmt(poolWeth, 18)} WETH and ${fmt(poolUsdc, 6)} USDC for ${book.length} accounts`);
  for (const [token, held] of [
    [weth, poolWeth],
    [usdc, poolUsdc],
  ] as const) {
    await (await pool.connect(governance).getFunction("setLimits")(await token.getAddress(), (held * 10n) / 100n, (held * 25n) / 100n)).wait();
  }
  say("circuit breaker (set by governance): warn above 10 %, halt above 25 % of each asset leaving per hour");
  const preIncidentBlock = await hre.ethers.provider.getBlockNumber();

  step("the exploit: rescueTokens has no access control");
  await (await pool.connect(attacker).getFunction("rescueTokens")(0, attackerAddress, (poolWeth * 8n) / 100n)).wait();
  check((await pool.getFunction("safeMode")()) === true, "the first drain puts the pool into safe mode");
  say("the attacker takes 8 % of the WETH, below the warning limit; the solvency invariant breaks: the pool enters safe mode");
  await (await pool.connect(attacker).getFunction("rescueTokens")(1, attackerAddress, (poolUsdc * 8n) / 100n)).wait();
  await (await pool.connect(attacker).getFunction("rescueTokens")(0, attackerAddress, (poolWeth * 60n) / 100n)).wait();
  check((await pool.getFunction("halted")()) === true, "the large drain halts the pool");
  say("then 60 % more: the breaker halts the pool and locks the outflow in the pool");
  await execSafeTransaction(
    safe,
    await pool.getAddress(),
    pool.interface.encodeFunctionData("halt", ["incident: rescueTokens exploit"]),
    [owners[0]!, owners[2]!],
    relayer,
  );
  say("the guardians' Safe (2 of 3 owners signed) confirms the halt; only governance can resume");
  say(`the attacker got away with 8 % of each asset; the last good block is ${preIncidentBlock}`);

  step(`the operator reads the pool's positions at block ${preIncidentBlock} from the chain and builds the snapshot, excluding the attacker`);
  // The pool's reader is the protocol's own, passed in next to the built-in ones.
  const readers = [...BUILTIN_READERS, demoLendingPoolReader];
  const sourceConfig = parseChainSourceConfig(
    JSON.stringify({
      format: CHAIN_SOURCE_FORMAT,
      chainId: (await hre.ethers.provider.getNetwork()).chainId.toString(),
      assets: ["WETH", "USDC"],
      sources: [{ reader: "demo-lending-pool", address: await pool.getAddress(), fromBlock: poolBlock, assets: ["WETH", "USDC"] }],
    }),
    "chain-source configuration",
    readers,
  );
  await fs.writeFile(path.join(work, "chain-source.json"), JSON.stringify(sourceConfig, null, 2));
  const read = await readChainInput(sourceConfig, {
    rpc: hre.ethers.provider,
    block: preIncidentBlock,
    cacheDirectory: path.join(work, "chain-cache"),
    readers,
  });
  for (const report of read.reports) say(`${report.logs} Deposited logs replayed; ${report.checks.join("; ")}`);
  const seed = generateSeed();
  const out = path.join(work, "snapshot");
  const { manifest } = await createSnapshot(
    { sheet: read.sheet, bytes: read.csv, format: "csv", source: read.source, sourceReport: { source: read.source, sources: read.reports } },
    { out, depth: 20, seed, generatedSeed: seed, exclusions: [attackerAddress], adjustments: [], log: say },
  );
  say(`${manifest.leafCount} accounts, attacker excluded; root ${manifest.root.slice(0, 16)}…`);
  say(`totals: ${fmt(BigInt(manifest.totals[0]!), 18)} WETH, ${fmt(BigInt(manifest.totals[1]!), 6)} USDC; files in ${out}`);

  // What the operator publishes (web site, IPFS): the manifest and the proving artifacts.
  const published = path.join(work, "published");
  await fs.mkdir(published);
  await fs.copyFile(path.join(out, "manifest.json"), path.join(published, "manifest.json"));
  await fs.cp(path.join(out, "artifacts"), path.join(published, "artifacts"), { recursive: true });
  say(`published: ${published}/manifest.json and artifacts/ (${(await fs.readdir(path.join(published, "artifacts"))).join(", ")})`);

  step("the operator deploys Lifeboat: Poseidon hasher, RecoveryVault (72 h veto window), the published Groth16 verifier");
  const publishedVerifier = await readPublishedVerifier(path.join(out, "artifacts"));
  const { deployment, gas: deployGas } = await deployLifeboat(operatorSigner, [publishedVerifier], {
    vetoWindow: VETO_WINDOW,
    guardians: [await guardian.getAddress()],
  });
  say(`vault ${deployment.vault}; guardian ${await guardian.getAddress()}`);

  step(`${RECOVERED_PERCENT} % of the drained funds are recovered; the operator proposes and funds the snapshot`);
  const recovered = manifest.totals.map((total) => (BigInt(total) * RECOVERED_PERCENT) / 100n);
  await (await weth.getFunction("mint")(await operatorSigner.getAddress(), recovered[0]!)).wait();
  await (await usdc.getFunction("mint")(await operatorSigner.getAddress(), recovered[1]!)).wait();
  const manifestBytes = await fs.readFile(path.join(out, "manifest.json"));
  const {
    snapshotId,
    vetoDeadline,
    gas: publishGas,
  } = await publishSnapshot(operatorSigner, deployment, manifest, {
    snapshotId: 1n,
    snapshotBlock: BigInt(preIncidentBlock),
    manifestDigest: manifestDigest(manifestBytes),
    uri: `file://${path.join(out, "manifest.json")}`,
    tokens: [await weth.getAddress(), await usdc.getAddress()],
    amounts: recovered,
    claimPeriod: 90n * DAY,
    sweepRecipient: await treasury.getAddress(),
    verifier: publishedVerifier.build,
  });
  say(`snapshot ${snapshotId} proposed with the manifest's sha256; guardians may veto for 72 h`);
  const checker = await users[0]!.getAddress();
  const checkPackage = parseClaimPackage(JSON.parse(await fs.readFile(path.join(out, "claims", claimFileName(checker)), "utf8")));
  const poseidonForCheck = await loadPoseidon();
  const checked = await checkInclusion(hre.ethers.provider, deployment, snapshotId, checkPackage, (inputs) => poseidonForCheck.hash(inputs));
  const publishedKey = await loadVerificationKey(path.join(published, "artifacts"), [
    { digests: checkPackage.artifacts, source: "the claim package" },
    { digests: manifest.setup.artifacts, source: "the published manifest" },
  ]);
  await assertVerifierOfKey(hre.ethers.provider, checked.verifier, publishedKey, checkPackage.circuit);
  say(
    `user ${checker.slice(0, 10)}… checks during the window (lifeboat check): their package opens to the proposed root and totals, and the verifier on chain is the one their published key makes`,
  );

  const auditStarted = Date.now();
  const auditHasher = createParallelHasher();
  const audit = await auditSnapshot({
    snapshot: out,
    hash: (inputs) => poseidonForCheck.hash(inputs),
    hashBatch: (arity, input) => auditHasher.hashBatch(arity, input),
    chain: { rpc: hre.ethers.provider, provider: hre.ethers.provider, cacheDirectory: path.join(work, "audit-cache"), readers },
    target: { deployment, snapshotId },
    // zkey verification takes ~35 s on 2 cores; the setup ran it when it made the keys, and
    // \`lifeboat audit\` runs it again. The demo keeps to the story.
    skip: ["setup"],
  });
  await auditHasher.close();
  await fs.writeFile(path.join(work, "audit-report.md"), renderMarkdown(audit));
  if (!audit.passed) throw new Error(`the audit failed: ${audit.failed.join(", ")}`);
  say(
    `an auditor runs lifeboat audit (${((Date.now() - auditStarted) / 1000).toFixed(1)} s): ${audit.checks.map((c) => `${c.id} ${c.status} (${((c.durationMs ?? 0) / 1000).toFixed(1)} s)`).join(", ")}`,
  );

  step("the veto window passes (time travel on the embedded chain); anyone finalizes");
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(vetoDeadline)]);
  await hre.network.provider.send("evm_mine", []);
  const finalized = await finalizeSnapshot(relayer, deployment, snapshotId);
  say(`snapshot ${snapshotId} finalized: claims open until the 90-day deadline`);

  step("users prove their claims in zero knowledge, each with an empty cache of their own, and claim");
  // Each user's machine: an empty Lifeboat cache, the published folder and their own package.
  const userCache = path.join(work, "user-cache");
  await fs.mkdir(userCache);
  process.env["LIFEBOAT_CACHE"] = userCache;
  const poseidon = await loadPoseidon();
  const hash = (inputs: readonly bigint[]): bigint => poseidon.hash(inputs);
  const target = { chainId: BigInt(deployment.chainId), vault: deployment.vault, snapshotId };
  const packageOf = async (account: string) => parseClaimPackage(JSON.parse(await fs.readFile(path.join(out, "claims", claimFileName(account)), "utf8")));
  const firstPackage = await packageOf(await users[1]!.getAddress());
  const proving = await loadProvingArtifacts(path.join(published, "artifacts"), firstPackage.circuit, [
    { digests: firstPackage.artifacts, source: "the claim package" },
    { digests: manifest.setup.artifacts, source: "the published manifest" },
  ]);
  const prover = await ClaimProver.load(proving);
  const claimGas: bigint[] = [];
  const proofs: ProofFile[] = [];
  for (const [i, user] of users.entries()) {
    const account = await user.getAddress();
    const t0 = Date.now();
    let proof: ProofFile;
    if (i === 0) {
      // This user runs the command line on their own machine: a separate process, its own cache.
      const home = path.join(work, "user-0");
      await fs.mkdir(home);
      await fs.copyFile(path.join(out, "claims", claimFileName(account)), path.join(home, "claim.json"));
      const run = spawnSync(
        process.execPath,
        [
          path.join(__dirname, "..", "..", "bin", "lifeboat.js"),
          "prove",
          "--claim",
          path.join(home, "claim.json"),
          "--manifest",
          path.join(published, "manifest.json"),
          "--chain-id",
          deployment.chainId,
          "--vault",
          deployment.vault,
          "--snapshot-id",
          snapshotId.toString(),
          "--out",
          path.join(home, "proof.json"),
        ],
        { encoding: "utf8", env: { ...process.env, LIFEBOAT_CACHE: path.join(home, "cache") } },
      );
      if (run.status !== 0) throw new Error(`lifeboat prove failed on the user's machine: ${run.stderr}`);
      proof = parseProofFile(JSON.parse(await fs.readFile(path.join(home, "proof.json"), "utf8")));
    } else {
      proof = await proveClaim({
        claim: await packageOf(account),
        target,
        hash,
        prover,
        expected: { root: manifest.root, totals: manifest.totals, source: "manifest" },
      });
    }
    const proveMs = Date.now() - t0;
    proofs.push(proof);
    let how: string;
    let result;
    if (i === 1) {
      result = await submitClaim(relayer, deployment, proof);
      how = "through a relayer (who pays the gas; the money goes to the user)";
    } else if (i === 2) {
      result = await submitClaim(user, deployment, proof, { recipient: await treasury.getAddress() });
      how = "with claimTo, redirected to a new address";
    } else {
      result = await submitClaim(user, deployment, proof);
      how = "directly";
    }
    const entitled = [3n * 10n ** 18n, 2_500n * 10n ** 6n].map((balance, k) => (balance * recovered[k]!) / BigInt(manifest.totals[k]!));
    check(
      result.payouts.length === 2 && result.payouts.every((paid, k) => paid === entitled[k]),
      `user ${i + 1} is paid the pro-rata share of their balance (${entitled.join(", ")}), got ${result.payouts.join(", ")}`,
    );
    claimGas.push(result.gasUsed);
    say(
      `${account.slice(0, 10)}… proved in ${proveMs} ms${i === 0 ? " (lifeboat prove in its own process, start-up included)" : ""}, claimed ${how}: ${fmt(result.payouts[0]!, 18)} WETH + ${fmt(result.payouts[1]!, 6)} USDC (${result.gasUsed} gas)`,
    );
  }

  const leftovers = [...(await fs.readdir(userCache)), ...(await fs.readdir(path.join(work, "user-0", "cache")).catch(() => []))];
  if (leftovers.length > 0) throw new Error(`a user's prover wrote to its cache (${leftovers.join(", ")}): provers must never make keys`);
  say("the users' caches are still empty: nothing was compiled and no key was made on their side");

  step("abuse is refused");
  say(`double claim: ${await expectRevert(() => submitClaim(relayer, deployment, proofs[0]!), "RecoveryVaultAlreadyClaimed", "a double claim")}`);
  const forged = { ...proofs[3]!, calldata: { ...proofs[3]!.calldata, pubSignals: [...proofs[3]!.calldata.pubSignals] } };
  forged.calldata.pubSignals[1] = BigInt(attackerAddress).toString(); // the attacker tries to take a user's proof
  say(
    `forged proof (a user's proof with the attacker's address): ${await expectRevert(() => submitClaim(attacker, deployment, { ...forged, account: attackerAddress }), "RecoveryVaultInvalidProof", "a forged proof")}`,
  );

  step("the state of the recovery");
  const status = await snapshotStatus(hre.ethers.provider, deployment, snapshotId);
  const table = [["asset", "tree total", "funded (recovered)", "paid", "remaining"]];
  for (const asset of status.assets) {
    const decimals = asset.symbol === "USDC" ? 6 : 18;
    table.push([asset.symbol, fmt(asset.total, decimals), fmt(asset.funded, decimals), fmt(asset.paid, decimals), fmt(asset.remaining, decimals)]);
  }
  printTable(table);
  const gasRows = [
    ["step", "gas"],
    ...Object.entries({ ...deployGas, ...publishGas, finalize: finalized.gasUsed }).map(([name, used]) => [name, used.toString()]),
  ];
  claimGas.forEach((used, i) => gasRows.push([`claim ${i + 1}`, used.toString()]));
  printTable(gasRows);
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s (files in ${work})`);
}

function fmt(value: bigint, decimals: number): string {
  const unit = 10n ** BigInt(decimals);
  const whole = value / unit;
  const fraction = ((value % unit) * 100n) / unit;
  return `${whole.toLocaleString("en-US")}.${fraction.toString().padStart(2, "0")}`;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]): string => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ")} |`;
  process.stdout.write(`\n${line(rows[0]!)}\n| ${widths.map((w) => "-".repeat(w)).join(" | ")} |\n${rows.slice(1).map(line).join("\n")}\n`);
}

main()
  .then(async () => {
    await releaseProverThreads();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    await releaseProverThreads();
    process.exit(1);
  });
