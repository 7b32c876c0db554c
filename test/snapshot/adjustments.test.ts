import { expect } from "chai";

import { adjustmentsDigest, applyAdjustments, parseAdjustments, signed as manifestDelta } from "../../prover/snapshot/adjustments";
import { buildSnapshot, selectAccounts } from "../../prover/snapshot/build";
import { parseBalances } from "../../prover/snapshot/input";
import { expectRejection } from "../helpers/assertions";
import { referenceHashing } from "../helpers/hashing";

const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";
const C = "0x3333333333333333333333333333333333333333";
const sheet = parseBalances(`account,WETH,USDC\n${A},100,5\n${B},0,7\n`, "csv");

describe("adjustments", () => {
  it("parses CSV (reasons may hold commas) and JSON to the same list", () => {
    const csv = parseAdjustments(
      `account,asset,delta,reason\n${A},WETH,-40,refund of a double deposit, ticket 12\n${C},USDC,+9,funds stuck in a contract\n`,
      "csv",
      sheet.assets,
    );
    const json = parseAdjustments(
      JSON.stringify([
        { account: A, asset: "WETH", delta: "-40", reason: "refund of a double deposit, ticket 12" },
        { account: C, asset: "USDC", delta: "9", reason: "funds stuck in a contract" },
      ]),
      "json",
      sheet.assets,
    );
    expect(csv).to.deep.equal(json);
    expect(adjustmentsDigest(csv)).to.equal(adjustmentsDigest(json));
  });

  it("applies in order, adding new accounts after the input's; the all-zero rule is left to the selection", () => {
    const adjustments = [
      { account: C, asset: "USDC", delta: 9n, reason: "r" },
      { account: B, asset: "USDC", delta: -7n, reason: "r" },
    ];
    const adjusted = applyAdjustments(sheet, adjustments);
    expect(adjusted.rows.map((row) => [row.account, row.balances])).to.deep.equal([
      [A, [100n, 5n]],
      [B, [0n, 0n]],
      [C, [0n, 9n]],
    ]);
    const selected = selectAccounts(sheet, [], adjustments);
    expect(selected.included.map((row) => row.account)).to.deep.equal([A, C]);
    expect(selected.zero.map((row) => row.account)).to.deep.equal([B]);
  });

  it("normalises the delta to an explicit sign without leading zeros, and trims the reason's spaces and tabs", () => {
    const [entry] = parseAdjustments(`account,asset,delta,reason\n${A},WETH,+007, \tticket 12, desk 3\t \n`, "csv", sheet.assets);
    expect(entry).to.deep.equal({ account: A, asset: "WETH", delta: 7n, reason: "ticket 12, desk 3" });
    const json = parseAdjustments(JSON.stringify([{ account: A, asset: "WETH", delta: "7", reason: "ticket 12, desk 3" }]), "json", sheet.assets);
    expect(adjustmentsDigest(json)).to.equal(adjustmentsDigest([entry!]));
    expect(manifestDelta(7n)).to.equal("+7");
  });

  it("accepts a reason of 500 characters after trimming, counted in code points", () => {
    const reason = "é".repeat(499) + "🙂"; // 500 code points, 501 UTF-16 units
    const [entry] = parseAdjustments(JSON.stringify([{ account: A, asset: "WETH", delta: "1", reason: ` ${reason} ` }]), "json", sheet.assets);
    expect(entry!.reason).to.equal(reason);
    expect(() => parseAdjustments(JSON.stringify([{ account: A, asset: "WETH", delta: "1", reason: `${reason}x` }]), "json", sheet.assets)).to.throw(
      /adjustments\[0\]\.reason must be a one-line explanation of 1 to 500 characters/,
    );
  });

  it("an empty adjustments file (header only, or []) holds no adjustments", () => {
    expect(parseAdjustments("account,asset,delta,reason\n", "csv", sheet.assets)).to.deep.equal([]);
    expect(parseAdjustments("[]", "json", sheet.assets)).to.deep.equal([]);
  });

  it("refuses, naming the entry, field and value", () => {
    const parse = (rows: string): unknown => parseAdjustments(`account,asset,delta,reason\n${rows}\n`, "csv", sheet.assets);
    expect(() => parse(`${A},DAI,1,r`)).to.throw(/adjustments line 2\.asset must be one of WETH, USDC, got "DAI"/);
    expect(() => parse(`${A},WETH,1.5,r`)).to.throw(/adjustments line 2\.delta must be a signed decimal integer string in base units, got "1.5"/);
    expect(() => parse(`${A},WETH,0,r`)).to.throw(/delta is zero/);
    expect(() => parse(`${A},WETH,5,`)).to.throw(/adjustments line 2\.reason must be a one-line explanation/);
    expect(() => parse(`0x12,WETH,5,r`)).to.throw(/adjustments line 2: account "0x12" is not a 20-byte hex address/);
    expect(() => parseAdjustments("account,delta\n", "csv", sheet.assets)).to.throw(/line 1 must be the header/);
    expect(() => parseAdjustments(`${A},WETH,1,r\n`, "csv", sheet.assets)).to.throw(
      `adjustments line 1 must be the header "account,asset,delta,reason", got "${A},WETH,1,r"`,
    );
    expect(() => parseAdjustments("Account,Asset,Delta,Reason\n", "csv", sheet.assets)).to.throw(/adjustments line 1 must be the header/);
    expect(() => parse(`${A},weth,1,r`)).to.throw('adjustments line 2.asset must be one of WETH, USDC, got "weth"');
    expect(() => parse(`${A},WETH,-0,r`)).to.throw("adjustments line 2.delta is zero: an adjustment must change something");
    expect(() => parse(`${A},WETH,5,r\n\n${A},WETH,5,r`)).to.throw("adjustments line 3: empty line inside the adjustments file");
    expect(() => parse("0x0000000000000000000000000000000000000000,WETH,5,r")).to.throw(
      "adjustments line 2: account 0x0000000000000000000000000000000000000000 is the zero address, which can never be paid",
    );
    expect(() => parseAdjustments(JSON.stringify([{ account: A, asset: "WETH", delta: 5, reason: "r" }]), "json", sheet.assets)).to.throw(
      "adjustments[0].delta must be a signed decimal integer string in base units, got 5",
    );
    expect(() => parseAdjustments(JSON.stringify([{ account: A, asset: "WETH", delta: "5", reason: "two\u2028lines" }]), "json", sheet.assets)).to.throw(
      /adjustments\[0\]\.reason must be a one-line explanation/,
    );
    expect(() => applyAdjustments(sheet, [{ account: A, asset: "USDC", delta: -6n, reason: "r" }])).to.throw(
      /adjustment 1 \(0x1111111111111111111111111111111111111111 USDC -6\) takes the balance below zero, to -1/,
    );
  });

  it("an excluded account cannot also be adjusted", async () => {
    const { hashBatch } = await referenceHashing();
    await expectRejection(
      buildSnapshot(sheet, {
        depth: 3,
        seed: new Uint8Array(32),
        hashBatch,
        exclusions: [A],
        adjustments: [{ account: A, asset: "WETH", delta: 1n, reason: "r" }],
      }),
      /is both excluded and adjusted/,
    );
  });
});
