import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { sampleBalancesCsv } from "../../examples/demo/balances";
import { lifeboat } from "../helpers/cli";
import { packLanes } from "../../prover/tree";

const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("end to end with the production circuit (depth 20, two assets)", function () {
  let work: string;
  let claim: string;
  let proof: string;

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-e2e-"));
    await fs.writeFile(path.join(work, "balances.csv"), sampleBalancesCsv(40, { seed: "e2e" }));
    const snapshot = lifeboat(["snapshot", "--balances", path.join(work, "balances.csv"), "--out", path.join(work, "snap")]);
    expect(snapshot.status, snapshot.stderr).to.equal(0);
    const claims = await fs.readdir(path.join(work, "snap", "claims"));
    claim = path.join(work, "snap", "claims", claims[7]!);
    proof = path.join(work, "proof.json");
    const proved = lifeboat(["prove", "--claim", claim, "--chain-id", "31337", "--vault", VAULT, "--snapshot-id", "3", "--out", proof]);
    expect(proved.status, proved.stderr).to.equal(0);
  });

  after(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  it("proves a claim from a snapshot, and lifeboat verify accepts it", () => {
    const verified = lifeboat(["verify", "--proof", proof, "--manifest", path.join(work, "snap", "manifest.json")]);
    expect(verified.status, verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/^valid: 0x[0-9a-fA-F]{40} may claim/);
  });

  it("refuses a forged proof whose amounts and public signals were both raised", async () => {
    const file = JSON.parse(await fs.readFile(proof, "utf8")) as { amounts: string[]; publicSignals: string[] };
    file.amounts = file.amounts.map((amount) => (BigInt(amount) * 2n).toString());
    file.publicSignals[2] = packLanes(file.amounts.map(BigInt))[0]!.toString();
    await fs.writeFile(path.join(work, "forged.json"), JSON.stringify(file));
    const verified = lifeboat(["verify", "--proof", path.join(work, "forged.json"), "--manifest", path.join(work, "snap", "manifest.json")]);
    expect(verified.status).to.equal(1);
    expect(verified.stderr).to.contain("INVALID proof: the Groth16 proof does not verify against the verification key");
  });

  it("refuses a proof retargeted at another vault", async () => {
    const file = JSON.parse(await fs.readFile(proof, "utf8")) as { vault: string };
    file.vault = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    await fs.writeFile(path.join(work, "retargeted.json"), JSON.stringify(file));
    const verified = lifeboat(["verify", "--proof", path.join(work, "retargeted.json"), "--manifest", path.join(work, "snap", "manifest.json")]);
    expect(verified.status).to.equal(1);
    expect(verified.stderr).to.contain("public signal 0 (snapshotCommitment) does not match");
  });

  it("refuses to prove a package that was altered, before proving", async () => {
    const file = JSON.parse(await fs.readFile(claim, "utf8")) as { balances: string[] };
    file.balances[0] = (BigInt(file.balances[0]!) + 1n).toString();
    await fs.writeFile(path.join(work, "altered.json"), JSON.stringify(file));
    const proved = lifeboat([
      "prove",
      "--claim",
      path.join(work, "altered.json"),
      "--manifest",
      path.join(work, "snap", "manifest.json"),
      "--chain-id",
      "31337",
      "--vault",
      VAULT,
      "--snapshot-id",
      "3",
      "--out",
      path.join(work, "p2.json"),
    ]);
    expect(proved.status).to.equal(1);
    expect(proved.stderr).to.match(/does not open|opens to root .* but the package says/);
    await fs.access(path.join(work, "p2.json")).then(
      () => expect.fail("a proof file was written"),
      () => undefined,
    );
  });

  it("refuses to prove a package against another snapshot's manifest", async () => {
    await fs.writeFile(path.join(work, "other.csv"), sampleBalancesCsv(5, { seed: "other" }));
    expect(lifeboat(["snapshot", "--balances", path.join(work, "other.csv"), "--out", path.join(work, "other")]).status).to.equal(0);
    const proved = lifeboat([
      "prove",
      "--claim",
      claim,
      "--manifest",
      path.join(work, "other", "manifest.json"),
      "--chain-id",
      "31337",
      "--vault",
      VAULT,
      "--snapshot-id",
      "3",
      "--out",
      path.join(work, "p3.json"),
    ]);
    expect(proved.status).to.equal(1);
    expect(proved.stderr).to.contain(`but the manifest ${path.join(work, "other", "manifest.json")} root is`);
  });
});
