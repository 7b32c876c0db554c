import path from "node:path";

import { LifeboatError } from "../../errors";
import { exists } from "../../fs-atomic";
import { loadServeConfig } from "../../serve/config";
import { builtPortal } from "../../serve/portal-build";
import { startServer } from "../../serve/server";
import { parseOptions } from "../args";
import { log } from "../progress";

export const SERVE_USAGE = `usage: lifeboat serve --snapshot DIR --deployment FILE --rpc URL --port N [--snapshot-id N] [--host ADDR]
                     [--public-url URL] [--public-rpc URL] [--rate-limit N] [--trust-proxy ADDR[,ADDR..]] [--portal DIR]

Serves the claim portal (docs/portal.md): the built web page, the public manifest and the proving
artifacts (at content-addressed, immutable URLs), and to each user who signs in with Ethereum
(EIP-4361; EIP-1271 for contract accounts such as Safes) their own claim package and nothing else.
Stops cleanly on SIGINT or SIGTERM. One access-log line per package served or sign-in refused.

  --snapshot DIR     the folder lifeboat snapshot --out wrote (manifest.json, artifacts/, claims/)
  --deployment FILE  the deployment.json of the vault the snapshot was published to
  --rpc URL          a JSON-RPC endpoint of the vault's chain (checks Safes' signatures)
  --port N           the TCP port to listen on
  --snapshot-id N    the vault's id of this snapshot (default 1)
  --host ADDR        the address to listen on (default 127.0.0.1; behind a TLS proxy in production)
  --public-url URL   where users reach the portal (default http://HOST:PORT/): sign-in messages
                     must name its host and origin
  --public-rpc URL   an RPC endpoint the page may read the chain from (default: the user's wallet)
  --rate-limit N     API requests per minute per client (default 60)
  --trust-proxy ADDR the reverse proxies (IP addresses or CIDR ranges) whose X-Forwarded-For names
                     the client, for rate limits and the access log (default: none)
  --portal DIR       serve this built portal instead of building portal/ into the cache`;

export async function serveCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      snapshot: { type: "string", required: true },
      deployment: { type: "string", required: true },
      rpc: { type: "string", required: true },
      port: { type: "string", required: true },
      "snapshot-id": { type: "string" },
      host: { type: "string" },
      "public-url": { type: "string" },
      "public-rpc": { type: "string" },
      "rate-limit": { type: "string" },
      "trust-proxy": { type: "string" },
      portal: { type: "string" },
    },
    SERVE_USAGE,
  );
  if (help) return void process.stdout.write(`${SERVE_USAGE}\n`);
  const checked = await loadServeConfig(
    {
      snapshot: values.snapshot as string,
      deployment: values.deployment as string,
      rpc: values.rpc as string,
      port: values.port as string,
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
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") throw new LifeboatError(`--port ${config.port} on --host ${config.host}: cannot listen (${code})`);
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
  log(`serving snapshot ${config.snapshotId} (${config.manifest.circuit}, ${config.manifest.leafCount} accounts) of vault ${config.deployment.vault} on chain ${config.deployment.chainId}`);
  log(`listening on ${server.url} (users reach ${config.publicUrl.toString()})`);
  await stopped;
}
