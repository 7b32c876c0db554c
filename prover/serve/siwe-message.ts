import { getAddress } from "ethers";
import { SiweMessage } from "siwe";

/** The fields of an EIP-4361 (Sign-In with Ethereum) message, as written in it. */
export interface SignInFields {
  readonly domain: string;
  /** EIP-55 checksummed, as the message must write it. */
  readonly address: string;
  readonly statement?: string | undefined;
  readonly uri: string;
  readonly version: string;
  readonly chainId: number;
  readonly nonce: string;
  readonly issuedAt: string;
  readonly expirationTime?: string | undefined;
  readonly notBefore?: string | undefined;
  readonly requestId?: string | undefined;
  readonly resources?: readonly string[] | undefined;
}

/** Thrown for a text that is not an EIP-4361 message; the message is siwe's first error line. */
export class NotSignInMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotSignInMessage";
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

// RFC 3986 as EIP-4361's grammar (siwe's ABNF) writes it.
const PCT = "%[0-9A-Fa-f]{2}";
const PCHAR = `(?:[A-Za-z0-9!$&'()*+,\\-.:;=@_~]|${PCT})`;
const PATH_ABEMPTY = `(?:/${PCHAR}*)*`;
const QUERY = `(?:${PCHAR}|[/?])*`;
// The statement: printable ASCII without '"', '%', '<', '>', '\', '^', '`', '{', '|', '}' (the grammar's list).
const STATEMENT = "[A-Za-z0-9 !#$&-;=?@[\\]_~]+";
// RFC 3339 date-time, narrowed to what every parser reads the same way: "T", "Z" upper case, no leap second.
const DATE_TIME =
  "[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])";

/**
 * Parses EIP-4361 messages for one server (one domain, one origin).
 *
 * The `siwe` package's parser runs the full ABNF grammar and takes about a millisecond a message;
 * most sign-ins are the plain form the portal writes for this very server. Those are read by a
 * single regular expression that accepts only texts the grammar accepts, with the same fields:
 * no scheme before the domain, this server's domain, a URI on this server's origin, version 1, a
 * chain id of at most 15 digits, an alphanumeric nonce of 8 or more, RFC 3339 times with "T" and
 * "Z" upper case and no leap second, an optional Request ID, no Resources. Every other text goes
 * to siwe's parser, which accepts or refuses it as before (and its refusal says why). The
 * narrowing is checked when the parser is made: a message of this form is run through siwe's
 * parser, and the fast path is used only if both read it the same way.
 */
export class SignInParser {
  private readonly plain: RegExp | undefined;
  private readonly domain: string;

  constructor(domain: string, origin: string) {
    const pattern = new RegExp(
      `^${escape(domain)} wants you to sign in with your Ethereum account:\\n(0x[0-9A-Fa-f]{40})\\n(?:\\n(${STATEMENT})\\n\\n|\\n\\n)` +
        `URI: (${escape(origin)}${PATH_ABEMPTY}(?:\\?${QUERY})?(?:#${QUERY})?)\\n` +
        `Version: 1\\nChain ID: ([0-9]{1,15})\\nNonce: ([A-Za-z0-9]{8,})\\nIssued At: (${DATE_TIME})` +
        `(?:\\nExpiration Time: (${DATE_TIME}))?(?:\\nNot Before: (${DATE_TIME}))?(?:\\nRequest ID: (${PCHAR}*))?$`,
    );
    this.plain = agreesWithSiwe(pattern, domain, origin) ? pattern : undefined;
    this.domain = domain;
  }

  /** The message's fields; throws NotSignInMessage for a text that is not EIP-4361. */
  parse(text: string): SignInFields {
    return this.parsePlain(text) ?? readWithSiwe(text);
  }

  /** The fields when the text is of the plain form read without siwe's parser, else undefined. */
  parsePlain(text: string): SignInFields | undefined {
    return this.plain === undefined ? undefined : readPlain(this.plain, this.domain, text);
  }
}

function readPlain(pattern: RegExp, domain: string, text: string): SignInFields | undefined {
  const match = pattern.exec(text);
  if (match === null) return undefined;
  const [, address, statement, uri, chainId, nonce, issuedAt, expirationTime, notBefore, requestId] = match;
  // The grammar's semantic checks: an EIP-55 address, calendar dates that exist.
  if (getAddress(address!.toLowerCase()) !== address) return undefined;
  for (const time of [issuedAt, expirationTime, notBefore]) if (time !== undefined && !dateExists(time)) return undefined;
  return {
    domain,
    address: address!,
    statement,
    uri: uri!,
    version: "1",
    chainId: Number(chainId),
    nonce: nonce!,
    issuedAt: issuedAt!,
    expirationTime,
    notBefore,
    requestId,
    resources: undefined,
  };
}

/** 2026-02-30 matches the pattern but is no date: siwe refuses it, so the fast path must too. */
function dateExists(time: string): boolean {
  const day = time.slice(0, 10);
  const date = new Date(day);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/** The fields as the `siwe` package's ABNF parser reads them (the reference the fast path must match). */
export function readWithSiwe(text: string): SignInFields {
  let message: SiweMessage;
  try {
    message = new SiweMessage(text);
  } catch (error) {
    throw new NotSignInMessage(String((error as Error).message ?? error).split("\n")[0]!);
  }
  return {
    domain: message.domain,
    address: message.address,
    statement: message.statement,
    uri: message.uri,
    version: message.version,
    chainId: message.chainId,
    nonce: message.nonce,
    issuedAt: message.issuedAt!,
    expirationTime: message.expirationTime,
    notBefore: message.notBefore,
    requestId: message.requestId,
    resources: message.resources,
  };
}

/** Checks that siwe's parser reads messages of the fast form for this server as the fast path does. */
function agreesWithSiwe(pattern: RegExp, domain: string, origin: string): boolean {
  const address = "0x52908400098527886E0F7030069857D2E4169EE7";
  const samples = [
    `${domain} wants you to sign in with your Ethereum account:\n${address}\n\nSign in.\n\nURI: ${origin}/\nVersion: 1\nChain ID: 1\nNonce: abcdef0123456789\nIssued At: 2026-11-30T01:02:03.456Z\nExpiration Time: 2026-11-30T01:12:03.456Z`,
    `${domain} wants you to sign in with your Ethereum account:\n${address}\n\n\nURI: ${origin}\nVersion: 1\nChain ID: 31337\nNonce: ABCDEFGH\nIssued At: 2026-11-30T01:02:03+01:00\nNot Before: 2026-11-30T00:02:03Z\nRequest ID: r-1`,
  ];
  try {
    return samples.every((text) => {
      const fast = readPlain(pattern, domain, text);
      return fast !== undefined && JSON.stringify(fast) === JSON.stringify(readWithSiwe(text));
    });
  } catch {
    return false;
  }
}
