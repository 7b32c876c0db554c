import type { Interface } from "ethers";

import { decodeRevert, formatRevert } from "../chain";
import { errorInWords } from "./format";

/**
 * A failed call's reason for people: the custom error by name and arguments, decoded by the
 * library against the called contract and every ABI Lifeboat ships (`RecoveryVaultWrongState(8, 2, 1)`),
 * followed by what it means in words when the CLI knows it.
 */
export function revertReason(error: unknown, contract?: Interface): string {
  const decoded = decodeRevert(error, contract === undefined ? undefined : { contractInterface: contract });
  if (decoded === undefined || decoded.errorName === "Error" || decoded.errorName === "Panic") return (error as Error).message.split("\n")[0]!;
  const words = errorInWords(decoded.errorName, decoded.args.map(String));
  return `${formatRevert(decoded)}${words === undefined ? "" : ` — ${words}`}`;
}
