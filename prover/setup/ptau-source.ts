import { promises as fs } from "node:fs";

import { sha256File, sha256Hex } from "./cache";

/**
 * The powers of tau as snarkjs's zkey verification should read it. snarkjs's `verifyFromInit` (and
 * `verifyFromR1cs`, which calls it) opens the ptau and never closes it: Node later closes the file
 * on garbage collection and prints two warnings, in the middle of a setup or an audit. A ptau up to
 * IN_MEMORY_PTAU_BYTES is read into memory instead, so no file is left open (the development ptau
 * 2^14 is 18 MB; the Hermez files up to 2^20 are at most 1.2 GB). A larger one is still read from
 * its file: the command line drops those two warnings (prover/cli/warnings.ts).
 *
 * `sha256()` digests the same bytes: an audit that checks the file's digest and then verifies
 * against it reads a small file once, and verifies exactly the bytes it hashed.
 */
export const IN_MEMORY_PTAU_BYTES = 256 * 1024 * 1024;

export interface PtauForVerification {
  /** What snarkjs's zkey verification takes: the bytes in memory, or the file's path. */
  readonly source: string | { type: "mem"; data: Uint8Array };
  sha256(): Promise<string>;
}

export async function ptauForVerification(file: string): Promise<PtauForVerification> {
  const { size } = await fs.stat(file);
  if (size > IN_MEMORY_PTAU_BYTES) return { source: file, sha256: () => sha256File(file) };
  const data = await fs.readFile(file);
  return { source: { type: "mem", data }, sha256: async () => sha256Hex(data) };
}
