/**
 * `lifeboat/vault`: the RecoveryVault on chain. Deploys it with the published verifier, proposes,
 * vetoes, finalizes and funds snapshots, submits claims, reads a snapshot's state, and writes Safe
 * Transaction Builder batches for the multisig that holds the vault's roles.
 *
 * @packageDocumentation
 */
export {
  deployLifeboat,
  publishSnapshot,
  finalizeSnapshot,
  vetoSnapshot,
  submitClaim,
  snapshotStatus,
  parseDeployment,
  manifestDigest,
  describeWindows,
  DEPLOYMENT_FORMAT,
  SNAPSHOT_STATES,
  type Deployment,
  type DeployOptions,
  type PublishOptions,
  type GasReport,
  type SnapshotStatus,
  type SnapshotStateName,
  type AssetStatus,
} from "./vault";
export { checkInclusion, hasherProblems } from "./check";
export { deployPoseidon5, deployVerifier, poseidon5RuntimeCode, POSEIDON5_CODEHASH } from "./deploy";
export { readPublishedVerifier, assertVerifierCode, assertVerifierOfKey, type VerifierBuild, type PublishedVerifier } from "./verifier-code";
export { openChain, runDevelopmentNode, type Chain } from "./network";
export { loadSigner, PRIVATE_KEY_ENV, KEYSTORE_PASSWORD_ENV, type SignerSource } from "./signer";
export { ContractRevertError, decodeRevert, decodeRevertData, describeRevert, formatRevert, type DecodedRevert } from "./errors";
export { deployContract, attach, connectContract, contractInterface } from "./contracts";
export { deploySafe, execSafeTransaction } from "./safe";
export {
  buildBatchFile,
  writeBatchFile,
  batchCall,
  hasValidChecksum,
  poolLimitsCalls,
  poolUpgradeOperation,
  timelockOperationId,
  timelockScheduleCall,
  timelockExecuteCall,
  timelockCancelCall,
  GUARD_GOVERNANCE_ABI,
  type BatchFile,
  type BatchTransaction,
  type BatchOptions,
  type BreakerLimits,
  type TimelockOperation,
} from "./safe-tx-builder";
