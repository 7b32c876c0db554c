import path from "node:path";

import { LifeboatError } from "../../errors";
import { exists } from "../../fs-atomic";
import { builtPortal, ECDSA_IMPLEMENTATION, loadServeConfig, startServer } from "../../serve";
import { defineCommand, opt } from "../options";
import { log } from "../progress";

export const serve = defineCommand({
  name: "serve",
  summary: "serve the claim portal, the published artifacts and signed-in users' packages",
  description: `Serves the claim portal (docs/portal.md): the built web page, the public manifest and the proving
artifacts (at content-addressed, immutable URLs), and to each user who signs in with Ethereum
(EIP-4361; EIP-1271 for contract accounts such as Safes) their own claim package and nothing else.
Stops cleanly on SIGINT or SIGTERM. One access-log line per package served or sign-in refused.`,
  options: {
    snapshot: opt.path("DIR", "the folder lifeboat snapshot --out wrote (manifest.json, artifacts/, claims/)").require(),
    deployment: opt.path("FILE", "the deployment.json of the vault the snapshot was published to").require(),
    rpc: opt.text("URL", "a JSON-RPC endpoint of the vault's chain (checks Safes' signatures)").require(),
    port: opt.text("N", "the TCP port to listen on").require(),
    "snapshot-id": opt.text("N", "the vault's id of this snapshot (default 1)"),
    host: opt.text("ADDR", "the address to listen on (default 127.0.0.1; behind a TLS proxy in production)"),
    "public-url": opt.text("URL", "where users reach the portal (default http://HOST:PORT/): sign-in messages must name its host and origin"),
    "public-rpc": opt.text("URL", "an RPC endpoint the page may read the chain from (default: the user's wallet)"),
    "rate-limit": opt.text("N", "API requests per minute per client (default 60)"),
    "trust-proxy": opt.text(
      "ADDR[,ADDR..]",
      "the reverse proxies (IP addresses or CIDR ranges) whose X-Forwarded-For names the client, for rate limits and the access log (default: none)",
    ),
    portal: opt.path("DIR", "serve this built portal instead of building portal/ into the cache"),
  },
  async run(values) {
    const checked = await loadServeConfig(
      {
        snapshot: values.snapshot,
        deployment: values.deployment,
        rpc: values.rpc,
        port: values.port,
        host: values.host,
        "snapshot-id": values["snapshot-id"],
        "public-url": values["public-url"],
        "public-rpc": values["public-rpc"],
        "rate-limit": values["rate-limit"],
        "trust-proxy": values["trust-proxy"],
      },
      values.portal ?? "",
    );
    // The flags are checked first; the portal is built (on the first start after a change) only then.
    if (values.portal !== undefined && !(await exists(path.join(values.portal, "index.html")))) {
      throw new LifeboatError(`--portal ${JSON.stringify(values.portal)}: has no index.html; give a folder npm run build:portal wrote`);
    }
    const config = { ...checked, portalDir: values.portal ?? (await builtPortal()) };
    let server;
    try {
      server = await startServer(config, (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
        throw new LifeboatError(`--port ${config.port} on --host ${config.host}: cannot listen (${code})`);
      throw error;
    }
    // Signal listeners go in before the server announces itself, so a stop request that follows the
    // announcement always finds them; they stay installed (a second signal exits at once).
    const stopped = new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) {
          log(`${signal} again: exiting without waiting for open connections`);
          process.exit(1);
        }
        stopping = true;
        log(`${signal}: stopping`);
        void server.close().then(resolve);
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
    log(
      `serving snapshot ${config.snapshotId} (${config.manifest.circuit}, ${config.manifest.leafCount} accounts) of vault ${config.deployment.vault} on chain ${config.deployment.chainId}`,
    );
    log(
      ECDSA_IMPLEMENTATION === "libsecp256k1"
        ? "sign-in signatures recovered by libsecp256k1"
        : "sign-in signatures recovered by ethers on worker threads (the secp256k1 package's native addon did not load: about 30 times slower)",
    );
    log(`listening on ${server.url} (users reach ${config.publicUrl.toString()})`);
    await stopped;
  },
});
