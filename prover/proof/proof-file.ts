import { parseWith } from "../schema/parse";
import { proofFileSchema, type ProofFile } from "../schema/proof-file";

/** The proof file (docs/protocol.md §7.4); its format is the schema in prover/schema/proof-file.ts. */
export { PROOF_FORMAT, toCalldata, type ClaimCalldata, type ProofFile } from "../schema/proof-file";

/** Validates a proof file read from disk. Semantic checks (signals vs. claims) are in verify. */
export function parseProofFile(raw: unknown, where = "proof file"): ProofFile {
  return parseWith(proofFileSchema, raw, where);
}
