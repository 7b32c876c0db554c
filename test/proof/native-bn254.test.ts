import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { loadNativeAddon, type NativeAddon } from "../../prover/hash/batch-backend";
import { bytesOf, R, randomScalar, type Group } from "../helpers/bn254";

// The native MSM and NTT (native/poseidon/bn254.c) against ffjavascript, the library snarkjs
// proves with: same inputs in the zkey's layouts, same results.

interface Curve {
  G1: Group;
  G2: Group;
  Fr: {
    s: number;
    w: Uint8Array[];
    shift: Uint8Array;
    e(value: number): Uint8Array;
    ifft(buffer: Uint8Array, inType: string, outType: string): Promise<Uint8Array>;
    fft(buffer: Uint8Array, inType: string, outType: string): Promise<Uint8Array>;
    batchApplyKey(buffer: Uint8Array, first: Uint8Array, inc: Uint8Array): Promise<Uint8Array>;
  };
}

/** n affine bases (a random walk: cheap to make), with points at infinity and repeats mixed in. */
function bases(group: Group, n: number): Uint8Array {
  const size = group.F.n8 * 2;
  const out = new Uint8Array(n * size);
  const step = group.timesScalar(group.g, bytesOf(randomScalar()));
  let point = group.timesScalar(group.g, bytesOf(randomScalar()));
  for (let i = 0; i < n; i += 1) {
    point = group.add(point, step);
    if (i % 17 === 3) group.toRprLEM(out, i * size, group.zero);
    else if (i % 13 === 5)
      out.copyWithin(i * size, (i - 1) * size, i * size); // same base twice
    else if (i % 19 === 6)
      group.toRprLEM(out, i * size, group.toAffine(group.g)); // G, then -G with the same scalar
    else if (i % 19 === 7) group.toRprLEM(out, i * size, group.toAffine(group.timesScalar(group.g, bytesOf(R - 1n))));
    else group.toRprLEM(out, i * size, group.toAffine(point));
  }
  return out;
}

/** The cube roots of unity mod r: the GLV endomorphism's eigenvalues, where a split half vanishes. */
const CUBE_ROOTS = [0xb3c4d79d41a917585bfc41088d8daaa78b17ea66b99c90ddn, 0x30644e72e131a029048b6e193fd84104cc37a73fec2bc5e9b8ca0b2d36636f23n];

/** n scalars: random, with zeros, r - 1, small values, the GLV eigenvalues and neighbours, and equal scalars on repeated bases. */
function scalars(n: number): Uint8Array {
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i += 1) {
    let value = randomScalar();
    if (i % 7 === 2) value = 0n;
    else if (i % 11 === 4) value = R - 1n;
    else if (i % 5 === 1) value = BigInt(i % 3);
    else if (i % 23 === 9) value = 1n << 253n;
    else if (i % 29 === 10) value = CUBE_ROOTS[Math.floor(i / 29) % 2]! + BigInt(i % 3) - 1n; // GLV: one half is 0 or +-1
    out.set(bytesOf(value), i * 32);
  }
  // Equal scalars on a repeated base (P + P: doublings in a bucket) and on G, -G (cancellations).
  for (let i = 1; i < n; i += 1) if (i % 13 === 5 || i % 19 === 7) out.copyWithin(i * 32, (i - 1) * 32, i * 32);
  return out;
}

describe("Native BN254 multi-scalar multiplication and NTT", () => {
  let curve: Curve;
  let addon: Required<NativeAddon>;

  before(async () => {
    curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as Curve;
    const loaded = loadNativeAddon();
    if (loaded === undefined || typeof loaded.msmG1 !== "function") throw new Error("the native addon with bn254.c is not built (npm run build:native)");
    addon = loaded as Required<NativeAddon>;
  });

  const cases: [string, "msmG1" | "msmG2", number[]][] = [
    ["G1", "msmG1", [1, 2, 7, 64, 300, 1500]],
    ["G2", "msmG2", [1, 3, 40, 300]],
  ];
  for (const [name, method, sizes] of cases) {
    it(`${name}: equals ffjavascript's multiExpAffine on random inputs with zero scalars, points at infinity, doublings and r − 1, on 1 and 2 threads`, async () => {
      const group = curve[name as "G1" | "G2"];
      for (const n of sizes) {
        const b = bases(group, n);
        const s = scalars(n);
        const expected = await group.multiExpAffine(b, s);
        for (const threads of [1, 2]) {
          const out = new Uint8Array(group.F.n8 * 3);
          addon[method](b, s, out, threads);
          expect(group.eq(out, expected), `${name} MSM of ${n} points on ${threads} threads`).to.equal(true);
        }
      }
    });

    it(`${name}: gives the point at infinity for no points, zero scalars or only points at infinity`, () => {
      const group = curve[name as "G1" | "G2"];
      const size = group.F.n8 * 2;
      const b = bases(group, 8);
      const out = new Uint8Array(group.F.n8 * 3);
      addon[method](new Uint8Array(0), new Uint8Array(0), out);
      expect(group.isZero(out)).to.equal(true);
      addon[method](b, new Uint8Array(8 * 32), out);
      expect(group.isZero(out)).to.equal(true);
      const s = scalars(8).fill(7, 0, 1);
      addon[method](new Uint8Array(8 * size), s, out);
      expect(group.isZero(out)).to.equal(true);
      // P * 1 + P * (r - 1) = P * r = infinity.
      const pair = new Uint8Array(2 * size);
      group.toRprLEM(pair, 0, group.toAffine(group.g));
      group.toRprLEM(pair, size, group.toAffine(group.g));
      const both = new Uint8Array(64);
      both.set(bytesOf(1n), 0);
      both.set(bytesOf(R - 1n), 32);
      addon[method](pair, both, out);
      expect(group.isZero(out)).to.equal(true);
    });

    it(`${name}: refuses scalars that are not below r, naming the scalar, and inputs of the wrong size`, () => {
      const group = curve[name as "G1" | "G2"];
      const size = group.F.n8 * 2;
      const b = bases(group, 4);
      const out = new Uint8Array(group.F.n8 * 3);
      for (const bad of [R, R + 5n, (1n << 256n) - 1n]) {
        const s = scalars(4);
        s.set(bytesOf(bad), 2 * 32);
        expect(() => addon[method](b, s, out)).to.throw(RangeError, `${method}: scalar 2 is not below the group order r`);
      }
      expect(() => addon[method](b, new Uint8Array(3 * 32), out)).to.throw(RangeError, `${method}: 4 bases need 128 bytes of scalars, got 96`);
      expect(() => addon[method](b.subarray(0, size + 1), new Uint8Array(32), out)).to.throw(RangeError, /is not a multiple of/);
      expect(() => addon[method](b, scalars(4), new Uint8Array(10))).to.throw(RangeError, /out must hold/);
      expect(() => addon[method](b, scalars(4), out, 0)).to.throw(RangeError, /threads must be an integer/);
      const outside = b.slice();
      outside.fill(0xff, size, size + 32); // base 1's x is 2^256 - 1 > q
      expect(() => addon[method](outside, scalars(4), out)).to.throw(RangeError, `${method}: base 1 has a coordinate that is not below the field modulus q`);
    });
  }

  it("gIfft equals ffjavascript's G1 and G2 ifft byte for byte (points at infinity included), and refuses a wrong root", async () => {
    for (const [name, group] of [
      ["G1", 1],
      ["G2", 2],
    ] as const) {
      const g = curve[name];
      for (const power of [0, 1, 3, 6]) {
        const points = bases(g, 1 << power);
        const expected = await g.ifft(points, "affine", "affine");
        const actual = points.slice();
        addon.gIfft(actual, group, curve.Fr.w[power]!, 2);
        expect(Buffer.from(actual).equals(Buffer.from(expected)), `${name}, 2^${power} points`).to.equal(true);
      }
      expect(() => addon.gIfft(bases(g, 8), group, curve.Fr.w[2]!)).to.throw(RangeError, /root is not a primitive root of unity/);
      expect(() => addon.gIfft(bases(g, 6), group, curve.Fr.w[2]!)).to.throw(RangeError, /power of two/);
    }
  });

  it("qapBuild gives A, B and C = A * B exactly, on two threads when the records come grouped by constraint and on one when not", () => {
    const modular = (value: bigint): bigint => ((value % R) + R) % R;
    const inverse = (value: bigint): bigint => {
      let [a, b, x, y] = [modular(value), R, 1n, 0n];
      while (b !== 0n) [a, b, x, y] = [b, a % b, y, x - (a / b) * y];
      return modular(x);
    };
    const montgomery = (a: bigint, b: bigint): bigint => modular(a * b * inverse(1n << 256n)); // what the addon's multiplication does
    const domain = 64;
    const signals = 50;
    const witness = Array.from({ length: signals }, () => randomScalar());
    const records = Array.from({ length: 6000 }, (_, i) => ({
      matrix: i % 3 === 0 ? 1 : 0,
      constraint: Math.floor((i * domain) / 6000),
      signal: i % signals,
      coefficient: randomScalar(),
    }));
    const expected = [new Array<bigint>(domain).fill(0n), new Array<bigint>(domain).fill(0n)];
    for (const { matrix, constraint, signal, coefficient } of records)
      expected[matrix]![constraint] = modular(expected[matrix]![constraint]! + montgomery(coefficient, witness[signal]!));
    const product = expected[0]!.map((a, i) => montgomery(a, expected[1]![i]!));
    const section = (list: typeof records): Uint8Array => {
      const bytes = new Uint8Array(4 + 44 * list.length);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, list.length, true);
      list.forEach(({ matrix, constraint, signal, coefficient }, i) => {
        view.setUint32(4 + 44 * i, matrix, true);
        view.setUint32(8 + 44 * i, constraint, true);
        view.setUint32(12 + 44 * i, signal, true);
        bytes.set(bytesOf(coefficient), 16 + 44 * i);
      });
      return bytes;
    };
    const witnessBytes = new Uint8Array(signals * 32);
    witness.forEach((value, i) => witnessBytes.set(bytesOf(value), i * 32));
    const read = (bytes: Uint8Array, i: number): bigint =>
      BigInt(
        `0x${Buffer.from(bytes.subarray(i * 32, i * 32 + 32))
          .reverse()
          .toString("hex")}`,
      );
    const shuffled = records.map((_, i) => records[(i * 7919) % records.length]!);
    for (const [name, list] of [
      ["grouped", records],
      ["shuffled", shuffled],
    ] as const) {
      const [a, b, c] = [new Uint8Array(domain * 32), new Uint8Array(domain * 32), new Uint8Array(domain * 32)];
      addon.qapBuild(section(list), witnessBytes, domain, a, b, c);
      for (let i = 0; i < domain; i += 1) {
        expect([read(a, i), read(b, i), read(c, i)], `${name}, constraint ${i}`).to.deep.equal([expected[0]![i], expected[1]![i], product[i]]);
      }
    }
    const outOfRange = records.map((record, i) => (i === 5000 ? { ...record, signal: signals } : record));
    const [a, b, c] = [new Uint8Array(domain * 32), new Uint8Array(domain * 32), new Uint8Array(domain * 32)];
    expect(() => addon.qapBuild(section(outOfRange), witnessBytes, domain, a, b, c)).to.throw(RangeError, /coefficient record out of range/);
  });

  it("frCoset equals ffjavascript's ifft, coset shift and fft (the QAP's move to the odd coset)", async () => {
    const { Fr } = curve;
    for (const power of [1, 4, 10, 13]) {
      // 2^13: the threaded stages
      const n = 1 << power;
      const values = new Uint8Array(n * 32);
      // Montgomery-form elements below r: random plain values are valid Montgomery representations.
      for (let i = 0; i < n; i += 1) values.set(bytesOf(i % 9 === 0 ? 0n : randomScalar()), i * 32);
      const shift = Fr.w[power + 1]!;
      const expected = await Fr.fft(await Fr.batchApplyKey(await Fr.ifft(values, "", ""), Fr.e(1), shift), "", "");
      const actual = values.slice();
      addon.frCoset(actual, Fr.w[power]!, shift);
      expect(Buffer.from(actual).equals(Buffer.from(expected)), `domain 2^${power}`).to.equal(true);
    }
    const values = new Uint8Array(8 * 32);
    expect(() => addon.frCoset(values, Fr.w[2]!, Fr.shift)).to.throw(RangeError, /not a primitive root of unity/);
    expect(() => addon.frCoset(values.subarray(0, 96), Fr.w[2]!, Fr.shift)).to.throw(RangeError, /power of two/);
    const outside = values.slice();
    outside.fill(0xff, 32, 64);
    expect(() => addon.frCoset(outside, Fr.w[3]!, Fr.shift)).to.throw(RangeError, /not below r/);
  });
});
