import { expect } from "chai";

import { getAddress } from "ethers";

import { InputError } from "../../prover/errors";
import { parseBalances, parseExclusions, parseUnpayable } from "../../prover/snapshot/input";

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
      `account ${getAddress(B)} appears twice (line 2 and line 3; addresses compare case-insensitively)`,
    );
    const json = JSON.stringify({
      assets: ["USDC"],
      accounts: [
        { account: B, balances: ["1"] },
        { account: C, balances: ["1"] },
        { account: B.toUpperCase().replace("0X", "0x"), balances: ["2"] },
      ],
    });
    expect(refusal(json, "json")).to.equal(`account ${getAddress(B)} appears twice (accounts[0] and accounts[2]; addresses compare case-insensitively)`);
  });

  it("refuses the zero address as an account, in CSV and in JSON, naming the row and the value", () => {
    const zero = "0x0000000000000000000000000000000000000000";
    const why = "is the zero address, which can never be paid (no one can sign for it, and tokens refuse transfers to it)";
    expect(refusal(`account,USDC\n${B},1\n${zero},5\n`)).to.equal(`line 3: account ${zero} ${why}`);
    const json = JSON.stringify({ assets: ["USDC"], accounts: [{ account: zero, balances: ["0"] }] });
    expect(refusal(json, "json")).to.equal(`accounts[0]: account ${zero} ${why}`);
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

  describe("the CSV grammar of docs/protocol.md §7.1", () => {
    const rows = (text: string): [string, bigint[]][] => parseBalances(text, "csv").rows.map((row) => [row.account, [...row.balances]]);
    const expected: [string, bigint[]][] = [
      [getAddress(B), [100n]],
      [C, [7n]],
    ];

    it("accepts LF and CRLF line ends, a byte order mark, no final newline and trailing blank lines", () => {
      expect(rows(`account,USDC\n${B},100\n${C},7\n`)).to.deep.equal(expected);
      expect(rows(`account,USDC\r\n${B},100\r\n${C},7\r\n`)).to.deep.equal(expected);
      expect(rows(`\uFEFFaccount,USDC\n${B},100\n${C},7`)).to.deep.equal(expected);
      expect(rows(`account,USDC\n${B},100\n${C},7\n\n \t\n\r\n`)).to.deep.equal(expected);
    });

    it('accepts spaces and tabs around cells, leading zeros and a header "Account" in any case', () => {
      expect(rows(`Account , USDC\n ${B}\t,\t100 \n${C},007\n`)).to.deep.equal(expected);
    });

    it("refuses white space other than spaces and tabs, which it once trimmed silently", () => {
      expect(refusal(`account,USDC\n${B},\u00a0100\n`)).to.equal('line 2, USDC: balance "\u00a0100" is not a decimal integer');
      expect(refusal(`account,USDC\n\u000b${B},100\n`)).to.equal(`line 2: account "\\u000b${B}" is not a 20-byte hex address (0x + 40 hex digits)`);
    });

    it("refuses quoted cells, an empty line inside, a lone CR and an upper-case 0X", () => {
      const hint = ' (hint: quoted cells are not read: save the file without quotes, e.g. 1500000 rather than "1,500,000")';
      expect(refusal(`account,USDC\n"${B}",100\n`)).to.equal(`line 2: account "\\"${B}\\"" is not a 20-byte hex address (0x + 40 hex digits)${hint}`);
      expect(refusal(`account,USDC\n${B},"100"\n`)).to.equal(`line 2, USDC: balance "\\"100\\"" is not a decimal integer${hint}`);
      expect(refusal(`account,USDC\n${B},100\n\n${C},7\n`)).to.equal("line 3: empty line inside the balances file");
      expect(refusal(`account,USDC\r${B},100\r`)).to.equal(`line 1: asset name "USDC\\r${B}" must be 1-32 letters, digits, "_", "." or "-"`);
      expect(refusal(`account,USDC\n0X${B.slice(2)},100\n`)).to.equal(`line 2: account "0X${B.slice(2)}" is not a 20-byte hex address (0x + 40 hex digits)`);
    });
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

  it("skips a byte order mark and accepts CRLF", () => {
    expect(parseExclusions(`\uFEFF${B}\r\n${C}\r\n`, "csv")).to.deep.equal([getAddress(B), C]);
  });

  it("refuses a bad address, the zero address and a repeated one, naming the entries", () => {
    expect(() => parseExclusions("0xnope\n", "csv")).to.throw(InputError, 'exclusion line 1: account "0xnope" is not a 20-byte hex address');
    expect(() => parseExclusions(`${B}\n# again\n${B.toUpperCase().replace("0X", "0x")}\n`, "csv")).to.throw(
      InputError,
      `exclusion line 3: ${getAddress(B)} is already listed (exclusion line 1)`,
    );
    expect(() => parseExclusions(JSON.stringify([C, C]), "json")).to.throw(InputError, `exclusions[1]: ${C} is already listed (exclusions[0])`);
    expect(() => parseExclusions("0x0000000000000000000000000000000000000000\n", "csv")).to.throw(
      InputError,
      "exclusion line 1: account 0x0000000000000000000000000000000000000000 is the zero address",
    );
  });
});

describe("unpayable list", () => {
  it("reads the exclusion list's format and accepts the zero address", () => {
    const zero = "0x0000000000000000000000000000000000000000";
    expect(parseUnpayable(`# the vault\n${B}\n${zero}\n`, "csv")).to.deep.equal([getAddress(B), zero]);
    expect(parseUnpayable(JSON.stringify([C]), "json")).to.deep.equal([C]);
  });

  it("refuses a bad address, naming the entry", () => {
    expect(() => parseUnpayable(JSON.stringify([C, 5]), "json")).to.throw(InputError, "unpayables[1] must be an address string, got 5");
    expect(() => parseUnpayable("vault\n", "csv")).to.throw(InputError, 'unpayable line 1: account "vault" is not a 20-byte hex address');
  });
});
