import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { nativePhase2Available, preparePhase2Native } from "../../prover/setup/native-phase2";

describe("Native powers-of-tau phase 2 preparation", () => {
  let directory: string;
  let phase1: string;

  before(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-phase2-"));
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    phase1 = path.join(directory, "1.ptau");
    await snarkjs.powersOfTau.newAccumulator(curve, 5, path.join(directory, "0.ptau"));
    await snarkjs.powersOfTau.contribute(path.join(directory, "0.ptau"), phase1, "test", "some entropy for the test");
  });

  after(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it("writes exactly the bytes of snarkjs's powersoftau prepare phase2 (power 5, one contribution)", async () => {
    expect(nativePhase2Available()).to.equal(true);
    await snarkjs.powersOfTau.preparePhase2(phase1, path.join(directory, "snarkjs.ptau"));
    await preparePhase2Native(phase1, path.join(directory, "native.ptau"), { threads: 2 });
    const [reference, native] = await Promise.all([fs.readFile(path.join(directory, "snarkjs.ptau")), fs.readFile(path.join(directory, "native.ptau"))]);
    expect(native.length).to.equal(reference.length);
    expect(native.equals(reference)).to.equal(true);
    // And snarkjs accepts it as a prepared ceremony.
    expect(await snarkjs.powersOfTau.verify(path.join(directory, "native.ptau"))).to.equal(true);
  });

  it("refuses a file that is not a BN254 phase-1 powers of tau, naming it, and leaves nothing behind", async () => {
    const bad = path.join(directory, "bad.ptau");
    const out = path.join(directory, "out.ptau");
    await fs.writeFile(bad, "not a ptau file at all");
    let error: unknown;
    try {
      await preparePhase2Native(bad, out);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.equal(`${bad} is not a usable powers-of-tau file: it does not start with "ptau"`);
    const truncated = (await fs.readFile(phase1)).subarray(0, 5000);
    await fs.writeFile(bad, truncated);
    error = undefined;
    try {
      await preparePhase2Native(bad, out);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.match(/is not a usable powers-of-tau file: section \d+ claims \d+ bytes past the end of the file/);
    expect((await fs.readdir(directory)).filter((name) => name.startsWith("out.ptau"))).to.deep.equal([]);
  });
});
