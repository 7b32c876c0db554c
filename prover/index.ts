/**
 * `lifeboat`: zero-knowledge state attestation for disaster recovery in DeFi. The package root holds
 * what every part shares; each stage of the pipeline has its own entry point:
 * `lifeboat/tree`, `/hash`, `/snapshot`, `/setup`, `/artifacts`, `/proof`, `/vault`, `/positions`,
 * `/audit` and `/watch` (see docs/library.md).
 *
 * @packageDocumentation
 */
export { LifeboatError } from "./errors";
