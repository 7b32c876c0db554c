import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";

import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { Wallet, type JsonRpcProvider } from "ethers";

import { attach } from "../../prover/chain/contracts";
import { portalChain, startServe, stop, userWallet, type PortalChain } from "./fixture";
import { injectWallet, type TestWallet } from "./wallet";

const NODE_PORT = 24545 + (process.pid % 1000);
const SERVE_PORT = 25545 + (process.pid % 1000);
/** Screenshots of each state, for docs/portal.md (gitignored; a few are copied to docs/portal/). */
export const SCREENSHOTS = path.join(__dirname, "screenshots");

/**
 * The claim portal in a real headless Chromium, against `lifeboat node` and `lifeboat serve`,
 * with an injected test wallet: sign in, see the amounts, prove in a Web Worker, claim on chain.
 */
describe("the claim portal in a browser: sign in, prove in the page and claim on chain", function () {
  let chain: PortalChain;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let browser: Browser;
  let page: Page;
  let wallet: TestWallet;
  let alice: Wallet;
  let bob: Wallet;
  let carol: Wallet;
  let stranger: Wallet;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(600_000);
    chain = await portalChain(
      NODE_PORT,
      async (provider: JsonRpcProvider) => {
        [alice, bob, carol, stranger] = ["alice", "bob", "carol", "stranger"].map((name) => userWallet(name, provider)) as [Wallet, Wallet, Wallet, Wallet];
        const funder = await provider.getSigner(0);
        for (const user of [alice, bob, carol, stranger]) await (await funder.sendTransaction({ to: user.address, value: 10n ** 18n })).wait();
        return [alice.address, bob.address, carol.address];
      },
      { proposeSecond: true },
    );
    serve = await startServe([
      "--snapshot",
      chain.snapshot,
      "--deployment",
      chain.deploymentFile,
      "--rpc",
      chain.rpc,
      "--port",
      String(SERVE_PORT),
      "--public-rpc",
      chain.rpc,
      "--rate-limit",
      "1000",
    ]);
    await fs.mkdir(SCREENSHOTS, { recursive: true });
    browser = await puppeteer.launch({
      executablePath: await chromium.executablePath(),
      args: chromium.args,
      headless: true,
      defaultViewport: { width: 760, height: 900, deviceScaleFactor: 0.8 },
    });
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    wallet = await injectWallet(page, chain.provider, alice);
  });

  after(async () => {
    await browser?.close();
    await stop(serve?.server);
    chain?.node.kill();
    chain?.provider.destroy();
    if (chain !== undefined) await fs.rm(chain.work, { recursive: true, force: true });
  });

  afterEach(() => expect(pageErrors, "errors in the page").to.deep.equal([]));

  const text = (selector: string): Promise<string> => page.$eval(selector, (element) => element.textContent ?? "");
  /** The visible page, the whole page ("full"), or one element of it. */
  const shot = async (name: string, selector?: string): Promise<unknown> => {
    const file = path.join(SCREENSHOTS, `${name}.png`) as `${string}.png`;
    if (selector === undefined || selector === "full") return page.screenshot({ path: file, fullPage: selector === "full" });
    return (await page.$(selector))!.screenshot({ path: file });
  };

  async function open(): Promise<void> {
    await page.goto(serve.url, { waitUntil: "load" });
    await page.waitForFunction(`!["loading", null].includes(document.getElementById("snapshot-state").getAttribute("data-state"))`);
  }

  /** Opens a claim package file in the page's file input. */
  async function upload(file: string): Promise<void> {
    const input = (await page.$("#package-file")) as unknown as { uploadFile(...paths: string[]): Promise<void> };
    await input.uploadFile(file);
  }

  async function signIn(): Promise<void> {
    await page.click("#connect");
    await page.waitForSelector("#sign-in:not([disabled])");
    await page.click("#sign-in");
  }

  /** Points the page at another snapshot id of the same vault (the settings a user would change). */
  async function useSnapshot(id: string): Promise<void> {
    await page.click("#offline summary");
    const snapshotId = await page.$("#snapshot-id");
    await snapshotId!.click({ count: 3 });
    await snapshotId!.type(id);
    await page.click("#apply-settings");
  }

  const claimOffered = (): Promise<boolean> => page.$eval("#claim-section", (section) => !section.hasAttribute("hidden"));

  async function balances(account: string): Promise<bigint[]> {
    return Promise.all(chain.tokens.map(async (token) => (await token.getFunction("balanceOf")(account)) as bigint));
  }

  async function expected(account: string): Promise<bigint[]> {
    const { balances: amounts } = await chain.claims(account);
    return amounts.map((amount, k) => (BigInt(amount) * chain.funded[k]!) / chain.totals[k]!);
  }

  async function waitForClaim(): Promise<string> {
    await page.waitForFunction(`document.getElementById("result").hasAttribute("data-payouts") || document.getElementById("message").textContent !== ""`, {
      timeout: 300_000,
    });
    expect(await text("#message")).to.equal("");
    return page.$eval("#result", (element) => element.getAttribute("data-payouts") ?? "");
  }

  it("shows the active snapshot, and after sign-in the user's amounts and expected payout before anything is signed", async () => {
    await open();
    expect(await page.$eval("#snapshot-state", (element) => element.getAttribute("data-state"))).to.equal("active");
    expect(await text("#snapshot-state")).to.match(/^Active: claims are open until /);
    await shot("1-active");
    await signIn();
    await page.waitForSelector("#package:not([hidden])");
    await page.waitForFunction(`document.querySelector("#amounts tbody").getAttribute("data-payouts") !== ""`);
    expect(await text("#package-account")).to.equal(alice.address);
    const payouts = await page.$eval("#amounts tbody", (element) => element.getAttribute("data-payouts") ?? "");
    expect(payouts).to.equal((await expected(alice.address)).join(","));
    expect(await text("#check")).to.equal("Your package matches the snapshot on chain.");
    await page.waitForSelector("#claim:not([disabled])");
    await shot("2-signed-in", "#package-section");
  });

  it("proves in a Web Worker with the checked artifacts and claims: the account's balances rise by the expected payout", async () => {
    // Claims are open and the package matches: the page got the prover ready before the click.
    await page.waitForSelector('#progress[data-prepared="ready"]', { timeout: 120_000 });
    const before = await balances(alice.address);
    await page.click("#claim");
    const payouts = await waitForClaim();
    const want = await expected(alice.address);
    expect(payouts).to.equal(want.join(","));
    const after = await balances(alice.address);
    expect(after.map((value, k) => value - before[k]!)).to.deep.equal(want);
    expect(await text("#progress")).to.match(/^Proved in \d+\.\d\d s \(downloaded \d+\.\d MB/);
    expect(await text("#result")).to.match(new RegExp(`^Claimed\\. ${alice.address} received [0-9.]+ WETH and [0-9.]+ USDC`));
    await page.waitForFunction(`document.getElementById("snapshot-state").getAttribute("data-state") === "claimed"`);
    await shot("3-claimed", "#claim-section");
  });

  it("refuses a second claim of the same account, saying why", async () => {
    await open();
    await signIn();
    await page.waitForFunction(`document.getElementById("message").textContent !== ""`);
    expect(await text("#message")).to.equal("This account has already claimed its share of this snapshot. Nothing more can be claimed.");
    expect(await page.$eval("#claim", (button) => button.hasAttribute("disabled"))).to.equal(true);
  });

  it("sends a share to another address with claimTo: the recipient receives the payout, the account nothing", async () => {
    wallet.use(bob);
    const recipient = Wallet.createRandom().address;
    await open();
    await signIn();
    await page.waitForSelector("#claim:not([disabled])");
    await page.type("#recipient", recipient);
    const bobBefore = await balances(bob.address);
    await page.click("#claim");
    const payouts = await waitForClaim();
    const want = await expected(bob.address);
    expect(payouts).to.equal(want.join(","));
    expect(await balances(recipient)).to.deep.equal(want);
    expect(await balances(bob.address)).to.deep.equal(bobBefore);
    expect(await text("#result")).to.contain(`Claimed. ${recipient} received`);
  });

  it("says the wallet is on the wrong network when it will not switch", async () => {
    wallet.network(1n, false);
    await open();
    await page.click("#connect");
    await page.waitForFunction(`document.getElementById("message").textContent !== ""`);
    expect(await text("#message")).to.equal(
      "Your wallet is on the wrong network (chain 1). This vault is on chain 31337: switch your wallet to it and try again.",
    );
    await shot("4-wrong-network");
    wallet.network(31337n, true);
  });

  it("says an account is not in the snapshot", async () => {
    wallet.use(stranger);
    await open();
    await signIn();
    await page.waitForFunction(`document.getElementById("message").textContent !== ""`);
    expect(await text("#message")).to.equal(
      "There is no claim package for this account: it is not in this snapshot (or your wallet's signature was not accepted).",
    );
  });

  it("in a snapshot's veto window, shows the deadline and checks the package against the proposed root", async () => {
    await open();
    await useSnapshot("2");
    await page.waitForFunction(`document.getElementById("snapshot-state").getAttribute("data-state") === "proposed"`);
    expect(await text("#snapshot-state")).to.match(/^Proposed: in its veto window until .*\. Claims open after that\. Check your amounts now\.$/);
    await upload(path.join(chain.snapshot, "claims", `${carol.address}.json`));
    await page.waitForFunction(`document.getElementById("check").hasAttribute("data-ok")`);
    expect(await text("#check")).to.match(
      /^Your package matches the snapshot proposed on chain: these amounts are in it\. If they are wrong, tell the guardians before /,
    );
    expect(await text("#message")).to.match(/^Claims are not open yet\. The snapshot is in its veto window until /);
    // Nothing to prove yet: the page does not download the proving files.
    expect(await page.$("#progress[data-prepared]")).to.equal(null);
    await shot("5-veto-window");
  });

  it("shows a vetoed snapshot: it will never pay, and no claim is offered", async () => {
    const vault = await attach("RecoveryVault", chain.deployment.vault, await chain.provider.getSigner(0));
    await (await vault.getFunction("veto")(2n, "the amounts are wrong")).wait();
    wallet.use(carol);
    await open();
    await useSnapshot("2");
    await page.waitForFunction(`document.getElementById("snapshot-state").getAttribute("data-state") === "vetoed"`);
    expect(await text("#snapshot-state")).to.equal("Vetoed: the guardians refused this snapshot. It will never pay.");
    expect(await claimOffered()).to.equal(false);
    await upload(path.join(chain.snapshot, "claims", `${carol.address}.json`));
    await page.waitForFunction(`document.getElementById("message").textContent !== ""`);
    expect(await text("#message")).to.equal(
      "The guardians vetoed this snapshot: it will never pay. Watch the operator's announcements for a corrected snapshot.",
    );
    expect(await claimOffered()).to.equal(false);
    // No payout is promised for a snapshot that will never pay.
    expect(await page.$eval("#amounts tbody", (element) => element.getAttribute("data-payouts"))).to.equal("");
    await page.click("#offline summary");
    await shot("8-vetoed", "full");
  });

  it("shows claims closed once the claim deadline has passed, and offers no claim", async () => {
    const vault = await attach("RecoveryVault", chain.deployment.vault, await chain.provider.getSigner(0));
    const { claimDeadline } = (await vault.getFunction("snapshot")(1n)) as { claimDeadline: bigint };
    const saved = (await chain.provider.send("evm_snapshot", [])) as string;
    try {
      const latest = (await chain.provider.getBlock("latest"))!.timestamp;
      await chain.provider.send("evm_increaseTime", [Number(claimDeadline) - latest + 1]);
      await chain.provider.send("evm_mine", []);
      wallet.use(carol);
      await open();
      expect(await page.$eval("#snapshot-state", (element) => element.getAttribute("data-state"))).to.equal("closed");
      const deadline = new Date(Number(claimDeadline) * 1000).toUTCString();
      expect(await text("#snapshot-state")).to.equal(`Closed: claims ended on ${deadline}. Nothing can be claimed any more.`);
      expect(await claimOffered()).to.equal(false);
      await signIn();
      await page.waitForFunction(`document.getElementById("message").textContent !== ""`);
      expect(await text("#package-account")).to.equal(carol.address);
      expect(await text("#message")).to.equal(`Claims closed on ${deadline}. Nothing can be claimed any more.`);
      expect(await claimOffered()).to.equal(false);
      expect(await page.$eval("#amounts tbody", (element) => element.getAttribute("data-payouts"))).to.equal("");
      await shot("9-closed", "full");
    } finally {
      expect(await chain.provider.send("evm_revert", [saved])).to.equal(true);
    }
  });

  it("shows a paused vault and refuses to claim while it is paused", async () => {
    const vault = await attach("RecoveryVault", chain.deployment.vault, await chain.provider.getSigner(0));
    await (await vault.getFunction("pause")()).wait();
    try {
      wallet.use(carol);
      await open();
      expect(await page.$eval("#snapshot-state", (element) => element.getAttribute("data-state"))).to.equal("paused");
      await signIn();
      await page.waitForFunction(`document.getElementById("message").textContent !== ""`);
      expect(await text("#message")).to.equal(
        "Claims are paused by the guardians for now. Your share is safe and the claim deadline moves by the time paused; try again later.",
      );
      await shot("6-paused");
    } finally {
      await (await vault.getFunction("unpause")()).wait();
    }
  });

  it("claims without the server: a package file, the chain's RPC and a mirror of the proving files", async () => {
    wallet.use(carol);
    await open();
    expect(await stop(serve.server)).to.equal(0);
    // A mirror of the proving files (an IPFS gateway, say), first with a zkey one byte off.
    const mirrored = path.join(chain.work, "mirror");
    await fs.cp(path.join(chain.snapshot, "artifacts"), path.join(mirrored, "artifacts"), { recursive: true });
    const zkey = path.join(mirrored, "artifacts", "claim.zkey");
    const good = await fs.readFile(zkey);
    const bad = Buffer.from(good);
    bad.writeUInt8(bad.readUInt8(bad.length >> 1) ^ 1, bad.length >> 1);
    await fs.writeFile(zkey, bad);
    const mirror = spawn(process.execPath, [path.join(__dirname, "..", "helpers", "static-server.js"), mirrored], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const port = await new Promise<string>((resolve) => mirror.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())));
      await page.click("#offline summary");
      const artifacts = await page.$("#artifacts-url");
      await artifacts!.click({ count: 3 });
      await artifacts!.type(`http://127.0.0.1:${port}/artifacts/`);
      await page.click("#apply-settings");
      await page.click("#connect");
      await upload(path.join(chain.snapshot, "claims", `${carol.address}.json`));
      await page.waitForSelector("#claim:not([disabled])");
      await shot("7-offline");
      await page.click("#claim");
      await page.waitForFunction(`document.getElementById("message").textContent !== ""`, { timeout: 120_000 });
      expect(await text("#message")).to.match(
        /^The proving file claim\.zkey from http:\/\/127\.0\.0\.1:\d+\/artifacts\/claim\.zkey is not the one this snapshot published \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)\. Nothing was proved/,
      );
      await fs.writeFile(zkey, good);
      await page.waitForSelector("#claim:not([disabled])");
      const before = await balances(carol.address);
      await page.click("#claim");
      const payouts = await waitForClaim();
      const want = await expected(carol.address);
      expect(payouts).to.equal(want.join(","));
      expect((await balances(carol.address)).map((value, k) => value - before[k]!)).to.deep.equal(want);
    } finally {
      mirror.kill();
    }
  });
});

export type { ChildProcess };
