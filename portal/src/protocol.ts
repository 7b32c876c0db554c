/** Messages between the page and the proving worker (portal/src/prove-worker.ts). */

export interface ArtifactRequest {
  readonly name: string;
  readonly url: string;
  /** sha256 the file must have (64 lower-case hex digits): the package's and the manifest's. */
  readonly sha256: string;
}

export interface ProveRequest {
  readonly type: "prove";
  /** The circuit input, every number as a decimal string. */
  readonly input: Record<string, string | string[] | string[][]>;
  readonly wasm: ArtifactRequest;
  readonly zkey: ArtifactRequest;
  readonly verificationKey: ArtifactRequest;
}

export type WorkerMessage =
  | { readonly type: "progress"; readonly step: string; readonly done?: number; readonly total?: number }
  | {
      readonly type: "proved";
      readonly proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string };
      readonly publicSignals: string[];
      readonly downloadedBytes: number;
      readonly downloadMs: number;
      readonly proveMs: number;
    }
  | { readonly type: "failed"; readonly message: string };
