import { InputError } from "./errors";

/** Parses JSON from an untrusted file or flag; the refusal names what it was and why. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}
