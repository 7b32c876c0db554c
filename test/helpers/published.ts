import { promises as fs } from "node:fs";
import path from "node:path";

import type * as snarkjs from "snarkjs";

import { loadProvingArtifacts } from "../../prover/artifacts/load";
import { sampleBalancesCsv } from "../../examples/demo/balances";
import { loadPoseidon } from "../../prover/hash";
import { proveClaim } from "../../prover/proof/claim";
import type { ClaimTarget } from "../../prover/proof/context";
import type { ProofFile } from "../../prover/proof/proof-file";
import { ClaimProver } from "../../prover/proof/prover";
import { createSnapshot } from "../../prover/snapshot/create";
import { parseClaimPackage, parseManifest, type ClaimPackage, type Manifest } from "../../prover/snapshot/formats";
import { parseBalances } from "../../prover/snapshot/input";

/** A depth-4, two-asset snapshot of `accounts` sample accounts written to `out`, as an operator publishes it. */
export async function publishedSnapshot(out: string, options: { seed: string; accounts: number }): Promise<{ manifest: Manifest; claimFiles: string[] }> {
  const csv = sampleBalancesCsv(options.accounts, { seed: options.seed });
  await createSnapshot(
    { sheet: parseBalances(csv, "csv"), bytes: csv, format: "csv", source: { kind: "file", format: "csv" } },
    { out, depth: 4, seed: new TextEncoder().encode(options.seed.padEnd(32, ".")).subarray(0, 32), exclusions: [], adjustments: [], log: () => undefined },
  );
  const manifest = parseManifest(JSON.parse(await fs.readFile(path.join(out, "manifest.json"), "utf8")));
  return { manifest, claimFiles: (await fs.readdir(path.join(out, "claims"))).sort() };
}

/** Reads claims/<name> of a published snapshot. */
export async function readClaim(snapshot: string, name: string): Promise<ClaimPackage> {
  return parseClaimPackage(JSON.parse(await fs.readFile(path.join(snapshot, "claims", name), "utf8")));
}

/** The Node path's proof of the same claim (native Poseidon and prover), to compare a browser proof with. */
export async function nodePathProof(
  snapshot: string,
  claim: ClaimPackage,
  manifest: Manifest,
  target: ClaimTarget,
): Promise<{ proof: ProofFile; verificationKey: snarkjs.VerificationKey }> {
  const artifacts = await loadProvingArtifacts(path.join(snapshot, "artifacts"), claim.circuit, [{ digests: manifest.setup.artifacts, source: "manifest" }]);
  const poseidon = await loadPoseidon();
  const proof = await proveClaim({ claim, target, hash: (inputs) => poseidon.hash(inputs), prover: await ClaimProver.load(artifacts) });
  return { proof, verificationKey: artifacts.verificationKey };
}
