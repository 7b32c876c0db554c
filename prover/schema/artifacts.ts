import * as z from "zod";

import { quote } from "../errors";
import { MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH } from "../tree/constants";
import { boolean, formatTag, integer, list, oneOf, record, sha256Hex, text } from "./primitives";

/**
 * The public proving artifacts of one snapshot's claim circuit, as the operator publishes them in
 * `artifacts/` next to the manifest (docs/protocol.md §9), and the digest maps the manifest and
 * the claim packages carry.
 */

/** The `format` of artifacts.json. */
export const ARTIFACTS_FORMAT = "lifeboat.artifacts.v1";
/** The index file's name in a published artifacts folder. */
export const ARTIFACTS_INDEX = "artifacts.json";

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

/** A key of ARTIFACT_FILES (wasm, zkey, …). */
export type ArtifactKind = keyof typeof ARTIFACT_FILES;
/** A published file name (claim.wasm, …). */
export type ArtifactName = (typeof ARTIFACT_FILES)[ArtifactKind];
/** Every published file name. */
export const ARTIFACT_NAMES = Object.values(ARTIFACT_FILES) as readonly ArtifactName[];
/** What a prover needs: the claim package carries these three digests. */
export const PROVING_FILES: readonly ArtifactName[] = [ARTIFACT_FILES.wasm, ARTIFACT_FILES.zkey, ARTIFACT_FILES.verificationKey];

/** sha256 (64 lower-case hex digits) per published file name. */
export type ArtifactDigests = Readonly<Partial<Record<ArtifactName, string>>>;

/**
 * A digest map (the manifest's `setup.artifacts`, a claim package's `artifacts`): keys must be
 * published file names, and every name in `required` must be present.
 */
export function artifactDigestsSchema(required: readonly ArtifactName[]) {
  return z
    .record(z.string(), sha256Hex(), { error: (issue) => `must be a JSON object, got ${quote(issue.input)}` })
    .superRefine((map, ctx) => {
      for (const name of Object.keys(map)) {
        if (!(ARTIFACT_NAMES as readonly string[]).includes(name)) {
          ctx.addIssue({ code: "custom", message: `names an unknown artifact ${quote(name)} (known: ${ARTIFACT_NAMES.join(", ")})`, input: map });
          return;
        }
      }
      for (const name of required) {
        if (map[name] === undefined) ctx.addIssue({ code: "custom", message: `must name the sha256 of ${name}`, input: map });
      }
    })
    .transform((map) => map as ArtifactDigests);
}

const fileEntry = record({ sha256: sha256Hex(), bytes: integer(1, Number.MAX_SAFE_INTEGER) });

/** `artifacts/artifacts.json`: the index of the published files. */
export const artifactsIndexSchema = record({
  format: formatTag(ARTIFACTS_FORMAT),
  circuit: text(),
  depth: integer(MIN_DEPTH, MAX_DEPTH),
  assets: integer(MIN_ASSETS, MAX_ASSETS),
  constraints: integer(1, 2 ** 28),
  publicSignals: list(text(), "an array of strings"),
  /** Digest of the circuit sources, compiler version and flags the wasm was built from. */
  circuitDigest: text(),
  /** Where the trusted setup behind the zkey came from. */
  ceremony: record({
    /** true when the powers of tau and phase 2 were made on the operator's machine (testing only). */
    development: boolean(),
    ptauKind: oneOf(["development", "external"]),
    ptauSha256: sha256Hex(),
    ptauPower: integer(1, 28),
    ptauSteps: list(text(), "an array of strings"),
    phase2: list(text(), "an array of strings"),
  }),
  files: z
    .record(z.string(), fileEntry, { error: (issue) => `must be a JSON object, got ${quote(issue.input)}` })
    .superRefine((files, ctx) => {
      for (const name of ARTIFACT_NAMES) {
        if (files[name] === undefined) ctx.addIssue({ code: "custom", path: [name], message: `must be a JSON object, got undefined`, input: undefined });
      }
      for (const name of Object.keys(files)) {
        if (!(ARTIFACT_NAMES as readonly string[]).includes(name))
          ctx.addIssue({ code: "custom", message: `names an unknown artifact ${quote(name)}`, input: files });
      }
    })
    .transform((files) => files as Readonly<Record<ArtifactName, { readonly sha256: string; readonly bytes: number }>>),
});

/** artifacts.json, as `artifactsIndexSchema` validates it. */
export type ArtifactsIndex = z.infer<typeof artifactsIndexSchema>;
/** Where the trusted setup behind the zkey came from. */
export type CeremonyProvenance = ArtifactsIndex["ceremony"];
