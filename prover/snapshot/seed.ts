import { createHash, createHmac, randomBytes } from "node:crypto";

import { InputError } from "../errors";

/**
 * The operator's secret seed: 32 bytes. It keys two derivations per account, so that the
 * operator and an auditor holding the seed rebuild the exact tree, while nobody else can:
 *   salt(account)  = HMAC-SHA256(seed, "lifeboat.salt.v1"  || address20) >> 3   (253 bits < p)
 *   order(account) = HMAC-SHA256(seed, "lifeboat.order.v1" || address20)
 * Leaves are placed in ascending order of `order`, so a user's tree position says nothing about
 * who their neighbours are. See docs/protocol.md, "Salts and leaf order".
 */
export const SEED_BYTES = 32;
const SALT_TAG = Buffer.from("lifeboat.salt.v1");
const ORDER_TAG = Buffer.from("lifeboat.order.v1");
const SEED_COMMITMENT_TAG = Buffer.from("lifeboat.seed-commitment.v1");

/** A new random seed of SEED_BYTES (32) bytes from the operating system's CSPRNG. */
export function generateSeed(): Uint8Array {
  return randomBytes(SEED_BYTES);
}

/** Seed files hold 64 hex digits (an optional 0x and surrounding white space are allowed). */
export function parseSeed(text: string, where: string): Uint8Array {
  const hex = text.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InputError(`${where}: a seed file holds exactly 64 hex digits (32 bytes), got ${text.trim().length} characters`);
  }
  return Buffer.from(hex, "hex");
}

/** The seed as a seed file holds it: 0x, 64 lower-case hex digits and a newline (parseSeed reads it back). */
export function formatSeed(seed: Uint8Array): string {
  return `0x${Buffer.from(seed).toString("hex")}\n`;
}

function addressBytes(account: string): Buffer {
  return Buffer.from(account.slice(2), "hex");
}

export function deriveSalt(seed: Uint8Array, account: string): bigint {
  const mac = createHmac("sha256", seed).update(SALT_TAG).update(addressBytes(account)).digest();
  return BigInt(`0x${mac.toString("hex")}`) >> 3n;
}

export function deriveOrderKey(seed: Uint8Array, account: string): Buffer {
  return createHmac("sha256", seed).update(ORDER_TAG).update(addressBytes(account)).digest();
}

/** Public commitment to the seed, recorded in the manifest so an auditor can tell it has the right one. */
export function seedCommitment(seed: Uint8Array): string {
  return `sha256:${createHash("sha256").update(SEED_COMMITMENT_TAG).update(seed).digest("hex")}`;
}
