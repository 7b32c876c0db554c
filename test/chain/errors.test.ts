import { expect } from "chai";

import hre from "hardhat";
import { Interface, type Signer } from "ethers";

import { deployContract, connectContract, describeRevert, failure } from "../../prover/chain/contracts";
import { ContractRevertError, decodeRevert, decodeRevertData, revertError } from "../../prover/chain/errors";
import { deployPoseidon5 } from "../../prover/chain/deploy";
import { recoveryVaultAbi } from "../../prover/contracts";
import { LifeboatError } from "../../prover/errors";
import { deployContract as deployTestContract } from "../helpers/contracts";

const { ethers } = hre;

/** The error a failed call throws, or a failure of the test when it succeeds. */
async function refusalOf(call: () => Promise<unknown>): Promise<unknown> {
  let thrown: unknown;
  let succeeded = false;
  try {
    await call();
    succeeded = true;
  } catch (error) {
    thrown = error;
  }
  expect(succeeded, "the call was expected to revert").to.equal(false);
  return thrown;
}

describe("contract reverts as typed errors", function () {
  this.timeout(300_000);
  let admin: Signer;
  let stranger: Signer;

  before(async () => {
    [admin, stranger] = (await ethers.getSigners()) as unknown as [Signer, Signer];
  });

  it("decodes a vault's custom error by name and arguments, naming the contract", async () => {
    const hasher = await deployPoseidon5(admin);
    const vault = await deployContract("RecoveryVault", admin, [await admin.getAddress(), await hasher.getAddress(), 2 * 24 * 3600]);
    const error = await refusalOf(() => vault.getFunction("finalize").staticCall(7n));
    const decoded = decodeRevert(error, { contractInterface: vault.interface, contract: "RecoveryVault" });
    expect(decoded?.errorName).to.equal("RecoveryVaultWrongState");
    expect(decoded?.args).to.deep.equal([7n, 0n, 1n]);
    expect(decoded?.contract).to.equal("RecoveryVault");
    expect(decoded?.signature).to.equal("RecoveryVaultWrongState(uint256,uint8,uint8)");
    const typed = failure("snapshot 7 cannot be finalized", error, vault.interface);
    expect(typed).to.be.instanceOf(ContractRevertError).and.instanceOf(LifeboatError);
    expect((typed as ContractRevertError).errorName).to.equal("RecoveryVaultWrongState");
    expect(typed.message).to.equal("snapshot 7 cannot be finalized: RecoveryVaultWrongState(7, 0, 1)");
    expect(describeRevert(error, vault.interface)).to.equal("RecoveryVaultWrongState(7, 0, 1)");
  });

  it("decodes OpenZeppelin's errors from any shipped ABI: access control and ERC-20 balances", async () => {
    const hasher = await deployPoseidon5(admin);
    const vault = await deployContract("RecoveryVault", admin, [await admin.getAddress(), await hasher.getAddress(), 2 * 24 * 3600]);
    const asStranger = connectContract("RecoveryVault", await vault.getAddress(), stranger);
    const denied = decodeRevert(await refusalOf(() => asStranger.getFunction("pause").staticCall()));
    expect(denied?.errorName).to.equal("AccessControlUnauthorizedAccount");
    expect(denied?.args[0]).to.equal(await stranger.getAddress());

    const token = await deployTestContract("TestToken", admin, ["T", "T", 18]);
    const erc20 = connectContract("IERC20", await token.getAddress(), stranger);
    const short = decodeRevert(await refusalOf(() => erc20.getFunction("transfer").staticCall(ethers.ZeroAddress.replace(/0$/, "1"), 5n)));
    expect(short?.errorName).to.equal("ERC20InsufficientBalance");
    expect(short?.args).to.deep.equal([await stranger.getAddress(), 0n, 5n]);
    expect(short?.contract).to.equal("IERC20Errors");
  });

  it("decodes a require string and a panic, and leaves an unknown selector undecoded", () => {
    const builtin = new Interface(["error Error(string)", "error Panic(uint256)", "error SomethingElse(uint256)"]);
    const reason = decodeRevertData(builtin.encodeErrorResult("Error", ["no"]));
    expect([reason?.errorName, reason?.args]).to.deep.equal(["Error", ["no"]]);
    const panic = decodeRevertData(builtin.encodeErrorResult("Panic", [0x11n]));
    expect([panic?.errorName, panic?.args]).to.deep.equal(["Panic", [0x11n]]);
    expect(decodeRevertData(builtin.encodeErrorResult("SomethingElse", [1n]))).to.equal(undefined);
    const unknown = { message: "execution reverted (unknown custom error)\nmore", data: builtin.encodeErrorResult("SomethingElse", [1n]) };
    expect(describeRevert(unknown, new Interface(recoveryVaultAbi))).to.equal("execution reverted (unknown custom error)");
    const plain = revertError("the call failed", unknown);
    expect(plain).to.be.instanceOf(LifeboatError).and.not.instanceOf(ContractRevertError);
    expect(plain.message).to.equal("the call failed: execution reverted (unknown custom error)");
    expect(plain.cause).to.equal(unknown);
  });

  it("refuses a contract name without a binding, and a deployment of an interface", async () => {
    expect(() => connectContract("DemoLendingPool", ethers.ZeroAddress, admin)).to.throw(
      /no contract binding named "DemoLendingPool": use one of RecoveryVault, .*, or pass \{ abi, bytecode \}/,
    );
    let message = "";
    try {
      await deployContract("IERC20", admin);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.equal("IERC20 has no creation bytecode in its binding: it is an interface or is not deployed by Lifeboat");
  });
});
