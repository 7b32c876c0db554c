import { expect } from "chai";

import { getAddress } from "ethers";

import { InputError } from "../../prover/errors";
import { parseBalances, parseExclusions } from "../../prover/snapshot/input";

const A = "0x52908400098527886E0F7030069857D2E4169EE7"; // EIP-55 test vector (all caps body)
const B = "0xde709f2102306220921060314715629080e2fb77"; // all lower case
const C = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"; // EIP-55 mixed case

function refusal(text: string, format: "csv" | "json" = "csv"): string {
  try {
    parseBalances(text, format);
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected the input to be refused");
}

describe("balances input", () => {
  it("reads CSV and returns checksummed accounts and integer balances", () => {
    const sheet = parseBalances(`account,USDC,WETH\n${B},100,0\n${C},0,7\n`, "csv");
    expect(sheet.assets).to.deep.equal(["USDC", "WETH"]);
    expect(sheet.rows).to.deep.equal([
      { account: getAddress(B), balances: [100n, 0n] },
      { account: C, balances: [0n, 7n] },
    ]);
  });

  it("reads the equivalent JSON", () => {
    const json = JSON.stringify({ assets: ["USDC"], accounts: [{ account: B, balances: ["5"] }] });
    expect(parseBalances(json, "json").rows[0]!.balances).to.deep.equal([5n]);
  });

  it("refuses each bad balance, naming the line, the asset and the value", () => {
    expect(refusal(`account,USDC\n${A},-5\n`)).to.equal('line 2, USDC: balance "-5" is negative');
    expect(refusal(`account,USDC\n${A},1.5\n`)).to.equal('line 2, USDC: balance "1.5" is fractional; write integer base units (e.g. wei)');
    expect(refusal(`account,USDC\n${A},1e18\n`)).to.equal('line 2, USDC: balance "1e18" uses exponent notation; write every digit');
    expect(refusal(`account,USDC\n${A},0x10\n`)).to.equal('line 2, USDC: balance "0x10" is hexadecimal; write base units in decimal');
    expect(refusal(`account,USDC\n${A},\n`)).to.equal("line 2, USDC: balance is empty");
    expect(refusal(`account,USDC\n${A},12abc\n`)).to.equal('line 2, USDC: balance "12abc" is not a decimal integer');
    expect(refusal(`account,USDC\n${A},79228162514264337593543950336\n`)).to.equal(
      "line 2, USDC: balance 79228162514264337593543950336 is not below 2^96 (79228162514264337593543950336), the largest the claim circuit accepts",
    );
  });

  it("accepts the largest balance below 2^96", () => {
    expect(parseBalances(`account,USDC\n${A},79228162514264337593543950335\n`, "csv").rows[0]!.balances).to.deep.equal([(1n << 96n) - 1n]);
  });

  it("refuses bad and badly checksummed addresses", () => {
    expect(refusal(`account,USDC\n0x1234,1\n`)).to.equal('line 2: account "0x1234" is not a 20-byte hex address (0x + 40 hex digits)');
    const badChecksum = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
    expect(refusal(`account,USDC\n${badChecksum},1\n`)).to.equal(
      `line 2: account "${badChecksum}" has an invalid EIP-55 checksum (mixed case that does not match)`,
    );
  });

  it("refuses a duplicate account, also when only the case differs", () => {
    expect(refusal(`account,USDC\n${B},1\n${B.toUpperCase().replace("0X", "0x")},2\n`)).to.equal(
      `account ${getAddress(B)} appears twice (rows 1 and 2; addresses compare case-insensitively)`,
    );
  });

  it("refuses a wrong column count, an empty file and a header without rows", () => {
    expect(refusal(`account,USDC,WETH\n${A},1\n`)).to.equal(`line 2: expected 3 columns (account + 2 assets), got 2: "${A},1"`);
    expect(refusal("")).to.equal("balances file is empty: expected a header line `account,<ASSET>,...`");
    expect(refusal("account,USDC\n")).to.equal("balances file has a header but no accounts");
    expect(refusal("wallet,USDC\n")).to.equal('line 1: the first column must be "account", got "wallet"');
  });

  it("refuses more than four assets and a repeated asset", () => {
    expect(refusal("account,A,B,C,D,E\n")).to.equal("line 1: expected 1 to 4 asset columns, got 5");
    expect(refusal("account,USDC,usdc\n")).to.equal('line 1: asset "usdc" appears twice');
  });

  it("refuses JSON numbers for balances, since they lose precision", () => {
    const json = JSON.stringify({ assets: ["USDC"], accounts: [{ account: A, balances: [5] }] });
    expect(refusal(json, "json")).to.equal("accounts[0].balances[0] (USDC) must be a decimal string (numbers lose precision), got 5");
  });
});

describe("exclusion list", () => {
  it("reads one address per line with comments, or a JSON array", () => {
    expect(parseExclusions(`# attacker\n${B}\n\n${C} # bridge\n`, "csv")).to.deep.equal([getAddress(B), C]);
    expect(parseExclusions(JSON.stringify([C]), "json")).to.deep.equal([C]);
  });

  it("refuses a bad address and a repeated one", () => {
    expect(() => parseExclusions("0xnope\n", "csv")).to.throw(InputError, 'exclusion line 1: account "0xnope" is not a 20-byte hex address');
    expect(() => parseExclusions(`${B}\n${B}\n`, "csv")).to.throw(InputError, "exclusion list names an account twice");
  });
});
