
import type { ArtifactName, ArtifactsIndex } from "./files";
import {
  loadProvingArtifactsFrom,
  loadVerificationKeyFrom,
  readArtifactsIndexFrom,
  readCheckedArtifactFrom,
  type ArtifactFolder,
  type DigestSource,
  type ProvingArtifacts,
} from "./checked";
import { readPublished } from "./read";
import type { VerificationKey } from "../proof/groth16-types";

export {
  agreedDigest,
  urlFolder,
  WHERE_TO_GET_ARTIFACTS,
  type ArtifactFolder,
  type DigestSource,
  type ProvingArtifacts,
} from "./checked";

/** The published folder at a directory or an http(s) URL (Node: directories are read with fs). */
export function folderAt(location: string): ArtifactFolder {
  return { location, read: (name, what) => readPublished(location, name, what) };
}

/** readCheckedArtifactFrom for a directory or URL. */
export function readCheckedArtifact(location: string, name: ArtifactName, sources: readonly DigestSource[]): Promise<Uint8Array> {
  return readCheckedArtifactFrom(folderAt(location), name, sources);
}

/** Reads `artifacts.json` of a published folder (a directory or an http(s) URL). */
export function readArtifactsIndex(location: string): Promise<ArtifactsIndex> {
  return readArtifactsIndexFrom(folderAt(location));
}

/**
 * Loads the proving artifacts of `circuit` from a published folder (a directory or an http(s)
 * URL), checking each file against the digests of the claim package and the manifest.
 */
export function loadProvingArtifacts(location: string, circuit: string, sources: readonly DigestSource[]): Promise<ProvingArtifacts> {
  return loadProvingArtifactsFrom(folderAt(location), circuit, sources);
}

/** Loads the verification key alone (for `verify`), checked like every other artifact. */
export function loadVerificationKey(location: string, sources: readonly DigestSource[]): Promise<VerificationKey> {
  return loadVerificationKeyFrom(folderAt(location), sources);
}
