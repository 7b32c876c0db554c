import { Wallet } from "ethers";

import { InputError } from "../../errors";
import { attach } from "../../chain/contracts";
import { PRIVATE_KEY_ENV } from "../../chain/signer";
import { loadObserverModule, observe, watch } from "../../watch/watch";
import { runQuorumNode } from "../../watch/quorum-node";
import { addressOption, integerOption, parseOptions } from "../args";
import { CHAIN_OPTIONS, CHAIN_USAGE, connect } from "../chain-options";
import { log } from "../progress";

/** Owner keys of the guardians' Safe that the agent may sign with (enough for its threshold). */
export const WATCH_OWNER_KEYS_ENV = "LIFEBOAT_WATCH_OWNER_KEYS";

export const WATCH_USAGE = `usage: lifeboat watch --pool ADDRESS --safe ADDRESS --state FILE [--quorum-dir DIR] [--poll-ms N] [--max-blocks N] [--rpc URL]

Monitors a guarded pool block by block, for every asset: outflow in the breaker's window against its
warning limit, and the solvency invariant (reserves against liabilities); and safe mode; plus the
protocol's own checks (--observer). Near a bound it logs a warning; past one it submits the
guardians' halt through the Safe. Progress is kept in --state, so
a restarted agent resumes where it stopped and never halts twice; RPC errors are retried.

  --pool ADDRESS   the guarded pool: any contract implementing contracts/interfaces/IGuardedPool.sol
  --observer FILE  a module exporting the protocol's own checks (a PoolObserver), e.g. the demo
                   pool's oracle and borrowers: examples/demo/watch-observer.ts
  --safe ADDRESS   the Safe that holds the pool's guardian role
  --state FILE     where the agent keeps its progress (created if missing)
  --poll-ms N      how often to look for new blocks (default 1000)
  --max-blocks N   stop after N blocks (default: run until stopped)
  --quorum-dir DIR run as one watcher of a quorum: sign the Safe's halt with this node's single
                   owner key when a bound is crossed, share the signature in DIR (a directory the
                   watchers share), and execute the halt once DIR holds the Safe's threshold of
                   valid signatures (docs/guard.md)
Owner keys of the Safe, enough for its threshold, come from ${WATCH_OWNER_KEYS_ENV} (comma-separated);
the gas is paid by ${PRIVATE_KEY_ENV}'s account, else by the first owner.
${CHAIN_USAGE}`;

export async function watchCommand(argv: string[]): Promise<void> {
  const { help, values } = parseOptions(
    argv,
    {
      pool: { type: "string", required: true },
      safe: { type: "string", required: true },
      state: { type: "string", required: true },
      "poll-ms": { type: "string" },
      "max-blocks": { type: "string" },
      "quorum-dir": { type: "string" },
      observer: { type: "string" },
      ...CHAIN_OPTIONS,
    },
    WATCH_USAGE,
  );
  if (help) return void process.stdout.write(`${WATCH_USAGE}\n`);
  const keys = (process.env[WATCH_OWNER_KEYS_ENV] ?? "").split(",").map((key) => key.trim()).filter((key) => key !== "");
  if (keys.length === 0) throw new InputError(`set ${WATCH_OWNER_KEYS_ENV} to the Safe owner keys the agent signs with`);
  keys.forEach((key, i) => {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new InputError(`${WATCH_OWNER_KEYS_ENV} entry ${i + 1} is not a 32-byte hex key (its value is not shown)`);
  });
  const { chain, signer } = await connect(values, process.env[PRIVATE_KEY_ENV] !== undefined);
  const owners = keys.map((key) => new Wallet(key.startsWith("0x") ? key : `0x${key}`, chain.provider));
  const pool = addressOption(values.pool as string, "pool", WATCH_USAGE);
  const observers = values.observer === undefined ? [] : await loadObserverModule(values.observer);
  const safe = await attach("Safe", addressOption(values.safe as string, "safe", WATCH_USAGE), chain.provider);
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  const pollMs = Number(integerOption(values["poll-ms"] ?? "1000", "poll-ms", 10n, 600_000n, WATCH_USAGE));
  const maxBlocks = values["max-blocks"] === undefined ? {} : { maxBlocks: Number(integerOption(values["max-blocks"], "max-blocks", 1n, 10n ** 9n, WATCH_USAGE)) };
  if (values["quorum-dir"] !== undefined) {
    if (owners.length !== 1) throw new InputError(`a quorum watcher holds one owner key: set ${WATCH_OWNER_KEYS_ENV} to exactly one key, not ${owners.length}`);
    const quorumState = await runQuorumNode({
      provider: chain.provider,
      pool,
      safe,
      owner: owners[0]!,
      shareDir: values["quorum-dir"],
      stateFile: values.state as string,
      observe: async (block) => (await observe(chain.provider, pool, block, { observers })).findings.filter((finding) => finding.level === "act").map((finding) => finding.reason),
      pollMs,
      ...maxBlocks,
      log,
      signal: controller.signal,
    });
    return void process.stdout.write(`${JSON.stringify(quorumState)}\n`);
  }
  const state = await watch({
    provider: chain.provider,
    pool,
    observers,
    safe,
    owners,
    submitter: signer ?? owners[0]!,
    stateFile: values.state as string,
    pollMs,
    ...maxBlocks,
    log,
    signal: controller.signal,
  });
  process.stdout.write(`${JSON.stringify(state)}\n`);
}
