import { InputError, quote } from "../errors";
import { parseJsonText } from "../json";
import { parseSourceSpec } from "../snapshot/formats";
import { MAX_ASSETS, MIN_ASSETS } from "../tree/constants";
import { BUILTIN_READERS, readersByKind, type PositionReader, type SourceSpec } from "./readers";

export const CHAIN_SOURCE_FORMAT = "lifeboat.chain-source.v1";

/**
 * Which on-chain positions make up a snapshot: the chain, the snapshot's asset names, and the
 * sources whose balance columns add up to them. The block is not part of it: the same
 * configuration snapshots any block (`--block`).
 */
export interface ChainSourceConfig {
  readonly format: typeof CHAIN_SOURCE_FORMAT;
  readonly chainId: string;
  readonly assets: readonly string[];
  readonly sources: readonly SourceSpec[];
}

const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/**
 * Parses and checks a chain-source configuration; every source must name one of `readers` (the
 * built-in `erc20` by default; pass a protocol's readers next to it).
 */
export function parseChainSourceConfig(text: string, where = "chain-source configuration", readers: readonly PositionReader[] = BUILTIN_READERS): ChainSourceConfig {
  const known = readersByKind(readers);
  const raw = parseJsonText(text, where);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InputError(`${where} must be a JSON object`);
  const c = raw as Record<string, unknown>;
  if (c["format"] !== CHAIN_SOURCE_FORMAT) throw new InputError(`${where}.format must be "${CHAIN_SOURCE_FORMAT}", got ${quote(c["format"])}`);
  const chainId = c["chainId"];
  if (typeof chainId !== "string" || !/^[1-9][0-9]*$/.test(chainId)) throw new InputError(`${where}.chainId must be a decimal string, got ${quote(chainId)}`);
  const assets = c["assets"];
  if (!Array.isArray(assets) || assets.length < MIN_ASSETS || assets.length > MAX_ASSETS) {
    throw new InputError(`${where}.assets must list ${MIN_ASSETS} to ${MAX_ASSETS} asset names, got ${quote(assets)}`);
  }
  assets.forEach((name: unknown, i) => {
    if (typeof name !== "string" || !ASSET_NAME.test(name)) throw new InputError(`${where}.assets[${i}] must be 1-32 letters, digits, "_", "." or "-", got ${quote(name)}`);
    // Unique case-insensitively, as in a balances file (docs/protocol.md §7.1): the canonical file must parse.
    if (assets.findIndex((other: unknown) => typeof other === "string" && other.toLowerCase() === name.toLowerCase()) !== i) {
      throw new InputError(`${where}.assets[${i}]: ${quote(name)} appears twice (asset names compare case-insensitively)`);
    }
  });
  const sources = c["sources"];
  if (!Array.isArray(sources) || sources.length === 0) throw new InputError(`${where}.sources must be a non-empty array`);
  const specs = sources.map((entry: unknown, i): SourceSpec => {
    const at = `${where}.sources[${i}]`;
    const spec = parseSourceSpec(entry, at);
    const reader = known.get(spec.reader);
    if (reader === undefined) throw new InputError(`${at}.reader must be one of ${[...known.keys()].join(", ")} (the readers given), got ${quote(spec.reader)}`);
    if (spec.assets.length !== reader.columns) {
      throw new InputError(`${at}.assets must name ${reader.columns} snapshot asset(s), one per ${reader.kind} balance column, got ${quote(spec.assets)}`);
    }
    spec.assets.forEach((name, j) => {
      if (!assets.includes(name)) throw new InputError(`${at}.assets[${j}] must be one of the snapshot's assets (${assets.join(", ")}), got ${quote(name)}`);
    });
    return spec;
  });
  const seen = new Set<string>();
  specs.forEach((spec, i) => {
    const key = `${spec.reader}:${spec.address}`;
    if (seen.has(key)) throw new InputError(`${where}.sources[${i}]: ${spec.reader} ${spec.address} is listed twice (its balances would count twice)`);
    seen.add(key);
  });
  return { format: CHAIN_SOURCE_FORMAT, chainId, assets: assets as string[], sources: specs };
}
