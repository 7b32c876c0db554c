import { LifeboatError } from "../errors";

/**
 * The one thing chain-state reading needs from a node: raw JSON-RPC. Both ethers'
 * `JsonRpcProvider` and Hardhat's provider have this `send`, and tests wrap it to inject
 * failures. Everything a node replies is untrusted and is validated by the caller.
 */
export interface JsonRpc {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** How a failed request is treated: split the range and try smaller, or wait and try again. */
export type RpcFailure = "range" | "transient";

/**
 * Providers refuse large log queries in many wordings (Alchemy, Infura, QuickNode, geth, erigon,
 * Hardhat): "query returned more than 10000 results", "block range is too large", "exceed
 * maximum block range", "response size exceeded", "limit exceeded", code -32005. A timeout is
 * treated the same way: a smaller range is the likeliest cure. Anything else is transient.
 */
const RANGE_REFUSAL = /range|too many|more than|limit|exceed|too large|response size|results|timed? ?out|-32005/i;
/**
 * Throttling ("429 Too Many Requests", "rate limit exceeded", "compute units per second") also
 * says "limit" or "too many", but asks to wait, not to ask for less: splitting would send twice
 * the requests into the throttle. It is checked first.
 */
const THROTTLED = /\b429\b|too many requests|rate.?limit|throttl|capacity|compute units/i;

export function classifyRpcError(error: unknown): RpcFailure {
  const text = error instanceof Error ? `${error.message} ${JSON.stringify((error as { error?: unknown }).error ?? "")}` : String(error);
  if (THROTTLED.test(text)) return "transient";
  return RANGE_REFUSAL.test(text) ? "range" : "transient";
}

/** An eth_call the contract reverted. */
export class CallRevertedError extends LifeboatError {}

/** Thrown when a request is still unanswered after the policy's timeout; the message names the method and the wait in ms. */
export class RpcTimeoutError extends Error {
  constructor(method: string, ms: number) {
    super(`${method} timed out after ${ms} ms`);
    this.name = "RpcTimeoutError";
  }
}

/** How requests to a node are retried and timed out. */
export interface RetryPolicy {
  /** Attempts per request before giving up (at least 1). */
  readonly attempts: number;
  /** First back-off delay; doubled after each failure, up to `maxDelayMs`, with jitter. */
  readonly baseDelayMs: number;
  /** Longest back-off delay, in ms. */
  readonly maxDelayMs: number;
  /** A request still unanswered after this long counts as failed (and, for logs, as a range refusal). */
  readonly timeoutMs: number;
}

/** The default retry policy: 6 attempts, back-off from 250 ms up to 8 s, 30 s timeout per request. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000, timeoutMs: 30_000 };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One request with a timeout. */
export async function sendWithTimeout(rpc: JsonRpc, method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RpcTimeoutError(method, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([rpc.send(method, params), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request retried with exponential back-off and jitter. For calls whose size cannot be
 * reduced (eth_call, eth_getBlockByNumber), every failure is retried; the last one is reported
 * with the method and what the node said.
 */
export async function sendWithRetry(rpc: JsonRpc, method: string, params: unknown[], policy: RetryPolicy = DEFAULT_RETRY): Promise<unknown> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    try {
      return await sendWithTimeout(rpc, method, params, policy.timeoutMs);
    } catch (error) {
      // A revert is the contract's answer, not a failure of the node: asking again changes nothing.
      if (method === "eth_call" && /revert/i.test(firstLine(error))) throw new CallRevertedError(firstLine(error));
      lastError = error;
      if (attempt < policy.attempts) await sleep(backoff(policy, attempt));
    }
  }
  throw new LifeboatError(`${method} failed ${policy.attempts} times; last error: ${firstLine(lastError)}`);
}

export function backoff(policy: RetryPolicy, attempt: number): number {
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return delay / 2 + Math.random() * (delay / 2);
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] as string;
}

// ---- reply validation: a node's reply is untrusted ------------------------------------------------

export function hexQuantity(value: unknown, where: string): bigint {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) {
    throw new LifeboatError(`the node replied with an invalid ${where}: ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return BigInt(value);
}

export function hexData(value: unknown, where: string, bytes?: number): string {
  if (typeof value !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(value) || (bytes !== undefined && value.length !== 2 + 2 * bytes)) {
    throw new LifeboatError(
      `the node replied with an invalid ${where}${bytes === undefined ? "" : ` (expected ${bytes} bytes)`}: ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  }
  return value.toLowerCase();
}

export function toQuantity(value: number | bigint): string {
  return `0x${value.toString(16)}`;
}

/** The number and hash of a block, read and checked. */
export async function blockAt(
  rpc: JsonRpc,
  block: number | "latest",
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<{ number: number; hash: string; timestamp: number }> {
  const tag = block === "latest" ? "latest" : toQuantity(block);
  const reply = await sendWithRetry(rpc, "eth_getBlockByNumber", [tag, false], policy);
  if (reply === null || typeof reply !== "object") {
    throw new LifeboatError(`the node has no block ${block}${block === "latest" ? "" : " (it is beyond the chain head, or the node prunes old blocks)"}`);
  }
  const b = reply as { number?: unknown; hash?: unknown; timestamp?: unknown };
  const number = Number(hexQuantity(b.number, "block number"));
  if (block !== "latest" && number !== block) throw new LifeboatError(`asked the node for block ${block}, it returned block ${number}`);
  return { number, hash: hexData(b.hash, "block hash", 32), timestamp: Number(hexQuantity(b.timestamp, "block timestamp")) };
}
