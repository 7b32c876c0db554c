import { readdirSync, rmSync } from "node:fs";
import { promises as fs } from "node:fs";
import path from "node:path";

import { log } from "./progress";

/** The temporary siblings fs-atomic writes a directory or file through: `<out>.tmp-<random>`. */
function temporaries(out: string): string[] {
  const parent = path.dirname(out);
  const prefix = `${path.basename(out)}.tmp-`;
  try {
    return readdirSync(parent)
      .filter((name) => name.startsWith(prefix))
      .map((name) => path.join(parent, name));
  } catch {
    return [];
  }
}

/**
 * Removes `<out>.tmp-*` left by an earlier run that was killed before it could clean up (they may
 * hold a seed and a private tree), with a note naming each.
 */
export async function removeStaleTemporaries(out: string): Promise<void> {
  for (const stale of temporaries(out)) {
    await fs.rm(stale, { recursive: true, force: true });
    log(`note: removed ${stale}, the temporary directory of an interrupted earlier run`);
  }
  guardTemporaries(out);
}

let installed = false;
const guarded = new Set<string>();

/**
 * On SIGINT or SIGTERM, removes the `<out>.tmp-*` this run was writing before exiting (130 or 143),
 * so an interrupted command leaves nothing behind.
 */
export function guardTemporaries(out: string): void {
  guarded.add(out);
  if (installed) return;
  installed = true;
  const stop = (signal: NodeJS.Signals, code: number): void => {
    for (const target of guarded) {
      for (const temporary of temporaries(target)) {
        rmSync(temporary, { recursive: true, force: true });
        process.stderr.write(`\ninterrupted: removed ${temporary}\n`);
      }
    }
    process.stderr.write(`interrupted by ${signal}: nothing was written\n`);
    process.exit(code);
  };
  process.once("SIGINT", () => stop("SIGINT", 130));
  process.once("SIGTERM", () => stop("SIGTERM", 143));
}
