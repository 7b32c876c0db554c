import * as z from "zod";

import { LANE_LIMIT } from "../tree/constants";
import { got } from "./primitives";

/**
 * One entry of an adjustments file (a JSON array element, or a CSV line split into its four
 * cells), before its account is checked like an input account: a signed non-zero delta below
 * 2^96 in size, one of the snapshot's `assets`, and a one-line reason of 1 to MAX_REASON characters.
 */
export const MAX_REASON = 500;
/** A reason is one line: no control character but the tab, and no Unicode line or paragraph separator. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/;

/** The schema of one adjustment entry for a snapshot of these `assets`. */
export function adjustmentInputSchema(assets: readonly string[]) {
  return z.strictObject(
    {
      account: z.string({ error: (issue) => `must be an address string${got(issue.input)}` }),
      asset: z
        .unknown()
        .superRefine((asset, ctx) => {
          if (typeof asset !== "string" || !assets.includes(asset))
            ctx.addIssue({ code: "custom", message: `must be one of ${assets.join(", ")}${got(asset)}`, input: asset });
        })
        .transform((asset) => asset as string),
      delta: z
        .unknown()
        .superRefine((delta, ctx) => {
          if (typeof delta !== "string" || !/^[+-]?[0-9]+$/.test(delta)) {
            ctx.addIssue({ code: "custom", message: `must be a signed decimal integer string in base units${got(delta)}`, input: delta });
            return;
          }
          const amount = BigInt(delta);
          if (amount === 0n) ctx.addIssue({ code: "custom", message: "is zero: an adjustment must change something", input: delta });
          else if ((amount < 0n ? -amount : amount) >= LANE_LIMIT)
            ctx.addIssue({ code: "custom", message: `${delta} is not below 2^96 in size`, input: delta });
        })
        .transform((delta) => BigInt(delta as string)),
      reason: z
        .unknown()
        .transform((reason) => ({ raw: reason, text: typeof reason === "string" ? reason.replace(/^[ \t]+|[ \t]+$/g, "") : undefined }))
        .superRefine(({ raw, text }, ctx) => {
          if (text === undefined || text === "" || [...text].length > MAX_REASON || LINE_BREAKS_AND_CONTROLS.test(text)) {
            ctx.addIssue({ code: "custom", message: `must be a one-line explanation of 1 to ${MAX_REASON} characters${got(raw)}`, input: raw });
          }
        })
        .transform(({ text }) => text as string),
    },
    { error: (issue) => `must be an object${got(issue.input)}` },
  );
}
