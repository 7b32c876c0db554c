import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { Interface, Wallet } from "ethers";

import { contractArtifact } from "../../prover/chain/contracts";
import {
  batchCall,
  batchTransactionCalldata,
  buildBatchFile,
  checksumOver,
  hasValidChecksum,
  writeBatchFile,
  type BatchFile,
} from "../../prover/chain/safe-tx-builder";
import { safeCalculateChecksum, safeValidateChecksum } from "../helpers/safe-checksum";

/** The test vector of the Transaction Builder's own checksum.test.js (commit 81f2251a). */
const SAFE_VECTOR = {
  version: "1.0",
  chainId: "4",
  createdAt: 1646321521061,
  meta: {
    name: "test batch file",
    txBuilderVersion: "1.4.0",
    checksum: "",
    createdFromSafeAddress: "0xDF8a1Ce35c9a6ACE153B4e0767942f1E2291a1Aa",
    createdFromOwnerAddress: "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
  },
  transactions: [
    {
      to: "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
      value: "0",
      contractMethod: { inputs: [{ internalType: "address", name: "paramAddress", type: "address" }], name: "testAddress", payable: false },
      contractInputsValues: { paramAddress: "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6" },
    },
    {
      to: "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
      value: "0",
      contractMethod: { inputs: [{ internalType: "bool", name: "paramBool", type: "bool" }], name: "testBool", payable: false },
      contractInputsValues: { paramAddress: "", paramBool: "false" },
    },
    {
      to: "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
      value: "2000000000000000000",
      data: "0x42f4579000000000000000000000000049d4450977e2c95362c13d3a31a09311e0ea26a6",
    },
  ],
};
const SAFE_VECTOR_CHECKSUM = "0x4ecbfd364aa6759983915644e73f8bd411e85a2dc306f252a387c2728c4db64c";

const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const SAFE = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

describe("Safe Transaction Builder batch files", function () {
  let vault: Interface;
  before(async () => {
    vault = new Interface((await contractArtifact("RecoveryVault")).abi);
  });

  describe("the checksum", function () {
    it("reproduces the Transaction Builder's own test vector", () => {
      expect(checksumOver(SAFE_VECTOR)).to.equal(SAFE_VECTOR_CHECKSUM);
      expect(safeCalculateChecksum(SAFE_VECTOR)).to.equal(SAFE_VECTOR_CHECKSUM);
    });

    it("does not depend on the order of keys", () => {
      const reversed = Object.fromEntries(
        Object.entries(SAFE_VECTOR)
          .reverse()
          .map(([key, value]) => [key, key === "meta" ? Object.fromEntries(Object.entries(value).reverse()) : value]),
      );
      expect(checksumOver(reversed as typeof SAFE_VECTOR)).to.equal(SAFE_VECTOR_CHECKSUM);
    });

    it("is accepted by Safe's validation, survives a rename, and fails when a call is changed", () => {
      const batch = buildBatchFile({
        chainId: 1n,
        name: "veto 7",
        description: "",
        safe: SAFE,
        transactions: [batchCall(VAULT, vault, "veto", [7n, "bad root"])],
      });
      const parsed = JSON.parse(JSON.stringify(batch)) as { meta: Record<string, unknown>; transactions: { contractInputsValues: Record<string, string> }[] };
      expect(safeValidateChecksum(parsed)).to.equal(true);
      expect(hasValidChecksum(batch)).to.equal(true);
      expect(safeValidateChecksum({ ...parsed, meta: { ...parsed.meta, name: "renamed" } })).to.equal(true);
      const tampered = JSON.parse(JSON.stringify(batch)) as typeof parsed;
      tampered.transactions[0]!.contractInputsValues.snapshotId = "8";
      expect(safeValidateChecksum(tampered)).to.equal(false);
      expect(hasValidChecksum(tampered as unknown as BatchFile)).to.equal(false);
    });
  });

  describe("the calls", function () {
    it("writes a veto as a method with its values, whose encoding decodes to the intended call", () => {
      const call = batchCall(VAULT, vault, "veto", [7n, "root does not match the audit"]);
      expect(call.data).to.equal(null);
      expect(call.contractMethod!.name).to.equal("veto");
      expect(call.contractInputsValues).to.deep.equal({ snapshotId: "7", reason: "root does not match the audit" });
      const decoded = vault.decodeFunctionData("veto", batchTransactionCalldata(call));
      expect([decoded[0], decoded[1]]).to.deep.equal([7n, "root does not match the audit"]);
    });

    it("writes a proposal's struct as a JSON tuple that encodes to exactly the proposal", () => {
      const proposal = {
        root: 123n,
        totals: [10n ** 21n, 5n],
        tokens: [VAULT, SAFE],
        declaredFunding: [10n ** 20n, 5n],
        verifier: SAFE,
        claimPeriod: 90n * 86_400n,
        sweepRecipient: VAULT,
        snapshotBlock: 42n,
        manifestDigest: `0x${"ab".repeat(32)}`,
        uri: "ipfs://manifest",
      };
      const call = batchCall(VAULT, vault, "propose", [9n, proposal]);
      expect(call.data).to.equal(null);
      expect(batchTransactionCalldata(call)).to.equal(vault.encodeFunctionData("propose", [9n, proposal]));
      const decoded = vault.decodeFunctionData("propose", batchTransactionCalldata(call));
      expect(decoded[1].toObject(true)).to.deep.equal({ ...proposal, totals: proposal.totals, tokens: proposal.tokens });
    });

    it("puts the raw calldata in data when the app would misread a value", () => {
      const call = batchCall(VAULT, vault, "veto", [7n, "[looks like JSON]"]);
      expect(call.contractMethod).to.equal(null);
      expect(call.data).to.equal(vault.encodeFunctionData("veto", [7n, "[looks like JSON]"]));
    });

    it("writes an argument-less call with empty values", () => {
      const call = batchCall(VAULT, vault, "pause", []);
      expect(call.contractInputsValues).to.deep.equal({});
      expect(batchTransactionCalldata(call)).to.equal(vault.encodeFunctionData("pause"));
    });
  });

  describe("refusals", function () {
    it("refuses a chain id that is not a positive decimal, an empty batch, and bad addresses", () => {
      const calls = [batchCall(VAULT, vault, "pause", [])];
      expect(() => buildBatchFile({ chainId: "0x1", name: "", description: "", transactions: calls })).to.throw(
        'chain id "0x1" is not a positive decimal integer',
      );
      expect(() => buildBatchFile({ chainId: 1n, name: "", description: "", transactions: [] })).to.throw("a batch needs at least one transaction");
      expect(() => buildBatchFile({ chainId: 1n, name: "", description: "", safe: "0x12", transactions: calls })).to.throw('safe "0x12" is not an address');
      expect(() => batchCall("vault", vault, "pause", [])).to.throw('target "vault" is not an address');
      expect(() => batchCall(VAULT, vault, "value", [])).to.throw();
    });

    it("never overwrites a batch file", async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-safe-tx-"));
      const file = path.join(dir, "batch.json");
      const batch = buildBatchFile({
        chainId: 1n,
        name: "pause",
        description: "",
        owner: Wallet.createRandom().address,
        transactions: [batchCall(VAULT, vault, "pause", [])],
      });
      await writeBatchFile(file, batch);
      const refused = await writeBatchFile(file, batch).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(refused?.message).to.equal(`--safe-tx ${file} already exists (nothing was written)`);
      expect(JSON.parse(await fs.readFile(file, "utf8"))).to.deep.equal(JSON.parse(JSON.stringify(batch)));
    });
  });
});
