import { promises as fs } from "node:fs";

import { InputError } from "../errors";
import { parseJsonText } from "../json";

/** Reads a file, turning "no such file" and friends into a message that names the flag and path. */
export async function readInputFile(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputError(`${what} ${file} ${why}`);
  }
}

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  return parseJsonText((await readInputFile(file, what)).toString("utf8"), `${what} ${file}`);
}
