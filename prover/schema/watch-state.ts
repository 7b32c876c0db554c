import * as z from "zod";

import { address, formatTag, integer, openRecord, record, text } from "./primitives";

/** The `format` of the watch agent's state file. */
export const WATCH_STATE_FORMAT = "lifeboat.watch-state.v1";

/**
 * The watch agent's progress file (`lifeboat watch --state`): the last block it checked and, once
 * it has acted, the halt it sent. Fields this schema does not name are kept for the watch module.
 */
export const watchStateSchema = openRecord({
  format: formatTag(WATCH_STATE_FORMAT),
  pool: address(),
  lastBlock: integer(-1, Number.MAX_SAFE_INTEGER),
  acted: record({ block: integer(0, Number.MAX_SAFE_INTEGER), reason: text(), txHash: text() })
    .readonly()
    .optional(),
}).readonly();

/** The watch state file, as `watchStateSchema` validates it. */
export type WatchStateFile = z.infer<typeof watchStateSchema>;
