import { expect } from "chai";

import { ContractRevertError } from "../../prover/chain/errors";
import { check, DemoCheckError, expectRevert } from "../../examples/demo/checks";

const refused = (errorName: string): ContractRevertError =>
  new ContractRevertError(`the vault refuses this claim: ${errorName}(1)`, {
    errorName,
    args: [1n],
    signature: `${errorName}(uint256)`,
    selector: "0x12345678",
    data: "0x12345678",
  });

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a failure").to.be.instanceOf(Error);
  return caught as Error;
}

describe("the demo's own checks can fail", () => {
  it("expectRevert passes only on the named custom error and returns the refusal's message", async () => {
    const message = await expectRevert(() => Promise.reject(refused("RecoveryVaultAlreadyClaimed")), "RecoveryVaultAlreadyClaimed", "a double claim");
    expect(message).to.equal("the vault refuses this claim: RecoveryVaultAlreadyClaimed(1)");
  });

  it("expectRevert fails when the action succeeds (a double claim that paid)", async () => {
    const error = await failureOf(expectRevert(() => Promise.resolve({ paid: true }), "RecoveryVaultAlreadyClaimed", "a double claim"));
    expect(error).to.be.instanceOf(DemoCheckError);
    expect(error.message).to.equal("a double claim was accepted; expected the refusal RecoveryVaultAlreadyClaimed");
  });

  it("expectRevert fails on another refusal, or on an error that is not a revert", async () => {
    const other = await failureOf(expectRevert(() => Promise.reject(refused("RecoveryVaultClaimsClosed")), "RecoveryVaultInvalidProof", "a forged proof"));
    expect(other.message).to.equal("a forged proof failed, but not with RecoveryVaultInvalidProof: RecoveryVaultClaimsClosed");
    const network = await failureOf(expectRevert(() => Promise.reject(new Error("connection refused\nstack")), "RecoveryVaultInvalidProof", "a forged proof"));
    expect(network.message).to.equal("a forged proof failed, but not with RecoveryVaultInvalidProof: connection refused");
  });

  it("check stops the demo when a step does not go as the story says", () => {
    expect(() => check(true, "the pool halts")).not.to.throw();
    expect(() => check(false, "the pool halts")).to.throw(DemoCheckError, "demo check failed: the pool halts");
  });
});
