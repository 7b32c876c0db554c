/**
 * An audit's result: one entry per check, in a fixed order, each with a verdict and the evidence.
 * `fail` makes the audit fail; `warn` is reported but does not (a development setup, say);
 * `skip` means the inputs for the check were not given (or an earlier failure made it moot).
 */
export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/** Every check an audit runs, by id, with its title; reports list the checks in this order. */
export const CHECKS = {
  manifest: "the manifest parses",
  seed: "the seed matches the manifest's commitment",
  tree: "the tree rebuilds to the manifest root and totals",
  packages: "every claim package opens to that root",
  input: "the kept input matches the manifest's input digest",
  exclusions: "excluded accounts match the manifest",
  adjustments: "adjusted accounts match the manifest",
  artifacts: "the published proving artifacts are the manifest's and agree",
  "chain-input": "the input re-derived from chain matches",
  proposal: "the on-chain proposal matches the manifest",
  funding: "the vault is funded for the totals",
  verifier: "the verifier on chain is the published one",
  setup: "the trusted setup verifies",
} as const;

/** The id of a check: a key of CHECKS. */
export type CheckId = keyof typeof CHECKS;

/** The verdict of one check and its evidence. */
export interface CheckResult {
  readonly id: CheckId;
  /** The check's title, from CHECKS. */
  readonly title: string;
  readonly status: CheckStatus;
  /** One sentence: what was found. */
  readonly summary: string;
  /** Evidence: numbers compared, the first mismatches. */
  readonly details: readonly string[];
  /** How long the check took. */
  readonly durationMs?: number;
}

/** The result of auditing one snapshot (format `lifeboat.audit.v1`): every check's verdict, and whether all passed. */
export interface AuditReport {
  readonly format: "lifeboat.audit.v1";
  /** When the report was made, as an ISO 8601 UTC timestamp. */
  readonly createdAt: string;
  /** The absolute path of the snapshot directory audited. */
  readonly snapshot: string;
  /** The manifest's root, as the manifest writes it; absent when the manifest could not be read. */
  readonly root?: string;
  /** True when no check failed (warnings and skips do not fail an audit). */
  readonly passed: boolean;
  /** The checks that failed, in report order. */
  readonly failed: readonly CheckId[];
  readonly checks: readonly CheckResult[];
}

export function result(id: CheckId, status: CheckStatus, summary: string, details: readonly string[] = []): CheckResult {
  return { id, title: CHECKS[id], status, summary, details };
}

export function assembleReport(snapshot: string, root: string | undefined, checks: readonly CheckResult[]): AuditReport {
  const failed = checks.filter((check) => check.status === "fail").map((check) => check.id);
  return {
    format: "lifeboat.audit.v1",
    createdAt: new Date().toISOString(),
    snapshot,
    ...(root === undefined ? {} : { root }),
    passed: failed.length === 0,
    failed,
    checks,
  };
}

const MARK: Record<CheckStatus, string> = { pass: "PASS", fail: "**FAIL**", warn: "WARN", skip: "skip" };

/** The report for people: a verdict, a table of checks, then the evidence of each. */
export function renderMarkdown(report: AuditReport): string {
  const escape = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    "# Lifeboat audit report",
    "",
    `- snapshot: \`${report.snapshot}\``,
    ...(report.root === undefined ? [] : [`- root: \`${report.root}\``]),
    `- made: ${report.createdAt}`,
    `- verdict: ${report.passed ? "**PASSED**" : `**FAILED** (${report.failed.join(", ")})`}`,
    "",
    "| check | result | finding |",
    "| --- | --- | --- |",
    ...report.checks.map((check) => `| ${check.id}: ${check.title} | ${MARK[check.status]} | ${escape(check.summary)} |`),
    "",
    "What each check proves, and what it does not: docs/auditors.md.",
  ];
  for (const check of report.checks.filter((c) => c.details.length > 0)) {
    lines.push("", `## ${check.id}`, "", ...check.details.map((detail) => `- ${detail}`));
  }
  return `${lines.join("\n")}\n`;
}
