import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * The operator's web site (or an IPFS gateway): a static file server in a process of its own
 * (static-server.js), since an in-process server would block while a test runs the CLI synchronously.
 */
export async function serve(directory: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [path.join(__dirname, "static-server.js"), directory], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    server.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    server.once("exit", (code) => reject(new Error(`the static server exited with ${code}`)));
  });
  return { server, url: `http://127.0.0.1:${port}` };
}
