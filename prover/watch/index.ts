/**
 * `lifeboat/watch`: monitoring agents for a guarded pool. One watcher observes and halts through its
 * key; a quorum of watchers each signs the Safe's halt transaction and any of them executes it once
 * enough signatures are shared.
 *
 * @packageDocumentation
 */
export {
  watch,
  observe,
  loadObserverModule,
  MAX_WATCHED_ASSETS,
  WATCH_STATE_FORMAT,
  type WatchOptions,
  type WatchState,
  type Observation,
  type Finding,
  type PoolObserver,
} from "./watch";
export {
  haltSafeTx,
  safeTxHash,
  signSafeTx,
  collectSignatures,
  packSignatures,
  execSigned,
  QUORUM_HALT_REASON,
  type SafeTx,
  type QuorumSignature,
} from "./quorum";
export { runQuorumNode, quorumStep, QUORUM_STATE_FORMAT, type QuorumNodeOptions, type QuorumState, type QuorumObserver } from "./quorum-node";
