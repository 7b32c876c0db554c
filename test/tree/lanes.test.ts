import { expect } from "chai";

import { LANE_LIMIT, packLanes, unpackWords, wordCount } from "../../prover/tree";

describe("lanes and words", () => {
  it("packs two 96-bit lanes per word, low lane first", () => {
    expect(packLanes([1n, 2n])).to.deep.equal([1n + (2n << 96n)]);
    expect(packLanes([1n, 2n, 3n])).to.deep.equal([1n + (2n << 96n), 3n]);
    expect(wordCount(1)).to.equal(1);
    expect(wordCount(4)).to.equal(2);
  });

  it("unpacks what it packed, for the largest lanes too", () => {
    const lanes = [LANE_LIMIT - 1n, 0n, 5n, LANE_LIMIT - 1n];
    expect(unpackWords(packLanes(lanes), 4)).to.deep.equal(lanes);
  });

  it("refuses a lane of 2^96 or more, and a negative lane, naming it", () => {
    expect(() => packLanes([LANE_LIMIT], "balance")).to.throw(RangeError, "balance[0] must be in [0, 2^96), got 79228162514264337593543950336");
    expect(() => packLanes([0n, -1n], "balance")).to.throw(RangeError, "balance[1] must be in [0, 2^96), got -1");
  });
});
