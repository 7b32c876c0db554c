import { expect } from "chai";

import { adjustmentsDigest, applyAdjustments, parseAdjustments } from "../../prover/snapshot/adjustments";
import { buildSnapshot } from "../../prover/snapshot/build";
import { parseBalances } from "../../prover/snapshot/input";
import { expectRejection } from "../helpers/assertions";
import { referenceHashing } from "../helpers/hashing";

const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";
const C = "0x3333333333333333333333333333333333333333";
const sheet = parseBalances(`account,WETH,USDC\n${A},100,5\n${B},0,7\n`, "csv");

describe("adjustments", () => {
  it("parses CSV (reasons may hold commas) and JSON to the same list", () => {
    const csv = parseAdjustments(`account,asset,delta,reason\n${A},WETH,-40,refund of a double deposit, ticket 12\n${C},USDC,+9,funds stuck in a contract\n`, "csv", sheet.assets);
    const json = parseAdjustments(JSON.stringify([
      { account: A, asset: "WETH", delta: "-40", reason: "refund of a double deposit, ticket 12" },
      { account: C, asset: "USDC", delta: "9", reason: "funds stuck in a contract" },
    ]), "json", sheet.assets);
    expect(csv).to.deep.equal(json);
    expect(adjustmentsDigest(csv)).to.equal(adjustmentsDigest(json));
  });

  it("applies in order: adds new accounts, drops rows left all zero", () => {
    const adjusted = applyAdjustments(sheet, [
      { account: C, asset: "USDC", delta: 9n, reason: "r" },
      { account: B, asset: "USDC", delta: -7n, reason: "r" },
    ]);
    expect(adjusted.rows.map((row) => [row.account, row.balances])).to.deep.equal([[A, [100n, 5n]], [C, [0n, 9n]]]);
  });

  it("refuses, naming the entry, field and value", () => {
    const parse = (rows: string): unknown => parseAdjustments(`account,asset,delta,reason\n${rows}\n`, "csv", sheet.assets);
    expect(() => parse(`${A},DAI,1,r`)).to.throw(/adjustments line 2\.asset must be one of WETH, USDC, got "DAI"/);
    expect(() => parse(`${A},WETH,1.5,r`)).to.throw(/adjustments line 2\.delta must be a signed decimal integer string in base units, got "1.5"/);
    expect(() => parse(`${A},WETH,0,r`)).to.throw(/delta is zero/);
    expect(() => parse(`${A},WETH,5,`)).to.throw(/adjustments line 2\.reason must be a one-line explanation/);
    expect(() => parse(`0x12,WETH,5,r`)).to.throw(/adjustments line 2: account "0x12" is not a 20-byte hex address/);
    expect(() => parseAdjustments("account,delta\n", "csv", sheet.assets)).to.throw(/line 1 must be the header/);
    expect(() => applyAdjustments(sheet, [{ account: A, asset: "USDC", delta: -6n, reason: "r" }])).to.throw(/adjustment 1 \(0x1111111111111111111111111111111111111111 USDC -6\) takes the balance below zero, to -1/);
  });

  it("an excluded account cannot also be adjusted", async () => {
    const { hashBatch } = await referenceHashing();
    await expectRejection(
      buildSnapshot(sheet, { depth: 3, seed: new Uint8Array(32), hashBatch, exclusions: [A], adjustments: [{ account: A, asset: "WETH", delta: 1n, reason: "r" }] }),
      /is both excluded and adjusted/,
    );
  });
});
