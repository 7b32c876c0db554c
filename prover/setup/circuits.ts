import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";

import { LifeboatError } from "../errors";
import { exists } from "../fs-atomic";
import { MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH } from "../tree/constants";
import { cacheRoot, sha256Hex, withLock } from "./cache";

/** Repository root (two levels above this file, in both the TypeScript and a compiled layout). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const CIRCUITS_DIR = path.join(PROJECT_ROOT, "circuits");
/**
 * The folder holding circomlib, whose templates the circuits include as `circomlib/circuits/…`:
 * this checkout's node_modules, or the one an installing project hoisted it into.
 */
function librariesFolder(): string {
  return path.dirname(path.dirname(require.resolve("circomlib/package.json")));
}

/** The instances declared in circuits/circuits.json. */
export interface CircuitInstance {
  readonly id: string;
  readonly file: string;
  readonly template: string;
  readonly depth: number;
  readonly assets: number;
  readonly publicSignals: readonly string[];
}

/** A circuit instance compiled by circom, with the paths of its outputs in the setup cache. */
export interface CompiledCircuit {
  readonly instance: CircuitInstance;
  /** Digest of everything the build depends on: sources, compiler, flags. */
  readonly sourceDigest: string;
  /** The cache directory of this build; its name includes a prefix of `sourceDigest`. */
  readonly directory: string;
  /** Path of the constraint system (main.r1cs). */
  readonly r1cs: string;
  /** Path of the witness generator (main.wasm). */
  readonly wasm: string;
  /** Path of the symbol file (main.sym). */
  readonly sym: string;
  /** Number of constraints in the compiled circuit. */
  readonly constraints: number;
}

/** The claim circuit instance for a tree shape: `claim_d<DEPTH>_k<ASSETS>`. */
export function claimInstance(depth: number, assets: number): CircuitInstance {
  if (!Number.isInteger(depth) || depth < MIN_DEPTH || depth > MAX_DEPTH) {
    throw new LifeboatError(`depth must be an integer in [${MIN_DEPTH}, ${MAX_DEPTH}], got ${depth}`);
  }
  if (!Number.isInteger(assets) || assets < MIN_ASSETS || assets > MAX_ASSETS) {
    throw new LifeboatError(`assets must be an integer in [${MIN_ASSETS}, ${MAX_ASSETS}], got ${assets}`);
  }
  return {
    id: `claim_d${depth}_k${assets}`,
    file: "claim",
    template: "LifeboatClaim",
    depth,
    assets,
    publicSignals: ["snapshotCommitment", "account", "amounts"],
  };
}

/** The instances declared in circuits/circuits.json, checked against claimInstance. */
export async function declaredInstances(): Promise<CircuitInstance[]> {
  const raw = JSON.parse(await fs.readFile(path.join(CIRCUITS_DIR, "circuits.json"), "utf8")) as Record<
    string,
    { file: string; template: string; params: number[]; pubs: string[] }
  >;
  return Object.entries(raw).map(([id, entry]) => {
    const [depth, assets] = entry.params as [number, number];
    const instance = claimInstance(depth, assets);
    if (instance.id !== id || entry.template !== instance.template || entry.file !== instance.file) {
      throw new LifeboatError(`circuits/circuits.json: instance ${id} does not match ${instance.template}(${depth}, ${assets})`);
    }
    return { ...instance, publicSignals: entry.pubs };
  });
}

/** The `main` of an instance; a template with no public inputs (a gadget under test) gets no public list. */
function mainSource(instance: CircuitInstance): string {
  const publics = instance.publicSignals.length === 0 ? "" : ` {public [${instance.publicSignals.join(", ")}]}`;
  return [
    "pragma circom 2.1.5;",
    `include "${instance.file}.circom";`,
    `component main${publics} = ${instance.template}(${instance.depth}, ${instance.assets});`,
    "",
  ].join("\n");
}

const CIRCOM_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"];

async function sourceDigest(instance: CircuitInstance): Promise<string> {
  const files = (await fs.readdir(CIRCUITS_DIR)).filter((name) => name.endsWith(".circom")).sort();
  const parts: string[] = [mainSource(instance), CIRCOM_FLAGS.join(" ")];
  for (const name of files) parts.push(name, await fs.readFile(path.join(CIRCUITS_DIR, name), "utf8"));
  for (const pkg of ["circom2", "circomlib"]) {
    parts.push(pkg, JSON.parse(await fs.readFile(require.resolve(`${pkg}/package.json`), "utf8")).version);
  }
  return sha256Hex(parts.join("\n\0"));
}

/**
 * Compiles an instance with circom 2 (the circom2 WebAssembly build, so nothing is downloaded)
 * into the cache, unless a build of the same sources is there already.
 */
export async function compileCircuit(instance: CircuitInstance, log: (line: string) => void): Promise<CompiledCircuit> {
  const digest = await sourceDigest(instance);
  const directory = path.join(cacheRoot(), "circuits", `${instance.id}-${digest.slice(0, 16)}`);
  const result = (constraints: number): CompiledCircuit => ({
    instance,
    sourceDigest: digest,
    directory,
    r1cs: path.join(directory, "main.r1cs"),
    wasm: path.join(directory, "main_js", "main.wasm"),
    sym: path.join(directory, "main.sym"),
    constraints,
  });
  const infoFile = path.join(directory, "build.json");
  return withLock(`${directory}.lock`, async () => {
    if (await exists(infoFile)) {
      return result((JSON.parse(await fs.readFile(infoFile, "utf8")) as { constraints: number }).constraints);
    }
    log(`compiling circuit ${instance.id} (circom2 --O2)`);
    const temporary = `${directory}.tmp`;
    await fs.rm(temporary, { recursive: true, force: true });
    await fs.mkdir(temporary, { recursive: true });
    await fs.writeFile(path.join(temporary, "main.circom"), mainSource(instance));
    // circom2 runs under WASI with preopened parent directories of the working directory, so every
    // path it sees is given relative to the project root.
    const output = await run(
      process.execPath,
      [
        require.resolve("circom2/cli.js"),
        path.relative(PROJECT_ROOT, path.join(temporary, "main.circom")),
        ...CIRCOM_FLAGS,
        "-l",
        "circuits",
        "-l",
        path.relative(PROJECT_ROOT, librariesFolder()) || ".",
        "-o",
        path.relative(PROJECT_ROOT, temporary),
      ],
      PROJECT_ROOT,
    );
    const match = /non-linear constraints: (\d+)/.exec(output);
    const linear = /(?<!non-)linear constraints: (\d+)/.exec(output);
    if (match === null) throw new LifeboatError(`circom2 did not report a constraint count for ${instance.id}`, output);
    const constraints = Number(match[1]) + Number(linear?.[1] ?? 0);
    await fs.writeFile(path.join(temporary, "build.json"), JSON.stringify({ instance, sourceDigest: digest, constraints }, null, 2));
    await fs.rm(directory, { recursive: true, force: true });
    await fs.rename(temporary, directory);
    log(`compiled ${instance.id}: ${constraints} constraints`);
    return result(constraints);
  });
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      // circom colours its output; strip the escapes so messages and parsing stay readable.
      // eslint-disable-next-line no-control-regex -- ANSI escapes start with ESC
      const plain = output.replace(/\u001b\[[0-9;]*m/g, "");
      if (code === 0) resolve(plain);
      else reject(new LifeboatError(`circom2 failed with exit code ${code}`, plain));
    });
  });
}
