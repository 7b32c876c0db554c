export interface BatchBackend {
  readonly name: string;
  hashBatch(arity: number, input: Uint8Array): Uint8Array;
}
export function loadNativeBackend(): BatchBackend | undefined;
export function loadWasmBackend(): Promise<BatchBackend>;
export function loadBestBackend(): Promise<BatchBackend>;
export const ADDON: string;
