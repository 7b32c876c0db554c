/**
 * `lifeboat/audit`: re-derives a snapshot from its files and checks it against the chain: the tree,
 * the packages, the input, the proving artifacts and their setup, the proposal, funding and the
 * deployed verifier.
 *
 * @packageDocumentation
 */
export { auditSnapshot, PRIVATE_CHECKS, type AuditOptions } from "./audit";
export { renderMarkdown, CHECKS, type AuditReport, type CheckResult, type CheckId, type CheckStatus } from "./report";
