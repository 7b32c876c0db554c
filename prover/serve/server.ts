import { createReadStream } from "node:fs";

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import fastifyStatic from "@fastify/static";
import rateLimit from "@fastify/rate-limit";
import { JsonRpcProvider, type Provider } from "ethers";

import type { ServeConfig } from "./config";
import { NonceStore } from "./nonces";
import { ECDSA_IMPLEMENTATION, recoverSigner } from "./ecdsa";
import { ClaimPackages } from "./packages";
import { RecoveryPool, RecoveryPoolBusy } from "./recovery-pool";
import { ChainUnavailable, checkMessage, signatureIsAccounts, signInParser, SignInRefused } from "./sign-in";

/** Largest request body accepted (a sign-in message and a signature, even a multisig's). */
export const BODY_LIMIT = 16 * 1024;
/** How long a nonce may wait for its sign-in. */
export const NONCE_LIFETIME_MS = 10 * 60 * 1000;
/** Outstanding nonces kept at most (the oldest are forgotten first). */
export const NONCE_CAPACITY = 100_000;
/**
 * A refused sign-in answers no sooner than this after it arrived, whatever the reason, so the time
 * taken does not tell a wrong signature (sometimes checked through the chain for contract
 * accounts) from an account without a package (a file lookup).
 */
export const REFUSAL_FLOOR_MS = 300;

/**
 * The one answer to "the signature is not the account's" and "the account has no package": the
 * same status and the same bytes, so nobody learns who is in the snapshot without proving control
 * of the account.
 */
export const NO_PACKAGE = {
  status: 401,
  body: JSON.stringify({
    error: "no claim package for this sign-in: either the signature is not the account's, or the account is not in this snapshot",
    code: "no-package",
  }),
};

/** The HTTP API of `lifeboat serve` (docs/portal.md lists it). */
export const ROUTES = {
  config: "/api/config",
  nonce: "/api/nonce",
  claim: "/api/claim",
  manifest: "/manifest.json",
  deployment: "/deployment.json",
} as const;

/** The content-addressed URL of a published file. */
export function artifactUrl(sha256: string, name: string): string {
  return `/artifacts/${sha256}/${name}`;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/** A running package server: its fastify app, the URL it listens on, and how to stop it. */
export interface Server {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/** A line of the access log: who fetched which package, and every refusal. */
export type AccessLog = (line: string) => void;

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header("content-type", "application/json; charset=utf-8")
    .header("cache-control", "no-store")
    .send(typeof body === "string" ? body : JSON.stringify(body));
}

/** Builds the server (not listening yet). */
export async function buildServer(config: ServeConfig, options: { log: AccessLog; provider?: Provider }): Promise<FastifyInstance> {
  const provider = options.provider ?? new JsonRpcProvider(config.rpc, Number(config.deployment.chainId), { staticNetwork: true });
  const nonces = new NonceStore(NONCE_LIFETIME_MS, NONCE_CAPACITY);
  const packages = new ClaimPackages(config.claimsDir);
  const expectation = { domain: config.publicUrl.host, origin: config.publicUrl.origin, chainId: Number(config.deployment.chainId) };
  const parser = signInParser(expectation);
  // libsecp256k1 recovers a signer in 0.1 ms on the event loop; without its addon, ethers' 3 ms go to worker threads.
  const pool = ECDSA_IMPLEMENTATION === "libsecp256k1" ? undefined : new RecoveryPool();
  const recover = async (digest: string, signature: string): Promise<string | undefined> =>
    pool === undefined ? recoverSigner(digest, signature) : pool.recover(digest, signature);
  const { log } = options;

  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: true,
    ...(config.trustProxy.length === 0 ? {} : { trustProxy: [...config.trustProxy] }),
  });

  app.addHook("onClose", async () => pool?.close());

  // JSON only: a body of any other type is refused with 415 before any handler runs.
  app.removeContentTypeParser("text/plain");
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-frame-options", "DENY");
    reply.header(
      "content-security-policy",
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; connect-src *; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    return payload;
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    let message: string;
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") message = `the request body is larger than the ${BODY_LIMIT} bytes accepted`;
    else if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") message = "the request body must be JSON (content-type: application/json)";
    else if (error.code === "FST_ERR_CTP_EMPTY_JSON_BODY") message = "the request body is empty: send a JSON object";
    else if (status === 400 && /JSON/i.test(error.message)) message = `the request body is not valid JSON: ${error.message}`;
    else if (status === 429) message = error.message;
    else if (status >= 500) message = "internal error";
    else message = error.message;
    if (status >= 500) log(`error ${request.ip} ${request.method} ${request.url}: ${error.message}`);
    return sendJson(reply, status, { error: message });
  });

  app.setNotFoundHandler((request, reply) => sendJson(reply, 404, { error: `nothing at ${request.method} ${request.url.split("?")[0]}` }));

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `too many requests from this client: at most ${context.max} a minute; try again in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  const limited = { config: { rateLimit: { max: config.rateLimit, timeWindow: 60_000 } } };

  // ---- public documents --------------------------------------------------------------------
  const publicConfig = JSON.stringify({
    chainId: config.deployment.chainId,
    vault: config.deployment.vault,
    snapshotId: config.snapshotId.toString(),
    circuit: config.manifest.circuit,
    assets: config.manifest.assets,
    domain: expectation.domain,
    origin: expectation.origin,
    rpc: config.publicRpc ?? null,
    manifest: ROUTES.manifest,
    artifacts: Object.fromEntries(
      config.artifacts.map((file) => [file.name, { url: artifactUrl(file.sha256, file.name), sha256: file.sha256, size: file.size }]),
    ),
  });
  app.get(ROUTES.config, limited, async (_request, reply) => sendJson(reply, 200, publicConfig));
  app.get(ROUTES.manifest, async (_request, reply) =>
    reply.header("content-type", "application/json; charset=utf-8").header("cache-control", "no-cache").send(Buffer.from(config.manifestBytes)),
  );
  app.get(ROUTES.deployment, async (_request, reply) =>
    reply.header("content-type", "application/json; charset=utf-8").header("cache-control", "no-cache").send(Buffer.from(config.deploymentBytes)),
  );
  const byDigest = new Map(config.artifacts.map((file) => [`${file.sha256}/${file.name}`, file]));
  const byName = new Map(config.artifacts.map((file) => [file.name as string, file]));
  const sendArtifact = (reply: FastifyReply, file: (typeof config.artifacts)[number], cache: string): FastifyReply =>
    reply
      .header("content-type", file.name.endsWith(".json") ? "application/json" : file.name.endsWith(".wasm") ? "application/wasm" : "application/octet-stream")
      .header("content-length", file.size)
      .header("cache-control", cache)
      .header("etag", `"${file.sha256}"`)
      .send(createReadStream(file.file));
  // Content-addressed: the URL names the sha256, so it never changes and may be cached for ever.
  app.get<{ Params: { sha256: string; name: string } }>("/artifacts/:sha256/:name", async (request, reply) => {
    const file = byDigest.get(`${request.params.sha256}/${request.params.name}`);
    if (file === undefined) return sendJson(reply, 404, { error: `no published artifact ${request.params.name} with sha256 ${request.params.sha256}` });
    return sendArtifact(reply, file, IMMUTABLE);
  });
  // By name, beside the manifest, as `lifeboat prove --manifest URL` looks for them.
  app.get<{ Params: { name: string } }>("/artifacts/:name", async (request, reply) => {
    const file = byName.get(request.params.name);
    if (file === undefined) return sendJson(reply, 404, { error: `no published artifact ${request.params.name}` });
    return sendArtifact(reply, file, "no-cache");
  });

  // ---- sign-in and the user's own package --------------------------------------------------
  app.get(ROUTES.nonce, limited, async (_request, reply) => {
    const { nonce, expiresAt } = nonces.issue();
    return sendJson(reply, 200, { nonce, expiresAt: new Date(expiresAt).toISOString() });
  });

  app.post<{ Body: unknown }>(ROUTES.claim, limited, async (request: FastifyRequest<{ Body: unknown }>, reply) => {
    const started = Date.now();
    const body = request.body;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      return sendJson(reply, 400, { error: "the request body must be a JSON object {message, signature}" });
    const { message, signature } = body as Record<string, unknown>;
    if (typeof message !== "string" || message.length === 0)
      return sendJson(reply, 400, { error: "message must be the EIP-4361 sign-in message that was signed (a string)" });
    if (typeof signature !== "string" || !/^0x[0-9a-fA-F]*$/.test(signature))
      return sendJson(reply, 400, { error: "signature must be a 0x-prefixed hex string" });
    let account: string;
    try {
      const parsed = checkMessage(message, expectation, nonces, parser);
      account = parsed.address;
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      log(`refused ${request.ip}: ${error.message}`);
      return sendJson(reply, 400, { error: error.message, code: "bad-message" });
    }
    // Both lookups start together and both finish before any answer is chosen.
    let valid: boolean;
    let bytes: Uint8Array | undefined;
    try {
      [valid, bytes] = await Promise.all([signatureIsAccounts(message, account, signature, provider, recover), packages.read(account)]);
    } catch (error) {
      if (error instanceof RecoveryPoolBusy) {
        log(`busy ${request.ip} ${account}: ${error.message}`);
        return sendJson(reply, 503, { error: "the server is busy checking other sign-ins; ask for a new nonce and try again in a few seconds", code: "busy" });
      }
      if (!(error instanceof ChainUnavailable)) throw error;
      log(`unavailable ${request.ip} ${account}: ${error.message}`);
      return sendJson(reply, 503, {
        error: "the chain cannot be reached to check this signature (a contract account's, or a wrong one); try again later",
        code: "chain-unavailable",
      });
    }
    if (valid && bytes !== undefined) {
      log(`package ${request.ip} ${account}: claim package served`);
      return reply.code(200).header("content-type", "application/json; charset=utf-8").header("cache-control", "no-store").send(Buffer.from(bytes));
    }
    log(`refused ${request.ip} ${account}: ${valid ? "signed in, no package" : "signature not the account's"}`);
    const wait = REFUSAL_FLOOR_MS - (Date.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return sendJson(reply, NO_PACKAGE.status, NO_PACKAGE.body);
  });

  // ---- the portal ----------------------------------------------------------------------------
  await app.register(fastifyStatic, { root: config.portalDir, prefix: "/", index: ["index.html"], cacheControl: true, maxAge: 0, wildcard: false });
  return app;
}

/** Builds and starts the server; `close` stops it (open connections included). */
export async function startServer(config: ServeConfig, log: AccessLog): Promise<Server> {
  const app = await buildServer(config, { log });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  return { app, url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`, close: () => app.close() };
}
