/**
 * `npm run bench`: the performance table. Each measurement runs in its own child process so that
 * its peak memory (max RSS) is its own. Targets and the last measured numbers are in
 * docs/benchmarks.md; none of this is a test (timings belong here, not in `npm test`).
 *
 *   npm run bench                 every section
 *   npm run bench -- --quick      skip the 2^20-leaf trees (minutes with circomlibjs)
 *   npm run bench -- --only tree  one group: tree | prove | phase2 | ptau | zkey | poseidon | gas | demo | portal
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";

import * as snarkjs from "snarkjs";

import { createParallelHasher, loadPoseidon, loadReferencePoseidon, loadWasmPoseidon } from "../prover/hash";
import { loadNativeAddon } from "../prover/hash/batch-backend";
import { sampleBalancesCsv } from "../examples/demo/balances";
import { proveClaim, verifyProofFile } from "../prover/proof/claim";
import { claimContext } from "../prover/proof/context";
import { FastGroth16Prover, readSections } from "../prover/proof/groth16";
import { PreparedGroth16Verifier } from "../prover/proof/groth16-verifier";
import { claimCircuitInput } from "../prover/proof/witness";
import type { ProofFile } from "../prover/proof/proof-file";
import { ClaimProver, releaseProverThreads } from "../prover/proof/prover";
import { buildSnapshot } from "../prover/snapshot/build";
import { parseBalances } from "../prover/snapshot/input";
import { claimPackageOf } from "../prover/snapshot/outputs";
import { ensureClaimArtifacts, provingArtifactsOf, verifierBuildOf } from "../prover/setup";
import { ELEMENT_BYTES, MerkleSumTree, wordCount, writeElement, type BatchHash } from "../prover/tree";
import { sectionPortalProve, sectionPortalServe } from "./bench-portal";

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
      rows.push({
        benchmark: `Poseidon(${arity}): ${name}`,
        value: `${Math.round(output.length / ELEMENT_BYTES / seconds).toLocaleString("en-US")} hashes/s`,
        detail: "",
      });
    }
    await hasher.close();
  }
  return rows;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** The benchmark claim: account 123 of a 1,000-account snapshot, on the production circuit D=20 K=2. */
async function benchmarkClaim() {
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
  const input = claimCircuitInput(hash, claim, claimContext(target));
  return { artifacts, proving: await provingArtifactsOf(artifacts), hash, claim, target, input };
}

async function witnessOf(wasm: Uint8Array, input: unknown): Promise<Uint8Array> {
  const out: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await snarkjs.wtns.calculate(input as Record<string, unknown>, wasm, out);
  return out.data as Uint8Array;
}

/** Lifeboat's prover alone in its process, so the peak RSS is its own. */
async function sectionProve(): Promise<Row[]> {
  const loadStarted = performance.now();
  const { artifacts, proving, hash, claim, target } = await benchmarkClaim();
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
  const verifyTimes: number[] = [];
  for (let run = 0; run < 10; run += 1) {
    const started = performance.now();
    const outcome = await verifyProofFile(proofFile!, hash, artifacts.keys.verificationKey);
    if (!outcome.valid) throw new Error(`benchmark proof did not verify: ${outcome.reason}`);
    verifyTimes.push(performance.now() - started);
  }
  await releaseProverThreads();
  return [
    { benchmark: "claim proof D=20 K=2: first (load + witness + prove + local verify)", value: `${(first / 1000).toFixed(2)} s`, detail: "warm setup cache" },
    {
      benchmark: "claim proof D=20 K=2: median of 10 (witness + prove + local verify)",
      value: seconds(median(times)),
      detail: `${prover.engine}; min ${seconds(times[0]!)}, max ${seconds(times[9]!)}`,
    },
    { benchmark: "proof verification (signals + pairing), median of 10", value: `${median(verifyTimes).toFixed(1)} ms`, detail: "" },
    {
      benchmark: "claim circuit D=20 K=2 constraints",
      value: artifacts.circuit.constraints.toLocaleString("en-US"),
      detail: `fits 2^${Math.ceil(Math.log2(artifacts.circuit.constraints + 5))} powers of tau`,
    },
  ];
}

/**
 * The three provers side by side, interleaved run by run so that load from other processes falls
 * on all of them alike; and where the native proof's time goes.
 */
async function sectionProveCompare(): Promise<Row[]> {
  const { artifacts, proving, hash, claim, target, input } = await benchmarkClaim();
  const native = await ClaimProver.load(proving);
  process.env.LIFEBOAT_MSM = "ffjavascript";
  const previous = await ClaimProver.load(proving);
  delete process.env.LIFEBOAT_MSM;
  const reference = await ClaimProver.load(proving, { native: false });
  const engines = [native, previous, reference];
  const times: number[][] = engines.map(() => []);
  for (let run = 0; run < 11; run += 1) {
    for (const [index, prover] of engines.entries()) {
      const started = performance.now();
      await proveClaim({ claim, target, hash, prover });
      if (run > 0) times[index]!.push(performance.now() - started);
    }
  }
  // The native proof's parts: witness (circom's WebAssembly), Groth16 prove, verification.
  const wasm = await fs.readFile(artifacts.circuit.wasm);
  const fast = (await FastGroth16Prover.create(await fs.readFile(artifacts.keys.zkey), loadNativeAddon()))!;
  const parts: [number[], number[], number[]] = [[], [], []];
  // snarkjs.wtns.calculate compiles the circuit's WebAssembly on every call; ClaimProver keeps one
  // calculator (prover/proof/witness-calculator.ts).
  const { ClaimWitnessCalculator } = await import("../prover/proof/witness-calculator");
  const calculator = await ClaimWitnessCalculator.load(artifacts.circuit.instance.id, wasm);
  const compiledPerCall: number[] = [];
  for (let run = 0; run < 11; run += 1) {
    const started = performance.now();
    await witnessOf(wasm, input);
    if (run > 0) compiledPerCall.push(performance.now() - started);
  }
  // The verification ClaimProver runs (a verifier prepared once per key), and snarkjs's for comparison.
  const verifier = await PreparedGroth16Verifier.create(artifacts.keys.verificationKey);
  const snarkjsVerify: number[] = [];
  for (let run = 0; run < 11; run += 1) {
    let started = performance.now();
    const wtns = await calculator.calculate(input);
    const witnessTime = performance.now() - started;
    started = performance.now();
    const result = await fast.prove(wtns);
    const proveTime = performance.now() - started;
    started = performance.now();
    if (!verifier.verify(result.publicSignals, result.proof)) throw new Error("benchmark proof did not verify");
    const verifyTime = performance.now() - started;
    started = performance.now();
    if (!(await snarkjs.groth16.verify(artifacts.keys.verificationKey, result.publicSignals, result.proof))) throw new Error("benchmark proof did not verify");
    if (run > 0) {
      [witnessTime, proveTime, verifyTime].forEach((value, i) => parts[i]!.push(value));
      snarkjsVerify.push(performance.now() - started);
    }
  }
  await releaseProverThreads();
  const [nativeMedian, previousMedian, snarkjsMedian] = times.map(median) as [number, number, number];
  const total = median(parts[0]) + median(parts[1]) + median(parts[2]);
  const share = (values: number[]): string => `${((100 * median(values)) / total).toFixed(0)} %`;
  return [
    {
      benchmark: "claim proof D=20 K=2, median of 10, interleaved: native (witness + prove + verify)",
      value: seconds(nativeMedian),
      detail: `${native.engine}; ${(snarkjsMedian / nativeMedian).toFixed(1)}x snarkjs, ${(previousMedian / nativeMedian).toFixed(1)}x the previous path`,
    },
    { benchmark: "— the previous path", value: seconds(previousMedian), detail: previous.engine },
    { benchmark: "— snarkjs's groth16.prove", value: seconds(snarkjsMedian), detail: "the fallback without the addon" },
    {
      benchmark: "native proof's parts (medians of 10): witness calculation",
      value: `${median(parts[0]).toFixed(1)} ms`,
      detail: `${share(parts[0])}; circom's WebAssembly, the calculator kept between proofs as ClaimProver does`,
    },
    {
      benchmark: "— witness calculation with snarkjs.wtns.calculate",
      value: `${median(compiledPerCall).toFixed(1)} ms`,
      detail: "compiles the circuit's WebAssembly on every call (the path before the calculator was kept)",
    },
    { benchmark: "— Groth16 prove (QAP, NTT, 5 MSMs, assembly)", value: `${median(parts[1]).toFixed(1)} ms`, detail: share(parts[1]) },
    { benchmark: "— verification (PreparedGroth16Verifier, as ClaimProver runs it)", value: `${median(parts[2]).toFixed(1)} ms`, detail: share(parts[2]) },
    {
      benchmark: "— verification with snarkjs.groth16.verify",
      value: `${median(snarkjsVerify).toFixed(1)} ms`,
      detail: "what verifyProofFile runs; not part of the proof",
    },
  ];
}

/** The multi-scalar multiplications alone, on the production zkey's bases. */
async function sectionMsm(): Promise<Row[]> {
  const { artifacts, input } = await benchmarkClaim();
  const addon = loadNativeAddon();
  if (addon?.msmG1 === undefined || addon.msmG2 === undefined)
    return [{ benchmark: "MSM", value: "skipped", detail: "the native addon with bn254.c is not built" }];
  const sections = readSections(await fs.readFile(artifacts.keys.zkey), "zkey");
  const witness = readSections(await witnessOf(await fs.readFile(artifacts.circuit.wasm), input), "wtns").get(2)!;
  const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as Record<
    "G1" | "G2",
    { multiExpAffine(b: Uint8Array, s: Uint8Array): Promise<unknown> }
  >;
  const order = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const hBases = sections.get(9)!;
  const random = new Uint8Array((hBases.length / 64) * 32);
  for (let i = 0; i < random.length; i += 32) {
    const value = BigInt(`0x${randomBytes(32).toString("hex")}`) % order;
    random.set(Buffer.from(value.toString(16).padStart(64, "0"), "hex").reverse(), i);
  }
  const cases: [string, "G1" | "G2", Uint8Array, Uint8Array][] = [
    [`G1, ${hBases.length / 64} points (H bases), random scalars`, "G1", hBases, random],
    [`G1, ${witness.length / 32} points (A bases), the claim's witness`, "G1", sections.get(5)!, witness],
    [`G2, ${witness.length / 32} points (B2 bases), the claim's witness`, "G2", sections.get(7)!, witness],
  ];
  const rows: Row[] = [];
  for (const [name, group, bases, scalars] of cases) {
    const out = new Uint8Array(group === "G1" ? 96 : 192);
    const run = group === "G1" ? addon.msmG1.bind(addon) : addon.msmG2.bind(addon);
    const candidates: [string, () => Promise<unknown>][] = [
      ["native, 2 threads", async () => run(bases, scalars, out, 2)],
      ["native, 1 thread", async () => run(bases, scalars, out, 1)],
      ["ffjavascript multiExpAffine", () => curve[group].multiExpAffine(bases, scalars)],
    ];
    const times: number[][] = candidates.map(() => []);
    for (let round = 0; round < 6; round += 1) {
      for (const [index, [, fn]] of candidates.entries()) {
        const started = performance.now();
        await fn();
        if (round > 0) times[index]!.push(performance.now() - started);
      }
    }
    const medians = times.map(median);
    rows.push({
      benchmark: `MSM ${name}: native (median of 5)`,
      value: `${medians[0]!.toFixed(1)} ms`,
      detail: `1 thread ${medians[1]!.toFixed(1)} ms; ffjavascript ${medians[2]!.toFixed(1)} ms (${(medians[2]! / medians[0]!).toFixed(1)}x)`,
    });
  }
  await releaseProverThreads();
  return rows;
}

/** `powersoftau prepare phase2` at power 10 (the 2^14 development ceremony's step scaled down). */
async function sectionPhase2(): Promise<Row[]> {
  const { preparePhase2Native, nativePhase2Available } = await import("../prover/setup/native-phase2");
  if (!nativePhase2Available()) return [{ benchmark: "prepare phase2", value: "skipped", detail: "the native addon with gIfft is not built" }];
  const directory = await fs.mkdtemp(`${os.tmpdir()}/lifeboat-bench-phase2-`);
  try {
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    const phase1 = `${directory}/1.ptau`;
    await snarkjs.powersOfTau.newAccumulator(curve, 10, `${directory}/0.ptau`);
    await snarkjs.powersOfTau.contribute(`${directory}/0.ptau`, phase1, "bench", "bench entropy");
    let started = performance.now();
    await snarkjs.powersOfTau.preparePhase2(phase1, `${directory}/snarkjs.ptau`);
    const snarkjsTime = performance.now() - started;
    started = performance.now();
    await preparePhase2Native(phase1, `${directory}/native.ptau`);
    const nativeTime = performance.now() - started;
    const same = (await fs.readFile(`${directory}/snarkjs.ptau`)).equals(await fs.readFile(`${directory}/native.ptau`));
    await releaseProverThreads();
    return [
      {
        benchmark: "powersoftau prepare phase2, power 10: native (gIfft)",
        value: seconds(nativeTime),
        detail: `${(snarkjsTime / nativeTime).toFixed(1)}x snarkjs; output ${same ? "byte-identical" : "DIFFERENT"}`,
      },
      { benchmark: "— snarkjs powersOfTau.preparePhase2", value: seconds(snarkjsTime), detail: "" },
    ];
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
}

/**
 * The development powers of tau: snarkjs's ceremony (new, contribute, beacon, prepare phase2)
 * against Lifeboat's from known secrets at power 10, then Lifeboat's alone at the development
 * power 14 (snarkjs takes minutes there: docs/benchmarks.md).
 */
async function sectionDevelopmentPtau(): Promise<Row[]> {
  const { developmentPtauAvailable, makeDevelopmentPtau } = await import("../prover/setup/development-ptau");
  if (!developmentPtauAvailable())
    return [{ benchmark: "development powers of tau", value: "skipped", detail: "the native addon with gFixedBase is not built" }];
  const directory = await fs.mkdtemp(`${os.tmpdir()}/lifeboat-bench-ptau-`);
  const at = (name: string): string => `${directory}/${name}`;
  try {
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    let started = performance.now();
    await snarkjs.powersOfTau.newAccumulator(curve, 10, at("0.ptau"));
    await snarkjs.powersOfTau.contribute(at("0.ptau"), at("1.ptau"), "bench", "bench entropy");
    await snarkjs.powersOfTau.beacon(at("1.ptau"), at("2.ptau"), "bench beacon", "ab".repeat(32), 10);
    await snarkjs.powersOfTau.preparePhase2(at("2.ptau"), at("snarkjs.ptau"));
    const snarkjsTime = performance.now() - started;
    started = performance.now();
    await makeDevelopmentPtau(10, at("lifeboat10.ptau"), { work: at("work"), name: "bench" });
    const lifeboat10 = performance.now() - started;
    started = performance.now();
    await makeDevelopmentPtau(14, at("lifeboat14.ptau"), { work: at("work"), name: "bench" });
    const lifeboat14 = performance.now() - started;
    await releaseProverThreads();
    return [
      {
        benchmark: "development powers of tau, power 10: Lifeboat (known secrets, gFixedBase)",
        value: seconds(lifeboat10),
        detail: `${(snarkjsTime / lifeboat10).toFixed(1)}x snarkjs`,
      },
      { benchmark: "— snarkjs new + contribute + beacon + prepare phase2", value: seconds(snarkjsTime), detail: "" },
      { benchmark: "development powers of tau, power 14 (the development ceremony): Lifeboat", value: seconds(lifeboat14), detail: "" },
    ];
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
}

/** Where `zkey-snarkjs` leaves its zkey for `zkey-native` to compare against (each section is its own process). */
const ZKEY_REFERENCE = `${os.tmpdir()}/lifeboat-bench-zkey-snarkjs-${process.ppid}.zkey`;

/** The production claim circuit and the development ptau, for the groth16 setup sections. */
async function zkeyInputs(): Promise<{ r1cs: string; ptau: string; constraints: number }> {
  const { claimInstance, compileCircuit, ensurePtau } = await import("../prover/setup");
  const circuit = await compileCircuit(claimInstance(20, 2), () => undefined);
  const ptau = await ensurePtau(() => undefined);
  return { r1cs: circuit.r1cs, ptau: ptau.file, constraints: circuit.constraints };
}

/** snarkjs's `groth16 setup` (zKey.newZKey) of claim_d20_k2 on the 2^14 development ptau. */
async function sectionZkeySnarkjs(): Promise<Row[]> {
  const { r1cs, ptau, constraints } = await zkeyInputs();
  const started = performance.now();
  await snarkjs.zKey.newZKey(r1cs, ptau, ZKEY_REFERENCE);
  const time = performance.now() - started;
  await releaseProverThreads();
  return [{ benchmark: `groth16 setup (zkey new), claim_d20_k2: snarkjs`, value: seconds(time), detail: `${constraints} constraints` }];
}

/** The native `groth16 setup` of the same circuit, then what the development setup does next. */
async function sectionZkeyNative(): Promise<Row[]> {
  const { newZKeyNative, nativeZKeyAvailable } = await import("../prover/setup/native-zkey");
  if (!nativeZKeyAvailable())
    return [{ benchmark: "groth16 setup (zkey new): native", value: "skipped", detail: "the native addon with gCombine is not built" }];
  const { r1cs, ptau } = await zkeyInputs();
  const directory = await fs.mkdtemp(`${os.tmpdir()}/lifeboat-bench-zkey-`);
  try {
    let started = performance.now();
    await newZKeyNative(r1cs, ptau, `${directory}/0.zkey`);
    const nativeTime = performance.now() - started;
    let comparison = "no reference zkey: run with zkey-snarkjs to compare bytes";
    try {
      const same = (await fs.readFile(ZKEY_REFERENCE)).equals(await fs.readFile(`${directory}/0.zkey`));
      comparison = `output ${same ? "byte-identical to snarkjs's" : "DIFFERENT from snarkjs's"}`;
      await fs.rm(ZKEY_REFERENCE);
    } catch {
      // zkey-snarkjs did not run in this bench: nothing to compare against.
    }
    started = performance.now();
    await snarkjs.zKey.contribute(`${directory}/0.zkey`, `${directory}/1.zkey`, "bench", randomBytes(64).toString("hex"));
    const contributeTime = performance.now() - started;
    started = performance.now();
    const verified = await snarkjs.zKey.verifyFromInit(`${directory}/0.zkey`, ptau, `${directory}/1.zkey`);
    const verifyTime = performance.now() - started;
    await releaseProverThreads();
    return [
      { benchmark: "groth16 setup (zkey new), claim_d20_k2: native (gCombine)", value: seconds(nativeTime), detail: comparison },
      { benchmark: "— then snarkjs zKey.contribute (one contribution)", value: seconds(contributeTime), detail: "" },
      {
        benchmark: "— then snarkjs zKey.verifyFromInit",
        value: seconds(verifyTime),
        detail: `${verified ? "accepted" : "REFUSED"}; verifyFromR1cs is zkey new (snarkjs) plus this`,
      },
    ];
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
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
  const { deployment, gas: deployGas } = await deployLifeboat(fixture.admin, [verifierBuildOf(await ensureClaimArtifacts(20, 2, { log: () => undefined }))], {
    vetoWindow: 72n * 3600n,
  });
  void deployment;
  const activation = await fixture.vault.queryFilter(fixture.vault.filters.SnapshotFinalized());
  const finalizeReceipt = await activation[0]!.getTransactionReceipt();
  await releaseProverThreads();
  return [
    {
      benchmark: "claim gas, K=2, 3 public signals (median of 8, relayed, fresh recipients)",
      value: gas[4]!.toString(),
      detail: `min ${gas[0]}, max ${gas[7]}; target 260k (not met)`,
    },
    { benchmark: "finalize gas (Poseidon(5) commitment on chain)", value: finalizeReceipt.gasUsed.toString(), detail: "" },
    ...Object.entries(deployGas).map(([step, used]) => ({ benchmark: `${step} gas`, value: used.toString(), detail: "" })),
  ];
}

async function sectionDemo(): Promise<Row[]> {
  const started = performance.now();
  const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", require.resolve("./demo.ts")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`the demo failed: ${result.stderr}`);
  return [
    {
      benchmark: "npm run demo wall time (warm setup cache)",
      value: `${((performance.now() - started) / 1000).toFixed(1)} s`,
      detail: "target < 2 min after the first build",
    },
  ];
}

// ---- orchestration --------------------------------------------------------------------------------

const SECTIONS: Record<string, () => Promise<Row[]>> = {
  poseidon: sectionPoseidon,
  "tree-16-lifeboat": () => sectionTree("lifeboat", 1 << 16),
  "tree-16-circomlibjs": () => sectionTree("circomlibjs", 1 << 16),
  "tree-20-lifeboat": () => sectionTree("lifeboat", 1 << 20),
  "tree-20-circomlibjs": () => sectionTree("circomlibjs", 1 << 20),
  prove: sectionProve,
  "prove-compare": sectionProveCompare,
  "prove-msm": sectionMsm,
  phase2: sectionPhase2,
  ptau: sectionDevelopmentPtau,
  "zkey-snarkjs": sectionZkeySnarkjs,
  "zkey-native": sectionZkeyNative,
  gas: sectionGas,
  demo: sectionDemo,
  "portal-prove": sectionPortalProve,
  "portal-serve": sectionPortalServe,
};

function runSection(name: string): Row[] {
  const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", __filename, "--section", name], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) throw new Error(`benchmark section ${name} failed`);
  const { rows, maxRssKb } = JSON.parse(result.stdout.trim().split("\n").pop() as string) as { rows: Row[]; maxRssKb: number };
  return rows.map((row) => ({ ...row, detail: `${row.detail}${row.detail === "" ? "" : "; "}peak RSS ${(maxRssKb / 1024).toFixed(0)} MB` }));
}

function printTable(rows: Row[]): void {
  const widths = [Math.max(...rows.map((row) => row.benchmark.length), 9), Math.max(...rows.map((row) => row.value.length), 5)];
  const line = (a: string, b: string, c: string): string => `| ${a.padEnd(widths[0]!)} | ${b.padStart(widths[1]!)} | ${c} |`;
  process.stdout.write(`\n${line("benchmark", "value", "detail")}\n| ${"-".repeat(widths[0]!)} | ${"-".repeat(widths[1]!)} | --- |\n`);
  for (const row of rows) process.stdout.write(`${line(row.benchmark, row.value, row.detail)}\n`);
  process.stdout.write(
    `\nmachine: ${os.cpus()[0]?.model ?? "unknown cpu"}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );
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
  const names = Object.keys(SECTIONS).filter((name) => (only === undefined || name.startsWith(only)) && !(quick && name.startsWith("tree-20")));
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
