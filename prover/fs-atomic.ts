import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

import { LifeboatError } from "./errors";

/**
 * Writes a file atomically: the content goes to a temporary sibling which is renamed over the
 * target, so a reader never sees half a file and a crash leaves the old file (or none) intact.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const temporary = `${target}.tmp-${randomBytes(6).toString("hex")}`;
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.writeFile(temporary, data, { mode });
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Fills a fresh directory atomically: `fill` writes into a temporary sibling directory which is
 * renamed to `target` only when `fill` succeeds. On any failure the temporary directory is removed
 * and nothing is left at `target`. An existing `target` is never overwritten.
 */
export async function writeDirectoryAtomic(target: string, fill: (directory: string) => Promise<void>): Promise<void> {
  const absolute = path.resolve(target);
  if (await exists(absolute)) {
    throw new LifeboatError(`output directory ${absolute} already exists; choose a new --out (nothing was written)`);
  }
  await fs.mkdir(path.dirname(absolute), { recursive: true });
  const temporary = `${absolute}.tmp-${randomBytes(6).toString("hex")}`;
  await fs.mkdir(temporary, { mode: 0o700 });
  try {
    await fill(temporary);
    await fs.rename(temporary, absolute);
  } catch (error) {
    await fs.rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
