import { InputError, quote } from "../errors";
import { integer, object, text } from "../validate";
import { MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH } from "../tree/constants";

/**
 * The public proving artifacts of one snapshot's claim circuit, as the operator publishes them in
 * `artifacts/` next to the manifest (docs/protocol.md §9). A user's prover takes them as an input
 * and checks each file's sha256 against the digests the manifest and the claim package carry: a
 * prover never compiles a circuit or makes keys of its own, because keys made anywhere else are
 * keys the vault's verifier refuses.
 */
export const ARTIFACTS_FORMAT = "lifeboat.artifacts.v1";
export const ARTIFACTS_INDEX = "artifacts.json";
/** The folder name of the artifacts inside a snapshot (or setup) output directory. */
export const ARTIFACTS_DIRECTORY = "artifacts";

/** The published files, by the name they have in `artifacts/`. */
export const ARTIFACT_FILES = {
  /** circom's witness generator (WebAssembly) for the circuit. */
  wasm: "claim.wasm",
  /** The Groth16 proving key (phase 2 of the trusted setup). */
  zkey: "claim.zkey",
  /** The verification key exported from the zkey, as snarkjs writes it (JSON, 2-space indent). */
  verificationKey: "verification_key.json",
  /** The Solidity verifier exported from the zkey by snarkjs, never edited. */
  verifierSource: "Groth16Verifier.sol",
  /** That verifier compiled with the pinned solc: abi, bytecode, deployedBytecode, solcVersion. */
  verifierBuild: "Groth16Verifier.json",
} as const;

export type ArtifactKind = keyof typeof ARTIFACT_FILES;
export type ArtifactName = (typeof ARTIFACT_FILES)[ArtifactKind];
export const ARTIFACT_NAMES = Object.values(ARTIFACT_FILES) as readonly ArtifactName[];
/** What a prover needs: the claim package carries these three digests. */
export const PROVING_FILES: readonly ArtifactName[] = [ARTIFACT_FILES.wasm, ARTIFACT_FILES.zkey, ARTIFACT_FILES.verificationKey];

/** sha256 (64 lower-case hex digits) per published file name. */
export type ArtifactDigests = Readonly<Partial<Record<ArtifactName, string>>>;

/** Where the trusted setup behind the zkey came from. */
export interface CeremonyProvenance {
  /** true when the powers of tau and phase 2 were made on the operator's machine (testing only). */
  readonly development: boolean;
  readonly ptauKind: "development" | "external";
  readonly ptauSha256: string;
  readonly ptauPower: number;
  readonly ptauSteps: readonly string[];
  readonly phase2: readonly string[];
}

/** `artifacts/artifacts.json`: the index of the published files. */
export interface ArtifactsIndex {
  readonly format: typeof ARTIFACTS_FORMAT;
  readonly circuit: string;
  readonly depth: number;
  readonly assets: number;
  readonly constraints: number;
  readonly publicSignals: readonly string[];
  /** Digest of the circuit sources, compiler version and flags the wasm was built from. */
  readonly circuitDigest: string;
  readonly ceremony: CeremonyProvenance;
  readonly files: Readonly<Record<ArtifactName, { readonly sha256: string; readonly bytes: number }>>;
}

const SHA256 = /^[0-9a-f]{64}$/;

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) throw new InputError(`${where} must be an array of strings, got ${quote(value)}`);
  return value.map((entry: unknown, i) => text(entry, `${where}[${i}]`));
}

export function sha256Digest(value: unknown, where: string): string {
  if (typeof value !== "string" || !SHA256.test(value)) throw new InputError(`${where} must be a sha256 digest (64 lower-case hex digits), got ${quote(value)}`);
  return value;
}

/**
 * Parses a digest map (the manifest's `setup.artifacts`, a claim package's `artifacts`): keys must
 * be published file names, and every name in `required` must be present.
 */
export function parseArtifactDigests(value: unknown, where: string, required: readonly ArtifactName[]): ArtifactDigests {
  const map = object(value, where);
  const digests: Partial<Record<ArtifactName, string>> = {};
  for (const [name, digest] of Object.entries(map)) {
    if (!(ARTIFACT_NAMES as readonly string[]).includes(name)) {
      throw new InputError(`${where} names an unknown artifact ${quote(name)} (known: ${ARTIFACT_NAMES.join(", ")})`);
    }
    digests[name as ArtifactName] = sha256Digest(digest, `${where}["${name}"]`);
  }
  for (const name of required) {
    if (digests[name] === undefined) throw new InputError(`${where} must name the sha256 of ${name}`);
  }
  return digests;
}

export function parseArtifactsIndex(raw: unknown, where = ARTIFACTS_INDEX): ArtifactsIndex {
  const index = object(raw, where);
  if (index["format"] !== ARTIFACTS_FORMAT) throw new InputError(`${where}.format must be "${ARTIFACTS_FORMAT}", got ${quote(index["format"])}`);
  const ceremony = object(index["ceremony"], `${where}.ceremony`);
  if (typeof ceremony["development"] !== "boolean") throw new InputError(`${where}.ceremony.development must be true or false, got ${quote(ceremony["development"])}`);
  const ptauKind = ceremony["ptauKind"];
  if (ptauKind !== "development" && ptauKind !== "external") throw new InputError(`${where}.ceremony.ptauKind must be "development" or "external", got ${quote(ptauKind)}`);
  const files = object(index["files"], `${where}.files`);
  const entries = {} as Record<ArtifactName, { sha256: string; bytes: number }>;
  for (const name of ARTIFACT_NAMES) {
    const entry = object(files[name], `${where}.files["${name}"]`);
    entries[name] = {
      sha256: sha256Digest(entry["sha256"], `${where}.files["${name}"].sha256`),
      bytes: integer(entry["bytes"], `${where}.files["${name}"].bytes`, 1, Number.MAX_SAFE_INTEGER),
    };
  }
  for (const name of Object.keys(files)) {
    if (!(ARTIFACT_NAMES as readonly string[]).includes(name)) throw new InputError(`${where}.files names an unknown artifact ${quote(name)}`);
  }
  return {
    format: ARTIFACTS_FORMAT,
    circuit: text(index["circuit"], `${where}.circuit`),
    depth: integer(index["depth"], `${where}.depth`, MIN_DEPTH, MAX_DEPTH),
    assets: integer(index["assets"], `${where}.assets`, MIN_ASSETS, MAX_ASSETS),
    constraints: integer(index["constraints"], `${where}.constraints`, 1, 2 ** 28),
    publicSignals: strings(index["publicSignals"], `${where}.publicSignals`),
    circuitDigest: text(index["circuitDigest"], `${where}.circuitDigest`),
    ceremony: {
      development: ceremony["development"],
      ptauKind,
      ptauSha256: sha256Digest(ceremony["ptauSha256"], `${where}.ceremony.ptauSha256`),
      ptauPower: integer(ceremony["ptauPower"], `${where}.ceremony.ptauPower`, 1, 28),
      ptauSteps: strings(ceremony["ptauSteps"], `${where}.ceremony.ptauSteps`),
      phase2: strings(ceremony["phase2"], `${where}.ceremony.phase2`),
    },
    files: entries,
  };
}

/** The digests of an index, as the manifest records them. */
export function digestsOf(index: ArtifactsIndex): Record<ArtifactName, string> {
  return Object.fromEntries(ARTIFACT_NAMES.map((name) => [name, index.files[name].sha256])) as Record<ArtifactName, string>;
}
