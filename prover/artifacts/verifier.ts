import { promises as fs } from "node:fs";
import path from "node:path";


import { compileSolidity, type CompiledContract } from "../setup/solidity";
import type { VerificationKey } from "../proof/groth16-types";

/**
 * The Solidity verifier snarkjs exports for a verification key: its Groth16 template rendered with
 * the key (what `snarkjs zkey export solidityverifier` does after reading the key from the zkey).
 * Rendering from the published key lets anyone holding it rebuild the verifier without the zkey.
 */
export async function verifierSourceOf(verificationKey: VerificationKey): Promise<string> {
  const snarkjsDirectory = path.dirname(require.resolve("snarkjs"));
  const template = await fs.readFile(path.join(snarkjsDirectory, "..", "templates", "verifier_groth16.sol.ejs"), "utf8");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ejs = require(require.resolve("ejs", { paths: [snarkjsDirectory] })) as { render(template: string, data: unknown): string };
  return ejs.render(template, verificationKey);
}

/** The verifier of a verification key, compiled with the pinned solc. */
export async function verifierOf(verificationKey: VerificationKey): Promise<CompiledContract> {
  return compileSolidity("Groth16Verifier.sol", await verifierSourceOf(verificationKey), "Groth16Verifier");
}

/** Lower-case runtime code, for comparing what is on chain with what a compile produced. */
export function sameCode(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
