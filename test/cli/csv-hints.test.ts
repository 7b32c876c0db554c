import { expect } from "chai";

import { parseBalances } from "../../prover/snapshot/input";

const A = "0x1111111111111111111111111111111111111111";

describe("balances CSV: messages say how to fix what spreadsheets produce", function () {
  const refusal = (text: string): string => {
    try {
      parseBalances(text, "csv");
    } catch (error) {
      return (error as Error).message;
    }
    return expect.fail("accepted");
  };

  it("names semicolon- and tab-separated files", () => {
    expect(refusal(`account;WETH\n${A};1\n`)).to.contain("separated by semicolons: save the file as comma-separated CSV");
    expect(refusal(`account\tWETH\n${A}\t1\n`)).to.contain("separated by tabs");
  });

  it("names quoted cells and thousands separators", () => {
    expect(refusal(`account,WETH\n${A},"1,500"\n`)).to.contain("quoted cells are not read");
    expect(refusal(`account,WETH\n${A},1,500,000\n`)).to.contain("thousands separator");
  });

  it("adds no hint to a plain mistake", () => {
    expect(refusal(`account,WETH\n${A},x\n`)).to.not.contain("hint");
  });
});
