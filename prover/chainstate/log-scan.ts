import { LifeboatError } from "../errors";
import {
  backoff,
  classifyRpcError,
  DEFAULT_RETRY,
  firstLine,
  hexData,
  hexQuantity,
  sendWithTimeout,
  sleep,
  toQuantity,
  type JsonRpc,
  type RetryPolicy,
} from "./rpc";

/** One event log, validated. */
export interface ChainLog {
  readonly blockNumber: number;
  readonly logIndex: number;
  readonly transactionHash: string;
  /** Lower-case hex, 32 bytes each. */
  readonly topics: readonly string[];
  readonly data: string;
}

/** One event of one contract over a block range, as scanLogs reads it. */
export interface LogScan {
  readonly rpc: JsonRpc;
  /** The emitting contract. */
  readonly address: string;
  /** The event's signature hash (topic 0). */
  readonly topic0: string;
  /** First block of the range (inclusive). */
  readonly fromBlock: number;
  /** Last block of the range (inclusive). */
  readonly toBlock: number;
  /** Largest block range asked for in one request; ranges shrink on refusal and grow back. */
  readonly maxRange: number;
  /** How failed requests are retried (default DEFAULT_RETRY). */
  readonly policy?: RetryPolicy;
}

/** Thrown for a reply that is malformed rather than refused: retrying will not fix it. */
export class InvalidReplyError extends LifeboatError {}

/**
 * Reads every log of one event of one contract in [fromBlock, toBlock], in order, and hands each
 * completed contiguous range to `consume(logs, lastBlock)` before asking for the next, so the
 * consumer can checkpoint after any range. Ranges start at `maxRange` blocks; a range the node
 * refuses (too many results, too wide, timed out) is split in half until it is accepted, and
 * later ranges start from the size that worked, doubling again after each success. Other
 * failures are retried with exponential back-off; a single block that keeps failing ends the scan
 * with the node's error. Replies are validated: address, topic, block bounds, unique positions.
 */
export async function scanLogs(scan: LogScan, consume: (logs: ChainLog[], lastBlock: number) => Promise<void>): Promise<{ requests: number; logs: number }> {
  const policy = scan.policy ?? DEFAULT_RETRY;
  if (!Number.isInteger(scan.maxRange) || scan.maxRange < 1) throw new LifeboatError(`maxRange must be a positive integer, got ${scan.maxRange}`);
  let size = scan.maxRange;
  let requests = 0;
  let total = 0;

  const fetchRange = async (from: number, to: number): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      let reply: unknown;
      try {
        requests += 1;
        reply = await sendWithTimeout(
          scan.rpc,
          "eth_getLogs",
          [{ address: scan.address, topics: [scan.topic0], fromBlock: toQuantity(from), toBlock: toQuantity(to) }],
          policy.timeoutMs,
        );
      } catch (error) {
        if (classifyRpcError(error) === "range" && to > from) {
          const middle = from + Math.floor((to - from) / 2);
          size = Math.max(1, middle - from + 1);
          await fetchRange(from, middle);
          await fetchRange(middle + 1, to);
          return;
        }
        if (attempt >= policy.attempts) {
          throw new LifeboatError(`eth_getLogs of ${scan.address} for blocks ${from}-${to} failed ${attempt} times; last error: ${firstLine(error)}`);
        }
        await sleep(backoff(policy, attempt));
        continue;
      }
      const logs = validateLogs(reply, scan, from, to);
      total += logs.length;
      await consume(logs, to);
      return;
    }
  };

  for (let cursor = scan.fromBlock; cursor <= scan.toBlock;) {
    const end = Math.min(scan.toBlock, cursor + size - 1);
    await fetchRange(cursor, end);
    cursor = end + 1;
    size = Math.min(scan.maxRange, size * 2);
  }
  return { requests, logs: total };
}

function validateLogs(reply: unknown, scan: LogScan, from: number, to: number): ChainLog[] {
  const where = `eth_getLogs reply for ${scan.address} blocks ${from}-${to}`;
  if (!Array.isArray(reply)) throw new InvalidReplyError(`${where} is not an array: ${JSON.stringify(reply)?.slice(0, 80)}`);
  const address = scan.address.toLowerCase();
  const seen = new Set<string>();
  const logs = reply.map((entry: unknown, i): ChainLog => {
    const at = `${where}, log ${i}`;
    if (typeof entry !== "object" || entry === null) throw new InvalidReplyError(`${at} is not an object`);
    const log = entry as Record<string, unknown>;
    if (log["removed"] === true) throw new InvalidReplyError(`${at} is marked removed (a reorg under the snapshot block): retry later`);
    if (typeof log["address"] !== "string" || log["address"].toLowerCase() !== address) {
      throw new InvalidReplyError(`${at} comes from ${JSON.stringify(log["address"])}, not the requested ${scan.address}`);
    }
    const topics = log["topics"];
    if (!Array.isArray(topics) || topics.length === 0) throw new InvalidReplyError(`${at} has no topics`);
    const checkedTopics = topics.map((topic: unknown, t) => hexData(topic, `${at} topic ${t}`, 32));
    if (checkedTopics[0] !== scan.topic0.toLowerCase()) throw new InvalidReplyError(`${at} has topic0 ${checkedTopics[0]}, not the requested ${scan.topic0}`);
    const blockNumber = Number(hexQuantity(log["blockNumber"], `${at} blockNumber`));
    if (blockNumber < from || blockNumber > to) throw new InvalidReplyError(`${at} is from block ${blockNumber}, outside the requested ${from}-${to}`);
    const logIndex = Number(hexQuantity(log["logIndex"], `${at} logIndex`));
    const position = `${blockNumber}:${logIndex}`;
    if (seen.has(position)) throw new InvalidReplyError(`${at} repeats block ${blockNumber} log ${logIndex}`);
    seen.add(position);
    return {
      blockNumber,
      logIndex,
      transactionHash: hexData(log["transactionHash"], `${at} transactionHash`, 32),
      topics: checkedTopics,
      data: hexData(log["data"], `${at} data`),
    };
  });
  return logs.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

/** The address in an indexed address topic; its upper 12 bytes must be zero. */
export function topicAddress(topic: string, where: string): string {
  if (!/^0x0{24}[0-9a-f]{40}$/.test(topic)) throw new InvalidReplyError(`${where}: ${topic} is not an address topic`);
  return `0x${topic.slice(26)}`;
}
