import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Signer } from "ethers";

import { proveClaim } from "../../../prover/proof/claim";
import type { ProofFile } from "../../../prover/proof/proof-file";
import { ClaimProver } from "../../../prover/proof/prover";
import { provingArtifactsOf, type ClaimArtifacts } from "../../../prover/setup";
import type { ClaimPackage } from "../../../prover/snapshot/formats";
import { deployPoseidon5, deployVerifier } from "../../../prover/chain/deploy";
import { claimArtifacts, testTree, type TestLeaf } from "../../helpers/circuit";
import { referenceHashing, seededRandom } from "../../helpers/hashing";

export const { ethers } = hre;

let compiled: Promise<void> | undefined;
/** Compiles contracts/ once per process, so the tests run from a fresh clone. */
export function ensureCompiled(): Promise<void> {
  compiled ??= hre.run("compile", { quiet: true });
  return compiled;
}

export const DEPTH = 4;
export const ASSETS = 2;
export const WEEK = 7 * 24 * 3600;
/** The veto window the test vaults use. */
export const VETO_WINDOW = 2 * 24 * 3600;
export const DAY = 24 * 3600;
/** The vault's MIN_CLAIM_PERIOD, FINALIZE_WINDOW and MAX_CLAIM_PERIOD. */
export const MIN_CLAIM_PERIOD = 30 * DAY;
export const FINALIZE_WINDOW = 14 * DAY;
export const MAX_CLAIM_PERIOD = 3650 * DAY;

let artifacts: Promise<ClaimArtifacts> | undefined;
let prover: Promise<ClaimProver> | undefined;
export function smallCircuit(): Promise<{ artifacts: ClaimArtifacts; prover: ClaimProver }> {
  artifacts ??= claimArtifacts(DEPTH, ASSETS);
  prover ??= artifacts.then(async (loaded) => ClaimProver.load(await provingArtifactsOf(loaded)));
  return Promise.all([artifacts, prover]).then(([a, p]) => ({ artifacts: a, prover: p }));
}

/** Leaves for the given accounts with deterministic balances (18- and 6-decimal scale). */
export function leavesFor(accounts: string[], seed = 1): TestLeaf[] {
  const random = seededRandom(seed);
  return accounts.map((account) => ({
    account,
    salt: BigInt(Math.floor(random() * 2 ** 48)) << 190n,
    balances: [BigInt(Math.floor(1 + random() * 1e6)) * 10n ** 15n, BigInt(Math.floor(1 + random() * 1e6)) * 10n ** 3n],
  }));
}

/** A vault whose admin is also its proposer; `guardian` (default: the admin) may veto. */
export async function deployVault(admin: Signer, guardian: Signer = admin) {
  await ensureCompiled();
  const hasher = await deployPoseidon5(admin);
  const Vault = await ethers.getContractFactory("RecoveryVault", admin);
  const vault = await Vault.deploy(await admin.getAddress(), await hasher.getAddress(), VETO_WINDOW);
  await vault.waitForDeployment();
  await vault.grantRole(await vault.PROPOSER_ROLE(), await admin.getAddress());
  await vault.grantRole(await vault.GUARDIAN_ROLE(), await guardian.getAddress());
  return { vault, hasher };
}

/**
 * A proposal's fields with defaults for what a test does not care about: the shortest claim
 * period, and a declared funding of every asset's full total.
 */
export function proposal(fields: {
  root: bigint | string;
  totals: (bigint | string)[];
  tokens: string[];
  verifier: string;
  sweepRecipient: string;
  claimPeriod?: bigint | number;
  declaredFunding?: (bigint | string)[];
}) {
  return {
    claimPeriod: MIN_CLAIM_PERIOD,
    declaredFunding: fields.totals,
    ...fields,
    snapshotBlock: 1n,
    manifestDigest: `0x${"ab".repeat(32)}`,
    uri: "ipfs://manifest",
  };
}

/**
 * A vault with one active snapshot of `count` signer accounts, funded with 70 % of each total,
 * two tokens, the real generated verifier of claim_d4_k2.
 */
export async function activeSnapshotFixture(count = 6) {
  await ensureCompiled();
  const signers = await ethers.getSigners();
  const [admin, stranger, relayer, sweepTo, guardian] = signers as unknown as [Signer, Signer, Signer, Signer, Signer];
  const users = signers.slice(5, 5 + count);
  const { artifacts: circuit } = await smallCircuit();
  const { vault, hasher } = await deployVault(admin, guardian);
  const verifier = await deployVerifier(circuit.keys.verifier, admin);
  const Token = await ethers.getContractFactory("TestToken", admin);
  const weth = await Token.deploy("Wrapped Ether", "WETH", 18);
  const usdc = await Token.deploy("USD Coin", "USDC", 6);
  const leaves = leavesFor(await Promise.all(users.map((user) => user.getAddress())));
  const { tree, packages } = await testTree(leaves, DEPTH, ASSETS);
  const totals = tree.totals;
  const snapshotId = 1n;
  const tokens = [await weth.getAddress(), await usdc.getAddress()];
  const funded = totals.map((total) => (total * 70n) / 100n);
  await vault.propose(
    snapshotId,
    proposal({ root: tree.root, totals, tokens, verifier: await verifier.getAddress(), declaredFunding: funded, sweepRecipient: await sweepTo.getAddress() }),
  );
  for (const [k, token] of [weth, usdc].entries()) {
    await token.mint(await admin.getAddress(), funded[k]!);
    await token.approve(await vault.getAddress(), funded[k]!);
    await vault.fund(snapshotId, k, funded[k]!);
  }
  await time.increase(VETO_WINDOW);
  await vault.connect(stranger).finalize(snapshotId);
  const deadline = (await vault.snapshot(snapshotId)).claimDeadline;
  return {
    vault,
    hasher,
    verifier,
    weth,
    usdc,
    admin,
    stranger,
    relayer,
    sweepTo,
    guardian,
    users,
    leaves,
    tree,
    packages,
    totals,
    funded,
    deadline,
    snapshotId,
    circuit,
  };
}

/** A proof for a package, by default for this chain, this vault and the given snapshot. */
export async function proofFor(claim: ClaimPackage, target: { vault: string; snapshotId: bigint; chainId?: bigint }): Promise<ProofFile> {
  const { prover } = await smallCircuit();
  const { hash } = await referenceHashing();
  return proveClaim({ claim, target: { chainId: target.chainId ?? 31337n, vault: target.vault, snapshotId: target.snapshotId }, hash, prover });
}

/** RecoveryVault.claim's proof arguments, in the generated verifier's order. */
export type ClaimArgs = [pA: [string, string], pB: [[string, string], [string, string]], pC: [string, string], pubSignals: string[]];

export function claimArgs(proof: ProofFile): ClaimArgs {
  const { pA, pB, pC, pubSignals } = proof.calldata;
  return [pA, pB, pC, pubSignals];
}
