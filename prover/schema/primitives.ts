import { getAddress, isAddress } from "ethers";
import * as z from "zod";

import { quote } from "../errors";
import { SNARK_SCALAR_FIELD } from "../hash/field";
import { LANE_LIMIT, MAX_ASSETS, MIN_ASSETS } from "../tree/constants";

/**
 * The building blocks of every file schema: each refuses with a message of its own that quotes
 * the value ("must be …, got …"), which parseWith prefixes with the document and the field path.
 * Nothing here touches Node: the schemas run in browsers too.
 */

const got = (value: unknown): string => `, got ${quote(value)}`;

/** A message for a wrong JSON type, in the words of the expected value. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => `must be ${what}${got(issue.input)}` });

/** Adds a refusal (message already containing "got …") when `problem` returns one. */
function refuse<T>(problem: (value: T) => string | undefined) {
  return (value: T, ctx: z.RefinementCtx): void => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
  };
}

/** A JSON string. */
export const text = (): z.ZodString => z.string(expected("a string"));

/** A JSON number that is an integer in [min, max]. */
export function integer(min: number, max: number) {
  const what = `an integer in [${min}, ${max}]`;
  return z
    .number(expected(what))
    .superRefine(refuse((value: number) => (Number.isInteger(value) && value >= min && value <= max ? undefined : `must be ${what}${got(value)}`)));
}

/** A decimal string of an integer in [0, limit): no sign, no leading zero, no exponent. */
export function decimal(limit: bigint) {
  return z.string(expected("a decimal integer string")).superRefine(
    refuse((value: string) => {
      if (!/^(0|[1-9][0-9]*)$/.test(value)) return `must be a decimal integer string${got(value)}`;
      return BigInt(value) >= limit ? `must be below ${limit}${got(value)}` : undefined;
    }),
  );
}

/** A canonical field element (< r) as a decimal string. */
export const fieldElement = () => decimal(SNARK_SCALAR_FIELD);
/** A lane (a balance, a sum, a total: < 2^96) as a decimal string. */
export const lane = () => decimal(LANE_LIMIT);
/** A uint256 as a decimal string. */
export const uint256 = () => decimal(1n << 256n);

/** A positive decimal string (a chain id). */
export function positiveDecimal() {
  return z
    .string(expected("a decimal string"))
    .superRefine(refuse((value: string) => (/^[1-9][0-9]*$/.test(value) ? undefined : `must be a decimal string${got(value)}`)));
}

/** A 20-byte hex address whose letter case, if mixed, is its EIP-55 checksum; read as the checksummed form. */
export function address() {
  const what = "a checksummed 20-byte address";
  return z
    .string(expected(what))
    .superRefine(refuse((value: string) => (/^0x[0-9a-fA-F]{40}$/.test(value) && isAddress(value) ? undefined : `must be ${what}${got(value)}`)))
    .transform((value) => getAddress(value));
}

/** 64 lower-case hex digits. */
export function sha256Hex() {
  const what = "a sha256 digest (64 lower-case hex digits)";
  return z.string(expected(what)).superRefine(refuse((value: string) => (/^[0-9a-f]{64}$/.test(value) ? undefined : `must be ${what}${got(value)}`)));
}

/** Exactly `expected` (a format tag such as "lifeboat.manifest.v1"). */
export function formatTag<T extends string>(tag: T) {
  return z.literal(tag, { error: (issue) => `must be "${tag}"${got(issue.input)}` });
}

/** One of a fixed list of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (issue) => `must be ${values.map((value) => `"${value}"`).join(" or ")}${got(issue.input)}` });
}

/** true or false. */
export const boolean = () => z.boolean(expected("true or false"));

/** An array (of any length) of `item`. */
export function list<T extends z.ZodType>(item: T, what = "an array") {
  return z.array(item, expected(what)).readonly();
}

/** An array of exactly `length` (or any length when undefined) decimal strings below `limit`. */
export function decimals(limit: bigint, length?: number) {
  const what = `an array of ${length ?? ""}${length === undefined ? "" : " "}decimal strings`;
  const array = z.array(decimal(limit), expected(what)).readonly();
  return length === undefined
    ? array
    : array.superRefine(refuse((value: readonly string[]) => (value.length === length ? undefined : `must be ${what}${got(value)}`)));
}

/** The snapshot's asset names: 1 to 4 strings. */
export function assetNames() {
  const what = `list ${MIN_ASSETS} to ${MAX_ASSETS} assets`;
  return z
    .array(text(), { error: (issue) => `must ${what}${got(issue.input)}` })
    .readonly()
    .superRefine(refuse((value: readonly string[]) => (value.length >= MIN_ASSETS && value.length <= MAX_ASSETS ? undefined : `must ${what}${got(value)}`)));
}

/** A JSON object with exactly these fields: an unknown field is refused (a typo must not pass silently). */
export function record<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, expected("a JSON object"));
}

/** A JSON object with these fields; fields it does not know are kept (formats other modules extend). */
export function openRecord<T extends z.ZodRawShape>(shape: T) {
  return z.looseObject(shape, expected("a JSON object"));
}

/** An issue at `path` below the current value, for checks that compare two fields. */
export function issueAt(ctx: z.RefinementCtx, path: (string | number)[], message: string, input: unknown): void {
  ctx.addIssue({ code: "custom", path, message, input });
}

/** ", got <value>": the end of every refusal message, the value quoted and shortened. */
export { got };
