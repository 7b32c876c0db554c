import { promises as fs } from "node:fs";
import path from "node:path";

import { LifeboatError } from "../errors";
import type { ClaimArtifacts } from "../setup";
import { sha256File } from "../setup/cache";
import { ARTIFACT_FILES, ARTIFACT_NAMES, ARTIFACTS_FORMAT, ARTIFACTS_INDEX, digestsOf, type ArtifactName, type ArtifactsIndex } from "./files";
import { readArtifactsIndex, readCheckedArtifact } from "./load";

/**
 * Writes the public proving artifacts of a compiled and set-up circuit into `directory` (which
 * must exist and be empty, normally inside an atomic output directory) and returns their index.
 * These files are public: the operator publishes them next to the manifest.
 */
export async function writeProvingArtifacts(directory: string, artifacts: ClaimArtifacts): Promise<ArtifactsIndex> {
  const { circuit, keys } = artifacts;
  const sources: Record<ArtifactName, string> = {
    [ARTIFACT_FILES.wasm]: circuit.wasm,
    [ARTIFACT_FILES.zkey]: keys.zkey,
    [ARTIFACT_FILES.verificationKey]: keys.verificationKeyFile,
    [ARTIFACT_FILES.verifierSource]: path.join(keys.directory, "Groth16Verifier.sol"),
    [ARTIFACT_FILES.verifierBuild]: path.join(keys.directory, "Groth16Verifier.json"),
  };
  await fs.mkdir(directory, { recursive: true });
  const files = {} as Record<ArtifactName, { sha256: string; bytes: number }>;
  for (const name of ARTIFACT_NAMES) {
    const target = path.join(directory, name);
    await fs.copyFile(sources[name], target);
    await fs.chmod(target, 0o644);
    files[name] = { sha256: await sha256File(target), bytes: (await fs.stat(target)).size };
  }
  const { provenance } = keys;
  const index: ArtifactsIndex = {
    format: ARTIFACTS_FORMAT,
    circuit: circuit.instance.id,
    depth: circuit.instance.depth,
    assets: circuit.instance.assets,
    constraints: circuit.constraints,
    publicSignals: circuit.instance.publicSignals,
    circuitDigest: circuit.sourceDigest,
    ceremony: {
      development: provenance.development,
      ptauKind: provenance.ptau.kind,
      ptauSha256: provenance.ptau.sha256,
      ptauPower: provenance.ptau.power,
      ptauSteps: provenance.ptau.steps,
      phase2: provenance.phase2,
    },
    files,
  };
  await fs.writeFile(path.join(directory, ARTIFACTS_INDEX), `${JSON.stringify(index, null, 2)}\n`, { mode: 0o644 });
  return index;
}

/**
 * Copies a published artifacts folder (made earlier by `lifeboat setup --out`) into `directory`,
 * refusing any file whose sha256 is not the one its index names, and returns the index. This is
 * how an operator pins one set of keys across setup, deploy and every snapshot.
 */
export async function copyProvingArtifacts(from: string, directory: string, circuit: string): Promise<ArtifactsIndex> {
  const index = await readArtifactsIndex(from);
  if (index.circuit !== circuit) {
    throw new LifeboatError(`the artifacts in ${from} are for circuit ${index.circuit}, but this snapshot needs ${circuit} (its depth and asset count)`);
  }
  await fs.mkdir(directory, { recursive: true });
  for (const name of ARTIFACT_NAMES) {
    const bytes = await readCheckedArtifact(from, name, [{ digests: digestsOf(index), source: `${ARTIFACTS_INDEX} in ${from}` }]);
    await fs.writeFile(path.join(directory, name), bytes, { mode: 0o644 });
  }
  await fs.writeFile(path.join(directory, ARTIFACTS_INDEX), `${JSON.stringify(index, null, 2)}\n`, { mode: 0o644 });
  return index;
}
