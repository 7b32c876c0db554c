import type { Provider } from "ethers";

import { ARTIFACT_FILES } from "../artifacts/files";
import { readArtifactsIndex, readCheckedArtifact, type DigestSource } from "../artifacts/load";
import { sameCode, verifierOf } from "../artifacts/verifier";
import { InputError, LifeboatError } from "../errors";
import { parseJsonText } from "../json";
import { digestsOf, type ArtifactsIndex } from "../artifacts/files";
import type { CompiledContract } from "../setup/solidity";
import type { VerificationKey } from "../proof/groth16-types";

/** A compiled Groth16 verifier and the circuit it verifies. */
export interface VerifierBuild {
  readonly circuit: string;
  readonly build: CompiledContract;
}

/** A published verifier with the index of the folder it came from. */
export interface PublishedVerifier extends VerifierBuild {
  readonly index: ArtifactsIndex;
}

function parseVerifierBuild(bytes: Uint8Array, where: string): CompiledContract {
  const raw = parseJsonText(new TextDecoder().decode(bytes), where) as Record<string, unknown>;
  for (const field of ["bytecode", "deployedBytecode"] as const) {
    if (typeof raw[field] !== "string" || !/^0x([0-9a-fA-F]{2})+$/.test(raw[field] as string))
      throw new InputError(`${where}.${field} must be 0x-prefixed hex bytecode`);
  }
  if (!Array.isArray(raw["abi"])) throw new InputError(`${where}.abi must be an array`);
  return raw as unknown as CompiledContract;
}

/**
 * The verifier of a published artifacts folder: Groth16Verifier.json, checked against the given
 * digests (the manifest's), or against the folder's own index when the operator deploys its own
 * files before any manifest exists.
 */
export async function readPublishedVerifier(location: string, sources?: readonly DigestSource[]): Promise<PublishedVerifier> {
  const index = await readArtifactsIndex(location);
  const checks = sources ?? [{ digests: digestsOf(index), source: `artifacts.json in ${location}` }];
  const bytes = await readCheckedArtifact(location, ARTIFACT_FILES.verifierBuild, checks);
  return { circuit: index.circuit, build: parseVerifierBuild(bytes, `${ARTIFACT_FILES.verifierBuild} at ${location}`), index };
}

/**
 * Refuses unless the runtime code at `address` is exactly `deployedBytecode`: a verifier for other
 * keys would refuse every proof made with the published ones (or accept proofs made with keys
 * somebody else holds).
 */
export async function assertVerifierCode(provider: Provider, address: string, deployedBytecode: string, what: string): Promise<void> {
  const code = await provider.getCode(address);
  if (code === "0x") throw new LifeboatError(`there is no contract at the verifier ${address}`);
  if (!sameCode(code, deployedBytecode)) {
    throw new LifeboatError(
      `the verifier at ${address} is not ${what}: its code (${(code.length - 2) / 2} bytes) differs from the expected (${(deployedBytecode.length - 2) / 2} bytes)`,
    );
  }
}

/**
 * A user's check that the chain's verifier accepts the proofs their published verification key
 * makes: the verifier is rebuilt from the key (snarkjs's template, the pinned solc) and its runtime
 * code must be exactly what is at `address`.
 */
export async function assertVerifierOfKey(provider: Provider, address: string, verificationKey: VerificationKey, circuit: string): Promise<void> {
  await assertVerifierCode(
    provider,
    address,
    (await verifierOf(verificationKey)).deployedBytecode,
    `the verifier of your package's verification key (${circuit})`,
  );
}
