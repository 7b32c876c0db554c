import { spawnSync } from "node:child_process";
import path from "node:path";

export const ROOT_DIR = path.resolve(__dirname, "..", "..");

/** Runs `lifeboat ARGS` as its own process, as a user would. */
export function lifeboat(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT_DIR, "bin", "lifeboat.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
