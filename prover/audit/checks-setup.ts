import { promises as fs } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { ARTIFACT_FILES } from "../artifacts/files";
import { cacheRoot, claimInstance, compileCircuit, sha256File, type PtauProvenance } from "../setup";
import { result, type CheckResult } from "./report";
import { ptauForVerification } from "../setup/ptau-source";
import type { SnapshotFacts } from "./checks-snapshot";

/**
 * The powers of tau the manifest names: the given file, else a development ptau in the local
 * cache with the manifest's digest (an auditor on the operator's machine, or one who copied it).
 */
export async function locatePtau(facts: SnapshotFacts, given: string | undefined): Promise<string | undefined> {
  if (given !== undefined) return given;
  const directory = path.join(cacheRoot(), "ptau");
  let entries: string[];
  try {
    entries = await fs.readdir(directory);
  } catch {
    return undefined;
  }
  for (const entry of entries.filter((name) => name.endsWith(".ptau.json"))) {
    try {
      const provenance = JSON.parse(await fs.readFile(path.join(directory, entry), "utf8")) as PtauProvenance;
      if (provenance.sha256 === facts.manifest.setup.ptauSha256) return provenance.file;
    } catch {
      // being written, or not ours
    }
  }
  return undefined;
}

/**
 * The published zkey verifies against the circuit compiled here from the sources and the powers of
 * tau, and the published witness generator is the one those sources compile to. A development
 * ceremony verifies too, but whoever ran it can forge proofs: that is a warning, not a pass.
 */
export async function checkSetup(facts: SnapshotFacts, artifacts: string, ptau: string | undefined, log: (line: string) => void): Promise<CheckResult> {
  const { manifest } = facts;
  const setup = manifest.setup;
  if (ptau === undefined)
    return result("setup", "fail", `the powers of tau the manifest names (sha256 ${setup.ptauSha256.slice(0, 16)}…) is not available: pass --ptau`);
  const zkey = path.join(artifacts, ARTIFACT_FILES.zkey);
  const problems: string[] = [];
  const zkeySha = await sha256File(zkey).catch(() => "missing");
  if (zkeySha !== setup.artifacts[ARTIFACT_FILES.zkey])
    problems.push(`${zkey} has sha256 ${zkeySha}, the manifest names ${setup.artifacts[ARTIFACT_FILES.zkey]}`);
  const ptauBytes = await ptauForVerification(ptau);
  const ptauSha = await ptauBytes.sha256();
  if (ptauSha !== setup.ptauSha256) problems.push(`ptau ${ptau} has sha256 ${ptauSha}, the manifest names ${setup.ptauSha256}`);
  const circuit = await compileCircuit(claimInstance(manifest.depth, manifest.assets.length), log);
  if (circuit.instance.id !== manifest.circuit) problems.push(`the manifest's circuit is ${manifest.circuit}, its shape gives ${circuit.instance.id}`);
  if (circuit.sourceDigest !== setup.circuitDigest)
    problems.push(`the circuit compiled from these sources has digest ${circuit.sourceDigest}, the manifest names ${setup.circuitDigest}`);
  const wasmSha = await sha256File(circuit.wasm);
  if (wasmSha !== setup.artifacts[ARTIFACT_FILES.wasm])
    problems.push(`the witness generator compiled from these sources has sha256 ${wasmSha}, the manifest names ${setup.artifacts[ARTIFACT_FILES.wasm]}`);
  if (problems.length > 0) return result("setup", "fail", "the setup files are not the ones the manifest names", problems);
  const quiet = (): void => undefined;
  const verified = await snarkjs.zKey.verifyFromR1cs(circuit.r1cs, ptauBytes.source, zkey, {
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: log,
  });
  if (!verified) return result("setup", "fail", "zkey verify failed: the zkey does not belong to this circuit and powers of tau");
  const details = [
    `circuit ${circuit.instance.id}: ${circuit.constraints} constraints, witness generator sha256 ${wasmSha}`,
    `ptau ${setup.ptauKind}, sha256 ${ptauSha}`,
    `zkey sha256 ${zkeySha}`,
  ];
  if (setup.development) {
    return result(
      "setup",
      "warn",
      "the zkey verifies, but it is the DEVELOPMENT ceremony: whoever ran it could forge proofs; production needs a public ptau and a multi-party phase 2",
      details,
    );
  }
  return result("setup", "pass", `the zkey verifies against the circuit and the ${setup.ptauKind} powers of tau`, details);
}
