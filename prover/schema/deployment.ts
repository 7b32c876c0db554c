import * as z from "zod";

import { address, formatTag, got, list, openRecord } from "./primitives";

/** The `format` of a deployment file. */
export const DEPLOYMENT_FORMAT = "lifeboat.deployment.v1";

/**
 * What `lifeboat deploy` writes: where the vault, its hasher and the verifiers live. Fields this
 * schema does not name are kept (later tools add to the file), never trusted.
 */
export const deploymentSchema = openRecord({
  format: formatTag(DEPLOYMENT_FORMAT),
  chainId: z.string().regex(/^[0-9]+$/, { error: (issue) => `must be a decimal string${got(issue.input)}` }),
  vault: address(),
  hasher: address(),
  /** Verifier address per circuit instance id (claim_d20_k2, …). */
  verifiers: z.record(z.string(), address(), { error: (issue) => `must be a JSON object${got(issue.input)}` }).readonly(),
  /** Who was granted GUARDIAN_ROLE at deployment (absent in files written before it was recorded). */
  guardians: list(address(), "an array of addresses").optional(),
});

/** A deployment file, as `deploymentSchema` validates it. */
export type Deployment = z.infer<typeof deploymentSchema>;
