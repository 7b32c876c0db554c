import { promises as fs } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { cacheRoot, claimInstance, compileCircuit, sha256File, sha256Hex, type SetupProvenance } from "../setup";
import { result, type CheckResult } from "./report";
import type { SnapshotFacts } from "./checks-snapshot";

export interface SetupFiles {
  readonly zkey?: string | undefined;
  readonly ptau?: string | undefined;
}

/**
 * Finds the zkey and ptau the manifest names: the given files, else the local artifact cache when
 * it holds keys with the manifest's zkey digest (an auditor on the operator's machine, or one who
 * copied the published files there).
 */
export async function locateSetupFiles(facts: SnapshotFacts, given: SetupFiles): Promise<SetupFiles> {
  let zkey = given.zkey;
  let ptau = given.ptau;
  if (zkey !== undefined && ptau !== undefined) return { zkey, ptau };
  const keys = path.join(cacheRoot(), "keys");
  let entries: string[] = [];
  try {
    entries = await fs.readdir(keys);
  } catch {
    // no cache
  }
  for (const entry of entries.filter((name) => name.startsWith(`${facts.manifest.circuit}-`))) {
    try {
      const provenance = JSON.parse(await fs.readFile(path.join(keys, entry, "provenance.json"), "utf8")) as SetupProvenance;
      if (provenance.zkeySha256 !== facts.manifest.setup.zkeySha256) continue;
      zkey ??= path.join(keys, entry, "circuit.zkey");
      ptau ??= provenance.ptau.file;
      break;
    } catch {
      // an entry being built, or not a key directory
    }
  }
  return { zkey, ptau };
}

/**
 * The zkey is the one the manifest names, it verifies against the circuit (compiled here from the
 * sources) and the powers of tau, and its verification key is the manifest's. A development
 * ceremony verifies too, but whoever ran it can forge proofs: that is a warning, not a pass.
 */
export async function checkSetup(facts: SnapshotFacts, files: SetupFiles, log: (line: string) => void): Promise<CheckResult> {
  const { manifest } = facts;
  const setup = manifest.setup;
  if (files.zkey === undefined) return result("setup", "fail", `the zkey the manifest names (sha256 ${setup.zkeySha256.slice(0, 16)}…) is not available: pass --zkey`);
  if (files.ptau === undefined) return result("setup", "fail", `the powers of tau the manifest names (sha256 ${setup.ptauSha256.slice(0, 16)}…) is not available: pass --ptau`);
  const problems: string[] = [];
  const zkeySha = await sha256File(files.zkey);
  if (zkeySha !== setup.zkeySha256) problems.push(`zkey ${files.zkey} has sha256 ${zkeySha}, the manifest names ${setup.zkeySha256}`);
  const ptauSha = await sha256File(files.ptau);
  if (ptauSha !== setup.ptauSha256) problems.push(`ptau ${files.ptau} has sha256 ${ptauSha}, the manifest names ${setup.ptauSha256}`);
  const circuit = await compileCircuit(claimInstance(manifest.depth, manifest.assets.length), log);
  if (circuit.instance.id !== manifest.circuit) problems.push(`the manifest's circuit is ${manifest.circuit}, its shape gives ${circuit.instance.id}`);
  if (circuit.sourceDigest !== setup.circuitDigest) problems.push(`the circuit compiled from these sources has digest ${circuit.sourceDigest}, the manifest names ${setup.circuitDigest}`);
  if (problems.length > 0) return result("setup", "fail", "the setup files are not the ones the manifest names", problems);
  const quiet = (): void => undefined;
  const verified = await snarkjs.zKey.verifyFromR1cs(circuit.r1cs, files.ptau, files.zkey, { debug: quiet, info: quiet, warn: quiet, error: log });
  if (!verified) return result("setup", "fail", "zkey verify failed: the zkey does not belong to this circuit and powers of tau");
  const verificationKey = await snarkjs.zKey.exportVerificationKey(files.zkey);
  const vkSha = sha256Hex(JSON.stringify(verificationKey, null, 2));
  if (vkSha !== setup.verificationKeySha256) return result("setup", "fail", `the zkey's verification key has sha256 ${vkSha}, the manifest names ${setup.verificationKeySha256}`);
  const details = [`circuit ${circuit.instance.id}: ${circuit.constraints} constraints`, `ptau ${setup.ptauKind}, sha256 ${ptauSha}`, `zkey sha256 ${zkeySha}`];
  if (setup.development) {
    return result("setup", "warn", "the zkey verifies, but it is the DEVELOPMENT ceremony: whoever ran it could forge proofs; production needs a public ptau and a multi-party phase 2", details);
  }
  return result("setup", "pass", `the zkey verifies against the circuit and the ${setup.ptauKind} powers of tau`, details);
}
