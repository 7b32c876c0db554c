import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { ROOT_DIR } from "../helpers/cli";

/**
 * A protocol team's project: it installs the packed tarball (exactly the files `npm pack` ships),
 * imports Lifeboat by name through the exports map, type-checks against the shipped declarations
 * and proves a claim with the published artifacts on a machine of its own (an empty cache, no
 * native addon: the tarball carries none, so the WebAssembly fallbacks are what runs).
 */
describe("the packed package, used by name from a project of its own", function () {
  let scratch: string;
  let tarball: string;

  /** Runs a command and fails the test with its output when it does not exit 0. */
  function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
    const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
    expect(result.status, `${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).to.equal(0);
    return result.stdout;
  }

  before(async function () {
    this.timeout(300_000);
    // What `npm pack` runs (prepack), the bundled portal included; then a pack without scripts.
    run(process.execPath, [path.join(ROOT_DIR, "scripts", "build.js"), "--portal"], ROOT_DIR);
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-consumer-"));
    const packed = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], ROOT_DIR)) as { filename: string }[];
    tarball = path.join(scratch, packed[0]!.filename);
    const installed = path.join(scratch, "project", "node_modules", "lifeboat");
    await fs.mkdir(installed, { recursive: true });
    run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], scratch);
    await linkRuntimeDependencies(path.join(scratch, "project", "node_modules"));
    await fs.writeFile(path.join(scratch, "project", "package.json"), JSON.stringify({ name: "consumer", private: true, type: "commonjs" }));
  });

  after(async function () {
    if (scratch !== undefined) await fs.rm(scratch, { recursive: true, force: true });
  });

  it("ships the build, the circuits and the product contracts, and nothing of the demo, the tests or the mocks", async function () {
    const listing = run("tar", ["-tzf", tarball], scratch)
      .split("\n")
      .filter(Boolean)
      .map((line) => line.replace(/^package\//, ""));
    expect(listing).to.include.members([
      "dist/index.js",
      "dist/index.d.ts",
      "dist/portal/index.html",
      "dist/portal/worker.js",
      "bin/lifeboat.js",
      "contracts/RecoveryVault.sol",
      "circuits/claim.circom",
    ]);
    for (const file of listing) {
      expect(file, `${file} should not be shipped`).not.to.match(
        /^(test|scripts\/demo|examples|contracts\/(demo|mocks|test)|node_modules|artifacts|cache)\b|\.tsbuildinfo$/,
      );
    }
  });

  it("imports every entry point by name and proves a claim with the operator's published artifacts", async function () {
    this.timeout(600_000);
    const project = path.join(scratch, "project");
    const operator = path.join(scratch, "operator");
    await fs.mkdir(operator);
    const balances = [
      "account,WETH,USDC",
      "0x1000000000000000000000000000000000000001,5,7",
      "0x1000000000000000000000000000000000000002,11,0",
      "0x1000000000000000000000000000000000000003,0,13",
    ];
    await fs.writeFile(path.join(operator, "balances.csv"), `${balances.join("\n")}\n`);
    // The operator runs the packaged CLI (its own machine: the shared development cache).
    run(
      process.execPath,
      [path.join(project, "node_modules", "lifeboat", "bin", "lifeboat.js"), "snapshot", "--balances", "balances.csv", "--out", "snap"],
      operator,
    );

    await fs.writeFile(path.join(project, "consumer.ts"), CONSUMER);
    // docs/library.md's examples, each an ES module of its own: they must compile against the package.
    const examples = [...(await fs.readFile(path.join(ROOT_DIR, "docs", "library.md"), "utf8")).matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(examples.length, "docs/library.md has TypeScript examples").to.be.greaterThan(3);
    const exampleFiles = await Promise.all(
      examples.map(async (code, i) => {
        // CommonJS, like the package: the imports stay on top, the rest runs in an async function.
        const lines = code.split("\n");
        const imports = lines.filter((line) => line.startsWith("import "));
        const body = lines.filter((line) => !line.startsWith("import "));
        const file = `library-example-${i + 1}.ts`;
        await fs.writeFile(path.join(project, file), `${imports.join("\n")}\n\nexport async function example(): Promise<void> {\n${body.join("\n")}\n}\n`);
        return file;
      }),
    );
    await fs.writeFile(path.join(project, "tsconfig.json"), JSON.stringify({ ...CONSUMER_TSCONFIG, files: [...CONSUMER_TSCONFIG.files, ...exampleFiles] }));
    // Type-checks against the shipped declarations with Node's own resolution of the exports map.
    run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], project);
    const userCache = path.join(scratch, "user-cache");
    const claim = path.join(operator, "snap", "claims", "0x1000000000000000000000000000000000000002.json");
    const output = run(
      process.execPath,
      ["consumer.js", claim, path.join(operator, "snap", "manifest.json"), path.join(operator, "snap", "artifacts")],
      project,
      {
        LIFEBOAT_CACHE: userCache,
      },
    );
    const result = JSON.parse(output.trim().split("\n").pop()!) as { valid: boolean; account: string; amounts: string[]; entries: string[] };
    expect(result).to.deep.include({ valid: true, account: "0x1000000000000000000000000000000000000002", amounts: ["11", "0"] });
    expect(result.entries).to.have.members([
      "tree",
      "hash",
      "snapshot",
      "setup",
      "artifacts",
      "proof",
      "vault",
      "positions",
      "audit",
      "watch",
      "contracts",
      "browser",
      "serve",
      "root",
    ]);
    // Nothing was compiled and no key was made on the user's side.
    expect(await fs.readdir(userCache).catch(() => [])).to.deep.equal([]);
  });
});

/** The consumer: only public entry points, imported by the package's name. */
const CONSUMER = `import { promises as fs } from "node:fs";
import * as root from "lifeboat";
import * as tree from "lifeboat/tree";
import * as hash from "lifeboat/hash";
import * as snapshot from "lifeboat/snapshot";
import * as setup from "lifeboat/setup";
import * as artifacts from "lifeboat/artifacts";
import * as proof from "lifeboat/proof";
import * as vault from "lifeboat/vault";
import * as positions from "lifeboat/positions";
import * as audit from "lifeboat/audit";
import * as watch from "lifeboat/watch";
import * as contracts from "lifeboat/contracts";
import * as browser from "lifeboat/browser";
import * as serve from "lifeboat/serve";

async function main(): Promise<void> {
  const [claimFile, manifestFile, artifactsFolder] = process.argv.slice(2) as [string, string, string];
  const claim = snapshot.parseClaimPackage(JSON.parse(await fs.readFile(claimFile, "utf8")), claimFile);
  const manifest = snapshot.parseManifest(JSON.parse(await fs.readFile(manifestFile, "utf8")), manifestFile);
  const loaded = await artifacts.loadProvingArtifacts(artifactsFolder, claim.circuit, [
    { digests: claim.artifacts, source: "the claim package" },
    { digests: manifest.setup.artifacts, source: "the manifest" },
  ]);
  const poseidon = await hash.loadPoseidon();
  const h = (inputs: readonly bigint[]): bigint => poseidon.hash(inputs);
  const prover = await proof.ClaimProver.load(loaded);
  const target = { chainId: 31337n, vault: "0x5FbDB2315678afecb367f032d93F642f64180aa3", snapshotId: 1n };
  const file = await proof.proveClaim({ claim, target, hash: h, prover, expected: { root: manifest.root, totals: manifest.totals, source: "manifest" } });
  const outcome = await proof.verifyProofFile(file, h, loaded.verificationKey, { root: manifest.root, totals: manifest.totals, source: "manifest" });
  const entries = { tree, hash, snapshot, setup, artifacts, proof, vault, positions, audit, watch, contracts, browser, serve, root };
  for (const [name, module] of Object.entries(entries)) {
    if (Object.keys(module).length === 0) throw new Error("entry point " + name + " exports nothing");
  }
  await proof.releaseProverThreads();
  console.log(JSON.stringify({ valid: outcome.valid, account: file.account, amounts: file.amounts, entries: Object.keys(entries) }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1; // the test reads the exit status
});
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, skipLibCheck: false, types: ["node"] },
  files: ["consumer.ts"],
};

/**
 * Links the packages a consumer's install would bring (the lock file's non-development packages)
 * from this checkout's node_modules: what the tarball imports that is not among them fails here.
 */
async function linkRuntimeDependencies(target: string): Promise<void> {
  const lock = JSON.parse(await fs.readFile(path.join(ROOT_DIR, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  for (const [location, entry] of Object.entries(lock.packages)) {
    const name = location.replace(/^node_modules\//, "");
    if (location === "" || !location.startsWith("node_modules/") || name.includes("node_modules/") || entry.dev === true) continue;
    await fs.mkdir(path.dirname(path.join(target, name)), { recursive: true });
    await fs.symlink(path.join(ROOT_DIR, "node_modules", name), path.join(target, name), "dir");
  }
  // @types/node for the consumer's own type check (a dev dependency of any TypeScript project).
  await fs.mkdir(path.join(target, "@types"), { recursive: true });
  await fs.symlink(path.join(ROOT_DIR, "node_modules", "@types", "node"), path.join(target, "@types", "node"), "dir").catch(() => undefined);
}
