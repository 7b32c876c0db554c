import { promises as fs } from "node:fs";
import path from "node:path";

import { LifeboatError } from "../errors";

/** How long one download may take, start to end, before it is given up (a 600 MB zkey at 2 MB/s). */
export const DOWNLOAD_TIMEOUT_MS = 300_000;

/** Largest artifact a reader accepts (the production zkey is 12 MB; a 2^20 circuit's about 600 MB). */
export const MAX_ARTIFACT_BYTES = 1 << 30;

/** True for an http(s) URL, the form a published artifacts folder takes on a web server or IPFS gateway. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** `name` inside the folder `location` (a directory or a URL). */
export function locate(location: string, name: string): string {
  if (isUrl(location)) return new URL(name, location.endsWith("/") ? location : `${location}/`).toString();
  return path.join(location, name);
}

/** `name` in the folder that holds `file` (a path or a URL): the artifacts beside a manifest. */
export function besideFile(file: string, name: string): string {
  if (isUrl(file)) return new URL(name, file).toString();
  return path.join(path.dirname(path.resolve(file)), name);
}

/** `name` next to the folder `folder` (a path or a URL): the manifest beside an artifacts folder. */
export function besideFolder(folder: string, name: string): string {
  if (isUrl(folder)) return new URL(`../${name}`, folder.endsWith("/") ? folder : `${folder}/`).toString();
  return path.join(path.dirname(path.resolve(folder)), name);
}

/**
 * Reads one published file from a directory or an http(s) URL. Nothing read here is trusted: the
 * caller checks its digest before using it.
 */
export async function readPublished(location: string, name: string, what: string): Promise<Uint8Array> {
  return readLocation(locate(location, name), what);
}

/** True when a file exists at a path, or a URL answers 200 to a GET. */
export async function locationExists(where: string): Promise<boolean> {
  if (!isUrl(where)) return fs.stat(where).then((stat) => stat.isFile(), () => false);
  try {
    const response = await fetch(where, { method: "HEAD", redirect: "follow", signal: AbortSignal.timeout(30_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Reads a file at a path or an http(s) URL, within MAX_ARTIFACT_BYTES. */
export async function readLocation(where: string, what: string): Promise<Uint8Array> {
  if (!isUrl(where)) {
    try {
      const stat = await fs.stat(where);
      if (!stat.isFile()) throw new LifeboatError(`${what} ${where} is not a file`);
      if (stat.size > MAX_ARTIFACT_BYTES) throw new LifeboatError(`${what} ${where} has ${stat.size} bytes, more than the ${MAX_ARTIFACT_BYTES} accepted`);
      return new Uint8Array(await fs.readFile(where));
    } catch (error) {
      if (error instanceof LifeboatError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new LifeboatError(`${what} ${where} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (error as Error).message})`}`);
    }
  }
  let body: Uint8Array;
  try {
    const response = await fetch(where, { redirect: "follow", signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) throw new LifeboatError(`${what} ${where} cannot be downloaded: HTTP ${response.status} ${response.statusText}`);
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > MAX_ARTIFACT_BYTES) throw new LifeboatError(`${what} ${where} has ${declared} bytes, more than the ${MAX_ARTIFACT_BYTES} accepted`);
    body = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof LifeboatError) throw error;
    const reason = (error as Error).name === "TimeoutError" ? `no complete answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s` : (error as Error).message;
    throw new LifeboatError(`${what} ${where} cannot be downloaded: ${reason}`);
  }
  if (body.length > MAX_ARTIFACT_BYTES) throw new LifeboatError(`${what} ${where} has ${body.length} bytes, more than the ${MAX_ARTIFACT_BYTES} accepted`);
  return body;
}

/** sha256 as 64 lower-case hex digits, with WebCrypto (the same in Node and in a browser). */
export async function sha256Of(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
