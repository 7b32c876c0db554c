import { expect } from "chai";

import { compileCircuit, type CompiledCircuit } from "../../prover/setup";
import { P, readWire, refuses, satisfies, testLeaves, testTree, wireOf, witness } from "../helpers/circuit";
import type { MerkleSumTree } from "../../prover/tree";

type Input = Record<string, unknown>;

/** SumTreeInclusion(3, 2) compiled on its own (circuits/sum-tree-inclusion.circom), no public inputs. */
const INSTANCE = { id: "sum_tree_inclusion_d3_k2", file: "sum-tree-inclusion", template: "SumTreeInclusion", depth: 3, assets: 2, publicSignals: [] };

describe("SumTreeInclusion (the claim circuit's path check)", function () {
  let compiled: { circuit: CompiledCircuit };
  let tree: MerkleSumTree;
  let inputs: Input[];

  before(async function () {
    this.timeout(600_000);
    compiled = { circuit: await compileCircuit(INSTANCE, () => undefined) };
    const built = await testTree(testLeaves(6, 2, 21), 3, 2);
    tree = built.tree;
    inputs = built.packages.map((claim) => ({
      leafHash: tree.leafHash(claim.leafIndex),
      leafSums: claim.balances.map(BigInt),
      pathBits: tree.path(claim.leafIndex).map((step) => (step.isRight ? 1 : 0)),
      siblingHashes: claim.path.map((step) => BigInt(step.siblingHash)),
      siblingSums: claim.path.map((step) => step.siblingSums.map(BigInt)),
    }));
  });

  /** The template's outputs for an input: the root and the per-asset totals. */
  async function outputs(input: Input): Promise<{ root: bigint; totals: bigint[] }> {
    const wtns = await witness(compiled, input);
    expect(await satisfies(compiled, wtns)).to.equal(true);
    const read = async (signal: string): Promise<bigint> => readWire(wtns, await wireOf(compiled, signal));
    return { root: await read("main.root"), totals: [await read("main.totals[0]"), await read("main.totals[1]")] };
  }

  const edit = (input: Input, height: number, asset: number, value: bigint): Input => {
    const siblingSums = (input["siblingSums"] as bigint[][]).map((sums) => [...sums]);
    siblingSums[height]![asset] = value;
    return { ...input, siblingSums };
  };

  it("pins its constraint count (a change means the path check changed: update docs/protocol.md)", () => {
    expect(compiled.circuit.constraints).to.equal(1668);
  });

  it("outputs the tree's root and totals for every leaf", async () => {
    for (const input of inputs) {
      const { root, totals } = await outputs(input);
      expect(root).to.equal(tree.root);
      expect(totals).to.deep.equal(tree.totals);
    }
  });

  it("outputs another root for a wrong sibling hash", async () => {
    const input = inputs[2]!;
    const siblingHashes = [...(input["siblingHashes"] as bigint[])];
    siblingHashes[1] = siblingHashes[1]! + 1n;
    expect((await outputs({ ...input, siblingHashes })).root).not.to.equal(tree.root);
  });

  it("outputs another root (and other totals) for a wrong sibling sum", async () => {
    const input = inputs[4]!;
    const changed = edit(input, 0, 1, (input["siblingSums"] as bigint[][])[0]![1]! + 1n);
    const { root, totals } = await outputs(changed);
    expect(root).not.to.equal(tree.root);
    expect(totals[1]).to.equal(tree.totals[1]! + 1n);
  });

  it("outputs another root for a flipped path bit", async () => {
    const input = inputs[1]!;
    const pathBits = [...(input["pathBits"] as number[])];
    pathBits[0] = 1 - pathBits[0]!;
    expect((await outputs({ ...input, pathBits })).root).not.to.equal(tree.root);
  });

  it("refuses a path bit that is not 0 or 1", async () => {
    const pathBits = [...(inputs[0]!["pathBits"] as number[])];
    pathBits[2] = 2;
    await refuses(compiled, { ...inputs[0]!, pathBits });
  });

  it("refuses a sibling sum of 2^96, and a field-wrapped (negative) one", async () => {
    await refuses(compiled, edit(inputs[3]!, 1, 0, 1n << 96n));
    await refuses(compiled, edit(inputs[3]!, 1, 0, P - 5n));
  });

  it("refuses totals that overflow 2^96 though every sibling sum is in range", async () => {
    await refuses(compiled, edit(inputs[0]!, 2, 1, (1n << 96n) - 1n));
  });

  it("accepts totals of exactly 2^96 - 1", async () => {
    const input = inputs[0]!;
    const top = (input["siblingSums"] as bigint[][])[2]![1]!;
    const room = (1n << 96n) - 1n - tree.totals[1]!;
    const { totals } = await outputs(edit(input, 2, 1, top + room));
    expect(totals[1]).to.equal((1n << 96n) - 1n);
  });
});
