import { parseWith } from "../schema/parse";
import { sha256Hex } from "../schema/primitives";
import { ARTIFACT_NAMES, artifactDigestsSchema, artifactsIndexSchema, type ArtifactDigests, type ArtifactName, type ArtifactsIndex, ARTIFACTS_INDEX } from "../schema/artifacts";

/**
 * The public proving artifacts of one snapshot's claim circuit, as the operator publishes them in
 * `artifacts/` next to the manifest (docs/protocol.md §9). A user's prover takes them as an input
 * and checks each file's sha256 against the digests the manifest and the claim package carry: a
 * prover never compiles a circuit or makes keys of its own, because keys made anywhere else are
 * keys the vault's verifier refuses. The formats are the schemas of prover/schema/artifacts.ts.
 */
export {
  ARTIFACT_FILES,
  ARTIFACT_NAMES,
  ARTIFACTS_FORMAT,
  ARTIFACTS_INDEX,
  PROVING_FILES,
  type ArtifactDigests,
  type ArtifactKind,
  type ArtifactName,
  type ArtifactsIndex,
  type CeremonyProvenance,
} from "../schema/artifacts";

/** The folder name of the artifacts inside a snapshot (or setup) output directory. */
export const ARTIFACTS_DIRECTORY = "artifacts";

/**
 * Checks that `value` is a sha256 digest (64 lower-case hex digits) and returns it; otherwise
 * throws an InputError that names `where`.
 */
export function sha256Digest(value: unknown, where: string): string {
  return parseWith(sha256Hex(), value, where);
}

/**
 * Parses a digest map (the manifest's `setup.artifacts`, a claim package's `artifacts`): keys must
 * be published file names, and every name in `required` must be present.
 */
export function parseArtifactDigests(value: unknown, where: string, required: readonly ArtifactName[]): ArtifactDigests {
  return parseWith(artifactDigestsSchema(required), value, where);
}

/**
 * Parses and validates the artifacts index (artifacts.json: format tag, circuit shape, ceremony
 * provenance and the digest of every published file); throws an InputError that names `where`
 * and the offending field.
 */
export function parseArtifactsIndex(raw: unknown, where = ARTIFACTS_INDEX): ArtifactsIndex {
  return parseWith(artifactsIndexSchema, raw, where);
}

/** The digests of an index, as the manifest records them. */
export function digestsOf(index: ArtifactsIndex): Record<ArtifactName, string> {
  return Object.fromEntries(ARTIFACT_NAMES.map((name) => [name, index.files[name].sha256])) as Record<ArtifactName, string>;
}
