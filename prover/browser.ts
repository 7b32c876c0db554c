/**
 * The claim proof path for browsers and Web Workers: open a claim package, check it against the
 * snapshot's manifest, load the published proving artifacts over http(s) (each file's sha256
 * checked), prove in WebAssembly (snarkjs's mathematics and curve code), and format the vault's `claim` / `claimTo` calldata.
 *
 * Nothing reachable from this module imports a Node built-in, relies on `Buffer`, or loads the
 * native addon; it needs only `fetch`, WebCrypto, WebAssembly and BigInt, and touches no DOM, so
 * it runs in a page, a Web Worker or Node alike (test/library/browser-bundle.test.ts bundles it
 * with esbuild for the browser and proves a claim with the bundle).
 *
 * Hashing: this entry hashes with `poseidonJs`, circomlib's Poseidon in plain TypeScript (a claim
 * needs depth + 2 hashes, about 1 ms each). The Node entries hash with the native addon (else
 * WebAssembly), chosen by prover/hash/batch-backend.js; that module is never imported from here,
 * so a bundler has nothing to exclude. A caller with a faster `Hash` may pass it (`options.hash`).
 * The backend is chosen by the entry point, not by sniffing the runtime.
 *
 * Example (in a Web Worker):
 * ```ts
 * import { parseClaimPackage, parseManifest, loadArtifacts, proveClaimInBrowser, encodeClaimCall } from "lifeboat/browser";
 * const claim = parseClaimPackage(await (await fetch(claimUrl)).json());
 * const manifest = parseManifest(await (await fetch(`${snapshotUrl}/manifest.json`)).json());
 * const artifacts = await loadArtifacts({ url: `${snapshotUrl}/artifacts/`, claim, manifest });
 * const proof = await proveClaimInBrowser({ claim, manifest, artifacts, target: { chainId: 1n, vault, snapshotId: 1n } });
 * const { data } = encodeClaimCall(proof); // send to the vault from the claimant's wallet
 * ```
 */
import { Interface } from "ethers";

import { loadProvingArtifactsFrom, urlFolder, type DigestSource, type ProvingArtifacts } from "./artifacts/checked";
import type { Fetch } from "./artifacts/url";
import { poseidonJs } from "./hash/poseidon-js";
import { checkClaimAgainstManifest } from "./proof/against-manifest";
import { proveClaim } from "./proof/claim";
import type { ClaimTarget } from "./proof/context";
import type { ProofFile } from "./proof/proof-file";
import { WasmClaimProver } from "./proof/wasm-prover";
import type { ClaimPackage, Manifest } from "./snapshot/formats";
import type { Hash } from "./tree/encoding";

export { parseClaimPackage, parseManifest, CLAIM_FORMAT, MANIFEST_FORMAT, type ClaimPackage, type Manifest } from "./snapshot/formats";
export { parseProofFile, toCalldata, PROOF_FORMAT, type ClaimCalldata, type ProofFile } from "./proof/proof-file";
export { claimContext, CONTEXT_TAG, type ClaimTarget } from "./proof/context";
export { checkClaimAgainstManifest, claimCircuitId } from "./proof/against-manifest";
export { checkClaimPackage, claimCircuitInput, type ClaimCircuitInput } from "./proof/witness";
export { verifyProofFile, type VerifyOutcome } from "./proof/claim";
export { SnarkjsClaimProver, type ClaimCircuitProver, type Groth16Result } from "./proof/snarkjs-prover";
export { WasmClaimProver } from "./proof/wasm-prover";
export { releaseMsmThreads } from "./proof/wasm-msm";
export { urlFolder, loadProvingArtifactsFrom, type ArtifactFolder, type DigestSource, type ProvingArtifacts } from "./artifacts/checked";
export { sha256Of, type Fetch } from "./artifacts/url";
export { ARTIFACT_FILES } from "./artifacts/files";
export { poseidonJs } from "./hash/poseidon-js";
export { LifeboatError, InputError } from "./errors";
export type { Hash } from "./tree/encoding";

/** The Poseidon this entry hashes with unless given another: `poseidonJs` (plain TypeScript). */
export const browserHash: Hash = poseidonJs;

/** Where and how to load the proving artifacts of a claim. */
export interface LoadArtifactsOptions {
  /** The snapshot's published `artifacts/` folder, as an http(s) URL (or a path the page can fetch). */
  readonly url: string;
  /** The claim package: its circuit and artifact digests. */
  readonly claim: ClaimPackage;
  /** The snapshot's manifest, whose digests must agree with the package's (strongly advised). */
  readonly manifest?: Manifest | undefined;
  /** The `fetch` to use (default: the global one). */
  readonly fetch?: Fetch | undefined;
}

/**
 * Downloads `artifacts.json`, the witness generator, the zkey and the verification key from the
 * published folder and refuses any file whose sha256 is not the one the claim package (and the
 * manifest, when given) names. Relative URLs are resolved against `location` when there is one.
 */
export async function loadArtifacts(options: LoadArtifactsOptions): Promise<ProvingArtifacts> {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const url = base === undefined ? options.url : new URL(options.url, base).toString();
  const sources: DigestSource[] = [{ digests: options.claim.artifacts, source: "the claim package" }];
  if (options.manifest !== undefined) sources.push({ digests: options.manifest.setup.artifacts, source: "the manifest" });
  return loadProvingArtifactsFrom(urlFolder(url, options.fetch), options.claim.circuit, sources);
}

/** What `proveClaimInBrowser` takes. */
export interface ProveInBrowserOptions {
  readonly claim: ClaimPackage;
  /** Chain id, vault address and the vault's snapshot id: the proof is valid there only. */
  readonly target: ClaimTarget;
  /** From `loadArtifacts` (already checked against the package's and the manifest's digests). */
  readonly artifacts: ProvingArtifacts;
  /** The manifest to check the package against (same circuit, assets, root, totals, digests). */
  readonly manifest?: Manifest | undefined;
  /** The Poseidon to use (default `browserHash`). */
  readonly hash?: Hash | undefined;
}

/** The prover of each set of artifacts proved with so far, so that later proofs reuse the parsed zkey. */
const provers = new WeakMap<ProvingArtifacts, Promise<WasmClaimProver>>();

function proverFor(artifacts: ProvingArtifacts): Promise<WasmClaimProver> {
  let prover = provers.get(artifacts);
  if (prover === undefined) {
    prover = WasmClaimProver.load(artifacts);
    provers.set(artifacts, prover);
    prover.catch(() => provers.delete(artifacts));
  }
  return prover;
}

/**
 * Checks the package (against the manifest when given), computes the witness, proves in
 * WebAssembly (`WasmClaimProver`: snarkjs's mathematics, the zkey parsed once per `artifacts`
 * object), verifies the proof with the verification key, and returns the proof file: the same
 * `lifeboat.proof.v1` object `lifeboat prove` writes, with the same public signals.
 */
export async function proveClaimInBrowser(options: ProveInBrowserOptions): Promise<ProofFile> {
  const hash = options.hash ?? browserHash;
  const { claim, manifest } = options;
  if (manifest !== undefined) checkClaimAgainstManifest(hash, claim, manifest);
  return proveClaim({
    claim,
    target: options.target,
    hash,
    prover: await proverFor(options.artifacts),
    expected: manifest === undefined ? undefined : { root: manifest.root, totals: manifest.totals, source: "manifest" },
  });
}

/** The vault's two claim functions, as RecoveryVault declares them. */
export const CLAIM_ABI = [
  "function claim(uint256 snapshotId, uint256[2] pA, uint256[2][2] pB, uint256[2] pC, uint256[] pubSignals)",
  "function claimTo(uint256 snapshotId, uint256[2] pA, uint256[2][2] pB, uint256[2] pC, uint256[] pubSignals, address recipient)",
] as const;

/** A ready-to-send call of the vault: function name, arguments, and the encoded calldata. */
export interface ClaimCall {
  readonly to: string;
  readonly functionName: "claim" | "claimTo";
  readonly args: readonly unknown[];
  /** 0x-prefixed ABI-encoded calldata. */
  readonly data: string;
}

/**
 * The transaction that redeems a proof: `claim(snapshotId, pA, pB, pC, pubSignals)` paying the
 * account itself, or, with `recipient`, `claimTo(…, recipient)`, which only the account may send.
 */
export function encodeClaimCall(proof: ProofFile, recipient?: string): ClaimCall {
  const { pA, pB, pC, pubSignals } = proof.calldata;
  const base = [proof.snapshotId, pA, pB, pC, pubSignals] as const;
  const functionName = recipient === undefined ? "claim" : "claimTo";
  const args = recipient === undefined ? [...base] : [...base, recipient];
  return { to: proof.vault, functionName, args, data: new Interface(CLAIM_ABI).encodeFunctionData(functionName, args) };
}
