export interface WasmPoseidon {
  readonly name: string;
  hashBatch(arity: number, input: Uint8Array): Uint8Array;
}
export function createWasmPoseidon(): Promise<WasmPoseidon>;
export function firstNonCanonical(input: Uint8Array): number;
export const ELEMENT_BYTES: number;
