import { promises as fs } from "node:fs";
import path from "node:path";

import { getAddress } from "ethers";

import { LifeboatError } from "../errors";
import { checkClaimPackage } from "../proof/witness";
import { adjustmentsDigest, type Adjustment } from "../snapshot/adjustments";
import { buildSnapshot, exclusionsDigest, selectAccounts } from "../snapshot/build";
import { parseClaimPackage, type Manifest, type TreeLeafLine } from "../snapshot/formats";
import { parseBalances, type BalanceRow, type BalanceSheet } from "../snapshot/input";
import { parseSeed, seedCommitment } from "../snapshot/seed";
import { claimFileName, SNAPSHOT_FILES } from "../snapshot/write";
import { sha256Hex } from "../setup/cache";
import type { Hash } from "../tree/encoding";
import type { BatchHash } from "../tree/sum-tree";
import { result, type CheckResult } from "./report";
import { listClaimFiles, readOptional, readTreeFile } from "./snapshot-files";

/** What the snapshot checks learn and later checks use. */
export interface SnapshotFacts {
  readonly directory: string;
  readonly manifest: Manifest;
  seed?: Uint8Array;
  leaves?: TreeLeafLine[];
  input?: BalanceSheet;
  /** What the input, the manifest's adjustments and its exclusions make of the leaves (once). */
  selection?: ReturnType<typeof selectAccounts> | Error;
}

/** The manifest's exclusion list: accounts with their balances, and those the input did not have. */
function excludedAccounts(manifest: Manifest): string[] {
  return [...manifest.exclusions.accounts.map((entry) => entry.account), ...manifest.exclusions.notFound];
}

/** Re-runs the operator's selection (adjustments, then exclusions) on the kept input. */
function selection(facts: SnapshotFacts, input: BalanceSheet): ReturnType<typeof selectAccounts> | Error {
  if (facts.selection === undefined) {
    try {
      facts.selection = selectAccounts(input, excludedAccounts(facts.manifest), manifestAdjustments(facts.manifest));
    } catch (error) {
      facts.selection = error as Error;
    }
  }
  return facts.selection;
}

/** At most this many mismatches are listed per check; the count says how many there were. */
const SHOWN = 10;

function listed(problems: readonly string[]): string[] {
  return problems.length <= SHOWN ? [...problems] : [...problems.slice(0, SHOWN), `… and ${problems.length - SHOWN} more`];
}

/** The seed: the given file (the operator hands it over separately), else the one in the directory. */
export async function checkSeed(facts: SnapshotFacts, seedFile?: string): Promise<CheckResult> {
  const file = seedFile ?? path.join(facts.directory, SNAPSHOT_FILES.seed);
  const bytes = await readOptional(file);
  if (bytes === undefined)
    return result("seed", "fail", `${file} is missing: salts and leaf order cannot be re-derived (pass the operator's seed with --seed)`);
  const seed = parseSeed(bytes.toString("utf8"), file);
  const commitment = seedCommitment(seed);
  if (commitment !== facts.manifest.seedCommitment) {
    return result("seed", "fail", "the seed does not match the manifest's seed commitment", [
      `manifest: ${facts.manifest.seedCommitment}`,
      `seed file: ${commitment}`,
    ]);
  }
  facts.seed = seed;
  return result("seed", "pass", `seed commitment ${commitment.slice(0, 23)}… matches`);
}

/**
 * Rebuilds the tree from the leaves of the tree file: with the seed, exactly as the operator did
 * (salts and order re-derived, so a leaf moved or re-salted shows); the root and per-asset totals
 * must equal the manifest's, and each line's leaf hash the recomputed one.
 */
export async function checkTree(facts: SnapshotFacts, hashBatch: BatchHash): Promise<CheckResult> {
  const { manifest } = facts;
  let tree;
  try {
    tree = await readTreeFile(facts.directory);
  } catch (error) {
    return result("tree", "fail", `${SNAPSHOT_FILES.tree} cannot be read: ${(error as Error).message}`);
  }
  const { header, leaves } = tree;
  const problems: string[] = [];
  const compare = (what: string, fromTree: unknown, fromManifest: unknown): void => {
    if (JSON.stringify(fromTree) !== JSON.stringify(fromManifest))
      problems.push(`${what}: tree file ${JSON.stringify(fromTree)}, manifest ${JSON.stringify(fromManifest)}`);
  };
  compare("depth", header.depth, manifest.depth);
  compare("assets", header.assets, manifest.assets);
  compare("leaf count in the header", header.leafCount, manifest.leafCount);
  compare("leaf lines", leaves.length, manifest.leafCount);
  leaves.forEach((leaf, i) => {
    if (leaf.index !== i) problems.push(`line ${i + 2} has index ${leaf.index}, expected ${i}`);
  });
  if (problems.length > 0 || leaves.length === 0) return result("tree", "fail", "the tree file does not have the manifest's shape", listed(problems));
  const seed = facts.seed;
  if (seed === undefined) return result("tree", "fail", "no verified seed: the tree cannot be rebuilt as the operator built it (see the seed check)");

  const sheet: BalanceSheet = {
    assets: manifest.assets,
    rows: leaves.map((leaf): BalanceRow => ({ account: leaf.account, balances: leaf.balances.map(BigInt) })),
  };
  let rebuilt;
  try {
    rebuilt = await buildSnapshot(sheet, { depth: manifest.depth, seed, hashBatch });
  } catch (error) {
    return result("tree", "fail", `the tree file's leaves do not form a valid tree: ${(error as Error).message}`);
  }
  rebuilt.leaves.forEach((leaf, i) => {
    const line = leaves[i] as TreeLeafLine;
    if (line.account !== leaf.account) problems.push(`leaf ${i} is ${line.account}, but the seed places ${leaf.account} there`);
    else if (line.salt !== leaf.salt.toString()) problems.push(`leaf ${i} (${line.account}) has salt ${line.salt}, but the seed derives ${leaf.salt}`);
    else if (line.leafHash !== rebuilt.tree.leafHash(i).toString())
      problems.push(`leaf ${i} (${line.account}) says leaf hash ${line.leafHash}, recomputed ${rebuilt.tree.leafHash(i)}`);
  });
  const root = rebuilt.tree.root.toString();
  const totals = rebuilt.tree.totals.map(String);
  if (root !== manifest.root) problems.push(`rebuilt root ${root}, manifest root ${manifest.root}`);
  if (header.root !== manifest.root) problems.push(`tree file header root ${header.root}, manifest root ${manifest.root}`);
  totals.forEach((total, k) => {
    if (total !== manifest.totals[k]) problems.push(`rebuilt total of ${manifest.assets[k]} is ${total}, manifest says ${manifest.totals[k]}`);
    if (header.totals[k] !== manifest.totals[k])
      problems.push(`tree file header total of ${manifest.assets[k]} is ${header.totals[k]}, manifest says ${manifest.totals[k]}`);
  });
  if (problems.length > 0) return result("tree", "fail", `${problems.length} mismatch(es) between the rebuilt tree and the manifest`, listed(problems));
  facts.leaves = leaves;
  return result("tree", "pass", `${leaves.length} leaves rebuild to root ${root.slice(0, 12)}… and totals ${totals.join(", ")}`);
}

/** Opens every package by hashing up its path, and matches it to its leaf: one package per leaf, no others. */
export async function checkPackages(facts: SnapshotFacts, hash: Hash): Promise<CheckResult> {
  const { manifest, leaves } = facts;
  if (leaves === undefined) return result("packages", "skip", "needs a tree that rebuilds (see the tree check)");
  const files = new Set(await listClaimFiles(facts.directory));
  const problems: string[] = [];
  for (const leaf of leaves) {
    const name = claimFileName(leaf.account);
    if (!files.delete(name)) {
      problems.push(`no package for leaf ${leaf.index} (${leaf.account})`);
      continue;
    }
    try {
      const claim = parseClaimPackage(JSON.parse(await fs.readFile(path.join(facts.directory, SNAPSHOT_FILES.claims, name), "utf8")), `claims/${name}`);
      checkClaimPackage(hash, claim, { root: manifest.root, totals: manifest.totals, source: "manifest" });
      if (claim.circuit !== manifest.circuit) throw new LifeboatError(`claims/${name} is for circuit ${claim.circuit}, the manifest's is ${manifest.circuit}`);
      if (claim.account !== leaf.account || claim.leafIndex !== leaf.index || claim.salt !== leaf.salt || claim.balances.join() !== leaf.balances.join()) {
        throw new LifeboatError(`claims/${name} does not hold leaf ${leaf.index} of the tree file (account, index, salt or balances differ)`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const extra of files) problems.push(`claims/${extra} belongs to no leaf of the tree`);
  if (problems.length > 0) return result("packages", "fail", `${problems.length} package problem(s)`, listed(problems));
  return result("packages", "pass", `all ${leaves.length} packages open to the manifest root and match their leaves`);
}

export async function checkInput(facts: SnapshotFacts): Promise<CheckResult> {
  const { manifest } = facts;
  const format = manifest.source.kind === "file" ? manifest.source.format : "csv";
  const file = SNAPSHOT_FILES.input(format);
  const bytes = await readOptional(path.join(facts.directory, file));
  if (bytes === undefined) return result("input", "fail", `${file} is missing: the input cannot be compared with the tree`);
  const digest = `sha256:${sha256Hex(bytes)}`;
  if (digest !== manifest.inputDigest)
    return result("input", "fail", `${file} does not match the manifest's input digest`, [`manifest: ${manifest.inputDigest}`, `${file}: ${digest}`]);
  const sheet = parseBalances(bytes.toString("utf8"), format);
  if (JSON.stringify(sheet.assets) !== JSON.stringify(manifest.assets)) {
    return result("input", "fail", `${file} has assets ${sheet.assets.join(", ")}, the manifest ${manifest.assets.join(", ")}`);
  }
  facts.input = sheet;
  return result("input", "pass", `${file}: ${sheet.rows.length} accounts, digest matches`);
}

function manifestAdjustments(manifest: Manifest): Adjustment[] {
  return manifest.adjustments.entries.map((entry) => ({ account: entry.account, asset: entry.asset, delta: BigInt(entry.delta), reason: entry.reason }));
}

/**
 * Every input account must end up either as a leaf or among the manifest's exclusions, with the
 * balance the input gives it; nothing is left out silently and nothing is added from nowhere.
 * `unpayable` (the deployment's own contracts, when it is known) must not be leaves: a claim
 * would pay a contract that can never use the tokens (docs/protocol.md §7.2c).
 */
export function checkExclusions(facts: SnapshotFacts, unpayable: readonly { account: string; what: string }[] = []): CheckResult {
  const { manifest, leaves, input } = facts;
  if (leaves === undefined || input === undefined) return result("exclusions", "skip", "needs a tree that rebuilds and the input (see those checks)");
  const problems: string[] = [];
  const listedAccounts = excludedAccounts(manifest);
  const digest = exclusionsDigest(listedAccounts);
  if (digest !== manifest.exclusions.digest)
    problems.push(`the manifest's exclusion digest ${manifest.exclusions.digest} does not match its listed accounts (${digest})`);
  const expected = selection(facts, input);
  if (expected instanceof Error) return result("exclusions", "fail", expected.message);
  const inputByAccount = new Map(input.rows.map((row) => [row.account, row]));
  for (const entry of manifest.exclusions.accounts) {
    const row = inputByAccount.get(entry.account);
    if (row === undefined) problems.push(`excluded ${entry.account} is not in the input`);
    else if (row.balances.join() !== entry.balances.join())
      problems.push(`excluded ${entry.account}: the manifest records ${entry.balances.join("/")}, the input has ${row.balances.join("/")}`);
  }
  for (const account of manifest.exclusions.notFound) {
    if (inputByAccount.has(account)) problems.push(`${account} is listed as "not found" but is in the input`);
  }
  if (expected.zero.length !== manifest.zeroAccounts) {
    problems.push(
      `the manifest counts ${manifest.zeroAccounts} account(s) left out for holding nothing; input, adjustments and exclusions give ${expected.zero.length}`,
    );
  }
  const inTree = new Set(leaves.map((leaf) => leaf.account));
  const excluded = new Set(listedAccounts);
  for (const account of excluded) if (inTree.has(account)) problems.push(`excluded ${account} is in the tree`);
  for (const { account, what } of unpayable) {
    if (inTree.has(getAddress(account))) problems.push(`${account} (${what}) is a leaf, but it can never be paid: it should have been excluded`);
  }
  const expectedAccounts = new Set(expected.included.map((row) => row.account));
  for (const row of expected.included) {
    if (!inTree.has(row.account))
      problems.push(`${row.account} is in the input but neither in the tree nor among the manifest's exclusions: an unrecorded exclusion`);
  }
  for (const account of inTree) {
    if (!expectedAccounts.has(account)) problems.push(`${account} is in the tree but not in the input, nor added by a recorded adjustment`);
  }
  if (problems.length > 0) return result("exclusions", "fail", `${problems.length} exclusion problem(s)`, listed(problems));
  return result(
    "exclusions",
    "pass",
    `${manifest.exclusions.accounts.length} excluded account(s) match the input; every other input account is a leaf, except ${manifest.zeroAccounts} holding nothing (counted in zeroAccounts)`,
    [
      ...manifest.exclusions.accounts.map(
        (entry) => `excluded ${entry.account}: ${entry.balances.map((balance, k) => `${balance} ${manifest.assets[k]}`).join(", ")}`,
      ),
      ...manifest.exclusions.notFound.map((account) => `listed for exclusion but not in the input: ${account}`),
    ],
  );
}

/** Each leaf's balances equal the input's plus the manifest's adjustments, and the adjustment digest matches. */
export function checkAdjustments(facts: SnapshotFacts): CheckResult {
  const { manifest, leaves, input } = facts;
  if (leaves === undefined || input === undefined) return result("adjustments", "skip", "needs a tree that rebuilds and the input (see those checks)");
  const adjustments = manifestAdjustments(manifest);
  const problems: string[] = [];
  const digest = adjustmentsDigest(adjustments);
  if (digest !== manifest.adjustments.digest)
    problems.push(`the manifest's adjustment digest ${manifest.adjustments.digest} does not match its listed entries (${digest})`);
  const expected = selection(facts, input);
  if (expected instanceof Error) return result("adjustments", "fail", expected.message);
  const expectedBalances = new Map(expected.included.map((row) => [row.account, row.balances.join("/")]));
  for (const leaf of leaves) {
    const want = expectedBalances.get(leaf.account);
    if (want !== undefined && want !== leaf.balances.join("/"))
      problems.push(`${leaf.account} holds ${leaf.balances.join("/")} in the tree; input plus recorded adjustments give ${want}`);
  }
  if (problems.length > 0) return result("adjustments", "fail", `${problems.length} balance(s) differ from input + adjustments`, listed(problems));
  return result(
    "adjustments",
    "pass",
    `${adjustments.length} adjustment(s); every leaf equals its input balance plus its recorded adjustments`,
    adjustments.map((a) => `${a.account} ${a.asset} ${a.delta > 0n ? "+" : ""}${a.delta}: ${a.reason}`),
  );
}
