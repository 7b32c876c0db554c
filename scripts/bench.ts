/**
 * `npm run bench`: the performance table. Each measurement runs in its own child process so that
 * its peak memory (max RSS) is its own. Targets and the last measured numbers are in
 * docs/benchmarks.md; none of this is a test (timings belong here, not in `npm test`).
 *
 *   npm run bench                 every section
 *   npm run bench -- --quick      skip the 2^20-leaf trees (minutes with circomlibjs)
 *   npm run bench -- --only tree  one group: tree | prove | poseidon | gas | demo
 */
import { spawnSync } from "node:child_process";
import os from "node:os";

import { createParallelHasher, loadPoseidon, loadReferencePoseidon, loadWasmPoseidon } from "../prover/hash";
import { sampleBalancesCsv } from "../prover/demo/balances";
import { proveClaim, verifyProofFile } from "../prover/proof/claim";
import type { ProofFile } from "../prover/proof/proof-file";
import { ClaimProver, releaseProverThreads } from "../prover/proof/prover";
import { buildSnapshot } from "../prover/snapshot/build";
import { parseBalances } from "../prover/snapshot/input";
import { claimPackageOf } from "../prover/snapshot/outputs";
import { ensureClaimArtifacts, provingArtifactsOf, verifierBuildOf } from "../prover/setup";
import { ELEMENT_BYTES, MerkleSumTree, wordCount, writeElement, type BatchHash } from "../prover/tree";

interface Row {
  readonly benchmark: string;
  readonly value: string;
  readonly detail: string;
}

// ---- sections (each runs in a child process) -----------------------------------------------------

async function leafBuffers(count: number, assets: number): Promise<{ hashes: Uint8Array; words: Uint8Array }> {
  // Leaf hashes are part of the build: hash (account, salt, word) preimages with the hasher under test.
  const words = wordCount(assets);
  const preimages = new Uint8Array(count * (2 + words) * ELEMENT_BYTES);
  const wordBuffer = new Uint8Array(count * words * ELEMENT_BYTES);
  for (let i = 0; i < count; i += 1) {
    writeElement(preimages, i * (2 + words), BigInt(i + 1) << 80n);
    writeElement(preimages, i * (2 + words) + 1, BigInt(i) * 7919n + 12345n);
    const word = BigInt(i % 1000) + (BigInt(i % 777) << 96n);
    writeElement(preimages, i * (2 + words) + 2, word);
    writeElement(wordBuffer, i, word);
  }
  return { hashes: preimages, words: wordBuffer };
}

async function timeTree(count: number, hashBatch: BatchHash): Promise<{ seconds: number; hashes: number; root: bigint }> {
  const depth = Math.ceil(Math.log2(count));
  const { hashes: preimages, words } = await leafBuffers(count, 2);
  const started = performance.now();
  const leafHashes = await hashBatch(3, preimages);
  const tree = await MerkleSumTree.build({ depth, assets: 2, hashes: leafHashes, words }, hashBatch);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, hashes: 2 * count - 1 + depth, root: tree.root };
}

async function sectionTree(kind: "lifeboat" | "circomlibjs", count: number): Promise<Row[]> {
  if (kind === "lifeboat") {
    const hasher = createParallelHasher();
    try {
      const result = await timeTree(count, (arity, input) => hasher.hashBatch(arity, input));
      return [treeRow(`tree 2^${Math.log2(count)} leaves, K=2: Lifeboat (${(await loadPoseidon()).name}, ${os.availableParallelism()} threads)`, result)];
    } finally {
      await hasher.close();
    }
  }
  const reference = await loadReferencePoseidon();
  const result = await timeTree(count, async (arity, input) => reference.hashBatch(arity, input));
  return [treeRow(`tree 2^${Math.log2(count)} leaves, K=2: plain circomlibjs (1 thread)`, result)];
}

function treeRow(benchmark: string, result: { seconds: number; hashes: number; root: bigint }): Row {
  return {
    benchmark,
    value: `${result.seconds.toFixed(2)} s`,
    detail: `${Math.round(result.hashes / result.seconds).toLocaleString("en-US")} hashes/s; root ${result.root.toString().slice(0, 12)}…`,
  };
}

async function sectionPoseidon(): Promise<Row[]> {
  const rows: Row[] = [];
  const count = 100_000;
  for (const arity of [3, 4]) {
    const input = new Uint8Array(count * arity * ELEMENT_BYTES);
    for (let i = 0; i < count * arity; i += 1) writeElement(input, i, BigInt(i) * 1_000_003n);
    const hasher = createParallelHasher();
    const candidates: [string, (input: Uint8Array) => Promise<Uint8Array>][] = [
      ["circomlibjs buildPoseidon", async (bytes) => (await loadReferencePoseidon()).hashBatch(arity, bytes.subarray(0, (count / 10) * arity * ELEMENT_BYTES))],
      ["circomlibjs WebAssembly, batched, 1 thread", async (bytes) => (await loadWasmPoseidon()).hashBatch(arity, bytes)],
      [`${(await loadPoseidon()).name}, 1 thread`, async (bytes) => (await loadPoseidon()).hashBatch(arity, bytes)],
      [`${(await loadPoseidon()).name}, ${os.availableParallelism()} threads`, (bytes) => hasher.hashBatch(arity, bytes)],
    ];
    for (const [name, run] of candidates) {
      await run(input.subarray(0, 1000 * arity * ELEMENT_BYTES)); // warm up
      const started = performance.now();
      const output = await run(input);
      const seconds = (performance.now() - started) / 1000;
      rows.push({ benchmark: `Poseidon(${arity}): ${name}`, value: `${Math.round(output.length / ELEMENT_BYTES / seconds).toLocaleString("en-US")} hashes/s`, detail: "" });
    }
    await hasher.close();
  }
  return rows;
}

async function sectionProve(): Promise<Row[]> {
  const loadStarted = performance.now();
  const artifacts = await ensureClaimArtifacts(20, 2, { log: () => undefined });
  const poseidon = await loadPoseidon();
  const hash = (inputs: readonly bigint[]): bigint => poseidon.hash(inputs);
  const snapshot = await buildSnapshot(parseBalances(sampleBalancesCsv(1000), "csv"), {
    depth: 20,
    seed: new Uint8Array(32).fill(7),
    hashBatch: async (arity, input) => poseidon.hashBatch(arity, input),
  });
  const claim = claimPackageOf(snapshot, artifacts.circuit.instance.id, {}, snapshot.leaves[123]!);
  const target = { chainId: 31337n, vault: "0x5FbDB2315678afecb367f032d93F642f64180aa3", snapshotId: 1n };
  const proving = await provingArtifactsOf(artifacts);
  const prover = await ClaimProver.load(proving);
  const times: number[] = [];
  let first = 0;
  let proofFile: ProofFile | undefined;
  for (let run = 0; run < 11; run += 1) {
    const started = performance.now();
    proofFile = await proveClaim({ claim, target, hash, prover });
    const elapsed = performance.now() - started;
    if (run === 0) first = performance.now() - loadStarted;
    else times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  const snarkjsProver = await ClaimProver.load(proving, { native: false });
  const snarkjsTimes: number[] = [];
  for (let run = 0; run < 6; run += 1) {
    const started = performance.now();
    await proveClaim({ claim, target, hash, prover: snarkjsProver });
    if (run > 0) snarkjsTimes.push(performance.now() - started);
  }
  snarkjsTimes.sort((a, b) => a - b);
  const verifyTimes: number[] = [];
  for (let run = 0; run < 10; run += 1) {
    const started = performance.now();
    const outcome = await verifyProofFile(proofFile!, hash, artifacts.keys.verificationKey);
    if (!outcome.valid) throw new Error(`benchmark proof did not verify: ${outcome.reason}`);
    verifyTimes.push(performance.now() - started);
  }
  verifyTimes.sort((a, b) => a - b);
  await releaseProverThreads();
  return [
    { benchmark: "claim proof D=20 K=2: first (load + witness + prove + local verify)", value: `${(first / 1000).toFixed(2)} s`, detail: "warm setup cache" },
    { benchmark: "claim proof D=20 K=2: median of 10 (witness + prove + local verify)", value: `${(times[5]! / 1000).toFixed(3)} s`, detail: `${prover.engine}; min ${(times[0]! / 1000).toFixed(3)} s, max ${(times[9]! / 1000).toFixed(3)} s` },
    { benchmark: "same, with snarkjs's groth16.prove (median of 5)", value: `${(snarkjsTimes[2]! / 1000).toFixed(3)} s`, detail: "the fallback when the native addon is missing" },
    { benchmark: "proof verification (signals + pairing), median of 10", value: `${verifyTimes[5]!.toFixed(1)} ms`, detail: "" },
    { benchmark: "claim circuit D=20 K=2 constraints", value: artifacts.circuit.constraints.toLocaleString("en-US"), detail: `fits 2^${Math.ceil(Math.log2(artifacts.circuit.constraints + 5))} powers of tau` },
  ];
}

async function sectionGas(): Promise<Row[]> {
  // The contract suite's fixture: a snapshot of 8 signer accounts, claim_d4_k2 (the verifier's
  // cost depends on the number of public signals, 3 for K <= 2, not on the depth).
  const { activeSnapshotFixture, proofFor, claimArgs } = await import("../test/contracts/helpers/fixtures");
  const { deployLifeboat } = await import("../prover/chain/vault");
  const fixture = await activeSnapshotFixture(8);
  const vaultAddress = await fixture.vault.getAddress();
  const gas: bigint[] = [];
  for (const claim of fixture.packages) {
    const proof = await proofFor(claim, { vault: vaultAddress, snapshotId: fixture.snapshotId });
    const receipt = await (await fixture.vault.connect(fixture.relayer).claim(fixture.snapshotId, ...claimArgs(proof))).wait();
    gas.push(receipt!.gasUsed);
  }
  gas.sort((a, b) => (a < b ? -1 : 1));
  const { deployment, gas: deployGas } = await deployLifeboat(fixture.admin, [verifierBuildOf(await ensureClaimArtifacts(20, 2, { log: () => undefined }))], { vetoWindow: 72n * 3600n });
  void deployment;
  const activation = await fixture.vault.queryFilter(fixture.vault.filters.SnapshotFinalized());
  const finalizeReceipt = await activation[0]!.getTransactionReceipt();
  await releaseProverThreads();
  return [
    { benchmark: "claim gas, K=2, 3 public signals (median of 8, relayed, fresh recipients)", value: gas[4]!.toString(), detail: `min ${gas[0]}, max ${gas[7]}; target 260k (not met)` },
    { benchmark: "finalize gas (Poseidon(5) commitment on chain)", value: finalizeReceipt.gasUsed.toString(), detail: "" },
    ...Object.entries(deployGas).map(([step, used]) => ({ benchmark: `${step} gas`, value: used.toString(), detail: "" })),
  ];
}

async function sectionDemo(): Promise<Row[]> {
  const started = performance.now();
  const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", require.resolve("./demo.ts")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`the demo failed: ${result.stderr}`);
  return [{ benchmark: "npm run demo wall time (warm setup cache)", value: `${((performance.now() - started) / 1000).toFixed(1)} s`, detail: "target < 2 min after the first build" }];
}

// ---- orchestration --------------------------------------------------------------------------------

const SECTIONS: Record<string, () => Promise<Row[]>> = {
  "poseidon": sectionPoseidon,
  "tree-16-lifeboat": () => sectionTree("lifeboat", 1 << 16),
  "tree-16-circomlibjs": () => sectionTree("circomlibjs", 1 << 16),
  "tree-20-lifeboat": () => sectionTree("lifeboat", 1 << 20),
  "tree-20-circomlibjs": () => sectionTree("circomlibjs", 1 << 20),
  "prove": sectionProve,
  "gas": sectionGas,
  "demo": sectionDemo,
};

function runSection(name: string): Row[] {
  const result = spawnSync(
    process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", __filename, "--section", name],
    { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`benchmark section ${name} failed`);
  const { rows, maxRssKb } = JSON.parse(result.stdout.trim().split("\n").pop() as string) as { rows: Row[]; maxRssKb: number };
  return rows.map((row) => ({ ...row, detail: `${row.detail}${row.detail === "" ? "" : "; "}peak RSS ${(maxRssKb / 1024).toFixed(0)} MB` }));
}

function printTable(rows: Row[]): void {
  const widths = [Math.max(...rows.map((row) => row.benchmark.length), 9), Math.max(...rows.map((row) => row.value.length), 5)];
  const line = (a: string, b: string, c: string): string => `| ${a.padEnd(widths[0]!)} | ${b.padStart(widths[1]!)} | ${c} |`;
  process.stdout.write(`\n${line("benchmark", "value", "detail")}\n| ${"-".repeat(widths[0]!)} | ${"-".repeat(widths[1]!)} | --- |\n`);
  for (const row of rows) process.stdout.write(`${line(row.benchmark, row.value, row.detail)}\n`);
  process.stdout.write(`\nmachine: ${os.cpus()[0]?.model ?? "unknown cpu"}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sectionIndex = args.indexOf("--section");
  if (sectionIndex >= 0) {
    const rows = await (SECTIONS[args[sectionIndex + 1] as string] as () => Promise<Row[]>)();
    process.stdout.write(`${JSON.stringify({ rows, maxRssKb: process.resourceUsage().maxRSS })}\n`);
    process.exit(0);
  }
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  const quick = args.includes("--quick");
  const names = Object.keys(SECTIONS).filter(
    (name) => (only === undefined || name.startsWith(only)) && !(quick && name.startsWith("tree-20")),
  );
  const rows: Row[] = [];
  for (const name of names) {
    process.stderr.write(`running ${name}…\n`);
    rows.push(...runSection(name));
  }
  printTable(rows);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
