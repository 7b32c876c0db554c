import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import readline from "node:readline";

import { InputError } from "../errors";
import { parseTreeHeader, parseTreeLeafLine, type TreeHeader, type TreeLeafLine } from "../snapshot/formats";
import { SNAPSHOT_FILES } from "../snapshot/write";

/** Reading a snapshot directory's files; every reader names the file in its refusals. */

export async function readTreeFile(directory: string): Promise<{ header: TreeHeader; leaves: TreeLeafLine[] }> {
  const file = path.join(directory, SNAPSHOT_FILES.tree);
  const lines = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let header: TreeHeader | undefined;
  const leaves: TreeLeafLine[] = [];
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${file} line ${number} is not JSON: ${(error as Error).message}`);
    }
    if (header === undefined) header = parseTreeHeader(value, `${file} line 1`);
    else leaves.push(parseTreeLeafLine(value, header.assets.length, `${file} line ${number}`));
  }
  if (header === undefined) throw new InputError(`${file} is empty`);
  return { header, leaves };
}

export async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The claim package files, by name. */
export async function listClaimFiles(directory: string): Promise<string[]> {
  try {
    return (await fs.readdir(path.join(directory, SNAPSHOT_FILES.claims))).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
