import { expect } from "chai";
import { promises as fs } from "node:fs";

import { loadReferencePoseidon, SNARK_SCALAR_FIELD, type Poseidon } from "../../prover/hash";
import { poseidonJs } from "../../prover/hash/poseidon-js";
import { seededRandom } from "../helpers/hashing";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require("../../scripts/gen-poseidon-constants.js") as { render(): string; OUTPUT: string };

describe("Poseidon in plain TypeScript (the browser backend)", () => {
  let reference: Poseidon;
  before(async () => {
    reference = await loadReferencePoseidon();
  });

  it("matches circomlib's known vector poseidon([1, 2])", () => {
    expect(poseidonJs([1n, 2n])).to.equal(7853200120776062878684798364095072458815029376092732009249414926327459813530n);
  });

  for (const arity of [1, 2, 3, 4, 5, 6]) {
    it(`agrees with circomlibjs for arity ${arity}, edge values included`, () => {
      const random = seededRandom(arity);
      const element = (): bigint =>
        BigInt(
          `0x${Array.from({ length: 8 }, () =>
            Math.floor(random() * 2 ** 32)
              .toString(16)
              .padStart(8, "0"),
          ).join("")}`,
        ) % SNARK_SCALAR_FIELD;
      const preimages = [
        new Array<bigint>(arity).fill(0n),
        new Array<bigint>(arity).fill(SNARK_SCALAR_FIELD - 1n),
        ...Array.from({ length: 5 }, () => Array.from({ length: arity }, element)),
      ];
      for (const preimage of preimages) expect(poseidonJs(preimage)).to.equal(reference.hash(preimage));
    });
  }

  it("refuses a non-canonical input and an arity it has no constants for", () => {
    expect(() => poseidonJs([SNARK_SCALAR_FIELD, 1n])).to.throw(RangeError, "Poseidon input 0 must be a field element in [0, r)");
    expect(() => poseidonJs([-1n])).to.throw(RangeError, "Poseidon input 0 must be a field element in [0, r)");
    expect(() => poseidonJs([])).to.throw(RangeError, "Poseidon arity must be 1..6 here, got 0");
    expect(() => poseidonJs(new Array<bigint>(7).fill(1n))).to.throw(RangeError, "Poseidon arity must be 1..6 here, got 7");
  });

  it("its generated constants are exactly what the generator makes from circomlibjs (regenerating changes nothing)", async () => {
    expect(await fs.readFile(generator.OUTPUT, "utf8")).to.equal(generator.render());
  });
});
