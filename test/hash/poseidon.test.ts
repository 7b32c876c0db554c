import { expect } from "chai";

import {
  createParallelHasher,
  loadNativePoseidon,
  loadPoseidon,
  loadReferencePoseidon,
  loadWasmPoseidon,
  SNARK_SCALAR_FIELD,
  type Poseidon,
} from "../../prover/hash";
import { ELEMENT_BYTES, readElement, writeElement } from "../../prover/tree";
import { seededRandom } from "../helpers/hashing";

function randomElements(count: number, seed: number): bigint[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let value = 0n;
    for (let i = 0; i < 8; i += 1) value = (value << 32n) | BigInt(Math.floor(random() * 2 ** 32));
    return value % SNARK_SCALAR_FIELD;
  });
}

function toBuffer(values: bigint[]): Uint8Array {
  const buffer = new Uint8Array(values.length * ELEMENT_BYTES);
  values.forEach((value, i) => writeElement(buffer, i, value));
  return buffer;
}

describe("Poseidon", () => {
  let reference: Poseidon;
  let production: Poseidon;
  let implementations: Poseidon[];
  before(async () => {
    reference = await loadReferencePoseidon();
    production = await loadPoseidon();
    const native = loadNativePoseidon();
    implementations = [await loadWasmPoseidon(), ...(native === undefined ? [] : [native])];
  });

  it("uses the native addon when npm ci built it", () => {
    // The addon is built by the postinstall script; CI and the demo machines have a compiler.
    expect(production.name).to.equal("native (C, N-API)");
  });

  it("matches circomlib's known vector poseidon([1, 2])", () => {
    const expected = 7853200120776062878684798364095072458815029376092732009249414926327459813530n;
    expect(reference.hash([1n, 2n])).to.equal(expected);
    expect(production.hash([1n, 2n])).to.equal(expected);
  });

  for (const arity of [1, 2, 3, 4, 5, 6]) {
    it(`the production batch agrees with circomlibjs for arity ${arity}, edge values included`, () => {
      const values = [0n, 1n, SNARK_SCALAR_FIELD - 1n, ...randomElements(arity * 40, arity)];
      while (values.length % arity !== 0) values.push(0n);
      for (const poseidon of implementations) {
        const batch = poseidon.hashBatch(arity, toBuffer(values));
        for (let i = 0; i < values.length / arity; i += 1) {
          expect(readElement(batch, i), poseidon.name).to.equal(reference.hash(values.slice(i * arity, (i + 1) * arity)));
        }
      }
    });
  }

  it("refuses a non-canonical input instead of reducing it (H(r + 1) would equal H(1))", () => {
    for (const poseidon of [reference, ...implementations]) {
      expect(() => poseidon.hash([SNARK_SCALAR_FIELD, 1n]), poseidon.name).to.throw(RangeError, "Poseidon input 0 must be a field element in [0, r)");
    }
    const tooBig = new Uint8Array(2 * ELEMENT_BYTES).fill(0xff);
    const exactlyR = toBuffer([1n, 0n]);
    exactlyR.set(toBuffer([SNARK_SCALAR_FIELD - 1n]), ELEMENT_BYTES);
    exactlyR[ELEMENT_BYTES] = (exactlyR[ELEMENT_BYTES] as number) + 1; // r itself
    for (const poseidon of implementations) {
      expect(() => poseidon.hashBatch(2, tooBig), poseidon.name).to.throw(RangeError, "Poseidon input element 0 (preimage 0) is not a field element below r");
      expect(() => poseidon.hashBatch(2, exactlyR), poseidon.name).to.throw(RangeError, "Poseidon input element 1 (preimage 0) is not a field element below r");
    }
  });

  it("the parallel hasher returns exactly the single-threaded batch, and closes", async () => {
    const values = randomElements(4 * 5000, 99);
    const input = toBuffer(values);
    const hasher = createParallelHasher({ workers: 2 });
    try {
      const parallel = await hasher.hashBatch(4, input);
      expect(Buffer.from(parallel).equals(Buffer.from(production.hashBatch(4, input)))).to.equal(true);
      let error: unknown;
      try {
        await hasher.hashBatch(2, new Uint8Array(2 * ELEMENT_BYTES * 4096).fill(0xff));
      } catch (caught) {
        error = caught;
      }
      expect((error as Error).message).to.match(/is not a field element below r/);
    } finally {
      await hasher.close();
    }
  });
});
