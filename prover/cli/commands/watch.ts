import { Wallet } from "ethers";

import { InputError } from "../../errors";
import { attach } from "../../chain";
import { PRIVATE_KEY_ENV } from "../../chain";
import { loadObserverModule, observe, watch } from "../../watch";
import { runQuorumNode } from "../../watch";
import { CHAIN_OPTIONS, connect } from "../chain-options";
import { defineCommand, JSON_OPTION, opt } from "../options";
import { output } from "../output";
import { log } from "../progress";

/** Owner keys of the guardians' Safe that the agent may sign with (enough for its threshold). */
export const WATCH_OWNER_KEYS_ENV = "LIFEBOAT_WATCH_OWNER_KEYS";

export const watchSpec = defineCommand({
  name: "watch",
  summary: "monitor a guarded pool; halt it through the Safe",
  description: `Monitors a guarded pool block by block, for every asset: outflow in the breaker's window against
its warning limit, and the solvency invariant (reserves against liabilities); and safe mode; plus
the protocol's own checks (--observer). Near a bound it logs a warning; past one it submits the
guardians' halt through the Safe. Progress
is kept in --state, so a restarted agent resumes where it stopped and never halts twice; RPC errors
are retried. With --quorum-dir it runs as one watcher of a quorum: it signs the Safe's halt with
this node's single owner key when a bound is crossed, shares the signature in DIR, and executes the
halt once DIR holds the Safe's threshold of valid signatures (docs/guard.md).`,
  options: {
    pool: opt.address("ADDR", "the guarded pool: any contract implementing contracts/interfaces/IGuardedPool.sol").require(),
    observer: opt.path(
      "FILE",
      "a module exporting the protocol's own checks (a PoolObserver), e.g. the demo pool's oracle and borrowers: examples/demo/watch-observer.ts",
    ),
    safe: opt.address("ADDR", "the Safe that holds the pool's guardian role").require(),
    state: opt.path("FILE", "where the agent keeps its progress (created if missing)").require(),
    "poll-ms": opt.count("N", "how often to look for new blocks, in milliseconds", 10, 600_000).default(1000, "1000"),
    "max-blocks": opt.count("N", "stop after N blocks (default: run until stopped)", 1, 10 ** 9),
    "quorum-dir": opt.path("DIR", "run as one watcher of a quorum sharing signatures in DIR"),
    ...CHAIN_OPTIONS,
    ...JSON_OPTION,
  },
  notes: `Owner keys of the Safe, enough for its threshold, come from ${WATCH_OWNER_KEYS_ENV} (comma-separated);
the gas is paid by ${PRIVATE_KEY_ENV}'s account, else by the first owner.`,
  async run(values, usage) {
    const keys = (process.env[WATCH_OWNER_KEYS_ENV] ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter((key) => key !== "");
    if (keys.length === 0) throw new InputError(`set ${WATCH_OWNER_KEYS_ENV} to the Safe owner keys the agent signs with`);
    keys.forEach((key, i) => {
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new InputError(`${WATCH_OWNER_KEYS_ENV} entry ${i + 1} is not a 32-byte hex key (its value is not shown)`);
    });
    const { chain, signer } = await connect(values, process.env[PRIVATE_KEY_ENV] !== undefined, usage);
    const owners = keys.map((key) => new Wallet(key.startsWith("0x") ? key : `0x${key}`, chain.provider));
    const pool = values.pool;
    const observers = values.observer === undefined ? [] : await loadObserverModule(values.observer);
    const safe = await attach("Safe", values.safe, chain.provider);
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    process.once("SIGTERM", () => controller.abort());
    const pollMs = values["poll-ms"];
    const maxBlocks = values["max-blocks"] === undefined ? {} : { maxBlocks: values["max-blocks"] };
    if (values["quorum-dir"] !== undefined) {
      if (owners.length !== 1)
        throw new InputError(`a quorum watcher holds one owner key: set ${WATCH_OWNER_KEYS_ENV} to exactly one key, not ${owners.length}`);
      const quorumState = await runQuorumNode({
        provider: chain.provider,
        pool,
        safe,
        owner: owners[0]!,
        shareDir: values["quorum-dir"],
        stateFile: values.state,
        observe: async (block) =>
          (await observe(chain.provider, pool, block, { observers })).findings.filter((finding) => finding.level === "act").map((finding) => finding.reason),
        pollMs,
        ...maxBlocks,
        log,
        signal: controller.signal,
      });
      return output(values.json, quorumState, () => [`watcher stopped: ${JSON.stringify(quorumState)}`]);
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
    output(values.json, state, () => [`watch stopped: ${JSON.stringify(state)}`]);
  },
});

export const watchCommand = watchSpec.run.bind(watchSpec);
