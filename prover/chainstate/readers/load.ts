import path from "node:path";

import { InputError } from "../../errors";
import type { PositionReader } from "./reader";

function isReader(value: unknown): value is PositionReader {
  const r = value as Partial<PositionReader> | null;
  return typeof r === "object" && r !== null && typeof r.kind === "string" && typeof r.columns === "number" && typeof r.read === "function";
}

/**
 * The position readers a module exports (CommonJS, e.g. compiled TypeScript): its default export
 * and every named export that is a reader (`{ kind, columns, read }`). A module that exports none
 * is refused by name, so a wrong path or a wrong build says so.
 */
export async function loadReaderModule(file: string): Promise<PositionReader[]> {
  const resolved = path.resolve(file);
  let loaded: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(resolved) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`reader module ${file} cannot be loaded: ${(error as Error).message.split("\n")[0]}`);
  }
  const readers = [...new Set(Object.values(loaded).filter(isReader))];
  if (readers.length === 0) throw new InputError(`reader module ${file} exports no position reader (an object with kind, columns and read(spec, context))`);
  return readers;
}
