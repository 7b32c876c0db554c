import { decodeRevert, type ContractRevertError } from "lifeboat/vault";

/**
 * The demo's own checks, written so that they can fail: a step that expects a refusal passes only
 * when the action is refused with that custom error, by name; success, or any other failure, stops
 * the demo. The outcome is decided outside the `try` that catches the refusal.
 */

/** Thrown when a demo step does not go as the story says. */
export class DemoCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DemoCheckError";
  }
}

/** Stops the demo unless `condition` holds. */
export function check(condition: boolean, what: string): void {
  if (!condition) throw new DemoCheckError(`demo check failed: ${what}`);
}

/**
 * Runs `action` and returns the refusal's message when it reverted with the custom error
 * `errorName`; throws a DemoCheckError if it succeeded or failed in any other way.
 */
export async function expectRevert(action: () => Promise<unknown>, errorName: string, what: string): Promise<string> {
  let outcome: { ok: true } | { ok: false; error: unknown };
  try {
    await action();
    outcome = { ok: true };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) throw new DemoCheckError(`${what} was accepted; expected the refusal ${errorName}`);
  const { error } = outcome;
  // By name, not instanceof: the error may come from another copy of the library (sources or build).
  const name = isContractRevert(error) ? error.errorName : decodeRevert(error)?.errorName;
  if (name !== errorName) {
    throw new DemoCheckError(`${what} failed, but not with ${errorName}: ${name ?? (error as Error).message.split("\n")[0]}`);
  }
  return (error as Error).message;
}

function isContractRevert(error: unknown): error is ContractRevertError {
  return error instanceof Error && error.name === "ContractRevertError" && typeof (error as { errorName?: unknown }).errorName === "string";
}
