import { agreedDigest } from "../artifacts/checked";
import { PROVING_FILES } from "../artifacts/files";
import { LifeboatError } from "../errors";
import type { ClaimPackage, Manifest } from "../snapshot/formats";
import type { Hash } from "../tree/encoding";
import { checkClaimPackage } from "./witness";

/** The claim circuit instance for a tree shape, `claim_d<DEPTH>_k<ASSETS>` (as circuits/circuits.json names it). */
export function claimCircuitId(depth: number, assets: number): string {
  return `claim_d${depth}_k${assets}`;
}

/**
 * Checks, before any proving work, that a claim package belongs to the snapshot a manifest
 * describes: the circuit its shape implies, the manifest's circuit, depth and assets, a path that
 * opens to the manifest's root and totals, and the same sha256 for every proving file. Throws a
 * LifeboatError naming the first difference; `location` names the manifest in messages.
 */
export function checkClaimAgainstManifest(hash: Hash, claim: ClaimPackage, manifest: Manifest, location = "manifest"): void {
  const implied = claimCircuitId(claim.depth, claim.assets.length);
  if (claim.circuit !== implied) {
    throw new LifeboatError(`claim package says circuit ${claim.circuit}, but its depth ${claim.depth} and ${claim.assets.length} assets make ${implied}`);
  }
  if (manifest.circuit !== claim.circuit) {
    throw new LifeboatError(`the ${location} is for circuit ${manifest.circuit}, the claim package for ${claim.circuit}: they are not of the same snapshot`);
  }
  if (manifest.assets.join("\n") !== claim.assets.join("\n")) {
    throw new LifeboatError(
      `the ${location} lists assets ${manifest.assets.join(", ")}, the claim package ${claim.assets.join(", ")}: they are not of the same snapshot`,
    );
  }
  checkClaimPackage(hash, claim, { root: manifest.root, totals: manifest.totals, source: location });
  for (const name of PROVING_FILES) {
    agreedDigest(name, [
      { digests: claim.artifacts, source: "the claim package" },
      { digests: manifest.setup.artifacts, source: `the ${location}` },
    ]);
  }
}
