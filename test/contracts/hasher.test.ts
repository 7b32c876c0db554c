import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { keccak256 } from "ethers";

import { hasherProblems } from "../../prover/chain/check";
import { POSEIDON5_CODEHASH, deployPoseidon5, poseidon5RuntimeCode } from "../../prover/chain/deploy";
import { DEPLOYMENT_FORMAT, type Deployment } from "../../prover/chain/vault";
import { loadPoseidon } from "../../prover/hash";
import { VETO_WINDOW, deployVault, ensureCompiled, ethers } from "./helpers/fixtures";

/** Issue 11, item 5: the vault verifies its Poseidon(5) hasher instead of trusting it. */
describe("RecoveryVault's hasher is verified, not trusted", function () {
  async function fixture() {
    await ensureCompiled();
    const [admin, stranger] = await ethers.getSigners();
    const { vault, hasher } = await deployVault(admin!);
    const Vault = await ethers.getContractFactory("RecoveryVault", admin);
    const deployment: Deployment = {
      format: DEPLOYMENT_FORMAT,
      chainId: "31337",
      vault: await vault.getAddress(),
      hasher: await hasher.getAddress(),
      verifiers: {},
    };
    return { vault, hasher, Vault, admin: admin!, stranger: stranger!, deployment };
  }

  it("pins the code hash of exactly the bytecode prover/chain/deploy.ts deploys", async () => {
    const { vault, hasher } = await loadFixture(fixture);
    const code = await ethers.provider.getCode(await hasher.getAddress());
    expect(code).to.equal(poseidon5RuntimeCode());
    expect(keccak256(code)).to.equal(POSEIDON5_CODEHASH);
    expect(await vault.POSEIDON5_CODEHASH()).to.equal(POSEIDON5_CODEHASH);
  });

  it("the pinned hasher answers circomlib's Poseidon on the known-answer vector", async () => {
    const { hasher } = await loadFixture(fixture);
    const poseidon = await loadPoseidon();
    const onChain = (await hasher.getFunction("poseidon(uint256[5])").staticCall([1n, 2n, 3n, 4n, 5n])) as bigint;
    expect(onChain).to.equal(poseidon.hash([1n, 2n, 3n, 4n, 5n]));
    expect(onChain).to.equal(6183221330272524995739186171720101788151706631170188140075976616310159254464n);
  });

  it("refuses an account without code, a contract without poseidon(), and a hasher with a wrong answer", async () => {
    const { Vault, admin, stranger } = await loadFixture(fixture);
    const eoa = await stranger.getAddress();
    const token = await (await ethers.getContractFactory("TestToken", admin)).deploy("T", "T", 18);
    const wrong = await (await ethers.getContractFactory("WrongPoseidon5", admin)).deploy();
    for (const candidate of [eoa, await token.getAddress(), await wrong.getAddress()]) {
      await expect(Vault.deploy(await admin.getAddress(), candidate, VETO_WINDOW))
        .to.be.revertedWithCustomError(Vault, "RecoveryVaultHasherWrongAnswer")
        .withArgs(candidate);
    }
  });

  it("refuses a switchable hasher that answers right today (its code is not the pinned code)", async () => {
    // Old vault: accepted it; switching it after an honest proposal passed review would have
    // given the next finalize any commitment, so any root could become claimable.
    const { Vault, admin, hasher } = await loadFixture(fixture);
    const proxy = await (await ethers.getContractFactory("SwitchablePoseidon5", admin)).deploy(await hasher.getAddress());
    const poseidon = await loadPoseidon();
    expect(await proxy.poseidon([1n, 2n, 3n, 4n, 5n])).to.equal(poseidon.hash([1n, 2n, 3n, 4n, 5n]));
    const codehash = keccak256(await ethers.provider.getCode(await proxy.getAddress()));
    await expect(Vault.deploy(await admin.getAddress(), await proxy.getAddress(), VETO_WINDOW))
      .to.be.revertedWithCustomError(Vault, "RecoveryVaultHasherCodeMismatch")
      .withArgs(await proxy.getAddress(), codehash);
    const wrong = await (await ethers.getContractFactory("WrongPoseidon5", admin)).deploy();
    await proxy.setImplementation(await wrong.getAddress());
    expect(await proxy.poseidon([1n, 2n, 3n, 4n, 5n])).to.equal(42n);
  });

  describe("check and audit compare the vault's hasher with the deployment file and the canonical code", () => {
    it("find nothing wrong with an honest deployment", async () => {
      const { deployment } = await loadFixture(fixture);
      expect(await hasherProblems(ethers.provider, deployment)).to.deep.equal([]);
    });

    it("report a deployment file that names another hasher than vault.hasher()", async () => {
      const { deployment, admin } = await loadFixture(fixture);
      const other = await (await deployPoseidon5(admin)).getAddress();
      const problems = await hasherProblems(ethers.provider, { ...deployment, hasher: other });
      expect(problems).to.deep.equal([`vault.hasher() is ${deployment.hasher}, the deployment file names ${other}`]);
    });

    it("report hasher code that is not circomlibjs's Poseidon(5) (code replaced after deployment)", async () => {
      const { deployment } = await loadFixture(fixture);
      await ethers.provider.send("hardhat_setCode", [deployment.hasher, "0x6000"]);
      const problems = await hasherProblems(ethers.provider, deployment);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(
        /^the code at hasher 0x[0-9a-fA-F]{40} is not circomlibjs's Poseidon\(5\): 2 bytes, keccak256 0x[0-9a-f]{64}, expected 0xa8ed/,
      );
    });

    it("report an address that is not a vault", async () => {
      const { deployment, stranger } = await loadFixture(fixture);
      const problems = await hasherProblems(ethers.provider, { ...deployment, vault: await stranger.getAddress() });
      expect(problems[0]).to.match(/does not answer hasher\(\)/);
    });
  });
});
