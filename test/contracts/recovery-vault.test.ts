import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { SNARK_SCALAR_FIELD } from "../../prover/hash";
import { testTree } from "../helpers/circuit";
import {
  ASSETS,
  DEPTH,
  MAX_CLAIM_PERIOD,
  MIN_CLAIM_PERIOD,
  WEEK,
  VETO_WINDOW,
  activeSnapshotFixture,
  claimArgs,
  type ClaimArgs,
  deployVault,
  ensureCompiled,
  ethers,
  leavesFor,
  proofFor,
  proposal,
  smallCircuit,
} from "./helpers/fixtures";

const STATE = { None: 0n, Proposed: 1n, Vetoed: 2n, Active: 3n };

describe("RecoveryVault", function () {
  before(async () => {
    await ensureCompiled();
    await smallCircuit();
  });

  async function fixture() {
    const base = await activeSnapshotFixture();
    const vaultAddress = await base.vault.getAddress();
    const proof = await proofFor(base.packages[0]!, { vault: vaultAddress, snapshotId: base.snapshotId });
    return { ...base, vaultAddress, proof };
  }

  describe("claim", () => {
    it("pays exactly amount * funded / total of each asset to the account", async () => {
      const { vault, weth, usdc, proof, funded, totals, users, snapshotId } = await loadFixture(fixture);
      const account = await users[0]!.getAddress();
      const amounts = proof.amounts.map(BigInt);
      const expected = amounts.map((amount, k) => (amount * funded[k]!) / totals[k]!);
      await expect(vault.claim(snapshotId, ...claimArgs(proof)))
        .to.emit(vault, "Claimed")
        .withArgs(snapshotId, account, account, expected);
      expect(await weth.balanceOf(account)).to.equal(expected[0]);
      expect(await usdc.balanceOf(account)).to.equal(expected[1]);
      expect(await vault.isClaimed(snapshotId, account)).to.equal(true);
      const info = await vault.snapshot(snapshotId);
      expect(info.ledgers[0]!.paid).to.equal(expected[0]);
    });

    it("lets a relayer submit the claim, and still pays the account", async () => {
      const { vault, weth, proof, relayer, users, snapshotId } = await loadFixture(fixture);
      await vault.connect(relayer).claim(snapshotId, ...claimArgs(proof));
      expect(await weth.balanceOf(await users[0]!.getAddress())).to.be.greaterThan(0n);
      expect(await weth.balanceOf(await relayer.getAddress())).to.equal(0n);
    });

    it("lets the account itself direct the payout elsewhere with claimTo", async () => {
      const { vault, weth, proof, users, stranger, snapshotId } = await loadFixture(fixture);
      const to = await stranger.getAddress();
      await vault.connect(users[0]!).claimTo(snapshotId, ...claimArgs(proof), to);
      expect(await weth.balanceOf(to)).to.be.greaterThan(0n);
    });
  });

  describe("claim refuses", () => {
    it("a second claim by the same account", async () => {
      const { vault, proof, users, snapshotId } = await loadFixture(fixture);
      await vault.claim(snapshotId, ...claimArgs(proof));
      await expect(vault.claim(snapshotId, ...claimArgs(proof)))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultAlreadyClaimed")
        .withArgs(snapshotId, await users[0]!.getAddress());
    });

    it("a second, different valid proof of the same leaf (claims are keyed on the account, not the proof)", async () => {
      const { vault, proof, packages, vaultAddress, snapshotId } = await loadFixture(fixture);
      await vault.claim(snapshotId, ...claimArgs(proof));
      const again = await proofFor(packages[0]!, { vault: vaultAddress, snapshotId });
      expect(again.proof.pi_a).to.not.deep.equal(proof.proof.pi_a); // Groth16 proofs are randomised
      await expect(vault.claim(snapshotId, ...claimArgs(again))).to.be.revertedWithCustomError(vault, "RecoveryVaultAlreadyClaimed");
    });

    it("a malleated variant of a used proof", async () => {
      const { vault, proof, snapshotId } = await loadFixture(fixture);
      await vault.claim(snapshotId, ...claimArgs(proof));
      // Negating pA and pC's y coordinates does not give a valid proof, but whatever the bytes,
      // the account is already marked: the nullifier is the account.
      const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
      const [pA, pB, pC, signals] = claimArgs(proof);
      const bent: ClaimArgs = [[pA[0], (q - BigInt(pA[1])).toString()], pB, pC, signals];
      await expect(vault.claim(snapshotId, ...bent)).to.be.revertedWithCustomError(vault, "RecoveryVaultAlreadyClaimed");
    });

    it("a proof made for another vault", async () => {
      const { vault, packages, snapshotId, stranger } = await loadFixture(fixture);
      const other = await proofFor(packages[1]!, { vault: await stranger.getAddress(), snapshotId });
      await expect(vault.claim(snapshotId, ...claimArgs(other))).to.be.revertedWithCustomError(vault, "RecoveryVaultWrongSnapshotCommitment");
    });

    it("a proof made for another chain", async () => {
      const { vault, packages, vaultAddress, snapshotId } = await loadFixture(fixture);
      const other = await proofFor(packages[1]!, { vault: vaultAddress, snapshotId, chainId: 1n });
      await expect(vault.claim(snapshotId, ...claimArgs(other))).to.be.revertedWithCustomError(vault, "RecoveryVaultWrongSnapshotCommitment");
    });

    it("a proof made for another snapshot id", async () => {
      const { vault, packages, vaultAddress, snapshotId } = await loadFixture(fixture);
      const other = await proofFor(packages[1]!, { vault: vaultAddress, snapshotId: 2n });
      await expect(vault.claim(snapshotId, ...claimArgs(other))).to.be.revertedWithCustomError(vault, "RecoveryVaultWrongSnapshotCommitment");
    });

    it("a tampered amounts signal (the pairing check fails)", async () => {
      const { vault, proof, users, snapshotId } = await loadFixture(fixture);
      const [pA, pB, pC, signals] = claimArgs(proof);
      const raised = [signals[0]!, signals[1]!, (BigInt(signals[2]!) + 1n).toString()];
      await expect(vault.claim(snapshotId, pA, pB, pC, raised))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidProof")
        .withArgs(snapshotId, await users[0]!.getAddress());
    });

    it("a tampered account signal (the pairing check fails; nothing is paid to the other account)", async () => {
      const { vault, proof, users, snapshotId } = await loadFixture(fixture);
      const [pA, pB, pC, signals] = claimArgs(proof);
      const other = await users[1]!.getAddress();
      await expect(vault.claim(snapshotId, pA, pB, pC, [signals[0]!, BigInt(other).toString(), signals[2]!]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidProof")
        .withArgs(snapshotId, other);
    });

    it("a public input at or above the field modulus", async () => {
      const { vault, proof, snapshotId } = await loadFixture(fixture);
      const [pA, pB, pC, signals] = claimArgs(proof);
      const wrapped = (BigInt(signals[2]!) + SNARK_SCALAR_FIELD).toString();
      await expect(vault.claim(snapshotId, pA, pB, pC, [signals[0]!, signals[1]!, wrapped]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultPublicSignalNotInField")
        .withArgs(2, wrapped);
    });

    it("an account signal that is not an address, and amounts with bits above their lanes", async () => {
      const { vault, proof, snapshotId } = await loadFixture(fixture);
      const [pA, pB, pC, signals] = claimArgs(proof);
      const big = (1n << 160n).toString();
      await expect(vault.claim(snapshotId, pA, pB, pC, [signals[0]!, big, signals[2]!]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidAccount")
        .withArgs(big);
      const high = (BigInt(signals[2]!) + (1n << 192n)).toString();
      await expect(vault.claim(snapshotId, pA, pB, pC, [signals[0]!, signals[1]!, high]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidAmounts")
        .withArgs(0, high);
    });

    it("the wrong number of public signals", async () => {
      const { vault, proof, snapshotId } = await loadFixture(fixture);
      const [pA, pB, pC, signals] = claimArgs(proof);
      await expect(vault.claim(snapshotId, pA, pB, pC, [...signals, "0"]))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultPublicSignalCount")
        .withArgs(3, 4);
    });

    it("claimTo by anyone but the account", async () => {
      const { vault, proof, stranger, users, snapshotId } = await loadFixture(fixture);
      await expect(vault.connect(stranger).claimTo(snapshotId, ...claimArgs(proof), await stranger.getAddress()))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultNotAccount")
        .withArgs(await stranger.getAddress(), await users[0]!.getAddress());
    });

    it("a claim after the deadline", async () => {
      const { vault, proof, deadline, snapshotId } = await loadFixture(fixture);
      await time.increaseTo(deadline + 1n);
      await expect(vault.claim(snapshotId, ...claimArgs(proof)))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultClaimsClosed")
        .withArgs(snapshotId, deadline);
    });

    it("a claim before finalization (during the veto window)", async () => {
      const { vault, admin, verifier, weth, usdc, sweepTo, packages, vaultAddress } = await loadFixture(fixture);
      await vault.connect(admin).propose(
        2n,
        proposal({
          root: packages[0]!.root,
          totals: [...packages[0]!.totals],
          tokens: [await weth.getAddress(), await usdc.getAddress()],
          verifier: await verifier.getAddress(),
          sweepRecipient: await sweepTo.getAddress(),
        }),
      );
      const proof = await proofFor(packages[0]!, { vault: vaultAddress, snapshotId: 2n });
      await expect(vault.claim(2n, ...claimArgs(proof)))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultWrongState")
        .withArgs(2n, STATE.Proposed, STATE.Active);
    });
  });

  describe("administration", () => {
    it("refuses propose and sweep from a non-proposer", async () => {
      const { vault, stranger, verifier, weth, sweepTo, snapshotId } = await loadFixture(fixture);
      const role = await vault.PROPOSER_ROLE();
      const who = await stranger.getAddress();
      await expect(
        vault.connect(stranger).propose(
          9n,
          proposal({
            root: 1n,
            totals: [1n],
            tokens: [await weth.getAddress()],
            verifier: await verifier.getAddress(),
            sweepRecipient: await sweepTo.getAddress(),
          }),
        ),
      )
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
        .withArgs(who, role);
      await expect(vault.connect(stranger).sweep(snapshotId)).to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount").withArgs(who, role);
    });

    it("refuses funding after finalization, and finalization below the declared funding", async () => {
      const { vault, admin, weth, usdc, verifier, sweepTo, snapshotId, vaultAddress } = await loadFixture(fixture);
      await weth.mint(await admin.getAddress(), 10n);
      await weth.approve(vaultAddress, 10n);
      await expect(vault.fund(snapshotId, 0, 10n))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultWrongState")
        .withArgs(snapshotId, STATE.Active, STATE.Proposed);
      await vault.propose(
        2n,
        proposal({
          root: 5n,
          totals: [7n, 9n],
          tokens: [await weth.getAddress(), await usdc.getAddress()],
          verifier: await verifier.getAddress(),
          sweepRecipient: await sweepTo.getAddress(),
        }),
      );
      await vault.fund(2n, 0, 7n);
      await time.increase(VETO_WINDOW);
      await expect(vault.finalize(2n)).to.be.revertedWithCustomError(vault, "RecoveryVaultUnderfunded").withArgs(2n, 1, 0n, 9n);
    });

    it("refuses malformed snapshots: totals of 2^96, duplicate tokens, a verifier with no code, a short claim period", async () => {
      const { vault, weth, verifier, sweepTo, stranger } = await loadFixture(fixture);
      const [w, v, s] = [await weth.getAddress(), await verifier.getAddress(), await sweepTo.getAddress()];
      const make = (root: bigint, totals: bigint[], tokens: string[], verifier: string, claimPeriod: number) =>
        vault.propose(7n, proposal({ root, totals, tokens, verifier, claimPeriod, declaredFunding: totals.map(() => 1n), sweepRecipient: s }));
      await expect(make(1n, [1n << 96n], [w], v, MIN_CLAIM_PERIOD))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidTotal")
        .withArgs(0, 1n << 96n);
      await expect(make(1n, [1n, 1n], [w, w], v, MIN_CLAIM_PERIOD))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultDuplicateToken")
        .withArgs(w);
      const eoa = await stranger.getAddress();
      await expect(make(1n, [1n], [w], eoa, MIN_CLAIM_PERIOD))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidVerifier")
        .withArgs(eoa);
      await expect(make(1n, [1n], [w], v, WEEK))
        .to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidClaimPeriod")
        .withArgs(WEEK, MIN_CLAIM_PERIOD, MAX_CLAIM_PERIOD);
      await expect(make(SNARK_SCALAR_FIELD, [1n], [w], v, MIN_CLAIM_PERIOD)).to.be.revertedWithCustomError(vault, "RecoveryVaultInvalidRoot");
    });
  });

  describe("sweep", () => {
    it("refuses before the deadline, then sends the remainder to the recipient fixed at creation, once", async () => {
      const { vault, weth, usdc, proof, deadline, sweepTo, funded, snapshotId } = await loadFixture(fixture);
      await vault.claim(snapshotId, ...claimArgs(proof));
      await expect(vault.sweep(snapshotId)).to.be.revertedWithCustomError(vault, "RecoveryVaultClaimsStillOpen").withArgs(snapshotId, deadline);
      await time.increaseTo(deadline + 1n);
      const info = await vault.snapshot(snapshotId);
      const remaining = [0, 1].map((k) => funded[k]! - info.ledgers[k]!.paid);
      await expect(vault.sweep(snapshotId))
        .to.emit(vault, "Swept")
        .withArgs(snapshotId, await sweepTo.getAddress(), remaining);
      expect(await weth.balanceOf(await sweepTo.getAddress())).to.equal(remaining[0]);
      expect(await usdc.balanceOf(await sweepTo.getAddress())).to.equal(remaining[1]);
      await expect(vault.sweep(snapshotId)).to.be.revertedWithCustomError(vault, "RecoveryVaultAlreadySwept").withArgs(snapshotId);
    });
  });

  describe("tokens", () => {
    it("records what a fee-on-transfer token actually delivered", async () => {
      const [admin, , , sweepTo] = await ethers.getSigners();
      const { vault } = await deployVault(admin!);
      const { artifacts } = await smallCircuit();
      const { deployVerifier } = await import("../../prover/chain/deploy");
      const verifier = await deployVerifier(artifacts.keys.verifier, admin!);
      const fee = await (await ethers.getContractFactory("FeeOnTransferToken", admin)).deploy();
      await vault.propose(
        1n,
        proposal({
          root: 1n,
          totals: [1000n],
          tokens: [await fee.getAddress()],
          verifier: await verifier.getAddress(),
          sweepRecipient: await sweepTo!.getAddress(),
        }),
      );
      await fee.mint(await admin!.getAddress(), 1000n);
      await fee.approve(await vault.getAddress(), 1000n);
      await expect(vault.fund(1n, 0, 1000n))
        .to.emit(vault, "SnapshotFunded")
        .withArgs(1n, 0, await admin!.getAddress(), 990n);
      expect((await vault.snapshot(1n)).ledgers[0]!.funded).to.equal(990n);
    });

    it("a re-entrant token cannot make the vault pay a claim twice", async () => {
      const signers = await ethers.getSigners();
      const [admin, , , sweepTo] = signers;
      const { vault } = await deployVault(admin!);
      const { artifacts } = await smallCircuit();
      const { deployVerifier } = await import("../../prover/chain/deploy");
      const verifier = await deployVerifier(artifacts.keys.verifier, admin!);
      const evil = await (await ethers.getContractFactory("ReentrantToken", admin)).deploy();
      const plain = await (await ethers.getContractFactory("TestToken", admin)).deploy("Plain", "PLN", 18);
      const users = await Promise.all(signers.slice(5, 8).map((s) => s.getAddress()));
      const { tree, packages } = await testTree(leavesFor(users, 3), DEPTH, ASSETS);
      await vault.propose(
        1n,
        proposal({
          root: tree.root,
          totals: tree.totals,
          tokens: [await evil.getAddress(), await plain.getAddress()],
          verifier: await verifier.getAddress(),
          sweepRecipient: await sweepTo!.getAddress(),
        }),
      );
      for (const [k, token] of [evil, plain].entries()) {
        await token.mint(await admin!.getAddress(), tree.totals[k]!);
        await token.approve(await vault.getAddress(), tree.totals[k]!);
        await vault.fund(1n, k, tree.totals[k]!);
      }
      await time.increase(VETO_WINDOW);
      await vault.finalize(1n);
      const proof = await proofFor(packages[0]!, { vault: await vault.getAddress(), snapshotId: 1n });
      await evil.arm(await vault.getAddress(), vault.interface.encodeFunctionData("claim", [1n, ...claimArgs(proof)]));
      await vault.claim(1n, ...claimArgs(proof));
      expect(await evil.reentered()).to.equal(true);
      expect(await evil.reentrySucceeded()).to.equal(false);
      expect((await evil.reentryError()).slice(0, 10)).to.equal(vault.interface.getError("ReentrancyGuardReentrantCall")!.selector);
      expect(await evil.balanceOf(users[0]!)).to.equal(BigInt(packages[0]!.balances[0]!));
    });
  });

  it("when every account claims, pays out no more than funded and leaves only rounding dust", async () => {
    const { vault, weth, usdc, packages, vaultAddress, funded, snapshotId, relayer, users } = await loadFixture(fixture);
    const gas: bigint[] = [];
    for (const claim of packages) {
      const proof = await proofFor(claim, { vault: vaultAddress, snapshotId });
      const receipt = await (await vault.connect(relayer).claim(snapshotId, ...claimArgs(proof))).wait();
      gas.push(receipt!.gasUsed);
    }
    const info = await vault.snapshot(snapshotId);
    for (const [k, token] of [weth, usdc].entries()) {
      const paid = info.ledgers[k]!.paid;
      expect(paid).to.be.at.most(funded[k]!);
      expect(funded[k]! - paid, `dust of asset ${k}`).to.be.lessThan(BigInt(users.length));
      expect(await token.balanceOf(vaultAddress)).to.equal(funded[k]! - paid);
    }
    gas.sort((a, b) => (a < b ? -1 : 1));
    process.stderr.write(
      `      claim gas (K=2, ${gas.length} claims, relayed): median ${gas[Math.floor(gas.length / 2)]}, min ${gas[0]}, max ${gas[gas.length - 1]}\n`,
    );
  });
});
