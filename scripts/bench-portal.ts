/**
 * The claim portal's benchmarks (sections of scripts/bench.ts; `npm run bench -- --only portal`):
 * - portal-prove: the production claim circuit (D=20, K=2) proved by the portal's own worker in
 *   headless Chromium, artifacts downloaded over loopback and sha256-checked as in the page, after
 *   the rows of its multi-scalar multiplication alone in Node against ffjavascript's
 *   (LIFEBOAT_BENCH_MSM_ONLY=1: only those rows);
 * - portal-serve: `lifeboat serve` under load from autocannon on loopback: sign-in (EIP-4361,
 *   ECDSA recovery) with the package fetch, and nonce issuance.
 */
import { spawn } from "node:child_process";
import { createReadStream, promises as fs } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";

import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import { SiweMessage } from "siwe";

import { loadPoseidon } from "../prover/hash";
import { sampleBalancesCsv } from "../examples/demo/balances";
import { claimContext } from "../prover/proof/context";
import { claimCircuitInput } from "../prover/proof/witness";
import { sha256Hex } from "../prover/setup/cache";
import { buildSnapshot } from "../prover/snapshot/build";
import { parseBalances } from "../prover/snapshot/input";
import { claimPackageOf } from "../prover/snapshot/outputs";
import { ensureClaimArtifacts } from "../prover/setup";
import { buildPortalInto } from "../prover/serve/portal-build";
import { binarySections } from "../prover/proof/groth16-parts";
import { msmAffine, msmCurve, windowBits } from "../prover/proof/wasm-msm";

interface Row {
  readonly benchmark: string;
  readonly value: string;
  readonly detail: string;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A loopback static server for a folder, in this process (nothing here blocks the event loop). */
async function staticServer(root: string): Promise<{ url: string; close(): void }> {
  const server = createServer((request, response) => {
    const file = path.join(root, path.normalize(new URL(request.url ?? "/", "http://x").pathname));
    fs.stat(file).then(
      (stat) => {
        const type = file.endsWith(".js")
          ? "text/javascript"
          : file.endsWith(".html")
            ? "text/html"
            : file.endsWith(".wasm")
              ? "application/wasm"
              : "application/octet-stream";
        response.writeHead(200, { "content-length": stat.size, "content-type": type, "cache-control": "no-store" });
        createReadStream(file).pipe(response);
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/**
 * The browser prover's multi-scalar multiplication alone, in Node (the same WebAssembly and
 * threads as in the page): Lifeboat's (prover/proof/wasm-msm.ts) against ffjavascript's
 * multiExpAffine, which plain snarkjs uses, on the claim circuit's own bases and random scalars.
 */
async function msmRows(zkey: Uint8Array): Promise<Row[]> {
  const curve = await msmCurve();
  const sections = binarySections(zkey, "zkey");
  const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const rows: Row[] = [];
  for (const [label, group, id] of [
    ["A (G1)", "G1", 5],
    ["H (G1)", "G1", 9],
    ["B2 (G2)", "G2", 7],
  ] as const) {
    const bases = sections.get(id)!;
    const points = bases.length / (curve[group].F.n8 * 2);
    const scalars = new Uint8Array(points * 32);
    for (let i = 0; i < points; i += 1) {
      let value = BigInt(`0x${sha256Hex(Buffer.from(`scalar ${i}`))}`) % R;
      for (let j = 0; j < 32; j += 1, value >>= 8n) scalars[i * 32 + j] = Number(value & 0xffn);
    }
    const time = async (run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await run();
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    };
    const ours: { ms: number; cpuMs: number }[] = [];
    const theirs: { ms: number; cpuMs: number }[] = [];
    const G = curve[group] as typeof curve.G1 & { eq(a: unknown, b: unknown): boolean };
    const expected = await G.multiExpAffine(bases, scalars);
    if (!G.eq(expected, await msmAffine(curve, group, bases, scalars))) throw new Error(`the two ${label} MSMs differ`);
    for (let run = 0; run < 5; run += 1) {
      theirs.push(await time(() => curve[group].multiExpAffine(bases, scalars)));
      ours.push(await time(() => msmAffine(curve, group, bases, scalars)));
    }
    const ms = (values: { ms: number }[]): string => `${median(values.map((v) => v.ms)).toFixed(0)} ms`;
    const cpuMs = (values: { cpuMs: number }[]): string => `${median(values.map((v) => v.cpuMs)).toFixed(0)} ms of CPU`;
    rows.push({
      benchmark: `in-browser prover's MSM alone, ${label}, ${points} points (Node, ${curve.tm.concurrency} curve threads): median of 5`,
      value: ms(ours),
      detail: `Lifeboat's WebAssembly MSM (signed ${windowBits(points)}-bit windows, batch-affine buckets), ${cpuMs(ours)}; ffjavascript's multiExpAffine (snarkjs's) ${ms(theirs)}, ${cpuMs(theirs)}; load average ${os.loadavg()[0]!.toFixed(1)}`,
    });
  }
  return rows;
}

export async function sectionPortalProve(): Promise<Row[]> {
  const artifacts = await ensureClaimArtifacts(20, 2, { log: () => undefined });
  const msm = await msmRows(await fs.readFile(artifacts.keys.zkey));
  if (process.env.LIFEBOAT_BENCH_MSM_ONLY === "1") return msm;
  const poseidon = await loadPoseidon();
  const hash = (inputs: readonly bigint[]): bigint => poseidon.hash(inputs);
  const snapshot = await buildSnapshot(parseBalances(sampleBalancesCsv(1000), "csv"), {
    depth: 20,
    seed: new Uint8Array(32).fill(7),
    hashBatch: async (arity, input) => poseidon.hashBatch(arity, input),
  });
  const claim = claimPackageOf(snapshot, artifacts.circuit.instance.id, {}, snapshot.leaves[123]!);
  const input = claimCircuitInput(hash, claim, claimContext({ chainId: 31337n, vault: "0x5FbDB2315678afecb367f032d93F642f64180aa3", snapshotId: 1n }));
  const site = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-bench-portal-"));
  await buildPortalInto(site);
  const files: Record<string, Uint8Array> = {
    "claim.wasm": await fs.readFile(artifacts.circuit.wasm),
    "claim.zkey": await fs.readFile(artifacts.keys.zkey),
    "verification_key.json": Buffer.from(JSON.stringify(artifacts.keys.verificationKey)),
  };
  for (const [name, bytes] of Object.entries(files)) await fs.writeFile(path.join(site, name), bytes);
  // The reference in the same run: plain snarkjs (its browser build) in the page, as /work/shared/FINDINGS.md measured it.
  await fs.copyFile(path.join(path.dirname(require.resolve("snarkjs")), "snarkjs.min.js"), path.join(site, "snarkjs.min.js"));
  const server = await staticServer(site);
  const chromium = (await import("@sparticuz/chromium")).default;
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/index.html`);
    const provingFiles = Object.fromEntries(
      [
        ["wasm", "claim.wasm"],
        ["zkey", "claim.zkey"],
        ["verificationKey", "verification_key.json"],
      ].map(([key, name]) => [key, { name, url: `${server.url}/${name}`, sha256: sha256Hex(files[name!]!) }]),
    );
    const circuitInput = JSON.parse(JSON.stringify(input, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))) as unknown;
    type Proved = {
      proveMs: number;
      witnessMs: number;
      groth16Ms: number;
      verifyMs: number;
      prepareMs: number;
      downloadMs: number;
      downloadedBytes: number;
      cpuMs: number;
    };
    interface Run {
      /** The page's worker as the page uses it: prepared (download, sha256, curve), then asked to prove. */
      readonly prepareMs: number;
      readonly downloadMs: number;
      readonly downloadedBytes: number;
      readonly first: Proved;
      /** A second proof by the same worker. */
      readonly second: Proved;
    }
    await page.addScriptTag({ url: `${server.url}/snarkjs.min.js` });
    // The page's side: plain snarkjs, and the portal's worker driven as the page drives it.
    await page.evaluate(() => {
      type Snarkjs = {
        groth16: {
          fullProve(input: unknown, wasm: string, zkey: string): Promise<{ proof: unknown; publicSignals: unknown }>;
          verify(key: unknown, signals: unknown, proof: unknown): Promise<boolean>;
        };
      };
      type PageWorker = { onmessage: (event: { data: { type: string; message?: string } }) => void; postMessage(message: unknown): void; terminate(): void };
      const scope = globalThis as unknown as {
        snarkjs: Snarkjs;
        Worker: new (url: string, options: unknown) => PageWorker;
        bench: Record<string, (...args: never[]) => Promise<unknown>>;
      };
      let worker: PageWorker | undefined;
      scope.bench = {
        plain: async (input: unknown) => {
          const { groth16 } = scope.snarkjs;
          const started = performance.now();
          const { proof, publicSignals } = await groth16.fullProve(input, "claim.wasm", "claim.zkey");
          const elapsed = performance.now() - started;
          if (!(await groth16.verify(await (await fetch("verification_key.json")).json(), publicSignals, proof)))
            throw new Error("snarkjs's proof does not verify");
          return elapsed;
        },
        start: async () => {
          worker = new scope.Worker("worker.js", { type: "module" });
        },
        ask: (message: Record<string, unknown>) =>
          new Promise((resolve, reject) => {
            worker!.onmessage = (event) => {
              if (event.data.type === "failed") reject(new Error(event.data.message));
              else if (event.data.type !== "progress") resolve(event.data);
            };
            worker!.postMessage(message);
          }),
        stop: async () => worker?.terminate(),
      };
    });
    const pid = browser.process()?.pid;
    /** CPU time the page costs (every Chromium process and thread), in ms: independent of the machine's other load. */
    const cpu = async <T>(step: () => Promise<T>): Promise<{ result: T; cpuMs: number }> => {
      const before = await chromiumCpuMs(pid);
      const result = await step();
      return { result, cpuMs: (await chromiumCpuMs(pid)) - before };
    };
    const bench = <T>(name: string, ...args: unknown[]): Promise<T> =>
      page.evaluate(
        (name, args) => (globalThis as unknown as { bench: Record<string, (...args: unknown[]) => Promise<unknown>> }).bench[name]!(...args),
        name,
        args,
      ) as Promise<T>;
    const runs: Run[] = [];
    const plain: { ms: number; cpuMs: number }[] = [];
    for (let run = 0; run < 6; run += 1) {
      const reference = await cpu(() => bench<number>("plain", circuitInput));
      plain.push({ ms: reference.result, cpuMs: reference.cpuMs });
      await bench("start");
      try {
        const prepared = await bench<{ prepareMs: number; downloadMs: number; downloadedBytes: number }>("ask", { type: "prepare", id: 1, ...provingFiles });
        const first = await cpu(() => bench<Proved>("ask", { type: "prove", id: 2, input: circuitInput, ...provingFiles }));
        const second = await cpu(() => bench<Proved>("ask", { type: "prove", id: 3, input: circuitInput, ...provingFiles }));
        runs.push({ ...prepared, first: { ...first.result, cpuMs: first.cpuMs }, second: { ...second.result, cpuMs: second.cpuMs } });
      } finally {
        await bench("stop");
      }
    }
    const warm = runs.slice(1);
    const seconds = (values: number[]): string => `${(median(values) / 1000).toFixed(2)} s`;
    const portalBytes = (await Promise.all(["index.html", "main.js", "worker.js", "style.css"].map((name) => fs.stat(path.join(site, name))))).reduce(
      (sum, stat) => sum + stat.size,
      0,
    );
    const first = warm.map((run) => run.first);
    const cpuSeconds = (values: number[]): string => `${(median(values) / 1000).toFixed(2)} s of CPU`;
    return [
      ...msm,
      {
        benchmark: "in-browser proof D=20 K=2 (portal worker, headless Chromium): median of 5",
        value: seconds(first.map((proof) => proof.proveMs)),
        detail:
          `witness ${seconds(first.map((proof) => proof.witnessMs))} + prove ${seconds(first.map((proof) => proof.groth16Ms))} + verify ${seconds(first.map((proof) => proof.verifyMs))}; ` +
          `${cpuSeconds(first.map((proof) => proof.cpuMs))}; the worker's first proof after its preparation; first run ${(runs[0]!.first.proveMs / 1000).toFixed(2)} s; ${navigatorThreads()}, load average ${os.loadavg()[0]!.toFixed(1)}`,
      },
      {
        benchmark: "the same worker's second proof: median of 5",
        value: seconds(warm.map((run) => run.second.proveMs)),
        detail: `witness ${seconds(warm.map((run) => run.second.witnessMs))} + prove ${seconds(warm.map((run) => run.second.groth16Ms))}; ${cpuSeconds(warm.map((run) => run.second.cpuMs))}`,
      },
      {
        benchmark: "reference in the same run: plain snarkjs.groth16.fullProve (snarkjs.min.js in the page): median of 5",
        value: seconds(plain.slice(1).map((run) => run.ms)),
        detail: `witness + prove (+ its own verify in the CPU time); fetches the files itself (loopback); ${cpuSeconds(plain.slice(1).map((run) => run.cpuMs))}; first run ${(plain[0]!.ms / 1000).toFixed(2)} s`,
      },
      {
        benchmark: "in-browser preparation: download + sha256 (loopback) + curve: median of 5",
        value: seconds(warm.map((run) => run.prepareMs)),
        detail: `download + check ${seconds(warm.map((run) => run.downloadMs))}; before the click when claims are open, else before the proof`,
      },
      {
        benchmark: "portal download: proving artifacts + page",
        value: `${((runs[0]!.downloadedBytes + portalBytes) / 1e6).toFixed(1)} MB`,
        detail: `artifacts ${(runs[0]!.downloadedBytes / 1e6).toFixed(1)} MB (zkey ${(files["claim.zkey"]!.length / 1e6).toFixed(1)} MB), page ${(portalBytes / 1e6).toFixed(2)} MB (minified, uncompressed)`,
      },
    ];
  } finally {
    await browser.close();
    server.close();
    await fs.rm(site, { recursive: true, force: true });
  }
}

/**
 * CPU time of a process and all its descendants (every thread), in ms, from /proc (Linux; 0 elsewhere).
 * On a machine shared with other work, wall time measures the share of the cores a run got; this
 * measures the work itself.
 */
async function chromiumCpuMs(root: number | undefined): Promise<number> {
  if (root === undefined) return 0;
  const TICKS_PER_SECOND = 100; // USER_HZ, `getconf CLK_TCK` on Linux
  let names: string[];
  try {
    names = (await fs.readdir("/proc")).filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  const processes: { pid: number; parent: number; ticks: number }[] = [];
  for (const name of names) {
    try {
      const stat = await fs.readFile(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      processes.push({ pid: Number(name), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grown = true; grown;) {
    grown = false;
    for (const process of processes)
      if (!tree.has(process.pid) && tree.has(process.parent)) {
        tree.add(process.pid);
        grown = true;
      }
  }
  return (processes.filter((process) => tree.has(process.pid)).reduce((sum, process) => sum + process.ticks, 0) * 1000) / TICKS_PER_SECOND;
}

function navigatorThreads(): string {
  return `${os.availableParallelism()} cores`;
}

/** `lifeboat serve` under autocannon: sign-ins with package, each with its own nonce and signature. */
export async function sectionPortalServe(): Promise<Row[]> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-bench-serve-"));
  const wallets = Array.from({ length: 200 }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`bench user ${i}`))));
  const rows = ["account,WETH,USDC", ...wallets.map((wallet, i) => `${wallet.address},${(i + 1) * 10 ** 15},${(i + 1) * 1000}`)];
  await fs.writeFile(path.join(work, "balances.csv"), `${rows.join("\n")}\n`);
  const cli = path.join(__dirname, "..", "bin", "lifeboat.js");
  const run = (args: string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`lifeboat ${args[0]} failed: ${err}`))));
    });
  await run(["snapshot", "--balances", path.join(work, "balances.csv"), "--depth", "20", "--out", path.join(work, "snap")]);
  const manifest = JSON.parse(await fs.readFile(path.join(work, "snap", "manifest.json"), "utf8")) as { circuit: string };
  // Sign-ins of externally owned accounts never reach the chain: a deployment file suffices.
  const address = (i: number): string => new Wallet(keccak256(toUtf8Bytes(`bench contract ${i}`))).address;
  await fs.writeFile(
    path.join(work, "deployment.json"),
    JSON.stringify({
      format: "lifeboat.deployment.v1",
      chainId: "31337",
      vault: address(1),
      hasher: address(2),
      verifiers: { [manifest.circuit]: address(3) },
    }),
  );
  const port = 26545 + (process.pid % 1000);
  const origin = `http://127.0.0.1:${port}`;
  // LIFEBOAT_BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile (open it in Chrome's DevTools) into DIR.
  const profile = process.env.LIFEBOAT_BENCH_CPU_PROF;
  const server = spawn(
    process.execPath,
    [
      ...(profile === undefined || profile === "" ? [] : ["--cpu-prof", "--cpu-prof-dir", profile]),
      cli,
      "serve",
      "--snapshot",
      path.join(work, "snap"),
      "--deployment",
      path.join(work, "deployment.json"),
      "--rpc",
      "http://127.0.0.1:9",
      "--port",
      String(port),
      "--rate-limit",
      "100000000",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let err = "";
    server.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes("listening on")) resolve();
    });
    server.once("exit", () => reject(new Error(`lifeboat serve exited: ${err}`)));
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require("autocannon") as (options: Record<string, unknown>) => Promise<{
    requests: { average: number };
    latency: { p99: number; p50: number };
    errors: number;
    non2xx: number;
    timeouts: number;
    duration: number;
    "2xx": number;
  }>;
  try {
    const SIGN_INS = 6000;
    const nonces: string[] = [];
    for (let i = 0; i < SIGN_INS; i += 1) nonces.push(((await (await fetch(`${origin}/api/nonce`)).json()) as { nonce: string }).nonce);
    const now = Date.now();
    const bodies = await Promise.all(
      nonces.map(async (nonce, i) => {
        const wallet = wallets[i % wallets.length]!;
        const message = new SiweMessage({
          domain: `127.0.0.1:${port}`,
          address: wallet.address,
          uri: `${origin}/`,
          version: "1",
          chainId: 31337,
          nonce,
          issuedAt: new Date(now).toISOString(),
          expirationTime: new Date(now + 30 * 60_000).toISOString(),
        }).prepareMessage();
        return JSON.stringify({ message, signature: await wallet.signMessage(message) });
      }),
    );
    let next = 0;
    const signIns = await autocannon({
      url: origin,
      connections: 16,
      amount: SIGN_INS,
      requests: [
        {
          method: "POST",
          path: "/api/claim",
          headers: { "content-type": "application/json" },
          setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }),
        },
      ],
    });
    const nonceLoad = await autocannon({ url: `${origin}/api/nonce`, connections: 16, duration: 5 });
    const row = (benchmark: string, result: Awaited<ReturnType<typeof autocannon>>, detail: string): Row => ({
      benchmark,
      value: `${Math.round(result.requests.average)} req/s`,
      detail: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ${result["2xx"]} ok, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; ${detail}`,
    });
    return [
      row(
        "lifeboat serve: sign-in (SIWE + ECDSA) with package, loopback",
        signIns,
        `16 connections, ${SIGN_INS} distinct sign-ins (own nonce and signature each), D=20 packages`,
      ),
      row("lifeboat serve: nonces, loopback", nonceLoad, "16 connections, 5 s"),
    ];
  } finally {
    server.kill("SIGTERM");
    await fs.rm(work, { recursive: true, force: true });
  }
}
