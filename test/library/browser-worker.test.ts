import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import chromium from "@sparticuz/chromium";
import * as esbuild from "esbuild";
import puppeteer, { type Browser } from "puppeteer-core";
import * as snarkjs from "snarkjs";

import { parseManifest } from "../../prover/snapshot/formats";
import type { ProofFile } from "../../prover/proof/proof-file";
import { nodePathProof, publishedSnapshot, readClaim } from "../helpers/published";
import { serve } from "../helpers/serve";

/** What the portal does: the proof path in a Web Worker, the page only passes URLs and the target. */
const WORKER_SOURCE = `
import { parseClaimPackage, parseManifest, loadArtifacts, proveClaimInBrowser } from ${JSON.stringify(path.join(__dirname, "..", "..", "prover", "browser.ts"))};
self.onmessage = async (event) => {
  try {
    const { claimUrl, manifestUrl, artifactsUrl, target } = event.data;
    const claim = parseClaimPackage(await (await fetch(claimUrl)).json());
    const manifest = parseManifest(await (await fetch(manifestUrl)).json());
    const artifacts = await loadArtifacts({ url: artifactsUrl, claim, manifest });
    self.postMessage({ proof: await proveClaimInBrowser({ claim, manifest, artifacts, target }) });
  } catch (error) {
    self.postMessage({ error: String(error && error.stack || error) });
  }
};
`;

describe("the browser entry in headless Chromium", function () {
  let work: string;
  let site: { server: ChildProcess; url: string };
  let browser: Browser | undefined;

  before(async function () {
    this.timeout(600_000);
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-chromium-"));
    await publishedSnapshot(path.join(work, "snap"), { seed: "browser-worker", accounts: 7 });
    const worker = await esbuild.build({
      stdin: { contents: WORKER_SOURCE, resolveDir: __dirname, loader: "js" },
      bundle: true,
      platform: "browser",
      format: "iife",
      write: false,
      logLevel: "silent",
    });
    await fs.writeFile(path.join(work, "snap", "worker.js"), worker.outputFiles[0]!.contents);
    site = await serve(path.join(work, "snap"));
    browser = await puppeteer.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
  });

  after(async () => {
    await browser?.close();
    site?.server.kill();
    if (work !== undefined) await fs.rm(work, { recursive: true, force: true });
  });

  it("proves a claim in a Web Worker with the published artifacts, with the public signals of the Node path", async () => {
    const claimName = (await fs.readdir(path.join(work, "snap", "claims")))[3] as string;
    const page = await browser!.newPage();
    // A page of the operator's site (same origin as the artifacts), as the portal would be.
    await page.goto(`${site.url}/manifest.json`);
    const target = { chainId: "31337", vault: "0x5FbDB2315678afecb367f032d93F642f64180aa3", snapshotId: "2" };
    const result = (await page.evaluate(
      async (urls, target) => {
        const source = await (await fetch(urls.worker)).text();
        // The page's own Worker (this file is type-checked without the DOM library).
        type PageWorker = { onmessage: ((event: { data: unknown }) => void) | null; postMessage(message: unknown): void };
        const PageWorker = (globalThis as unknown as { Worker: new (url: string) => PageWorker }).Worker;
        const worker = new PageWorker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return new Promise((resolve) => {
          worker.onmessage = (event) => resolve(event.data);
          worker.postMessage({ ...urls, target: { chainId: BigInt(target.chainId), vault: target.vault, snapshotId: BigInt(target.snapshotId) } });
        });
      },
      {
        worker: `${site.url}/worker.js`,
        claimUrl: `${site.url}/claims/${claimName}`,
        manifestUrl: `${site.url}/manifest.json`,
        artifactsUrl: `${site.url}/artifacts/`,
      },
      target,
    )) as { proof?: ProofFile; error?: string };
    expect(result.error).to.equal(undefined);
    const proof = result.proof as ProofFile;

    const manifest = parseManifest(JSON.parse(await fs.readFile(path.join(work, "snap", "manifest.json"), "utf8")));
    const claim = await readClaim(path.join(work, "snap"), claimName);
    const node = await nodePathProof(path.join(work, "snap"), claim, manifest, { chainId: 31337n, vault: target.vault, snapshotId: 2n });
    expect(proof.publicSignals).to.deep.equal(node.proof.publicSignals);
    expect(await snarkjs.groth16.verify(node.verificationKey, proof.publicSignals, proof.proof)).to.equal(true);
  });
});
