import { InputError, quote } from "./errors";

/**
 * The small guards every file validator shares: each names where the value was found and quotes
 * what was there. (What comes from disk or the network is untrusted.)
 */
export type Json = Record<string, unknown>;

export function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${where} must be a JSON object, got ${quote(value)}`);
  }
  return value as Json;
}

export function integer(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${where} must be an integer in [${min}, ${max}], got ${quote(value)}`);
  }
  return value;
}

export function text(value: unknown, where: string): string {
  if (typeof value !== "string") throw new InputError(`${where} must be a string, got ${quote(value)}`);
  return value;
}
