import { Contract, getAddress, hashMessage, isHexString, type Provider } from "ethers";

import { recoverSigner } from "./ecdsa";
import type { NonceStore } from "./nonces";
import { NotSignInMessage, SignInParser, type SignInFields } from "./siwe-message";

/** EIP-1271's magic value: bytes4(keccak256("isValidSignature(bytes32,bytes)")). */
export const EIP1271_MAGIC = "0x1626ba7e";
const EIP1271_ABI = ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"];

/** The longest a sign-in message may stay valid (its Expiration Time minus now). */
export const MAX_MESSAGE_LIFETIME_MS = 60 * 60 * 1000;

/** What a sign-in message must say to be accepted here. */
export interface SignInExpectation {
  /** The host (and port) users reach the portal at: the message's domain. */
  readonly domain: string;
  /** The portal's origin (scheme, host, port): the message's URI must be on it. */
  readonly origin: string;
  /** The vault's chain. */
  readonly chainId: number;
}

/**
 * A refused sign-in. `kind` "message": the message itself is wrong (not EIP-4361, another domain,
 * expired, an unknown or used nonce), which says nothing about any account. `kind` "account": the
 * signature is not the account's; callers answer this exactly like an account without a package.
 */
export class SignInRefused extends Error {
  constructor(
    message: string,
    readonly kind: "message" | "account",
  ) {
    super(message);
    this.name = "SignInRefused";
  }
}

function refuse(message: string): never {
  throw new SignInRefused(message, "message");
}

/**
 * The chain could not be asked whether a contract account accepts a signature. Only signatures
 * that are not the account's own ECDSA signature reach the chain, so this says nothing about
 * whether an account is in the snapshot.
 */
export class ChainUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainUnavailable";
  }
}

/** A parser for the expected domain and origin (made once per server: it checks itself against siwe's). */
export function signInParser(expected: SignInExpectation): SignInParser {
  return new SignInParser(expected.domain, expected.origin);
}

/** Parses and checks an EIP-4361 message; returns its fields with its (checksummed) account. */
export function checkMessage(text: string, expected: SignInExpectation, nonces: NonceStore, parser: SignInParser, now = Date.now()): SignInFields {
  let message: SignInFields;
  try {
    message = parser.parse(text);
  } catch (error) {
    if (!(error instanceof NotSignInMessage)) throw error;
    refuse(`the sign-in message is not an EIP-4361 (Sign-In with Ethereum) message: ${error.message}`);
  }
  if (message.domain !== expected.domain)
    refuse(`the sign-in message is for domain ${JSON.stringify(message.domain)}, this server is ${JSON.stringify(expected.domain)}`);
  let origin: string;
  try {
    origin = new URL(message.uri).origin;
  } catch {
    refuse(`the sign-in message's URI ${JSON.stringify(message.uri)} is not a URL`);
  }
  if (origin !== expected.origin) refuse(`the sign-in message's URI ${JSON.stringify(message.uri)} is not on ${expected.origin}`);
  if (message.version !== "1") refuse(`the sign-in message's version must be 1, got ${JSON.stringify(message.version)}`);
  if (message.chainId !== expected.chainId) refuse(`the sign-in message is for chain ${message.chainId}, the vault is on chain ${expected.chainId}`);
  if (message.expirationTime === undefined) refuse("the sign-in message must have an Expiration Time");
  const expires = Date.parse(message.expirationTime);
  if (!(expires > now)) refuse(`the sign-in message expired at ${message.expirationTime}`);
  if (expires - now > MAX_MESSAGE_LIFETIME_MS)
    refuse(`the sign-in message's Expiration Time ${message.expirationTime} is more than ${MAX_MESSAGE_LIFETIME_MS / 60_000} minutes away`);
  if (message.notBefore !== undefined && !(Date.parse(message.notBefore) <= now)) refuse(`the sign-in message is not valid before ${message.notBefore}`);
  // Last: the nonce is spent by any attempt that gets this far, so a message is tried once.
  if (!nonces.consume(message.nonce)) refuse("the sign-in message's nonce was not issued by this server, was already used, or has expired: ask for a new one");
  return { ...message, address: getAddress(message.address) };
}

/** Recovers the signer of a 65-byte signature over a digest (undefined: no signature). */
export type RecoverSigner = (digest: string, signature: string) => Promise<string | undefined>;

/**
 * True when `signature` is the account's over the message (EIP-191): an externally owned
 * account's key, or, for an account with code (a Safe), its EIP-1271 `isValidSignature`. Throws
 * ChainUnavailable when the chain cannot be asked.
 */
export async function signatureIsAccounts(
  text: string,
  account: string,
  signature: string,
  provider: Provider,
  recover: RecoverSigner = async (digest, signed) => recoverSigner(digest, signed),
): Promise<boolean> {
  if (!isHexString(signature) || signature.length < 4 || signature.length > 2 + 2 * 4096) return false;
  const digest = hashMessage(text);
  // The account's own key (an externally owned account); failing that, maybe a contract account's signature.
  if (signature.length === 132 && (await recover(digest, signature)) === account) return true;
  let code: string;
  try {
    code = await provider.getCode(account);
  } catch (error) {
    throw new ChainUnavailable(`the chain's RPC endpoint does not answer (${String((error as Error).message ?? error).split("\n")[0]})`);
  }
  if (code === "0x") return false;
  try {
    const contract = new Contract(account, EIP1271_ABI, provider);
    const answer = (await contract.getFunction("isValidSignature").staticCall(digest, signature)) as string;
    return answer.toLowerCase() === EIP1271_MAGIC;
  } catch {
    return false;
  }
}
