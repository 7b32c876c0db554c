import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Signer } from "ethers";

import { finalizeCommand, pauseCommand, publishCommand, vetoCommand } from "../../../prover/cli/commands/chain";
import { haltCommand } from "../../../prover/cli/commands/guard";
import { snapshotCommand } from "../../../prover/cli/commands/snapshot";
import { sampleBalancesCsv } from "../../../examples/demo/balances";
import { deploySafe, execSafeTransaction } from "../../../prover/chain/safe";
import { batchTransactionCalldata, type BatchFile } from "../../../prover/chain/safe-tx-builder";
import { DEPLOYMENT_FORMAT } from "../../../prover/chain/vault";
import { safeValidateChecksum } from "../../helpers/safe-checksum";
import { deployVault, ensureCompiled, ethers, proposal } from "../helpers/fixtures";
import { guardedBySafe } from "./fixture";
import { quietly } from "../../helpers/quietly";

describe("--safe-tx: guardian and governance commands written as Safe batches, executed by a real Safe", function () {
  async function vaultGuardedBySafe() {
    await ensureCompiled();
    const signers = (await ethers.getSigners()) as unknown as Signer[];
    const [admin, relayer, sweepTo] = signers as [Signer, Signer, Signer];
    const owners = signers.slice(15, 18);
    const { vault, hasher } = await deployVault(admin);
    const safe = await deploySafe(admin, await Promise.all(owners.map((owner) => owner.getAddress())), 2);
    await vault.grantRole(await vault.GUARDIAN_ROLE(), await safe.getAddress());
    const verifier = await ethers.deployContract("AcceptAllVerifier");
    const token = await ethers.deployContract("TestToken", ["Wrapped Ether", "WETH", 18]);
    await vault.propose(
      2n,
      proposal({
        root: 5n,
        totals: [5n],
        tokens: [await token.getAddress()],
        verifier: await verifier.getAddress(),
        sweepRecipient: await sweepTo.getAddress(),
      }),
    );
    const work = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-safe-tx-"));
    const deployment = path.join(work, "deployment.json");
    const vaultAddress = await vault.getAddress();
    await fs.writeFile(
      deployment,
      JSON.stringify({
        format: DEPLOYMENT_FORMAT,
        chainId: "31337",
        vault: vaultAddress,
        hasher: await hasher.getAddress(),
        verifiers: { claim_d4_k1: await verifier.getAddress() },
      }),
    );
    return { vault, vaultAddress, safe, safeAddress: await safe.getAddress(), owners, relayer, work, deployment };
  }

  /** Reads a batch as the app would and executes its calls through the Safe with two owners' signatures. */
  async function execute(file: string, safe: Awaited<ReturnType<typeof vaultGuardedBySafe>>["safe"], owners: Signer[], relayer: Signer): Promise<BatchFile> {
    const batch = JSON.parse(await fs.readFile(file, "utf8")) as BatchFile;
    expect(safeValidateChecksum(JSON.parse(JSON.stringify(batch)) as { meta: Record<string, unknown> }), "Safe's checksum check").to.equal(true);
    for (const transaction of batch.transactions) {
      await execSafeTransaction(safe, transaction.to, batchTransactionCalldata(transaction), [owners[0]!, owners[2]!], relayer);
    }
    return batch;
  }

  it("vetoes a proposal from a veto batch", async () => {
    const { vault, safe, safeAddress, owners, relayer, work, deployment } = await loadFixture(vaultGuardedBySafe);
    const file = path.join(work, "veto.json");
    const out = await quietly(() =>
      vetoCommand([
        "--deployment",
        deployment,
        "--snapshot-id",
        "2",
        "--reason",
        "root does not match the audit",
        "--safe-tx",
        file,
        "--safe",
        safeAddress,
        "--json",
      ]),
    );
    expect(JSON.parse(out)).to.include({ safeTx: file, chainId: "31337", transactions: 1 });
    const batch = await execute(file, safe, owners, relayer);
    expect(batch.meta.createdFromSafeAddress).to.equal(safeAddress);
    expect(batch.transactions[0]!.contractInputsValues).to.deep.equal({ snapshotId: "2", reason: "root does not match the audit" });
    expect((await vault.snapshot(2n)).state).to.equal(2n);
  });

  it("pauses the vault from a pause batch", async () => {
    const { vault, safe, owners, relayer, work, deployment } = await loadFixture(vaultGuardedBySafe);
    const file = path.join(work, "pause.json");
    await quietly(() => pauseCommand(["--deployment", deployment, "--safe-tx", file]));
    await execute(file, safe, owners, relayer);
    expect(await vault.paused()).to.equal(true);
  });

  it("writes a finalize batch whose call is the vault's finalize of that snapshot", async () => {
    const { vault, work, deployment } = await loadFixture(vaultGuardedBySafe);
    const file = path.join(work, "finalize.json");
    await quietly(() => finalizeCommand(["--deployment", deployment, "--snapshot-id", "2", "--safe-tx", file]));
    const batch = JSON.parse(await fs.readFile(file, "utf8")) as BatchFile;
    const decoded = vault.interface.parseTransaction({ data: batchTransactionCalldata(batch.transactions[0]!) });
    expect([decoded!.name, decoded!.args[0]]).to.deep.equal(["finalize", 2n]);
  });

  it("proposes and funds a snapshot from a publish batch executed by the Safe", async () => {
    const { vault, safe, safeAddress, owners, relayer, work, deployment } = await loadFixture(vaultGuardedBySafe);
    const csv = path.join(work, "balances.csv");
    await fs.writeFile(csv, sampleBalancesCsv(4));
    const snap = path.join(work, "snap");
    await quietly(() => snapshotCommand(["--balances", csv, "--out", snap, "--depth", "4"]));
    const manifest = JSON.parse(await fs.readFile(path.join(snap, "manifest.json"), "utf8")) as { circuit: string; root: string; totals: string[] };
    // The deployment names a verifier for the snapshot's circuit; the Safe proposes and holds the tokens.
    const verifier = await ethers.deployContract("AcceptAllVerifier");
    const written = JSON.parse(await fs.readFile(deployment, "utf8")) as { verifiers: Record<string, string> };
    await fs.writeFile(deployment, JSON.stringify({ ...written, verifiers: { [manifest.circuit]: await verifier.getAddress() } }));
    await vault.grantRole(await vault.PROPOSER_ROLE(), safeAddress);
    const tokens = await Promise.all(["WETH", "USDC"].map((symbol) => ethers.deployContract("TestToken", [symbol, symbol, 18])));
    const amounts = manifest.totals.map((total) => BigInt(total) / 2n);
    for (const [k, token] of tokens.entries()) await token.mint(safeAddress, amounts[k]!);
    const tokenAddresses = await Promise.all(tokens.map((token) => token.getAddress()));
    const file = path.join(work, "publish.json");
    const args = ["--deployment", deployment, "--manifest", path.join(snap, "manifest.json"), "--snapshot-id", "7", "--snapshot-block", "1"];
    await quietly(() =>
      publishCommand([
        ...args,
        "--tokens",
        tokenAddresses.join(","),
        "--amounts",
        amounts.join(","),
        "--sweep-to",
        safeAddress,
        "--safe-tx",
        file,
        "--safe",
        safeAddress,
      ]),
    );
    const batch = await execute(file, safe, owners, relayer);
    expect(batch.transactions.map((tx) => tx.contractMethod?.name)).to.deep.equal(["propose", "approve", "fund", "approve", "fund"]);
    const info = await vault.snapshot(7n);
    expect(info.state).to.equal(1n);
    expect(info.root).to.equal(BigInt(manifest.root));
    expect(info.ledgers.map((ledger: { funded: bigint }) => ledger.funded)).to.deep.equal(amounts);
  });

  it("refuses to overwrite a batch file and a --safe without --safe-tx", async () => {
    const { safeAddress, work, deployment } = await loadFixture(vaultGuardedBySafe);
    const file = path.join(work, "exists.json");
    await fs.writeFile(file, "{}");
    const refusal = (args: string[]) =>
      quietly(() => pauseCommand(args)).then(
        () => "",
        (error: Error) => error.message,
      );
    expect(await refusal(["--deployment", deployment, "--safe-tx", file])).to.equal(`--safe-tx ${file} already exists (nothing was written)`);
    expect(await refusal(["--deployment", deployment, "--safe", safeAddress])).to.equal("--safe is only used with --safe-tx");
    expect(await fs.readFile(file, "utf8")).to.equal("{}");
  });
});

describe("lifeboat halt: a guardian halts a guarded pool, with a key or through a Safe batch", function () {
  async function poolGuardedBySafe() {
    return { ...(await guardedBySafe()), work: await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-halt-")) };
  }

  it("halts the pool from a halt batch executed by the Safe", async () => {
    const { protocol, address, safe, owners, work } = await loadFixture(poolGuardedBySafe);
    const file = path.join(work, "halt.json");
    await quietly(() => haltCommand(["--pool", address, "--reason", "oracle feeds disagree", "--chain-id", "31337", "--safe-tx", file]));
    const batch = JSON.parse(await fs.readFile(file, "utf8")) as BatchFile;
    expect(safeValidateChecksum(JSON.parse(JSON.stringify(batch)) as { meta: Record<string, unknown> })).to.equal(true);
    await execSafeTransaction(safe, batch.transactions[0]!.to, batchTransactionCalldata(batch.transactions[0]!), [owners[0]!, owners[1]!], owners[2]!);
    expect(await protocol.halted()).to.equal(true);
    const [event] = await protocol.queryFilter(protocol.filters.Halted());
    expect([event!.args.by, event!.args.reason]).to.deep.equal([await safe.getAddress(), "oracle feeds disagree"]);
  });

  it("halts with the signer's key when it is a guardian, and names the missing role when it is not", async () => {
    const { protocol, address, governance } = await loadFixture(poolGuardedBySafe);
    const refusal = await quietly(() => haltCommand(["--pool", address, "--reason", "test"])).then(
      () => "",
      (error: Error) => error.message,
    );
    expect(refusal).to.contain(
      `the pool cannot be halted by ${governance.address}: AccessControlUnauthorizedAccount(${governance.address}, ${await protocol.GUARDIAN_ROLE()})`,
    );
    await protocol.connect(governance).grantRole(await protocol.GUARDIAN_ROLE(), governance.address);
    await quietly(() => haltCommand(["--pool", address, "--reason", "test"]));
    expect(await protocol.halted()).to.equal(true);
  });

  it("refuses --chain-id without --safe-tx", async () => {
    const { address } = await loadFixture(poolGuardedBySafe);
    const refusal = await quietly(() => haltCommand(["--pool", address, "--reason", "test", "--chain-id", "1"])).then(
      () => "",
      (error: Error) => error.message,
    );
    expect(refusal).to.equal("--chain-id is only used with --safe-tx or --dry-run");
  });
});
