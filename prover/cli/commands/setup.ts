import path from "node:path";

import { ARTIFACTS_DIRECTORY } from "../../artifacts";
import { writeProvingArtifacts } from "../../artifacts";
import { writeDirectoryAtomic } from "../../fs-atomic";
import { ensureClaimArtifacts } from "../../setup";
import { DEFAULT_DEPTH, MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH } from "../../tree";
import { defineCommand, JSON_OPTION, opt } from "../options";
import { output } from "../output";
import { removeStaleTemporaries } from "../interrupt";
import { log } from "../progress";

export const setup = defineCommand({
  name: "setup",
  summary: "compile a claim circuit and run its trusted setup",
  description: `Compiles the claim circuit for a tree shape, runs its trusted setup (cached outside git in
$LIFEBOAT_CACHE or ~/.cache/lifeboat) and writes the public proving artifacts into DIR/artifacts/:
the witness generator (claim.wasm), the proving key (claim.zkey), the verification key, the Solidity
verifier and its compiled form, and artifacts.json listing each file's sha256 and the ceremony's
provenance. Deploy the verifier from this folder (lifeboat deploy --artifacts DIR/artifacts) and
snapshot with it (lifeboat snapshot --artifacts DIR/artifacts) to pin one set of keys.`,
  options: {
    out: opt.path("DIR", "a directory that does not exist yet").require(),
    depth: opt.count("N", "tree depth", MIN_DEPTH, MAX_DEPTH).default(DEFAULT_DEPTH, String(DEFAULT_DEPTH)),
    assets: opt.count("K", "assets per leaf", MIN_ASSETS, MAX_ASSETS).default(2, "2"),
    ptau: opt.path("FILE", "a public powers-of-tau file instead of the development ceremony"),
    ...JSON_OPTION,
  },
  async run(values) {
    const { depth, assets } = values;
    await removeStaleTemporaries(values.out);
    const setup = await ensureClaimArtifacts(depth, assets, { ptau: values.ptau, log });
    if (setup.keys.provenance.development) log("WARNING: development trusted setup: for testing only");
    const out = values.out;
    let index;
    await writeDirectoryAtomic(out, async (directory) => {
      index = await writeProvingArtifacts(path.join(directory, ARTIFACTS_DIRECTORY), setup);
    });
    const where = path.join(out, ARTIFACTS_DIRECTORY);
    output(values.json, index, () => [`proving artifacts of ${setup.circuit.instance.id} written to ${where}: publish this folder`]);
  },
});

export const setupCommand = setup.run.bind(setup);
