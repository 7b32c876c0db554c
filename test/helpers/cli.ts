import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";

import { JsonRpcProvider } from "ethers";

export const ROOT_DIR = path.resolve(__dirname, "..", "..");

/** Runs `lifeboat ARGS` as its own process, as a user would. */
export function lifeboat(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT_DIR, "bin", "lifeboat.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `lifeboat node` on a port as its own process and waits until it answers. */
export async function startNode(port: number): Promise<{ node: ChildProcess; provider: JsonRpcProvider; rpc: string }> {
  const rpc = `http://127.0.0.1:${port}`;
  const node = spawn(process.execPath, [path.join(ROOT_DIR, "bin", "lifeboat.js"), "node", "--port", String(port)], { stdio: "ignore" });
  const provider = new JsonRpcProvider(rpc, 31337, { staticNetwork: true });
  for (let attempt = 0; attempt < 120; attempt += 1) {
    try {
      await provider.getBlockNumber();
      return { node, provider, rpc };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  node.kill();
  provider.destroy();
  throw new Error(`lifeboat node did not answer on ${rpc}`);
}
