import { expect } from "chai";

import { keccak256, toUtf8Bytes, Wallet } from "ethers";
import { SiweMessage } from "siwe";

import { readWithSiwe, SignInParser, type SignInFields } from "../../prover/serve/siwe-message";

/** A small deterministic generator (xorshift32), so a failure is reproducible. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

/** siwe's own reading of a text: its fields, or "refused". */
function siweReads(text: string): SignInFields | "refused" {
  try {
    return readWithSiwe(text);
  } catch {
    return "refused";
  }
}

function parserReads(parser: SignInParser, text: string): SignInFields | "refused" {
  try {
    return parser.parse(text);
  } catch {
    return "refused";
  }
}

const SERVERS = [
  { domain: "127.0.0.1:23545", origin: "http://127.0.0.1:23545" },
  { domain: "claims.example.org", origin: "https://claims.example.org" },
  { domain: "[::1]:8080", origin: "http://[::1]:8080" },
  { domain: "localhost:8080", origin: "http://localhost:8080" },
];

const PATH_CHARS = "abcXYZ019-._~!$&'()*+,;=:@%2F/";
/** Every printable ASCII character and a line feed. */
const NOISE = `${String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 32 + i))}\n`;

/** A sign-in message as a wallet would write it, with random optional parts. */
function randomMessage(next: (n: number) => number, server: (typeof SERVERS)[number], address: string): string {
  const pick = <T>(items: readonly T[]): T => items[next(items.length)]!;
  const text = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[next(alphabet.length)]).join("");
  const time = (): string => {
    const base = new Date(Date.UTC(2026, next(12), 1 + next(28), next(24), next(60), next(60), next(1000))).toISOString();
    return pick([base, base.replace(".000Z", "Z").replace(/\.\d+Z$/, "Z"), base.replace("Z", "+01:30"), base.replace("Z", "-05:00")]);
  };
  const fields: Partial<SiweMessage> = {
    domain: pick([server.domain, server.domain, server.domain, "evil.example", `${server.domain}0`]),
    address,
    uri: `${pick([server.origin, server.origin, server.origin, "https://evil.example", `${server.origin}0`])}${pick(["", "/", `/${text(PATH_CHARS, next(12))}`])}${pick(["", `?${text(PATH_CHARS + "?", next(8))}`])}${pick(["", `#${text(PATH_CHARS, next(6))}`])}`,
    version: "1",
    chainId: pick([1, 31337, 2 ** 40, 10]),
    nonce: text("abcdefABCDEF0123456789", 8 + pick([0, 0, 1, next(24)])),
    issuedAt: time(),
  };
  if (next(2) === 0) fields.statement = pick(["Sign in to receive your Lifeboat claim package.", "I accept: terms (v1) & 50% = ok? [yes] @ you #1 ~_~"]);
  if (next(3) !== 0) fields.expirationTime = time();
  if (next(3) === 0) fields.notBefore = time();
  if (next(4) === 0) fields.requestId = text(PATH_CHARS.replace("/", ""), next(10));
  if (next(6) === 0) fields.resources = [`${server.origin}/a`, "ipfs://bafy"];
  if (next(8) === 0) fields.scheme = "https";
  try {
    return new SiweMessage(fields).prepareMessage();
  } catch {
    return `${server.domain} wants you to sign in with your Ethereum account:\n${address}\n\n\nURI: ${server.origin}/\nVersion: 1\nChain ID: 1\nNonce: ${text("abc123", 10)}\nIssued At: ${time()}`;
  }
}

/** One random edit: a character replaced, inserted or removed (mostly in a field's value), or a line's case changed. */
function mutate(next: (n: number) => number, message: string): string {
  const values = [...message.matchAll(/: |\n/g)].map((match) => match.index + match[0].length);
  const at = next(2) === 0 ? next(message.length + 1) : Math.min(message.length, values[next(values.length)]! + next(12));
  const char = NOISE[next(NOISE.length)]!;
  switch (next(4)) {
    case 0:
      return message.slice(0, at) + char + message.slice(at + 1);
    case 1:
      return message.slice(0, at) + char + message.slice(at);
    case 2:
      return message.slice(0, at) + message.slice(at + 1);
    default: {
      const lines = message.split("\n");
      const line = next(lines.length);
      lines[line] = next(2) === 0 ? lines[line]!.toLowerCase() : lines[line]!.toUpperCase();
      return lines.join("\n");
    }
  }
}

describe("the sign-in message parser reads every message exactly as the siwe package does, only faster", () => {
  const addresses = Array.from({ length: 8 }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`siwe parser ${i}`))).address);

  it("reads the portal's own message through the fast path, with siwe's fields", () => {
    const server = SERVERS[0]!;
    const parser = new SignInParser(server.domain, server.origin);
    const text = new SiweMessage({
      domain: server.domain,
      address: addresses[0]!,
      statement: "Sign in to receive your Lifeboat claim package. This is not a transaction and costs nothing.",
      uri: `${server.origin}/`,
      version: "1",
      chainId: 31337,
      nonce: "0123456789abcdef0123456789abcdef",
      issuedAt: "2026-11-30T03:00:00.000Z",
      expirationTime: "2026-11-30T03:10:00.000Z",
    }).prepareMessage();
    expect(parser.parsePlain(text)).to.deep.equal(siweReads(text));
  });

  for (const server of SERVERS) {
    it(`agrees with siwe on 600 random and mutated messages for ${server.origin}, and takes the fast path for most valid ones`, () => {
      const parser = new SignInParser(server.domain, server.origin);
      const next = random(0x5eed + server.origin.length);
      let plain = 0;
      let valid = 0;
      let plainMutated = 0;
      for (let i = 0; i < 600; i += 1) {
        const original = randomMessage(next, server, addresses[next(addresses.length)]!);
        const text = i % 3 === 0 ? original : mutate(next, i % 3 === 1 ? original : mutate(next, original));
        const expected = siweReads(text);
        expect(parserReads(parser, text), JSON.stringify(text)).to.deep.equal(expected);
        if (expected !== "refused") valid += 1;
        if (parser.parsePlain(text) !== undefined) {
          plain += 1;
          if (text !== original) plainMutated += 1;
        }
      }
      expect(plain).to.be.greaterThan(valid / 3);
      // Edited messages the fast path still read: the cases where it could have disagreed.
      expect(plainMutated).to.be.greaterThan(2);
    });
  }

  it("agrees with siwe on every printable character put in every field of the fast path's form", () => {
    const server = SERVERS[0]!;
    const parser = new SignInParser(server.domain, server.origin);
    const base = [
      `${server.domain} wants you to sign in with your Ethereum account:`,
      addresses[2],
      "",
      "Sign in.",
      "",
      `URI: ${server.origin}/a/b?q=1#f`,
      "Version: 1",
      "Chain ID: 31337",
      "Nonce: abcd1234",
      "Issued At: 2026-11-30T03:00:00.000Z",
      "Expiration Time: 2026-11-30T03:10:00+01:00",
      "Not Before: 2026-11-30T02:59:59Z",
      "Request ID: r1",
    ].join("\n");
    expect(parser.parsePlain(base)).to.deep.equal(siweReads(base));
    // Each character inserted before and after each spot, and put in place of its first two.
    const spots = ["Sign", "in.", "/a", "b?", "q=", "#f", "31337", "abcd", "1234", "2026-11", "03:00:00.000Z", "+01:00", "59Z", "r1"];
    let cases = 0;
    for (const spot of spots) {
      const at = base.indexOf(spot);
      const edits = [
        (char: string): string => base.slice(0, at) + char + base.slice(at),
        (char: string): string => base.slice(0, at + spot.length) + char + base.slice(at + spot.length),
        (char: string): string => base.slice(0, at) + char + base.slice(at + 1),
        (char: string): string => base.slice(0, at + 1) + char + base.slice(at + 2),
      ];
      for (const edit of edits) {
        for (const char of NOISE) {
          const text = edit(char);
          expect(parserReads(parser, text), JSON.stringify(text)).to.deep.equal(siweReads(text));
          cases += 1;
        }
      }
    }
    expect(cases).to.equal(spots.length * 4 * NOISE.length);
  });

  it("refuses what siwe refuses on the fast path's own form: a wrong checksum, a date that does not exist, a lower-case T", () => {
    const server = SERVERS[0]!;
    const parser = new SignInParser(server.domain, server.origin);
    const good = `${server.domain} wants you to sign in with your Ethereum account:\n${addresses[1]}\n\n\nURI: ${server.origin}/\nVersion: 1\nChain ID: 31337\nNonce: abcdefgh12\nIssued At: 2026-02-28T01:02:03Z`;
    expect(parser.parsePlain(good)).to.deep.equal(siweReads(good));
    const wrongChecksum = good.replace(addresses[1]!, addresses[1]!.toLowerCase());
    expect(parser.parsePlain(wrongChecksum)).to.equal(undefined);
    expect(() => parser.parse(wrongChecksum)).to.throw(/EIP-55/);
    const noSuchDay = good.replace("2026-02-28", "2026-02-30");
    expect(parser.parsePlain(noSuchDay)).to.equal(undefined);
    expect(() => parser.parse(noSuchDay)).to.throw(/date time semantics/);
    const lowerT = good.replace("T01:02", "t01:02");
    expect(parser.parsePlain(lowerT)).to.equal(undefined);
    expect(parserReads(parser, lowerT)).to.deep.equal(siweReads(lowerT));
  });
});
