/** Messages between the page and the proving worker (portal/src/prove-worker.ts). */

export interface ArtifactRequest {
  readonly name: string;
  readonly url: string;
  /** sha256 the file must have (64 lower-case hex digits): the package's and the manifest's. */
  readonly sha256: string;
}

/** The three proving files, where to get them and the digests they must have. */
export interface ProvingFiles {
  readonly wasm: ArtifactRequest;
  readonly zkey: ArtifactRequest;
  readonly verificationKey: ArtifactRequest;
}

/**
 * Get ready to prove with these files: download them, check their sha256, load the curve. The
 * worker keeps what it prepared (one set of files) for the proofs that follow; a `prove` with the
 * same files waits for this preparation instead of starting another.
 */
export interface PrepareRequest extends ProvingFiles {
  readonly type: "prepare";
  readonly id: number;
}

export interface ProveRequest extends ProvingFiles {
  readonly type: "prove";
  readonly id: number;
  /** The circuit input, every number as a decimal string. */
  readonly input: Record<string, string | string[] | string[][]>;
}

export type WorkerRequest = PrepareRequest | ProveRequest;

/** Where a proof's time went, in milliseconds (measured in the worker). */
export interface ProofTimings {
  /** Downloading and checking the three files, in the preparation this proof used. */
  readonly downloadMs: number;
  /** From the request to the prover being ready: download, sha256, curve (0 when already prepared). */
  readonly prepareMs: number;
  /** circom's witness generator (WebAssembly). */
  readonly witnessMs: number;
  /** The Groth16 prover (WasmGroth16Prover). */
  readonly groth16Ms: number;
  /** The local check of the proof against the verification key. */
  readonly verifyMs: number;
  /** witnessMs + groth16Ms + verifyMs: the proof proper, what the page reports. */
  readonly proveMs: number;
}

export type WorkerMessage =
  | { readonly type: "progress"; readonly id: number; readonly step: string; readonly done?: number; readonly total?: number }
  | { readonly type: "prepared"; readonly id: number; readonly downloadedBytes: number; readonly downloadMs: number; readonly prepareMs: number }
  | ({
      readonly type: "proved";
      readonly id: number;
      readonly proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string };
      readonly publicSignals: string[];
      readonly downloadedBytes: number;
    } & ProofTimings)
  | { readonly type: "failed"; readonly id: number; readonly message: string };
