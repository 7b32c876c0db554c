import { Interface } from "ethers";

import { errorInWords } from "./format";

/** Errors any call of ours may revert with besides the contract's own: AccessControl, Pausable, ERC-20. */
const COMMON_ERRORS = new Interface([
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error EnforcedPause()",
  "error ExpectedPause()",
  "error ReentrancyGuardReentrantCall()",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC20InvalidReceiver(address receiver)",
  "error SafeERC20FailedOperation(address token)",
]);

/** The revert data of a failed call, wherever ethers or the node put it. */
function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data;
    current = (current as { error?: unknown }).error ?? (current as { info?: { error?: unknown } }).info?.error;
  }
  return undefined;
}

/**
 * A failed call's reason: the custom error by name and arguments (`RecoveryVaultWrongState(8, 2, 1)`)
 * followed by what it means in words, when `contract` or the common errors know it.
 */
export function revertReason(error: unknown, contract?: Interface): string {
  const data = revertData(error);
  if (data !== undefined) {
    for (const known of [contract, COMMON_ERRORS]) {
      if (known === undefined) continue;
      let parsed: ReturnType<typeof known.parseError>;
      try {
        parsed = known.parseError(data);
      } catch {
        parsed = null;
      }
      if (parsed !== null) {
        const args = parsed.args.map(String);
        const words = errorInWords(parsed.name, args);
        return `${parsed.name}(${args.join(", ")})${words === undefined ? "" : ` — ${words}`}`;
      }
    }
  }
  return (error as Error).message.split("\n")[0]!;
}
