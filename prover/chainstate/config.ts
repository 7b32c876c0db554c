import { parseJsonText } from "../json";
import { chainSourceSchema, type ChainSourceConfig } from "../schema/chain-source";
import { parseWith } from "../schema/parse";
import { BUILTIN_READERS, readersByKind, type PositionReader } from "./readers";

/**
 * Which on-chain positions make up a snapshot: the chain, the snapshot's asset names, and the
 * sources whose balance columns add up to them (the schema is prover/schema/chain-source.ts). The
 * block is not part of it: the same configuration snapshots any block (`--block`).
 */
export { CHAIN_SOURCE_FORMAT, type ChainSourceConfig } from "../schema/chain-source";

/**
 * Parses and checks a chain-source configuration; every source must name one of `readers` (the
 * built-in `erc20` by default; pass a protocol's readers next to it).
 */
export function parseChainSourceConfig(
  text: string,
  where = "chain-source configuration",
  readers: readonly PositionReader[] = BUILTIN_READERS,
): ChainSourceConfig {
  return parseWith(chainSourceSchema(Object.fromEntries(readersByKind(readers))), parseJsonText(text, where), where);
}
