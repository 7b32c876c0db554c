import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { webcrypto } from "node:crypto";

import * as esbuild from "esbuild";
import { Interface } from "ethers";
import * as snarkjs from "snarkjs";

import type { ClaimPackage, Manifest } from "../../prover/snapshot/formats";
import type * as Browser from "../../prover/browser";
import { nodePathProof, publishedSnapshot, readClaim } from "../helpers/published";
import { serve } from "../helpers/serve";

const ENTRY = path.join(__dirname, "..", "..", "prover", "browser.ts");
const BUILTINS = new Set(builtinModules);

/** Fails the build on any import of a Node built-in, naming the importer. */
const noNodeBuiltins: esbuild.Plugin = {
  name: "no-node-builtins",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      const name = args.path.replace(/^node:/, "").split("/")[0] as string;
      if (args.path.startsWith("node:") || BUILTINS.has(name)) {
        return { errors: [{ text: `Node built-in "${args.path}" imported by ${path.relative(process.cwd(), args.importer)}` }] };
      }
      return undefined;
    });
  },
};

async function bundle(
  format: "esm" | "iife",
  entry: esbuild.BuildOptions = { entryPoints: [ENTRY] },
): Promise<esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] }> {
  return esbuild.build({
    ...entry,
    bundle: true,
    platform: "browser",
    format,
    ...(format === "iife" ? { globalName: "lifeboat" } : {}),
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [noNodeBuiltins],
  }) as Promise<esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] }>;
}

/**
 * Evaluates the bundle in a fresh V8 context holding only what a Web Worker has (fetch, WebCrypto,
 * WebAssembly, text codecs, URL, timers): no require, process, Buffer or module.
 */
function evaluateInWebContext(code: string): typeof Browser {
  const context = vm.createContext({
    fetch,
    Response,
    Headers,
    Request,
    AbortSignal,
    AbortController,
    crypto: webcrypto,
    TextEncoder,
    TextDecoder,
    URL,
    WebAssembly: (globalThis as { WebAssembly?: unknown }).WebAssembly,
    console,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    performance,
    btoa,
    atob,
  });
  vm.runInContext(`${code}\nglobalThis.lifeboat = lifeboat;`, context, { filename: "lifeboat-browser.js" });
  const exported = (context as { lifeboat?: typeof Browser }).lifeboat;
  if (exported === undefined) throw new Error("the bundle exported nothing");
  for (const name of ["process", "Buffer", "require", "module"]) {
    expect(vm.runInContext(`typeof ${name}`, context), name).to.equal("undefined");
  }
  return exported;
}

describe("the browser entry (prover/browser.ts)", function () {
  describe("bundles for the browser with no Node built-in", () => {
    it("builds with esbuild (platform browser, no polyfills), and no input is a Node module or the native addon", async () => {
      const result = await bundle("esm");
      expect(result.errors).to.deep.equal([]);
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.length).to.be.greaterThan(10);
      for (const input of inputs) {
        expect(input, input).not.to.match(/^node:|\.node$|batch-backend|poseidon-worker|wasm-poseidon|prover\/hash\/parallel|fs-atomic|prover\/setup\//);
      }
      // Lifeboat's own modules on the path use no Node global either (comments aside).
      for (const input of inputs.filter((file) => file.startsWith("prover/"))) {
        const code = (await fs.readFile(input, "utf8")).replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
        expect(code, input).not.to.match(/\bBuffer\b|\bprocess\.|\brequire\(|__dirname/);
      }
      // zod is imported as a namespace (import * as z), so its 40-odd locales are left out: English only.
      const output = Object.values(result.metafile.outputs)[0]!.inputs;
      const locales = Object.entries(output).filter(([input, { bytesInOutput }]) => input.includes("zod/v4/locales/") && bytesInOutput > 0);
      expect(locales.map(([input]) => path.basename(input))).to.deep.equal(["en.js"]);
      // snarkjs and ffjavascript come in through their browser builds (their node builds use worker_threads).
      expect(inputs.some((input) => input.endsWith("snarkjs/build/browser.esm.js"))).to.equal(true);
    });

    it("(the check fails the build when a module imports a Node built-in)", async () => {
      let message = "";
      try {
        await bundle("esm", {
          stdin: { contents: 'import { promises } from "node:fs"; import os from "os"; export const x = [promises, os];', resolveDir: __dirname, loader: "ts" },
        });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.contain('Node built-in "node:fs"');
      expect(message).to.contain('Node built-in "os"');
    });
  });

  describe("proves a claim in a context with only web globals", () => {
    let work: string;
    let site: { server: ChildProcess; url: string };
    let manifest: Manifest;
    let claim: ClaimPackage;
    let browser: typeof Browser;
    const target = { chainId: 31337n, vault: "0x5FbDB2315678afecb367f032d93F642f64180aa3", snapshotId: 3n };

    before(async function () {
      this.timeout(600_000);
      work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-browser-"));
      let claimFiles: string[];
      ({ manifest, claimFiles } = await publishedSnapshot(path.join(work, "snap"), { seed: "browser-bundle", accounts: 9 }));
      claim = await readClaim(path.join(work, "snap"), claimFiles[2]!);
      site = await serve(path.join(work, "snap"));
      browser = evaluateInWebContext((await bundle("iife")).outputFiles[0]!.text);
    });

    after(async () => {
      site?.server.kill();
      if (work !== undefined) await fs.rm(work, { recursive: true, force: true });
    });

    it("with artifacts fetched over http, and the public signals are those of the Node path", async () => {
      const artifacts = await browser.loadArtifacts({ url: `${site.url}/artifacts/`, claim, manifest });
      const proof = await browser.proveClaimInBrowser({ claim, manifest, artifacts, target });

      const { proof: nodeProof, verificationKey } = await nodePathProof(path.join(work, "snap"), claim, manifest, target);
      expect(proof.publicSignals).to.deep.equal(nodeProof.publicSignals);
      const { proof: _p, calldata: _c, ...meaning } = proof;
      const { proof: _q, calldata: _d, ...nodeMeaning } = nodeProof;
      expect(meaning).to.deep.equal(nodeMeaning);
      expect(await snarkjs.groth16.verify(verificationKey, proof.publicSignals, proof.proof)).to.equal(true);

      const call = browser.encodeClaimCall(proof);
      const decoded = new Interface(browser.CLAIM_ABI).decodeFunctionData("claim", call.data);
      expect(decoded[0]).to.equal(target.snapshotId);
      expect(decoded[4].map(String)).to.deep.equal(proof.publicSignals);
      const to = browser.encodeClaimCall(proof, "0x00000000000000000000000000000000000000A1");
      expect(to.functionName).to.equal("claimTo");
      expect(new Interface(browser.CLAIM_ABI).decodeFunctionData("claimTo", to.data)[5]).to.equal("0x00000000000000000000000000000000000000A1");
    });

    it("refuses artifacts whose digest is not the manifest's", async () => {
      const forged = { ...manifest, setup: { ...manifest.setup, artifacts: { ...manifest.setup.artifacts, "claim.zkey": "0".repeat(64) } } };
      let message = "";
      try {
        await browser.loadArtifacts({ url: `${site.url}/artifacts/`, claim: { ...claim, artifacts: forged.setup.artifacts }, manifest: forged });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(
        /proving artifact claim\.zkey at http:\/\/127\.0\.0\.1:\d+\/artifacts\/ has sha256 [0-9a-f]{64}, but the claim package names 0{64}/,
      );
    });

    it("refuses a package of another snapshot, before proving", async () => {
      const other = { ...manifest, root: "1" };
      expect(() => browser.checkClaimAgainstManifest(browser.browserHash, claim, other)).to.throw(/is for root .*, but the manifest root is 1: wrong snapshot/);
      const digests = { ...manifest, setup: { ...manifest.setup, artifacts: { ...manifest.setup.artifacts, "claim.wasm": "1".repeat(64) } } };
      expect(() => browser.checkClaimAgainstManifest(browser.browserHash, claim, digests)).to.throw(
        /names claim\.wasm with sha256 .*, but the manifest names 1{64}: they are not of the same snapshot/,
      );
    });
  });
});
