import { promises as fs } from "node:fs";
import path from "node:path";

import { parseManifest } from "../snapshot/formats";
import { SNAPSHOT_FILES } from "../snapshot/write";
import type { Hash } from "../tree/encoding";
import type { BatchHash } from "../tree/sum-tree";
import {
  checkChainInput,
  checkFunding,
  checkProposal,
  checkVerifier,
  readOnChainSnapshot,
  type ChainAccess,
  type OnChainSnapshot,
  type OnChainTarget,
} from "./checks-chain";
import { artifactsFolder, checkArtifacts } from "./checks-artifacts";
import { checkSetup, locatePtau } from "./checks-setup";
import { checkAdjustments, checkExclusions, checkInput, checkPackages, checkSeed, checkTree, type SnapshotFacts } from "./checks-snapshot";
import { assembleReport, result, CHECKS, type AuditReport, type CheckId, type CheckResult } from "./report";

/** Options of auditSnapshot: the snapshot to audit and the optional inputs that enable further checks. */
export interface AuditOptions {
  /** The snapshot directory (as `lifeboat snapshot --out` wrote it). */
  readonly snapshot: string;
  /** The Poseidon hash, for opening claim packages. */
  readonly hash: Hash;
  /** The Poseidon batch hasher, for rebuilding the tree. */
  readonly hashBatch: BatchHash;
  /** A node, for the chain-input, proposal, funding and verifier checks. */
  readonly chain?: ChainAccess | undefined;
  /** The deployed vault and the snapshot id, for the proposal, funding and verifier checks. */
  readonly target?: OnChainTarget | undefined;
  /** The published artifacts folder, when it is not the snapshot's artifacts/. */
  readonly artifacts?: string | undefined;
  /** The powers of tau of the setup (default: a cached development ptau with the manifest's digest). */
  readonly ptau?: string | undefined;
  /** The operator's seed file, when it is not in the snapshot directory. */
  readonly seedFile?: string | undefined;
  /** Checks not to run (reported as skipped): tests skip the slow setup check where it is not the point. */
  readonly skip?: readonly CheckId[];
  /** Why they are skipped, for the report (default: "skipped on request"). */
  readonly skipReason?: string;
  /** Receives progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** The checks that need the operator's private files (tree, input, seed): a public audit skips them. */
export const PRIVATE_CHECKS: readonly CheckId[] = ["seed", "tree", "packages", "input", "exclusions", "adjustments", "chain-input"];

/** The deployment's own contracts: never payable, so never leaves (docs/protocol.md §7.2c). */
function deploymentContracts(target: OnChainTarget | undefined): { account: string; what: string }[] {
  if (target === undefined) return [];
  const { vault, hasher, verifiers } = target.deployment;
  return [
    { account: vault, what: "the vault" },
    { account: hasher, what: "the vault's Poseidon hasher" },
    ...Object.entries(verifiers).map(([circuit, account]) => ({ account, what: `the ${circuit} verifier` })),
  ];
}

/**
 * Runs every check on a snapshot directory and returns the report; never throws for a failed
 * check (a check that cannot run for an unexpected reason fails, with the reason).
 */
export async function auditSnapshot(options: AuditOptions): Promise<AuditReport> {
  const log = options.log ?? (() => undefined);
  const directory = path.resolve(options.snapshot);
  const checks: CheckResult[] = [];
  let facts: SnapshotFacts;
  try {
    const manifest = parseManifest(JSON.parse(await fs.readFile(path.join(directory, SNAPSHOT_FILES.manifest), "utf8")), SNAPSHOT_FILES.manifest);
    facts = { directory, manifest };
    checks.push(result("manifest", "pass", `${manifest.circuit}: ${manifest.leafCount} leaves, ${manifest.assets.join(", ")}, source ${manifest.source.kind}`));
  } catch (error) {
    checks.push(result("manifest", "fail", `${SNAPSHOT_FILES.manifest} cannot be read: ${(error as Error).message}`));
    for (const id of Object.keys(CHECKS).slice(1) as CheckId[]) checks.push(result(id, "skip", "no readable manifest"));
    return assembleReport(directory, undefined, checks);
  }

  // Read once, used by several checks: the vault's snapshot.
  let onchain: OnChainSnapshot | undefined;
  const onChainSnapshot = async (): Promise<OnChainSnapshot> => (onchain ??= await readOnChainSnapshot(options.chain, options.target));
  const artifacts = artifactsFolder(facts, options.artifacts);

  const steps: [CheckId, () => Promise<CheckResult> | CheckResult][] = [
    ["seed", () => checkSeed(facts, options.seedFile)],
    ["tree", () => checkTree(facts, options.hashBatch)],
    ["packages", () => checkPackages(facts, options.hash)],
    ["input", () => checkInput(facts)],
    ["exclusions", () => checkExclusions(facts, deploymentContracts(options.target))],
    ["adjustments", () => checkAdjustments(facts)],
    ["artifacts", () => checkArtifacts(facts, artifacts)],
    ["chain-input", () => checkChainInput(facts, options.chain)],
    ["proposal", async () => checkProposal(facts, await onChainSnapshot())],
    ["funding", async () => checkFunding(await onChainSnapshot())],
    ["verifier", async () => checkVerifier(facts, await onChainSnapshot(), artifacts)],
    ["setup", async () => checkSetup(facts, artifacts, await locatePtau(facts, options.ptau), log)],
  ];
  for (const [id, run] of steps) {
    if (options.skip?.includes(id) === true) {
      checks.push(result(id, "skip", options.skipReason ?? "skipped on request"));
      continue;
    }
    log(`audit: ${id}`);
    const started = Date.now();
    let outcome: CheckResult;
    try {
      outcome = await run();
    } catch (error) {
      outcome = result(id, "fail", `the check could not run: ${(error as Error).message.split("\n")[0]}`);
    }
    checks.push({ ...outcome, durationMs: Date.now() - started });
  }
  return assembleReport(directory, facts.manifest.root, checks);
}
