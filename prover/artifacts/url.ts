import { LifeboatError } from "../errors";

/**
 * Reading published files over http(s) and checking their sha256, with nothing but `fetch` and
 * WebCrypto: the same code in Node, a browser and a Web Worker (no Node module is imported here).
 */

/** How long one download may take, start to end, before it is given up (a 600 MB zkey at 2 MB/s). */
export const DOWNLOAD_TIMEOUT_MS = 300_000;

/** Largest artifact a reader accepts (the production zkey is 12 MB; a 2^20 circuit's about 600 MB). */
export const MAX_ARTIFACT_BYTES = 1 << 30;

/** The `fetch` a reader uses: the global one unless a caller passes its own (tests, proxies). */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** True for an http(s) URL, the form a published artifacts folder takes on a web server or IPFS gateway. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** `name` inside the folder at `url` (with or without its trailing slash). */
export function urlInFolder(url: string, name: string): string {
  return new URL(name, url.endsWith("/") ? url : `${url}/`).toString();
}

/**
 * Downloads `url` within MAX_ARTIFACT_BYTES and DOWNLOAD_TIMEOUT_MS. Nothing read here is trusted:
 * the caller checks its digest before using it. `what` names the file in refusals.
 */
export async function readUrl(url: string, what: string, fetchImpl: Fetch = globalThis.fetch): Promise<Uint8Array> {
  let body: Uint8Array;
  try {
    const response = await fetchImpl(url, { redirect: "follow", signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) throw new LifeboatError(`${what} ${url} cannot be downloaded: HTTP ${response.status} ${response.statusText}`);
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > MAX_ARTIFACT_BYTES) throw new LifeboatError(`${what} ${url} has ${declared} bytes, more than the ${MAX_ARTIFACT_BYTES} accepted`);
    body = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof LifeboatError) throw error;
    const reason = (error as Error).name === "TimeoutError" ? `no complete answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s` : (error as Error).message;
    throw new LifeboatError(`${what} ${url} cannot be downloaded: ${reason}`);
  }
  if (body.length > MAX_ARTIFACT_BYTES) throw new LifeboatError(`${what} ${url} has ${body.length} bytes, more than the ${MAX_ARTIFACT_BYTES} accepted`);
  return body;
}

/** sha256 as 64 lower-case hex digits, with WebCrypto (the same in Node and in a browser). */
export async function sha256Of(bytes: Uint8Array): Promise<string> {
  // WebCrypto takes ArrayBuffer-backed views only (not SharedArrayBuffer ones): copy those.
  const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", view));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
