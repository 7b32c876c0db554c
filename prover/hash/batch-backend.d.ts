export interface BatchBackend {
  readonly name: string;
  hashBatch(arity: number, input: Uint8Array): Uint8Array;
}
export function loadNativeBackend(): BatchBackend | undefined;
export function loadWasmBackend(): Promise<BatchBackend>;
export function loadBestBackend(): Promise<BatchBackend>;
export const ADDON: string;
export interface NativeAddon {
  hashBatch(arity: number, input: Uint8Array, output: Uint8Array): void;
  qapBuild(coefficients: Uint8Array, witness: Uint8Array, domainSize: number, a: Uint8Array, b: Uint8Array, c: Uint8Array): void;
  qapJoin(a: Uint8Array, b: Uint8Array, c: Uint8Array, out: Uint8Array): void;
  /** BN254 MSM and NTT (native/poseidon/bn254.c); absent from addons built before it. */
  msmG1?(bases: Uint8Array, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
  msmG2?(bases: Uint8Array, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
  frCoset?(values: Uint8Array, root: Uint8Array, shift: Uint8Array): void;
  gIfft?(points: Uint8Array, group: number, root: Uint8Array, threads?: number): void;
}
export function loadNativeAddon(): NativeAddon | undefined;
