/**
 * One base error for everything Lifeboat refuses on purpose. The CLI prints `message` alone (no
 * stack) and exits non-zero; anything else is a bug and is printed with its stack.
 */
export class LifeboatError extends Error {
  constructor(
    message: string,
    readonly details?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "LifeboatError";
  }
}

/** A value from a file, a flag or the network that does not fit its format. */
export class InputError extends LifeboatError {
  constructor(message: string, details?: string) {
    super(message, details);
    this.name = "InputError";
  }
}

/** Quotes a value for an error message, shortening very long ones. */
export function quote(value: unknown): string {
  const shorten = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);
  if (typeof value === "string") return JSON.stringify(shorten(value));
  return shorten(JSON.stringify(value) ?? String(value));
}
