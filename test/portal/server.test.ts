import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";

import { hashMessage, type JsonRpcProvider, type Wallet } from "ethers";
import { SiweMessage } from "siwe";

import { lifeboat } from "../helpers/cli";
import { deploySafeWithHandler, portalChain, safeSignature, startServe, stop, userWallet, type PortalChain } from "./fixture";

const NODE_PORT = 22545 + (process.pid % 1000);
const SERVE_PORT = 23545 + (process.pid % 1000);

/**
 * The package server over plain HTTP: who may have which package, and every way a sign-in or a
 * request is refused. An unknown account and a wrong signature must be indistinguishable.
 */
describe("lifeboat serve: sign-in with Ethereum hands each account its own claim package, and nothing to anyone else", function () {
  let chain: PortalChain;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let alice: Wallet;
  let stranger: Wallet;
  let safeOwner: Wallet;
  let safe: string;
  const origin = `http://127.0.0.1:${SERVE_PORT}`;

  before(async function () {
    this.timeout(600_000);
    chain = await portalChain(NODE_PORT, async (provider: JsonRpcProvider) => {
      alice = userWallet("alice", provider);
      stranger = userWallet("stranger", provider);
      safeOwner = userWallet("safe owner", provider);
      const deployed = await deploySafeWithHandler(await provider.getSigner(0), safeOwner.address);
      safe = await deployed.getAddress();
      return [alice.address, safe];
    });
    serve = await startServe([
      "--snapshot",
      chain.snapshot,
      "--deployment",
      chain.deploymentFile,
      "--rpc",
      chain.rpc,
      "--port",
      String(SERVE_PORT),
      "--rate-limit",
      "1000",
    ]);
  });

  after(async () => {
    await stop(serve?.server);
    chain?.node.kill();
    chain?.provider.destroy();
    if (chain !== undefined) await fs.rm(chain.work, { recursive: true, force: true });
  });

  async function nonce(): Promise<string> {
    const response = await fetch(`${origin}/api/nonce`);
    expect(response.status).to.equal(200);
    return ((await response.json()) as { nonce: string }).nonce;
  }

  async function message(address: string, overrides: { [K in keyof SiweMessage]?: SiweMessage[K] | undefined } = {}): Promise<string> {
    const now = Date.now();
    return new SiweMessage({
      domain: `127.0.0.1:${SERVE_PORT}`,
      address,
      statement: "Sign in to receive your Lifeboat claim package.",
      uri: `${origin}/`,
      version: "1",
      chainId: 31337,
      nonce: await nonce(),
      issuedAt: new Date(now).toISOString(),
      expirationTime: new Date(now + 5 * 60_000).toISOString(),
      ...overrides,
    } as Partial<SiweMessage>).prepareMessage();
  }

  async function post(body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): Promise<{ status: number; text: string }> {
    const response = await fetch(`${origin}/api/claim`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  }

  it("gives a signed-in account its own package, byte for byte, and logs who fetched it", async () => {
    const text = await message(alice.address);
    const answer = await post({ message: text, signature: await alice.signMessage(text) });
    expect(answer.status, answer.text).to.equal(200);
    const served = JSON.parse(answer.text) as { account: string; balances: string[] };
    expect(served.account).to.equal(alice.address);
    expect(served).to.deep.equal(await chain.claims(alice.address));
    expect(serve.accessLog()).to.match(new RegExp(`package 127\\.0\\.0\\.1 ${alice.address}: claim package served`));
  });

  it("refuses a wrong signature and an account without a package with the same status and the same bytes", async () => {
    const wrong = await message(alice.address);
    const badSignature = await post({ message: wrong, signature: await stranger.signMessage(wrong) });
    const unknown = await message(stranger.address);
    const notInSnapshot = await post({ message: unknown, signature: await stranger.signMessage(unknown) });
    expect(badSignature.status).to.equal(401);
    expect(notInSnapshot.status).to.equal(401);
    expect(badSignature.text).to.equal(notInSnapshot.text);
    expect(badSignature.text).to.contain("no claim package for this sign-in");
    // Another account's package: a message naming alice, signed by someone else, is the same refusal.
    const garbage = await message(alice.address);
    const malformedSignature = await post({ message: garbage, signature: "0x1234" });
    expect(malformedSignature.status).to.equal(401);
    expect(malformedSignature.text).to.equal(badSignature.text);
  });

  it("refuses a nonce used twice, even with a valid signature", async () => {
    const text = await message(alice.address);
    const signature = await alice.signMessage(text);
    expect((await post({ message: text, signature })).status).to.equal(200);
    const again = await post({ message: text, signature });
    expect(again.status).to.equal(400);
    expect(JSON.parse(again.text).error).to.equal(
      "the sign-in message's nonce was not issued by this server, was already used, or has expired: ask for a new one",
    );
    const invented = await message(alice.address, { nonce: "abcdef0123456789" });
    expect(JSON.parse((await post({ message: invented, signature: await alice.signMessage(invented) })).text).error).to.contain(
      "nonce was not issued by this server",
    );
  });

  it("refuses an expired message, one without an expiry, and one valid for too long", async () => {
    const past = await message(alice.address, {
      issuedAt: new Date(Date.now() - 120_000).toISOString(),
      expirationTime: new Date(Date.now() - 60_000).toISOString(),
    });
    const expired = await post({ message: past, signature: await alice.signMessage(past) });
    expect(expired.status).to.equal(400);
    expect(JSON.parse(expired.text).error).to.match(/^the sign-in message expired at /);
    const forever = await message(alice.address, { expirationTime: new Date(Date.now() + 24 * 3600_000).toISOString() });
    expect(JSON.parse((await post({ message: forever, signature: await alice.signMessage(forever) })).text).error).to.match(/is more than 60 minutes away$/);
    const open = await message(alice.address, { expirationTime: undefined });
    expect(JSON.parse((await post({ message: open, signature: await alice.signMessage(open) })).text).error).to.equal(
      "the sign-in message must have an Expiration Time",
    );
  });

  it("refuses a message for another domain, another origin or another chain", async () => {
    const cases: [{ [K in keyof SiweMessage]?: SiweMessage[K] }, string][] = [
      [{ domain: "claims.example.org" }, `the sign-in message is for domain "claims.example.org", this server is "127.0.0.1:${SERVE_PORT}"`],
      [{ uri: "https://evil.example/" }, `the sign-in message's URI "https://evil.example/" is not on ${origin}`],
      [{ chainId: 1 }, "the sign-in message is for chain 1, the vault is on chain 31337"],
    ];
    for (const [overrides, error] of cases) {
      const text = await message(alice.address, overrides);
      const answer = await post({ message: text, signature: await alice.signMessage(text) });
      expect(answer.status).to.equal(400);
      expect(JSON.parse(answer.text).error).to.equal(error);
    }
  });

  it("refuses malformed JSON, a wrong shape, a non-JSON body and an oversized body, saying which", async () => {
    const malformed = await post('{"message": ');
    expect(malformed.status).to.equal(400);
    expect(JSON.parse(malformed.text).error).to.match(/^the request body is not valid JSON/);
    expect(JSON.parse((await post([1, 2])).text).error).to.equal("the request body must be a JSON object {message, signature}");
    expect(JSON.parse((await post({ message: 5, signature: "0x" })).text).error).to.match(/^message must be the EIP-4361 sign-in message/);
    expect(JSON.parse((await post({ message: "hello", signature: "0x00" })).text).error).to.match(/^the sign-in message is not an EIP-4361/);
    const text = await post("message=1", { "content-type": "text/plain" });
    expect(text.status).to.equal(415);
    expect(JSON.parse(text.text).error).to.equal("the request body must be JSON (content-type: application/json)");
    const big = await post({ message: "x".repeat(20_000), signature: "0x" });
    expect(big.status).to.equal(413);
    expect(JSON.parse(big.text).error).to.equal("the request body is larger than the 16384 bytes accepted");
  });

  it("signs a Safe in through EIP-1271 (its owner's signature, checked by the Safe on chain) and gives it its package", async () => {
    const text = await message(safe);
    const network = await chain.provider.getNetwork();
    const signature = await safeSignature(safeOwner, safe, network.chainId, hashMessage(text));
    const answer = await post({ message: text, signature });
    expect(answer.status, answer.text).to.equal(200);
    expect((JSON.parse(answer.text) as { account: string }).account).to.equal(safe);
    // A stranger's signature for the Safe is refused like any wrong signature.
    const other = await message(safe);
    const refused = await post({ message: other, signature: await safeSignature(stranger, safe, network.chainId, hashMessage(other)) });
    expect(refused.status).to.equal(401);
  });

  it("serves the manifest and the artifacts at immutable content-addressed URLs named in /api/config", async () => {
    const config = (await (await fetch(`${origin}/api/config`)).json()) as {
      vault: string;
      chainId: string;
      artifacts: Record<string, { url: string; sha256: string; size: number }>;
    };
    expect(config.vault).to.equal(chain.deployment.vault);
    const manifest = JSON.parse(await fs.readFile(`${chain.snapshot}/manifest.json`, "utf8")) as { setup: { artifacts: Record<string, string> } };
    for (const [name, entry] of Object.entries(config.artifacts)) {
      expect(entry.sha256).to.equal(manifest.setup.artifacts[name]);
      const response = await fetch(`${origin}${entry.url}`);
      expect(response.status).to.equal(200);
      expect(response.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
      expect((await response.arrayBuffer()).byteLength).to.equal(entry.size);
    }
    expect((await fetch(`${origin}/artifacts/${"0".repeat(64)}/claim.zkey`)).status).to.equal(404);
    expect(await (await fetch(`${origin}/manifest.json`)).text()).to.equal(await fs.readFile(`${chain.snapshot}/manifest.json`, "utf8"));
    // By name beside the manifest too, where lifeboat prove --manifest URL looks for them.
    expect((await fetch(`${origin}/artifacts/verification_key.json`)).headers.get("cache-control")).to.equal("no-cache");
  });

  it("rate-limits each client on the API, the client named by the trusted proxy's X-Forwarded-For", async () => {
    const limited = await startServe([
      "--snapshot",
      chain.snapshot,
      "--deployment",
      chain.deploymentFile,
      "--rpc",
      chain.rpc,
      "--port",
      String(SERVE_PORT + 1),
      "--rate-limit",
      "3",
      "--trust-proxy",
      "127.0.0.1",
    ]);
    try {
      const from = (client: string): Promise<Response> => fetch(`${limited.url}/api/nonce`, { headers: { "x-forwarded-for": client } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await from("198.51.100.1")).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
      expect((await from("198.51.100.2")).status).to.equal(200);
      const body = (await (await from("198.51.100.1")).json()) as { error: string };
      expect(body.error).to.match(/^too many requests from this client: at most 3 a minute; try again in \d+ s$/);
    } finally {
      expect(await stop(limited.server)).to.equal(0);
    }
  });

  it("without libsecp256k1 checks signatures on worker threads with the same answers, and still stops cleanly on SIGINT", async () => {
    const port = SERVE_PORT + 4;
    const pure = await startServe(
      ["--snapshot", chain.snapshot, "--deployment", chain.deploymentFile, "--rpc", chain.rpc, "--port", String(port), "--rate-limit", "1000"],
      { LIFEBOAT_PURE_JS_ECDSA: "1" },
    );
    try {
      const signIn = async (signer: Wallet, address: string): Promise<{ status: number; text: string }> => {
        const nonce = ((await (await fetch(`${pure.url}/api/nonce`)).json()) as { nonce: string }).nonce;
        const now = Date.now();
        const text = new SiweMessage({
          domain: `127.0.0.1:${port}`,
          address,
          uri: `http://127.0.0.1:${port}/`,
          version: "1",
          chainId: 31337,
          nonce,
          issuedAt: new Date(now).toISOString(),
          expirationTime: new Date(now + 60_000).toISOString(),
        }).prepareMessage();
        const response = await fetch(`${pure.url}/api/claim`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ message: text, signature: await signer.signMessage(text) }),
        });
        return { status: response.status, text: await response.text() };
      };
      const answers = await Promise.all([signIn(alice, alice.address), signIn(stranger, alice.address), signIn(stranger, stranger.address)]);
      expect(answers[0]!.status, answers[0]!.text).to.equal(200);
      expect(JSON.parse(answers[0]!.text)).to.deep.equal(await chain.claims(alice.address));
      expect(answers.slice(1).map((answer) => answer.status)).to.deep.equal([401, 401]);
      expect(answers[1]!.text).to.equal(answers[2]!.text);
      expect(pure.stderr()).to.contain("sign-in signatures recovered by ethers on worker threads");
      expect(serve.stderr()).to.contain("sign-in signatures recovered by libsecp256k1");
    } finally {
      const exited = new Promise<number | null>((resolve) => pure.server.once("exit", resolve));
      pure.server.kill("SIGINT");
      expect(await exited).to.equal(0);
    }
  });

  it("names the flag and the value of a configuration error, says when the chain cannot check a signature, and stops cleanly on SIGINT", async () => {
    const base = ["--snapshot", chain.snapshot, "--deployment", chain.deploymentFile, "--rpc", chain.rpc, "--port", String(SERVE_PORT + 2)];
    const cases: [string[], string][] = [
      [["--snapshot", "/nonexistent"], `--snapshot "/nonexistent": the snapshot's manifest /nonexistent/manifest.json does not exist`],
      [
        ["--deployment", chain.snapshot + "/manifest.json"],
        `--deployment "${chain.snapshot}/manifest.json": ${chain.snapshot}/manifest.json.format must be "lifeboat.deployment.v1", got "lifeboat.manifest.v1"`,
      ],
      [["--rpc", "ftp://x"], `--rpc "ftp://x": must be an http(s) URL`],
      [["--port", "70000"], `--port "70000": must be an integer in [0, 65535]`],
      [["--snapshot-id", "0"], `--snapshot-id "0": must be a positive decimal integer`],
      [["--trust-proxy", "10.0.0.1,proxy.local"], `--trust-proxy "10.0.0.1,proxy.local": "proxy.local" is not an IP address or CIDR range`],
    ];
    for (const [override, error] of cases) {
      const args = [...base];
      const at = args.indexOf(override[0]!);
      if (at === -1) args.push(...override);
      else args.splice(at, 2, ...override);
      const result = lifeboat(["serve", ...args]);
      expect(result.status, result.stderr).to.equal(1);
      expect(result.stderr).to.contain(`error: ${error}`);
    }
    // The chain gone: a signature that is not an EOA's own cannot be checked, and the server says so.
    const chainless = await startServe([...base.slice(0, 4), "--rpc", "http://127.0.0.1:9", "--port", String(SERVE_PORT + 3)]);
    try {
      const nonceOf = async (): Promise<string> => ((await (await fetch(`${chainless.url}/api/nonce`)).json()) as { nonce: string }).nonce;
      const now = Date.now();
      const text = new SiweMessage({
        domain: `127.0.0.1:${SERVE_PORT + 3}`,
        address: safe,
        uri: `http://127.0.0.1:${SERVE_PORT + 3}/`,
        version: "1",
        chainId: 31337,
        nonce: await nonceOf(),
        issuedAt: new Date(now).toISOString(),
        expirationTime: new Date(now + 60_000).toISOString(),
      }).prepareMessage();
      const response = await fetch(`${chainless.url}/api/claim`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: text, signature: await safeOwner.signMessage(text) }),
      });
      expect(response.status).to.equal(503);
      expect(((await response.json()) as { error: string }).error).to.equal(
        "the chain cannot be reached to check this signature (a contract account's, or a wrong one); try again later",
      );
    } finally {
      await stop(chainless.server);
    }
    const running: { server: ChildProcess } = await startServe(base);
    const exited = new Promise<number | null>((resolve) => running.server.once("exit", resolve));
    running.server.kill("SIGINT");
    expect(await exited).to.equal(0);
  });
});
