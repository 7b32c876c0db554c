
import { LifeboatError } from "../errors";
import { parseJsonText } from "../json";
import { ARTIFACT_FILES, ARTIFACTS_INDEX, PROVING_FILES, parseArtifactsIndex, type ArtifactDigests, type ArtifactName, type ArtifactsIndex } from "./files";
import { readUrl, sha256Of, urlInFolder, type Fetch } from "./url";
import type { VerificationKey } from "../proof/groth16-types";

/**
 * Loading a snapshot's published proving artifacts from any folder (a directory, a URL, a test
 * double), each file refused unless its sha256 is the one the claim package and the manifest name.
 * No Node module is imported here: the browser entry (prover/browser.ts) loads artifacts with it.
 */

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

/** A published artifacts folder: where it is (for messages) and how to read one of its files. */
export interface ArtifactFolder {
  readonly location: string;
  read(name: string, what: string): Promise<Uint8Array>;
}

/** How a user obtains a snapshot's artifacts, worded to end an error message that says they are missing. */
export const WHERE_TO_GET_ARTIFACTS =
  "the operator publishes them in the folder artifacts/ next to the snapshot's manifest.json (on its web site or IPFS); download that folder and pass --artifacts DIR, or pass its URL";

/** The artifacts folder at an http(s) URL, read with `fetch` (the global one unless given). */
export function urlFolder(url: string, fetchImpl?: Fetch): ArtifactFolder {
  return { location: url, read: (name, what) => readUrl(urlInFolder(url, name), what, fetchImpl) };
}

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
export async function readCheckedArtifactFrom(folder: ArtifactFolder, name: ArtifactName, sources: readonly DigestSource[]): Promise<Uint8Array> {
  const expected = agreedDigest(name, sources);
  if (expected === undefined) throw new LifeboatError(`no digest for ${name}: neither ${sources.map((s) => s.source).join(" nor ") || "any document"} names it, so it cannot be checked`);
  const bytes = await folder.read(name, `proving artifact ${name}:`);
  const actual = await sha256Of(bytes);
  if (actual !== expected) {
    const source = sources.find((s) => s.digests[name] !== undefined)?.source ?? "the snapshot";
    throw new LifeboatError(
      `proving artifact ${name} at ${folder.location} has sha256 ${actual}, but ${source} names ${expected}: it is not this snapshot's ${name} (a proof made with it would be refused on chain); ${WHERE_TO_GET_ARTIFACTS}`,
    );
  }
  return bytes;
}

/** Reads `artifacts.json` of a published folder; a folder without one is not an artifacts folder. */
export async function readArtifactsIndexFrom(folder: ArtifactFolder): Promise<ArtifactsIndex> {
  let bytes: Uint8Array;
  try {
    bytes = await folder.read(ARTIFACTS_INDEX, "artifacts index");
  } catch (error) {
    throw new LifeboatError(`no proving artifacts at ${folder.location} (${(error as Error).message}); ${WHERE_TO_GET_ARTIFACTS}`);
  }
  const where = `${ARTIFACTS_INDEX} at ${folder.location}`;
  return parseArtifactsIndex(parseJsonText(new TextDecoder().decode(bytes), where), where);
}

/**
 * Loads the proving artifacts of `circuit` from a published folder, checking each file against
 * the digests of the claim package and the manifest.
 */
export async function loadProvingArtifactsFrom(folder: ArtifactFolder, circuit: string, sources: readonly DigestSource[]): Promise<ProvingArtifacts> {
  const index = await readArtifactsIndexFrom(folder);
  if (index.circuit !== circuit) {
    throw new LifeboatError(`the artifacts at ${folder.location} are for circuit ${index.circuit}, the claim is for ${circuit}; ${WHERE_TO_GET_ARTIFACTS}`);
  }
  const [wasm, zkey, vk] = (await Promise.all(PROVING_FILES.map((name) => readCheckedArtifactFrom(folder, name, sources)))) as [Uint8Array, Uint8Array, Uint8Array];
  const verificationKey = parseJsonText(new TextDecoder().decode(vk), `${ARTIFACT_FILES.verificationKey} at ${folder.location}`) as VerificationKey;
  return { circuit, wasm, zkey, verificationKey };
}

/** Loads the verification key alone (for `verify`), checked like every other artifact. */
export async function loadVerificationKeyFrom(folder: ArtifactFolder, sources: readonly DigestSource[]): Promise<VerificationKey> {
  const bytes = await readCheckedArtifactFrom(folder, ARTIFACT_FILES.verificationKey, sources);
  return parseJsonText(new TextDecoder().decode(bytes), `${ARTIFACT_FILES.verificationKey} at ${folder.location}`) as VerificationKey;
}
