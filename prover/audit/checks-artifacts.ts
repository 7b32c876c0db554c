import { promises as fs } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { ARTIFACT_FILES, ARTIFACT_NAMES, digestsOf, type ArtifactName } from "../artifacts/files";
import { readArtifactsIndex } from "../artifacts/load";
import { sha256Of } from "../artifacts/read";
import { verifierSourceOf } from "../artifacts/verifier";
import { compileSolidity } from "../setup/solidity";
import { SNAPSHOT_FILES } from "../snapshot/write";
import { result, type CheckResult } from "./report";
import type { SnapshotFacts } from "./checks-snapshot";

/** The artifacts folder an audit reads: the one given, else artifacts/ in the snapshot directory. */
export function artifactsFolder(facts: SnapshotFacts, given: string | undefined): string {
  return given ?? path.join(facts.directory, SNAPSHOT_FILES.artifacts);
}

/**
 * The published proving artifacts are the manifest's and agree with each other: every file has
 * the sha256 the manifest names (and artifacts.json lists); the verification key is the one the
 * zkey holds; the Solidity verifier is snarkjs's export for that key; its compiled form is what the
 * pinned solc makes of it. With the setup check (the zkey belongs to the circuit and the ptau) and
 * the verifier check (the chain runs this compiled verifier), users' proofs are the chain's.
 */
export async function checkArtifacts(facts: SnapshotFacts, folder: string): Promise<CheckResult> {
  const { manifest } = facts;
  const problems: string[] = [];
  let index;
  try {
    index = await readArtifactsIndex(folder);
  } catch (error) {
    return result("artifacts", "fail", (error as Error).message.split(";")[0] ?? "no artifacts index");
  }
  if (index.circuit !== manifest.circuit) problems.push(`artifacts.json is for circuit ${index.circuit}, the manifest for ${manifest.circuit}`);
  if (index.circuitDigest !== manifest.setup.circuitDigest)
    problems.push(`artifacts.json names circuit digest ${index.circuitDigest}, the manifest ${manifest.setup.circuitDigest}`);
  if (index.ceremony.ptauSha256 !== manifest.setup.ptauSha256)
    problems.push(`artifacts.json names ptau sha256 ${index.ceremony.ptauSha256}, the manifest ${manifest.setup.ptauSha256}`);
  if (index.ceremony.development !== manifest.setup.development)
    problems.push(`artifacts.json says development=${index.ceremony.development}, the manifest ${manifest.setup.development}`);
  const listed = digestsOf(index);
  const bytes = {} as Record<ArtifactName, Uint8Array>;
  for (const name of ARTIFACT_NAMES) {
    const expected = manifest.setup.artifacts[name];
    if (listed[name] !== expected) problems.push(`artifacts.json lists ${name} with sha256 ${listed[name]}, the manifest names ${expected ?? "nothing"}`);
    try {
      bytes[name] = new Uint8Array(await fs.readFile(path.join(folder, name)));
    } catch {
      problems.push(`${name} is missing from ${folder}`);
      continue;
    }
    const actual = await sha256Of(bytes[name]);
    if (actual !== expected) problems.push(`${name} has sha256 ${actual}, the manifest names ${expected ?? "nothing"}`);
  }
  if (problems.length > 0) return result("artifacts", "fail", "the published artifacts are not the ones the manifest names", problems);

  const zkey = path.join(folder, ARTIFACT_FILES.zkey);
  const verificationKey = await snarkjs.zKey.exportVerificationKey(zkey);
  const decode = (name: ArtifactName): string => new TextDecoder().decode(bytes[name]);
  if (decode(ARTIFACT_FILES.verificationKey) !== JSON.stringify(verificationKey, null, 2)) {
    problems.push(`${ARTIFACT_FILES.verificationKey} is not the verification key exported from ${ARTIFACT_FILES.zkey}`);
  }
  const source = await verifierSourceOf(verificationKey);
  if (decode(ARTIFACT_FILES.verifierSource) !== source)
    problems.push(`${ARTIFACT_FILES.verifierSource} is not snarkjs's verifier for the zkey's verification key`);
  const compiled = compileSolidity("Groth16Verifier.sol", source, "Groth16Verifier");
  const published = JSON.parse(decode(ARTIFACT_FILES.verifierBuild)) as { bytecode?: string; deployedBytecode?: string };
  if (
    published.deployedBytecode?.toLowerCase() !== compiled.deployedBytecode.toLowerCase() ||
    published.bytecode?.toLowerCase() !== compiled.bytecode.toLowerCase()
  ) {
    problems.push(`${ARTIFACT_FILES.verifierBuild} is not what solc ${compiled.solcVersion} makes of the verifier source`);
  }
  if (problems.length > 0) return result("artifacts", "fail", "the published artifacts do not agree with each other", problems);
  return result(
    "artifacts",
    "pass",
    `the ${ARTIFACT_NAMES.length} published files are the manifest's; the verification key, verifier source and compiled verifier all derive from the zkey`,
    [`folder: ${folder}`, ...ARTIFACT_NAMES.map((name) => `${name}: ${bytes[name].length} bytes, sha256 ${manifest.setup.artifacts[name]}`)],
  );
}
