import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Generated artifacts (circuit builds, powers of tau, zkeys) live outside git in a
 * content-addressed cache: `$LIFEBOAT_CACHE`, else `$XDG_CACHE_HOME/lifeboat`, else
 * `~/.cache/lifeboat`. Every entry's name includes a digest of everything it was built from, so a
 * stale entry is never reused and a fresh clone on the same machine reuses what is still valid.
 */
export function cacheRoot(): string {
  const fromEnv = process.env["LIFEBOAT_CACHE"];
  if (fromEnv !== undefined && fromEnv !== "") return path.resolve(fromEnv);
  const xdg = process.env["XDG_CACHE_HOME"];
  return path.join(xdg !== undefined && xdg !== "" ? xdg : path.join(os.homedir(), ".cache"), "lifeboat");
}

/** The sha256 digest of `data` (a string is hashed as UTF-8), as 64 lower-case hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The sha256 digest of a file's bytes, as 64 lower-case hex digits; the file is streamed, not read whole. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Runs `work` while holding an exclusive lock directory, so two processes (a test run and a demo,
 * say) never build the same artifact at once. A lock whose owner process is gone is taken over.
 */
export async function withLock<T>(
  lockDirectory: string,
  work: () => Promise<T>,
  waiting: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): Promise<T> {
  await fs.mkdir(path.dirname(lockDirectory), { recursive: true });
  const started = Date.now();
  let said = false;
  for (;;) {
    try {
      await fs.mkdir(lockDirectory);
      await fs.writeFile(path.join(lockDirectory, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await lockIsStale(lockDirectory)) {
        await fs.rm(lockDirectory, { recursive: true, force: true });
        continue;
      }
      if (!said && Date.now() - started >= 2_000) {
        said = true;
        const owner = await fs.readFile(path.join(lockDirectory, "pid"), "utf8").catch(() => "?");
        waiting(`waiting for ${lockDirectory}: process ${owner.trim()} is building the same artifact (this continues when it is done)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockDirectory, { recursive: true, force: true });
  }
}

async function lockIsStale(lockDirectory: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await fs.readFile(path.join(lockDirectory, "pid"), "utf8"));
  } catch {
    // The owner has made the directory but not yet written its pid; give it a moment.
    const stat = await fs.stat(lockDirectory).catch(() => undefined);
    return stat !== undefined && Date.now() - stat.mtimeMs > 10_000;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
