/**
 * `lifeboat/proof`: the user's side. Turns a claim package into the circuit's input, proves it with
 * the operator's published artifacts, and reads, writes and verifies proof files.
 *
 * @packageDocumentation
 */
export { proveClaim, verifyProofFile, type VerifyOutcome } from "./claim";
export { ClaimProver, releaseProverThreads, type Groth16Result } from "./prover";
export { PreparedGroth16Verifier } from "./groth16-verifier";
export type { Groth16Proof, VerificationKey } from "./groth16-types";
export { claimCircuitInput, checkClaimPackage, type ClaimCircuitInput } from "./witness";
export { claimContext, CONTEXT_TAG, type ClaimTarget } from "./context";
export { parseProofFile, toCalldata, PROOF_FORMAT, type ProofFile, type ClaimCalldata } from "./proof-file";
