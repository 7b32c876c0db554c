import { InputError } from "../../errors";
import { erc20Reader } from "./erc20";
import type { PositionReader } from "./reader";

export * from "./reader";
export { erc20Reader, TRANSFER_TOPIC, foldTransfer } from "./erc20";
export { loadReaderModule } from "./load";

/**
 * The readers Lifeboat ships: `erc20` (Transfer-log replay), which is generic. A protocol's own
 * reader is passed in next to them (`readers` of readChainInput and parseChainSourceConfig, or
 * `lifeboat snapshot --reader FILE`), never registered by editing this file.
 */
export const BUILTIN_READERS: readonly PositionReader[] = [erc20Reader];

/** Readers by kind; two readers of one kind are refused (a configuration could not say which it means). */
export function readersByKind(readers: readonly PositionReader[]): ReadonlyMap<string, PositionReader> {
  const byKind = new Map<string, PositionReader>();
  for (const reader of readers) {
    if (byKind.has(reader.kind)) throw new InputError(`two position readers share the kind ${JSON.stringify(reader.kind)}`);
    byKind.set(reader.kind, reader);
  }
  return byKind;
}
