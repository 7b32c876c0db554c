import { promises as fs } from "node:fs";
import path from "node:path";

import { LifeboatError } from "../errors";
import { isUrl, MAX_ARTIFACT_BYTES, readUrl, urlInFolder } from "./url";

export { DOWNLOAD_TIMEOUT_MS, isUrl, MAX_ARTIFACT_BYTES, readUrl, sha256Of, type Fetch } from "./url";

/** `name` inside the folder `location` (a directory or a URL). */
export function locate(location: string, name: string): string {
  if (isUrl(location)) return urlInFolder(location, name);
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
  return readUrl(where, what);
}
