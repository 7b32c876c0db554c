import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { silenceFileHandleDeprecation } from "../../prover/cli/main";
import { withLock } from "../../prover/setup/cache";
import { parseBalances } from "../../prover/snapshot/input";

describe("long work says what it is doing (issue 13, item 9)", function () {
  it("says it is waiting for the setup lock, and who holds it", async () => {
    const lock = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-lock-")), "build.lock");
    const lines: string[] = [];
    let release!: () => void;
    let holding = false;
    const held = withLock(lock, () => new Promise<void>((resolve) => ((holding = true), (release = resolve))));
    while (!holding) await new Promise((resolve) => setTimeout(resolve, 20));
    const waiter = withLock(
      lock,
      async () => "done",
      (line) => lines.push(line),
    );
    // The message comes after two seconds of waiting; the lock is released once it has come.
    for (let i = 0; i < 600 && lines.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await held;
    expect(await waiter).to.equal("done");
    expect(lines).to.deep.equal([`waiting for ${lock}: process ${process.pid} is building the same artifact (this continues when it is done)`]);
  });

  it("reports progress while reading a big balances file", () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")},${i + 1}`);
    const seen: number[] = [];
    parseBalances(`account,WETH\n${rows.join("\n")}\n`, "csv", (done) => seen.push(done));
    expect(seen).to.deep.equal([10_000, 20_000, 25_000]);
  });

  it("drops the two warnings of a FileHandle closed on garbage collection, as Node emits them, and only those", async () => {
    silenceFileHandleDeprecation();
    const warnings: string[] = [];
    const listener = (warning: Error & { code?: string }): number => warnings.push(warning.code ?? warning.message);
    process.on("warning", listener);
    process.emitWarning("Closing file descriptor 42 on garbage collection");
    process.emitWarning("Closing a FileHandle object on garbage collection is deprecated", "DeprecationWarning", "DEP0137");
    process.emitWarning("something else", { type: "DeprecationWarning", code: "DEP0999" });
    process.emitWarning("Closing file descriptor 42 on garbage collection, and more");
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", listener);
    expect(warnings).to.deep.equal(["DEP0999", "Closing file descriptor 42 on garbage collection, and more"]);
  });
});
