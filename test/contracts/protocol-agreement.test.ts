import { expect } from "chai";

import { loadPoseidon } from "../../prover/hash";
import { claimContext } from "../../prover/proof/context";
import { snapshotCommitmentPreimage } from "../../prover/tree";
import { activeSnapshotFixture, ensureCompiled, smallCircuit } from "./helpers/fixtures";

describe("contracts and TypeScript agree on the protocol", function () {
  before(async () => {
    await ensureCompiled();
    await smallCircuit();
  });

  it("the vault's context and snapshot commitment are docs/protocol.md §5's", async () => {
    const { vault, tree, snapshotId } = await activeSnapshotFixture(3);
    const poseidon = await loadPoseidon();
    const context = claimContext({ chainId: 31337n, vault: await vault.getAddress(), snapshotId });
    expect(await vault.context(snapshotId)).to.equal(context);
    const expected = poseidon.hash(snapshotCommitmentPreimage(tree.root, tree.totals, context));
    expect((await vault.snapshot(snapshotId)).commitment).to.equal(expected);
  });

  it("the generated on-chain Poseidon(5) is circomlib's Poseidon", async () => {
    const { hasher } = await activeSnapshotFixture(1);
    const poseidon = await loadPoseidon();
    const inputs = [1n, 2n, 3n, 4n, 5n];
    const onChain = (await hasher.getFunction("poseidon(uint256[5])").staticCall(inputs)) as bigint;
    expect(onChain).to.equal(poseidon.hash(inputs));
  });
});
