import path from "node:path";

import { InputError } from "./errors";

/**
 * The exports of a module loaded by path (CommonJS, e.g. compiled TypeScript) that pass `is`: its
 * default export and every named one. How a protocol hands Lifeboat its own code (a position
 * reader, a watch observer) without editing Lifeboat. A module that cannot be loaded, or that
 * exports nothing of the kind, is refused by name.
 */
export function loadModuleExports<T>(file: string, is: (value: unknown) => value is T, what: string, shape: string): T[] {
  const resolved = path.resolve(file);
  let loaded: Record<string, unknown>;
  try {
    if (/\.[cm]?ts$/.test(resolved)) registerTypeScript(file, what);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(resolved) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${what} module ${file} cannot be loaded: ${(error as Error).message.split("\n")[0]}`);
  }
  const found = [...new Set(Object.values(loaded).filter(is))];
  if (found.length === 0) throw new InputError(`${what} module ${file} exports no ${what} (${shape})`);
  return found;
}

/**
 * A TypeScript module (a protocol's reader written next to its other scripts) is loaded through
 * ts-node when the project has it; the CLI itself runs compiled JavaScript and never needs it.
 */
function registerTypeScript(file: string, what: string): void {
  // A loader for .ts is already in place (this process runs under ts-node).
  if (require.extensions[".ts"] !== undefined) return;
  let tsNode: { register(options: object): unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tsNode = require(require.resolve("ts-node", { paths: [path.dirname(path.resolve(file)), process.cwd(), __dirname] })) as typeof tsNode;
  } catch {
    throw new InputError(
      `${what} module ${file} is TypeScript, and ts-node is not installed where it can be found: compile it to JavaScript, or install ts-node in its project`,
    );
  }
  tsNode.register({ transpileOnly: true });
}
