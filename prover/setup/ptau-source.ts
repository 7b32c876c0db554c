import { promises as fs } from "node:fs";

/**
 * The powers of tau as snarkjs's zkey verification should read it. snarkjs's `verifyFromInit` (and
 * `verifyFromR1cs`, which calls it) opens the ptau and never closes it: Node later closes the file
 * on garbage collection and prints two warnings, in the middle of a setup or an audit. A ptau up to
 * IN_MEMORY_PTAU_BYTES is read into memory instead, so no file is left open (the development ptau
 * 2^14 is 18 MB; the Hermez files up to 2^20 are at most 1.2 GB). A larger one is still read from
 * its file: the command line drops those two warnings (prover/cli/warnings.ts).
 */
export const IN_MEMORY_PTAU_BYTES = 256 * 1024 * 1024;

export async function ptauForVerification(file: string): Promise<string | { type: "mem"; data: Uint8Array }> {
  const { size } = await fs.stat(file);
  return size <= IN_MEMORY_PTAU_BYTES ? { type: "mem", data: await fs.readFile(file) } : file;
}
