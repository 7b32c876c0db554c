import { promises as fs } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";

import { LifeboatError } from "../errors";
import { ARTIFACTS_DIRECTORY, PROVING_FILES, type ArtifactName } from "../artifacts/files";
import { parseDeployment, type Deployment } from "../chain/vault";
import { parseJsonText } from "../json";
import { parseManifest, type Manifest } from "../snapshot/formats";
import { SNAPSHOT_FILES } from "../snapshot/write";
import { sha256Hex } from "../setup/cache";

/** One published proving file, served at a content-addressed URL. */
export interface PublishedFile {
  readonly name: ArtifactName;
  readonly sha256: string;
  readonly size: number;
  readonly file: string;
}

/** Everything `lifeboat serve` needs, checked before the server starts. */
export interface ServeConfig {
  readonly snapshotDir: string;
  readonly claimsDir: string;
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  readonly deployment: Deployment;
  readonly deploymentBytes: Uint8Array;
  readonly snapshotId: bigint;
  readonly rpc: string;
  /** An RPC URL the portal may use for reads (public); absent: the portal reads through the wallet. */
  readonly publicRpc?: string | undefined;
  readonly host: string;
  readonly port: number;
  /** Where users reach the portal: its origin is the SIWE URI's, its host the SIWE domain. */
  readonly publicUrl: URL;
  /** Requests per minute per client on the API. */
  readonly rateLimit: number;
  /**
   * Addresses of the reverse proxies in front of the server, whose X-Forwarded-For is believed:
   * the client's address then comes from it (rate limits, access log). Empty: none believed.
   */
  readonly trustProxy: readonly string[];
  readonly artifacts: readonly PublishedFile[];
  readonly portalDir: string;
}

/** The options of `lifeboat serve` as given (strings, checked by loadServeConfig, which names the flag of a bad one). */
export interface ServeOptions {
  readonly snapshot: string;
  readonly deployment: string;
  readonly rpc: string;
  readonly port: string;
  readonly host?: string | undefined;
  readonly "snapshot-id"?: string | undefined;
  readonly "public-url"?: string | undefined;
  readonly "public-rpc"?: string | undefined;
  readonly "rate-limit"?: string | undefined;
  readonly "trust-proxy"?: string | undefined;
}

function flagError(flag: string, value: string, problem: string): LifeboatError {
  return new LifeboatError(`--${flag} ${JSON.stringify(value)}: ${problem}`);
}

async function readFlagFile(flag: string, value: string, file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw flagError(flag, value, `${what} ${file} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (error as Error).message})`}`);
  }
}

function httpUrl(flag: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw flagError(flag, value, "not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw flagError(flag, value, "must be an http(s) URL");
  return url;
}

function decimalFlag(flag: string, value: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw flagError(flag, value, `must be an integer in [${min}, ${max}]`);
  return Number(value);
}

/**
 * Checks the options of `lifeboat serve`: the snapshot folder (its manifest, its published
 * artifacts whose digests must be the manifest's, its claims/ folder), the deployment file, the
 * URLs and numbers. Every refusal names the flag and the value.
 */
export async function loadServeConfig(options: ServeOptions, portalDir: string): Promise<ServeConfig> {
  const snapshotDir = path.resolve(options.snapshot);
  const manifestFile = path.join(snapshotDir, SNAPSHOT_FILES.manifest);
  const manifestBytes = await readFlagFile("snapshot", options.snapshot, manifestFile, "the snapshot's manifest");
  let manifest: Manifest;
  try {
    manifest = parseManifest(parseJsonText(new TextDecoder().decode(manifestBytes), manifestFile), manifestFile);
  } catch (error) {
    throw flagError("snapshot", options.snapshot, (error as Error).message);
  }
  const claimsDir = path.join(snapshotDir, SNAPSHOT_FILES.claims);
  if (
    !(await fs.stat(claimsDir).then(
      (stat) => stat.isDirectory(),
      () => false,
    ))
  ) {
    throw flagError("snapshot", options.snapshot, `has no ${SNAPSHOT_FILES.claims}/ folder: give the folder lifeboat snapshot --out wrote`);
  }
  const artifacts: PublishedFile[] = [];
  for (const name of PROVING_FILES) {
    const file = path.join(snapshotDir, ARTIFACTS_DIRECTORY, name);
    const bytes = await readFlagFile("snapshot", options.snapshot, file, "the published artifact");
    const sha256 = sha256Hex(bytes);
    if (sha256 !== manifest.setup.artifacts[name]) {
      throw flagError("snapshot", options.snapshot, `${file} has sha256 ${sha256}, but the manifest names ${manifest.setup.artifacts[name]}`);
    }
    artifacts.push({ name, sha256, size: bytes.length, file });
  }

  const deploymentBytes = await readFlagFile("deployment", options.deployment, path.resolve(options.deployment), "the deployment file");
  let deployment: Deployment;
  try {
    deployment = parseDeployment(parseJsonText(new TextDecoder().decode(deploymentBytes), options.deployment), options.deployment);
  } catch (error) {
    throw flagError("deployment", options.deployment, (error as Error).message);
  }
  if (deployment.verifiers[manifest.circuit] === undefined) {
    throw flagError("deployment", options.deployment, `has no verifier for the snapshot's circuit ${manifest.circuit}`);
  }

  const rpc = httpUrl("rpc", options.rpc).toString();
  const port = decimalFlag("port", options.port, 0, 65535);
  const host = options.host ?? "127.0.0.1";
  const publicUrl = httpUrl("public-url", options["public-url"] ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}/`);
  if (options["public-url"] === undefined && port === 0)
    throw flagError("port", options.port, "port 0 (any free port) needs --public-url, the address users reach");
  const publicRpc = options["public-rpc"] === undefined ? undefined : httpUrl("public-rpc", options["public-rpc"]).toString();
  const snapshotIdText = options["snapshot-id"] ?? "1";
  if (!/^[1-9][0-9]{0,76}$/.test(snapshotIdText)) throw flagError("snapshot-id", snapshotIdText, "must be a positive decimal integer");
  const rateLimit = decimalFlag("rate-limit", options["rate-limit"] ?? "60", 1, 100_000_000);
  const trustProxy = options["trust-proxy"] === undefined ? [] : options["trust-proxy"].split(",").map((entry) => entry.trim());
  for (const entry of trustProxy) {
    const [address, bits] = entry.split("/");
    if (isIP(address ?? "") === 0 || (bits !== undefined && !/^[0-9]{1,3}$/.test(bits)))
      throw flagError("trust-proxy", options["trust-proxy"] as string, `${JSON.stringify(entry)} is not an IP address or CIDR range`);
  }
  return {
    snapshotDir,
    claimsDir,
    manifest,
    manifestBytes,
    deployment,
    deploymentBytes,
    snapshotId: BigInt(snapshotIdText),
    rpc,
    publicRpc,
    host,
    port,
    publicUrl,
    rateLimit,
    trustProxy,
    artifacts,
    portalDir,
  };
}
