import { randomBytes } from "node:crypto";

/**
 * One-time sign-in nonces: issued by the server, each accepted once and only before it expires.
 * Bounded: when full, the oldest outstanding nonces are forgotten first (their sign-ins must ask
 * for a new one), so a client asking for nonces in a loop cannot grow the server's memory.
 */
export class NonceStore {
  /** nonce -> expiry (ms since the epoch); a Map iterates in insertion order, oldest first. */
  private readonly issued = new Map<string, number>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh nonce: 128 random bits as 32 hex digits (EIP-4361 wants 8+ alphanumerics). */
  issue(): { nonce: string; expiresAt: number } {
    while (this.issued.size >= this.capacity) {
      const oldest = this.issued.keys().next().value as string;
      this.issued.delete(oldest);
    }
    const nonce = randomBytes(16).toString("hex");
    const expiresAt = this.now() + this.lifetimeMs;
    this.issued.set(nonce, expiresAt);
    return { nonce, expiresAt };
  }

  /** True once for a nonce this store issued and that has not expired; it is gone afterwards. */
  consume(nonce: string): boolean {
    const expiresAt = this.issued.get(nonce);
    if (expiresAt === undefined) return false;
    this.issued.delete(nonce);
    return expiresAt > this.now();
  }

  get size(): number {
    return this.issued.size;
  }
}
