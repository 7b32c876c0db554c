import type * as z from "zod";

import { InputError, quote } from "../errors";

/**
 * Runs a schema on an untrusted value (a file read from disk or the network) and turns the first
 * problem into an InputError that names the document (`where`), the field as a path
 * (`accounts[3].balances[1]`) and the value. The schemas in this folder word their own messages
 * ("must be …, got …"); zod's generic ones are rephrased here.
 */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.output<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const message = describe(issue);
  // A message that begins with ": " is a sentence about the field rather than a predicate of it.
  throw new InputError(`${where}${fieldPath(issue.path)}${message.startsWith(": ") ? message : ` ${message}`}`);
}

/** `.a[3]["claim.wasm"]`: dots for names, brackets for indexes and for keys that are not names. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key) =>
      typeof key === "number" ? `[${key}]` : typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(String(key))}]`,
    )
    .join("");
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `has ${issue.keys.length === 1 ? "an unknown field" : "unknown fields"} ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}`;
  }
  // Our schemas give every other message in full; zod's defaults ("Invalid input: …") get the value.
  if (issue.code === "custom" || /^(must |names |is |has )/.test(issue.message)) {
    return issue.message;
  }
  return `is invalid (${issue.message}), got ${quote((issue as { input?: unknown }).input)}`;
}
