import { getAddress, isAddress } from "ethers";

import { InputError, quote } from "../errors";
import { LANE_LIMIT, MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH } from "../tree/constants";
import { SNARK_SCALAR_FIELD } from "../hash/field";
import { integer, object, text } from "../validate";
import { ARTIFACT_NAMES, PROVING_FILES, parseArtifactDigests, sha256Digest, type ArtifactDigests } from "../artifacts/files";

/**
 * The files a snapshot produces, with validators for reading them back. Everything read from disk
 * is untrusted: the validators name the file, the field and the value they refuse.
 */

export const MANIFEST_FORMAT = "lifeboat.manifest.v1";
export const CLAIM_FORMAT = "lifeboat.claim.v1";
export const TREE_FORMAT = "lifeboat.tree.v1";

/** Public: what the operator publishes and proposes on chain. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly circuit: string;
  readonly depth: number;
  readonly assets: readonly string[];
  readonly leafCount: number;
  /** Decimal field elements and integers: JSON numbers cannot hold them. */
  readonly root: string;
  readonly totals: readonly string[];
  /** sha256 of the input as read (the balances file, or the canonical file read from chain). */
  readonly inputDigest: string;
  readonly source: SnapshotSource;
  readonly exclusions: {
    readonly digest: string;
    readonly accounts: readonly { readonly account: string; readonly balances: readonly string[] }[];
    readonly notFound: readonly string[];
  };
  /** Accounts of the input left out because every balance is zero after adjustments and exclusions. */
  readonly zeroAccounts: number;
  readonly adjustments: {
    readonly digest: string;
    readonly entries: readonly AdjustmentEntry[];
  };
  readonly seedCommitment: string;
  readonly setup: SetupSummary;
}

/** A manual correction as published: delta is signed ("+5", "-3"). */
export interface AdjustmentEntry {
  readonly account: string;
  readonly asset: string;
  readonly delta: string;
  readonly reason: string;
}

/** One position source of a chain snapshot (see prover/chainstate/readers). */
export interface SourceSpec {
  /** The reader's kind: "erc20", "demo-lending-pool", or one a protocol registers. */
  readonly reader: string;
  /** The contract read (token, pool), checksummed. */
  readonly address: string;
  /** First block with an event of this contract (its deployment block); logs are read from here. */
  readonly fromBlock: number;
  /** The snapshot asset each of the reader's balance columns adds to, in the reader's column order. */
  readonly assets: readonly string[];
}

export type SnapshotSource =
  | { readonly kind: "file"; readonly format: "csv" | "json" }
  | {
      readonly kind: "chain";
      readonly chainId: string;
      readonly block: number;
      readonly blockHash: string;
      readonly sources: readonly SourceSpec[];
    };

/** The manifest's account of the proving system: where the keys came from and their digests. */
export interface SetupSummary {
  readonly development: boolean;
  readonly warning?: string;
  readonly circuitDigest: string;
  readonly constraints: number;
  readonly ptauKind: string;
  readonly ptauSha256: string;
  /** sha256 of every published file in artifacts/ (docs/protocol.md §9): the anchor provers check. */
  readonly artifacts: ArtifactDigests;
}

export interface ClaimPathStep {
  readonly siblingHash: string;
  readonly siblingSums: readonly string[];
}

/** Private to one user: everything that user needs to prove, naming no other account. */
export interface ClaimPackage {
  readonly format: typeof CLAIM_FORMAT;
  readonly circuit: string;
  readonly depth: number;
  readonly assets: readonly string[];
  readonly root: string;
  readonly totals: readonly string[];
  readonly account: string;
  readonly salt: string;
  readonly balances: readonly string[];
  readonly leafIndex: number;
  /** Bottom-up; step h is the sibling at height h. Left/right comes from bit h of leafIndex. */
  readonly path: readonly ClaimPathStep[];
  /** sha256 of the proving files (wasm, zkey, verification key), copied from the manifest. */
  readonly artifacts: ArtifactDigests;
}

/** First line of the auditors' tree file; each further line is a TreeLeafLine. */
export interface TreeHeader {
  readonly format: typeof TREE_FORMAT;
  readonly depth: number;
  readonly assets: readonly string[];
  readonly leafCount: number;
  readonly root: string;
  readonly totals: readonly string[];
}

export interface TreeLeafLine {
  readonly index: number;
  readonly account: string;
  readonly salt: string;
  readonly balances: readonly string[];
  readonly leafHash: string;
}

// ---- validators -------------------------------------------------------------------------------

/** A decimal string of an integer in [0, limit). */
export function decimal(value: unknown, where: string, limit: bigint): string {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new InputError(`${where} must be a decimal integer string, got ${quote(value)}`);
  }
  if (BigInt(value) >= limit) throw new InputError(`${where} must be below ${limit}, got ${value}`);
  return value;
}

function decimals(value: unknown, where: string, length: number, limit: bigint): string[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new InputError(`${where} must be an array of ${length} decimal strings, got ${quote(value)}`);
  }
  return value.map((entry: unknown, i) => decimal(entry, `${where}[${i}]`, limit));
}

export function address(value: unknown, where: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value) || !isAddress(value)) {
    throw new InputError(`${where} must be a checksummed 20-byte address, got ${quote(value)}`);
  }
  return getAddress(value);
}

function assetList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length < MIN_ASSETS || value.length > MAX_ASSETS) {
    throw new InputError(`${where} must list ${MIN_ASSETS} to ${MAX_ASSETS} assets, got ${quote(value)}`);
  }
  return value.map((entry: unknown, i) => text(entry, `${where}[${i}]`));
}

function format(value: unknown, expected: string, where: string): void {
  if (value !== expected) throw new InputError(`${where}.format must be "${expected}", got ${quote(value)}`);
}

export function parseManifest(raw: unknown, where = "manifest"): Manifest {
  const m = object(raw, where);
  format(m["format"], MANIFEST_FORMAT, where);
  const depth = integer(m["depth"], `${where}.depth`, MIN_DEPTH, MAX_DEPTH);
  const assets = assetList(m["assets"], `${where}.assets`);
  const exclusions = object(m["exclusions"], `${where}.exclusions`);
  const excluded = exclusions["accounts"];
  if (!Array.isArray(excluded)) throw new InputError(`${where}.exclusions.accounts must be an array`);
  const notFound = exclusions["notFound"];
  if (!Array.isArray(notFound)) throw new InputError(`${where}.exclusions.notFound must be an array`);
  const setup = object(m["setup"], `${where}.setup`);
  if (typeof setup["development"] !== "boolean") throw new InputError(`${where}.setup.development must be true or false`);
  return {
    format: MANIFEST_FORMAT,
    circuit: text(m["circuit"], `${where}.circuit`),
    depth,
    assets,
    leafCount: integer(m["leafCount"], `${where}.leafCount`, 1, 2 ** depth),
    root: decimal(m["root"], `${where}.root`, SNARK_SCALAR_FIELD),
    totals: decimals(m["totals"], `${where}.totals`, assets.length, LANE_LIMIT),
    inputDigest: text(m["inputDigest"], `${where}.inputDigest`),
    exclusions: {
      digest: text(exclusions["digest"], `${where}.exclusions.digest`),
      accounts: excluded.map((entry: unknown, i) => {
        const e = object(entry, `${where}.exclusions.accounts[${i}]`);
        return {
          account: address(e["account"], `${where}.exclusions.accounts[${i}].account`),
          balances: decimals(e["balances"], `${where}.exclusions.accounts[${i}].balances`, assets.length, LANE_LIMIT),
        };
      }),
      notFound: notFound.map((entry: unknown, i) => address(entry, `${where}.exclusions.notFound[${i}]`)),
    },
    zeroAccounts: integer(m["zeroAccounts"], `${where}.zeroAccounts`, 0, Number.MAX_SAFE_INTEGER),
    source: parseSource(m["source"], `${where}.source`),
    adjustments: parseAdjustmentEntries(m["adjustments"], `${where}.adjustments`, assets),
    seedCommitment: text(m["seedCommitment"], `${where}.seedCommitment`),
    setup: {
      development: setup["development"] as boolean,
      ...(typeof setup["warning"] === "string" ? { warning: setup["warning"] } : {}),
      circuitDigest: text(setup["circuitDigest"], `${where}.setup.circuitDigest`),
      constraints: integer(setup["constraints"], `${where}.setup.constraints`, 1, 2 ** 28),
      ptauKind: text(setup["ptauKind"], `${where}.setup.ptauKind`),
      ptauSha256: sha256Digest(setup["ptauSha256"], `${where}.setup.ptauSha256`),
      artifacts: parseArtifactDigests(setup["artifacts"], `${where}.setup.artifacts`, ARTIFACT_NAMES),
    },
  };
}

function parseSource(value: unknown, where: string): SnapshotSource {
  const s = object(value, where);
  if (s["kind"] === "file") {
    if (s["format"] !== "csv" && s["format"] !== "json") throw new InputError(`${where}.format must be "csv" or "json", got ${quote(s["format"])}`);
    return { kind: "file", format: s["format"] };
  }
  if (s["kind"] !== "chain") throw new InputError(`${where}.kind must be "file" or "chain", got ${quote(s["kind"])}`);
  const chainId = s["chainId"];
  if (typeof chainId !== "string" || !/^[1-9][0-9]*$/.test(chainId)) throw new InputError(`${where}.chainId must be a decimal string, got ${quote(chainId)}`);
  const blockHash = s["blockHash"];
  if (typeof blockHash !== "string" || !/^0x[0-9a-f]{64}$/.test(blockHash)) throw new InputError(`${where}.blockHash must be a 32-byte lower-case hex string, got ${quote(blockHash)}`);
  const sources = s["sources"];
  if (!Array.isArray(sources) || sources.length === 0) throw new InputError(`${where}.sources must be a non-empty array`);
  return {
    kind: "chain",
    chainId,
    block: integer(s["block"], `${where}.block`, 0, Number.MAX_SAFE_INTEGER),
    blockHash,
    sources: sources.map((entry: unknown, i) => parseSourceSpec(entry, `${where}.sources[${i}]`)),
  };
}

/** The shape of one chain source; what a reader accepts is checked by the chain-source configuration. */
export function parseSourceSpec(value: unknown, where: string): SourceSpec {
  const e = object(value, where);
  const columns = e["assets"];
  if (!Array.isArray(columns)) throw new InputError(`${where}.assets must be an array of asset names, got ${quote(columns)}`);
  return {
    reader: text(e["reader"], `${where}.reader`),
    address: address(e["address"], `${where}.address`),
    fromBlock: integer(e["fromBlock"], `${where}.fromBlock`, 0, Number.MAX_SAFE_INTEGER),
    assets: columns.map((name: unknown, j) => text(name, `${where}.assets[${j}]`)),
  };
}

function parseAdjustmentEntries(value: unknown, where: string, assets: readonly string[]): Manifest["adjustments"] {
  const a = object(value, where);
  const entries = a["entries"];
  if (!Array.isArray(entries)) throw new InputError(`${where}.entries must be an array`);
  return {
    digest: text(a["digest"], `${where}.digest`),
    entries: entries.map((entry: unknown, i) => {
      const e = object(entry, `${where}.entries[${i}]`);
      const asset = text(e["asset"], `${where}.entries[${i}].asset`);
      if (!assets.includes(asset)) throw new InputError(`${where}.entries[${i}].asset must be one of ${assets.join(", ")}, got ${quote(asset)}`);
      const delta = text(e["delta"], `${where}.entries[${i}].delta`);
      if (!/^[+-][1-9][0-9]*$/.test(delta)) throw new InputError(`${where}.entries[${i}].delta must be a signed non-zero integer string, got ${quote(delta)}`);
      return { account: address(e["account"], `${where}.entries[${i}].account`), asset, delta, reason: text(e["reason"], `${where}.entries[${i}].reason`) };
    }),
  };
}

export function parseClaimPackage(raw: unknown, where = "claim package"): ClaimPackage {
  const c = object(raw, where);
  format(c["format"], CLAIM_FORMAT, where);
  const depth = integer(c["depth"], `${where}.depth`, MIN_DEPTH, MAX_DEPTH);
  const assets = assetList(c["assets"], `${where}.assets`);
  const path = c["path"];
  if (!Array.isArray(path) || path.length !== depth) {
    throw new InputError(`${where}.path must have one step per level (${depth}), got ${Array.isArray(path) ? path.length : quote(path)}`);
  }
  return {
    format: CLAIM_FORMAT,
    circuit: text(c["circuit"], `${where}.circuit`),
    depth,
    assets,
    root: decimal(c["root"], `${where}.root`, SNARK_SCALAR_FIELD),
    totals: decimals(c["totals"], `${where}.totals`, assets.length, LANE_LIMIT),
    account: address(c["account"], `${where}.account`),
    salt: decimal(c["salt"], `${where}.salt`, SNARK_SCALAR_FIELD),
    balances: decimals(c["balances"], `${where}.balances`, assets.length, LANE_LIMIT),
    leafIndex: integer(c["leafIndex"], `${where}.leafIndex`, 0, 2 ** depth - 1),
    path: path.map((entry: unknown, h) => {
      const step = object(entry, `${where}.path[${h}]`);
      return {
        siblingHash: decimal(step["siblingHash"], `${where}.path[${h}].siblingHash`, SNARK_SCALAR_FIELD),
        siblingSums: decimals(step["siblingSums"], `${where}.path[${h}].siblingSums`, assets.length, LANE_LIMIT),
      };
    }),
    artifacts: parseArtifactDigests(c["artifacts"], `${where}.artifacts`, PROVING_FILES),
  };
}

export function parseTreeHeader(raw: unknown, where = "tree file header"): TreeHeader {
  const t = object(raw, where);
  format(t["format"], TREE_FORMAT, where);
  const depth = integer(t["depth"], `${where}.depth`, MIN_DEPTH, MAX_DEPTH);
  const assets = assetList(t["assets"], `${where}.assets`);
  return {
    format: TREE_FORMAT,
    depth,
    assets,
    leafCount: integer(t["leafCount"], `${where}.leafCount`, 1, 2 ** depth),
    root: decimal(t["root"], `${where}.root`, SNARK_SCALAR_FIELD),
    totals: decimals(t["totals"], `${where}.totals`, assets.length, LANE_LIMIT),
  };
}

export function parseTreeLeafLine(raw: unknown, assets: number, where: string): TreeLeafLine {
  const l = object(raw, where);
  return {
    index: integer(l["index"], `${where}.index`, 0, 2 ** MAX_DEPTH),
    account: address(l["account"], `${where}.account`),
    salt: decimal(l["salt"], `${where}.salt`, SNARK_SCALAR_FIELD),
    balances: decimals(l["balances"], `${where}.balances`, assets, LANE_LIMIT),
    leafHash: decimal(l["leafHash"], `${where}.leafHash`, SNARK_SCALAR_FIELD),
  };
}
