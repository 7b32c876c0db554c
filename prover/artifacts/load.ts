
import { LifeboatError } from "../errors";
import { parseJsonText } from "../json";
import { ARTIFACT_FILES, ARTIFACTS_INDEX, PROVING_FILES, parseArtifactsIndex, type ArtifactDigests, type ArtifactName, type ArtifactsIndex } from "./files";
import { readPublished, sha256Of } from "./read";
import type { VerificationKey } from "../proof/groth16-types";

/** What a prover needs, every byte checked against the snapshot's published digests. */
export interface ProvingArtifacts {
  readonly circuit: string;
  readonly wasm: Uint8Array;
  readonly zkey: Uint8Array;
  readonly verificationKey: VerificationKey;
}

/** One expected digest with the document that names it, for messages. */
export interface DigestSource {
  readonly digests: ArtifactDigests;
  /** "the claim package", "the manifest https://…/manifest.json", … */
  readonly source: string;
}

export const WHERE_TO_GET_ARTIFACTS =
  "the operator publishes them in the folder artifacts/ next to the snapshot's manifest.json (on its web site or IPFS); download that folder and pass --artifacts DIR, or pass its URL";

/**
 * The digest every source agrees on for `name`. Sources that disagree mean the package and the
 * manifest are not of one snapshot: refused, naming both.
 */
export function agreedDigest(name: ArtifactName, sources: readonly DigestSource[]): string | undefined {
  let agreed: { digest: string; source: string } | undefined;
  for (const { digests, source } of sources) {
    const digest = digests[name];
    if (digest === undefined) continue;
    if (agreed !== undefined && agreed.digest !== digest) {
      throw new LifeboatError(`${agreed.source} names ${name} with sha256 ${agreed.digest}, but ${source} names ${digest}: they are not of the same snapshot`);
    }
    agreed ??= { digest, source };
  }
  return agreed?.digest;
}

/**
 * Reads one published file and refuses it unless its sha256 is the one every source names. A file
 * no source names is refused too: an unchecked key is how a prover ends up with proofs the chain
 * refuses (or that a forger chose).
 */
export async function readCheckedArtifact(location: string, name: ArtifactName, sources: readonly DigestSource[]): Promise<Uint8Array> {
  const expected = agreedDigest(name, sources);
  if (expected === undefined) throw new LifeboatError(`no digest for ${name}: neither ${sources.map((s) => s.source).join(" nor ") || "any document"} names it, so it cannot be checked`);
  const bytes = await readPublished(location, name, `proving artifact ${name}:`);
  const actual = await sha256Of(bytes);
  if (actual !== expected) {
    const source = sources.find((s) => s.digests[name] !== undefined)?.source ?? "the snapshot";
    throw new LifeboatError(
      `proving artifact ${name} at ${location} has sha256 ${actual}, but ${source} names ${expected}: it is not this snapshot's ${name} (a proof made with it would be refused on chain); ${WHERE_TO_GET_ARTIFACTS}`,
    );
  }
  return bytes;
}

/** Reads `artifacts.json` of a published folder; a folder without one is not an artifacts folder. */
export async function readArtifactsIndex(location: string): Promise<ArtifactsIndex> {
  let bytes: Uint8Array;
  try {
    bytes = await readPublished(location, ARTIFACTS_INDEX, "artifacts index");
  } catch (error) {
    throw new LifeboatError(`no proving artifacts at ${location} (${(error as Error).message}); ${WHERE_TO_GET_ARTIFACTS}`);
  }
  return parseArtifactsIndex(parseJsonText(new TextDecoder().decode(bytes), `${ARTIFACTS_INDEX} at ${location}`), `${ARTIFACTS_INDEX} at ${location}`);
}

/**
 * Loads the proving artifacts of `circuit` from a published folder (a directory or an http(s)
 * URL), checking each file against the digests of the claim package and the manifest.
 */
export async function loadProvingArtifacts(location: string, circuit: string, sources: readonly DigestSource[]): Promise<ProvingArtifacts> {
  const index = await readArtifactsIndex(location);
  if (index.circuit !== circuit) {
    throw new LifeboatError(`the artifacts at ${location} are for circuit ${index.circuit}, the claim is for ${circuit}; ${WHERE_TO_GET_ARTIFACTS}`);
  }
  const [wasm, zkey, vk] = await Promise.all(PROVING_FILES.map((name) => readCheckedArtifact(location, name, sources))) as [Uint8Array, Uint8Array, Uint8Array];
  const verificationKey = parseJsonText(new TextDecoder().decode(vk), `${ARTIFACT_FILES.verificationKey} at ${location}`) as VerificationKey;
  return { circuit, wasm, zkey, verificationKey };
}

/** Loads the verification key alone (for `verify`), checked like every other artifact. */
export async function loadVerificationKey(location: string, sources: readonly DigestSource[]): Promise<VerificationKey> {
  const bytes = await readCheckedArtifact(location, ARTIFACT_FILES.verificationKey, sources);
  return parseJsonText(new TextDecoder().decode(bytes), `${ARTIFACT_FILES.verificationKey} at ${location}`) as VerificationKey;
}
