import { parseJsonText } from "../json";
import { chainSourceSchema, type ChainSourceConfig, type ReaderShape } from "../schema/chain-source";
import { parseWith } from "../schema/parse";
import { READERS } from "./readers";

/**
 * Which on-chain positions make up a snapshot: the chain, the snapshot's asset names, and the
 * sources whose balance columns add up to them (the schema is prover/schema/chain-source.ts).
 */
export { CHAIN_SOURCE_FORMAT, type ChainSourceConfig } from "../schema/chain-source";

/** Parses a chain-source configuration file; each source must name one of `readers` (default: READERS). */
export function parseChainSourceConfig(text: string, where = "chain-source configuration", readers: Readonly<Record<string, ReaderShape>> = READERS): ChainSourceConfig {
  return parseWith(chainSourceSchema(readers), parseJsonText(text, where), where);
}
