import { promises as fs } from "node:fs";
import path from "node:path";

import { getAddress, type Provider } from "ethers";

import { attach } from "../chain/contracts";
import { hasherProblems } from "../chain/check";
import { describeWindows, manifestDigest, snapshotStatus, type Deployment, type SnapshotStatus } from "../chain/vault";
import { readChainInput } from "../chainstate/chain-input";
import { CHAIN_SOURCE_FORMAT } from "../chainstate/config";
import type { PositionReader } from "../chainstate/readers";
import { hexData, sendWithRetry, DEFAULT_RETRY, type JsonRpc } from "../chainstate/rpc";
import { parseBalances } from "../snapshot/input";
import { SNAPSHOT_FILES } from "../snapshot/write";
import { sameCode } from "../artifacts/verifier";
import { readPublishedVerifier } from "../chain/verifier-code";
import { sha256Hex } from "../setup";
import { result, type CheckResult } from "./report";
import type { SnapshotFacts } from "./checks-snapshot";

export interface ChainAccess {
  readonly rpc: JsonRpc;
  readonly provider: Provider;
  readonly cacheDirectory?: string | undefined;
  readonly maxRange?: number | undefined;
  readonly progress?: (line: string) => void;
  /** The position readers the snapshot's sources name (default: the built-in `erc20`). */
  readonly readers?: readonly PositionReader[] | undefined;
}

/** Reads the configured sources again at the manifest's block and compares with the kept input. */
export async function checkChainInput(facts: SnapshotFacts, chain: ChainAccess | undefined): Promise<CheckResult> {
  const { source } = facts.manifest;
  if (source.kind !== "chain") return result("chain-input", "skip", "the snapshot was made from a balances file, not from chain state");
  if (chain === undefined) return result("chain-input", "skip", "not checked: pass --rpc to re-derive the input from chain");
  const config = { format: CHAIN_SOURCE_FORMAT as typeof CHAIN_SOURCE_FORMAT, chainId: source.chainId, assets: facts.manifest.assets, sources: source.sources };
  let read;
  try {
    read = await readChainInput(config, {
      rpc: chain.rpc,
      block: source.block,
      cacheDirectory: chain.cacheDirectory,
      maxRange: chain.maxRange,
      progress: chain.progress,
      readers: chain.readers,
    });
  } catch (error) {
    return result("chain-input", "fail", `re-deriving from chain failed: ${(error as Error).message}`);
  }
  if (read.source.blockHash !== source.blockHash) {
    return result(
      "chain-input",
      "fail",
      `block ${source.block} has hash ${read.source.blockHash} on this chain, the manifest records ${source.blockHash}: another chain, or a reorg`,
    );
  }
  const digest = `sha256:${sha256Hex(read.csv)}`;
  if (digest === facts.manifest.inputDigest) {
    return result(
      "chain-input",
      "pass",
      `${read.sheet.rows.length} accounts re-derived at block ${source.block}; digest matches`,
      read.reports.map((r) => `${r.reader} ${r.address}: ${r.logs} logs; ${r.checks.join("; ")}`),
    );
  }
  const problems: string[] = [];
  const kept = facts.input ?? parseBalances(await fs.readFile(path.join(facts.directory, SNAPSHOT_FILES.input("csv")), "utf8"), "csv");
  const keptRows = new Map(kept.rows.map((row) => [row.account, row.balances.join("/")]));
  const chainRows = new Map(read.sheet.rows.map((row) => [row.account, row.balances.join("/")]));
  for (const [account, balances] of chainRows) {
    const had = keptRows.get(account);
    if (had === undefined) problems.push(`${account} holds ${balances} on chain but is missing from the input`);
    else if (had !== balances) problems.push(`${account}: chain ${balances}, input ${had}`);
  }
  for (const account of keptRows.keys()) if (!chainRows.has(account)) problems.push(`${account} is in the input but holds nothing on chain`);
  return result("chain-input", "fail", `the input differs from chain state at block ${source.block} (${problems.length} account(s))`, problems.slice(0, 10));
}

export interface OnChainTarget {
  readonly deployment: Deployment;
  readonly snapshotId: bigint;
}

/** The vault's snapshot, read once for the proposal, funding and verifier checks. */
export type OnChainSnapshot =
  | { readonly read: "skipped" }
  | { readonly read: "failed"; readonly why: string }
  | { readonly read: "ok"; readonly chain: ChainAccess; readonly target: OnChainTarget; readonly status: SnapshotStatus };

export async function readOnChainSnapshot(chain: ChainAccess | undefined, target: OnChainTarget | undefined): Promise<OnChainSnapshot> {
  if (chain === undefined || target === undefined) return { read: "skipped" };
  const where = `snapshot ${target.snapshotId} of vault ${target.deployment.vault}`;
  try {
    const status = await snapshotStatus(chain.provider, target.deployment, target.snapshotId);
    if (status.state === "none") return { read: "failed", why: `${where} does not exist` };
    return { read: "ok", chain, target, status };
  } catch (error) {
    return { read: "failed", why: `cannot read ${where}: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** The skip or failure every on-chain check reports when the snapshot could not be read. */
function unread(id: "proposal" | "funding" | "verifier", onchain: Exclude<OnChainSnapshot, { read: "ok" }>): CheckResult {
  return onchain.read === "skipped" ? result(id, "skip", "not checked: pass --rpc, --deployment and --snapshot-id") : result(id, "fail", onchain.why);
}

/**
 * The proposal (or finalized snapshot) on chain carries this manifest's root, totals, assets,
 * digest, block and verifier, and the vault computes commitments with the deployment's canonical
 * Poseidon(5). The details show the deadlines (UTC) and the sweep recipient, for the guardians.
 */
export async function checkProposal(facts: SnapshotFacts, onchain: OnChainSnapshot): Promise<CheckResult> {
  if (onchain.read !== "ok") return unread("proposal", onchain);
  const { manifest } = facts;
  const { chain, target, status } = onchain;
  const problems: string[] = [];
  if (status.state === "vetoed") problems.push(`snapshot ${target.snapshotId} was vetoed: it will never pay`);
  if (status.state === "expired") problems.push(`snapshot ${target.snapshotId} expired unfinalized: it will never pay`);
  problems.push(...(await hasherProblems(chain.provider, target.deployment)));
  if (status.root.toString() !== manifest.root) problems.push(`on-chain root ${status.root}, manifest root ${manifest.root}`);
  if (status.assets.length !== manifest.assets.length) problems.push(`on-chain ${status.assets.length} asset(s), manifest ${manifest.assets.length}`);
  status.assets.forEach((asset, k) => {
    if (asset.total.toString() !== manifest.totals[k]) problems.push(`on-chain total of asset ${k} is ${asset.total}, manifest ${manifest.totals[k]}`);
    if (manifest.assets[k] !== undefined && asset.symbol !== manifest.assets[k])
      problems.push(`asset ${k} is token ${asset.token} with symbol ${JSON.stringify(asset.symbol)}, the manifest names ${manifest.assets[k]}`);
  });
  const digest = manifestDigest(await fs.readFile(path.join(facts.directory, SNAPSHOT_FILES.manifest)));
  if (status.manifestDigest.toLowerCase() !== digest) problems.push(`on-chain manifest digest ${status.manifestDigest}, sha256 of manifest.json ${digest}`);
  if (manifest.source.kind === "chain" && status.snapshotBlock !== BigInt(manifest.source.block))
    problems.push(`on-chain snapshot block ${status.snapshotBlock}, manifest block ${manifest.source.block}`);
  const expected = target.deployment.verifiers[manifest.circuit];
  if (expected === undefined || getAddress(expected) !== status.verifier)
    problems.push(`the proposal names verifier ${status.verifier}; the deployment's verifier for ${manifest.circuit} is ${expected ?? "missing"}`);
  const windows = [`uri: ${status.uri}`, ...describeWindows(status)];
  if (problems.length > 0)
    return result("proposal", "fail", `snapshot ${target.snapshotId} (${status.state}) differs from the manifest or cannot pay`, [...problems, ...windows]);
  return result(
    "proposal",
    "pass",
    `snapshot ${target.snapshotId} is ${status.state}: root, ${manifest.assets.length} totals and tokens, manifest digest, block, verifier and hasher match`,
    windows,
  );
}

/**
 * Every asset is funded to at least the proposal's declaration (a payout is pro-rata: funded /
 * total of each claim), and the vault holds at least what this snapshot still owes. The coverage
 * of each asset is reported.
 */
export async function checkFunding(onchain: OnChainSnapshot): Promise<CheckResult> {
  if (onchain.read !== "ok") return unread("funding", onchain);
  const { chain, target, status } = onchain;
  const problems: string[] = [];
  const details: string[] = [];
  for (const [k, asset] of status.assets.entries()) {
    const token = await attach("IERC20", asset.token, chain.provider);
    const held = (await token.getFunction("balanceOf")(target.deployment.vault)) as bigint;
    const coverage = asset.total === 0n ? "n/a" : `${(Number((asset.funded * 10_000n) / asset.total) / 100).toFixed(2)} %`;
    details.push(
      `${asset.symbol}: total ${asset.total}, declared ${asset.declared}, funded ${asset.funded} (${coverage}), paid ${asset.paid}, vault holds ${held}`,
    );
    if (asset.funded < asset.declared)
      problems.push(
        `asset ${k} (${asset.symbol}) is funded ${asset.funded}, below the ${asset.declared} the proposal declared: finalize refuses until it arrives`,
      );
    // A declaration of dust funds nothing: 0.00 % of the total never passes (it would "activate" a snapshot that pays nobody).
    if (asset.total > 0n && (asset.funded * 10_000n) / asset.total === 0n)
      problems.push(`asset ${k} (${asset.symbol}) is funded ${asset.funded} of a total of ${asset.total}: coverage ${coverage}, which pays users nothing`);
    if (held < asset.remaining)
      problems.push(`asset ${k} (${asset.symbol}): the vault holds ${held}, less than the ${asset.remaining} this snapshot still owes`);
  }
  if (problems.length > 0) return result("funding", "fail", problems.join("; "), details);
  const low = status.assets.filter((asset) => asset.total > 0n && asset.declared * 100n < asset.total).map((asset) => asset.symbol);
  if (low.length > 0)
    return result("funding", "warn", `every asset is funded to its declaration, but ${low.join(", ")} cover(s) less than 1 % of the total`, details);
  return result("funding", "pass", "every asset is funded and the vault's balances cover what remains", details);
}

/**
 * The bytecode at the proposal's verifier is the published compiled verifier (artifacts/
 * Groth16Verifier.json, with the manifest's digest); the artifacts check proves that file is what
 * the pinned solc makes of the verifier snarkjs exports from the published zkey.
 */
export async function checkVerifier(facts: SnapshotFacts, onchain: OnChainSnapshot, artifacts: string): Promise<CheckResult> {
  if (onchain.read !== "ok") return unread("verifier", onchain);
  const { chain } = onchain;
  const { verifier } = onchain.status;
  let published;
  try {
    published = (await readPublishedVerifier(artifacts, [{ digests: facts.manifest.setup.artifacts, source: "the manifest" }])).build;
  } catch (error) {
    return result("verifier", "fail", `the published verifier cannot be read: ${(error as Error).message.split(";")[0]}`);
  }
  const code = hexData(await sendWithRetry(chain.rpc, "eth_getCode", [verifier, "latest"], DEFAULT_RETRY), `code of ${verifier}`);
  if (code === "0x") return result("verifier", "fail", `there is no contract at the verifier ${verifier}`);
  if (!sameCode(code, published.deployedBytecode)) {
    return result("verifier", "fail", `the code at ${verifier} is not the published verifier of this snapshot`, [
      `on chain: ${(code.length - 2) / 2} bytes, sha256 ${sha256Hex(code)}`,
      `published (solc ${published.solcVersion}): ${(published.deployedBytecode.length - 2) / 2} bytes, sha256 ${sha256Hex(published.deployedBytecode.toLowerCase())}`,
    ]);
  }
  return result(
    "verifier",
    "pass",
    `the code at ${verifier} is the published verifier (artifacts/Groth16Verifier.json, compiled with solc ${published.solcVersion})`,
  );
}
