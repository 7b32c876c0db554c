import { expect } from "chai";
import { promises as fs } from "node:fs";
import path from "node:path";

import { keccak256, toUtf8Bytes } from "ethers";

import { SNARK_SCALAR_FIELD } from "../../prover/hash";
import { CONTEXT_TAG } from "../../prover/proof/context";
import { declaredInstances } from "../../prover/setup";
import { DEFAULT_DEPTH, LANE_BITS, MAX_ASSETS, MAX_DEPTH, MIN_ASSETS, MIN_DEPTH, SNAPSHOT_DOMAIN } from "../../prover/tree";

const CIRCUITS = path.resolve(__dirname, "..", "..", "circuits");

describe("protocol constants agree across layers", () => {
  it("SNAPSHOT_DOMAIN is keccak256 of its tag mod r, in TypeScript and in the circuit", async () => {
    expect(SNAPSHOT_DOMAIN).to.equal(BigInt(keccak256(toUtf8Bytes("lifeboat.snapshot-commitment.v1"))) % SNARK_SCALAR_FIELD);
    const circuit = await fs.readFile(path.join(CIRCUITS, "claim.circom"), "utf8");
    expect(circuit).to.contain(`var SNAPSHOT_DOMAIN = ${SNAPSHOT_DOMAIN};`);
  });

  it("the lane width and the asset and depth bounds are the circuit's", async () => {
    const gadgets = await fs.readFile(path.join(CIRCUITS, "sum-tree.circom"), "utf8");
    expect(gadgets).to.match(new RegExp(`function LANE_BITS\\(\\) \\{\\s*return ${LANE_BITS};`));
    const circuit = await fs.readFile(path.join(CIRCUITS, "claim.circom"), "utf8");
    expect(circuit).to.contain(`assert(DEPTH >= ${MIN_DEPTH} && DEPTH <= ${MAX_DEPTH});`);
    expect(circuit).to.contain(`assert(ASSETS >= ${MIN_ASSETS} && ASSETS <= ${MAX_ASSETS});`);
  });

  it("the context tag is keccak256 of its name", () => {
    expect(CONTEXT_TAG).to.equal(keccak256(toUtf8Bytes("lifeboat.claim-context.v1")));
  });

  it("circuits.json declares the production instance and matches the template's shape", async () => {
    const instances = await declaredInstances();
    expect(instances.map((instance) => instance.id)).to.include(`claim_d${DEFAULT_DEPTH}_k2`);
  });
});
