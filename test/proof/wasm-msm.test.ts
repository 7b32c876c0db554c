import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { buildBn128 } from "ffjavascript";

import { LifeboatError } from "../../prover/errors";
import { msmAffine, msmCurve, releaseMsmThreads, windowBits, type MsmCurve } from "../../prover/proof/wasm-msm";
import { expectRejection } from "../helpers/assertions";
import { bytesOf, R, randomScalar, type Group } from "../helpers/bn254";

// Lifeboat's WebAssembly MSM (signed digits, batch-affine buckets; prover/proof/wasm-msm.ts)
// against ffjavascript's multiExpAffine, the one snarkjs proves with, on the same curve threads.

/** Affine bases in the zkey's layout from a list of points (Jacobian, as ffjavascript holds them). */
function layout(group: Group, points: Uint8Array[]): Uint8Array {
  const size = 2 * group.F.n8;
  const out = new Uint8Array(points.length * size);
  points.forEach((point, i) => group.toRprLEM(out, i * size, group.toAffine(point)));
  return out;
}

function scalarBytes(values: bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  values.forEach((value, i) => out.set(bytesOf(value), i * 32));
  return out;
}

/**
 * n points where every few is special: infinity, the previous point again (equal bases: doublings
 * in a bucket), the previous point negated (opposite bases: cancellations), and few distinct points
 * (so buckets collide within a batch).
 */
function specialPoints(group: Group, n: number): Uint8Array[] {
  const few = Array.from({ length: 5 }, () => group.timesScalar(group.g, bytesOf(randomScalar())));
  const points: Uint8Array[] = [];
  for (let i = 0; i < n; i += 1) {
    const previous = points[i - 1] ?? group.g;
    if (i % 9 === 4) points.push(group.zero);
    else if (i % 7 === 3) points.push(previous);
    else if (i % 11 === 6) points.push(group.neg(previous));
    else if (i % 3 === 0) points.push(few[i % few.length]!);
    else points.push(group.timesScalar(group.g, bytesOf(randomScalar())));
  }
  return points;
}

/** Scalars for specialPoints: random, with zeros, ones, r - 1, 2^253 and equal runs. */
function specialScalars(n: number): bigint[] {
  const values: bigint[] = [];
  for (let i = 0; i < n; i += 1) {
    if (i % 8 === 1) values.push(0n);
    else if (i % 10 === 2) values.push(1n);
    else if (i % 12 === 5) values.push(R - 1n);
    else if (i % 14 === 7) values.push(1n << 253n);
    else if (i % 5 === 3 || i % 11 === 6)
      values.push(values[i - 1] ?? 1n); // same scalar as the previous
    else values.push(randomScalar());
  }
  return values;
}

describe("WebAssembly multi-scalar multiplication (signed digits, batch-affine buckets)", () => {
  let curve: MsmCurve;

  before(async () => {
    curve = await msmCurve();
  });

  const sizes = { G1: [0, 1, 2, 3, 16, 100, 777, 3000], G2: [0, 1, 2, 5, 64, 400] } as const;
  for (const name of ["G1", "G2"] as const) {
    it(`${name}: equals ffjavascript's multiExpAffine on random points and scalars (n = ${sizes[name].join(", ")})`, async () => {
      const group = curve[name] as unknown as Group;
      for (const n of sizes[name]) {
        const bases = layout(
          group,
          Array.from({ length: n }, () => group.timesScalar(group.g, bytesOf(randomScalar()))),
        );
        const scalars = scalarBytes(Array.from({ length: n }, randomScalar));
        const ours = (await msmAffine(curve, name, bases, scalars)) as Uint8Array;
        expect(group.eq(ours, await group.multiExpAffine(bases, scalars)), `${name}, ${n} points`).to.equal(true);
      }
    });

    it(`${name}: equals multiExpAffine with points at infinity, equal and opposite bases, and scalars 0, 1, r - 1, 2^253`, async () => {
      const group = curve[name] as unknown as Group;
      for (const n of [2, 12, 50, 640, 2500]) {
        const bases = layout(group, specialPoints(group, n));
        const scalars = scalarBytes(specialScalars(n));
        const ours = (await msmAffine(curve, name, bases, scalars)) as Uint8Array;
        expect(group.eq(ours, await group.multiExpAffine(bases, scalars)), `${name}, ${n} points`).to.equal(true);
      }
    });

    it(`${name}: one base repeated with one scalar (every bucket addition a doubling), and a base with its negation (all cancel)`, async () => {
      const group = curve[name] as unknown as Group;
      const point = group.timesScalar(group.g, bytesOf(randomScalar()));
      const scalar = randomScalar();
      const same = (await msmAffine(curve, name, layout(group, Array(300).fill(point)), scalarBytes(Array(300).fill(scalar)))) as Uint8Array;
      expect(group.eq(same, group.timesScalar(point, bytesOf((300n * scalar) % R)))).to.equal(true);
      const pairs = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? point : group.neg(point)));
      const cancelled = (await msmAffine(curve, name, layout(group, pairs), scalarBytes(Array(200).fill(scalar)))) as Uint8Array;
      expect(group.isZero(cancelled)).to.equal(true);
    });

    it(`${name}: gives the point at infinity for no points, zero scalars, only points at infinity, and P + (r - 1) P`, async () => {
      const group = curve[name] as unknown as Group;
      const size = 2 * group.F.n8;
      const zero = async (bases: Uint8Array, scalars: Uint8Array): Promise<boolean> =>
        group.isZero((await msmAffine(curve, name, bases, scalars)) as Uint8Array);
      expect(await zero(new Uint8Array(0), new Uint8Array(0))).to.equal(true);
      expect(await zero(layout(group, specialPoints(group, 30)), new Uint8Array(30 * 32))).to.equal(true);
      expect(await zero(new Uint8Array(30 * size), scalarBytes(specialScalars(30)))).to.equal(true);
      expect(await zero(layout(group, [group.g, group.g]), scalarBytes([1n, R - 1n]))).to.equal(true);
    });

    it(`${name}: refuses a scalar not below r (naming its index) and bases and scalars of different counts`, async () => {
      const group = curve[name] as unknown as Group;
      const bases = layout(group, [group.g, group.g, group.g]);
      for (const bad of [R, R + 1n, (1n << 256n) - 1n]) {
        const error = await expectRejection(
          msmAffine(curve, name, bases, scalarBytes([1n, bad, 2n])),
          new RegExp(`^${name} multi-scalar multiplication: scalar 1 is not below the group order r$`),
        );
        expect(error).to.be.instanceOf(LifeboatError);
      }
      const size = 2 * group.F.n8;
      await expectRejection(msmAffine(curve, name, bases, scalarBytes([1n, 2n])), new RegExp(`: ${3 * size} bytes of bases for 64 bytes of scalars$`));
      await expectRejection(
        msmAffine(curve, name, bases.subarray(1), scalarBytes([1n, 2n, 3n])),
        new RegExp(`: ${3 * size - 1} bytes of bases for 96 bytes of scalars$`),
      );
    });
  }

  it("imports the very ffjavascript snarkjs uses (0.3.1: one copy in the portal's bundle, workers from blob: URLs)", () => {
    const ours = require.resolve("ffjavascript");
    const snarkjs = require.resolve("ffjavascript", { paths: [path.dirname(require.resolve("snarkjs"))] });
    expect(ours, "node_modules is older than package-lock.json: run npm ci").to.equal(snarkjs);
    expect((JSON.parse(readFileSync(path.join(path.dirname(ours), "..", "package.json"), "utf8")) as { version: string }).version).to.equal("0.3.1");
  });

  it("uses windows of about log2(n) - 3 bits, from 1 to 16", () => {
    expect([1, 2, 16, 100, 10822, 16384, 1 << 20, 2 ** 30].map(windowBits)).to.deep.equal([1, 1, 1, 4, 10, 11, 16, 16]);
  });

  it("builds one curve for concurrent callers when none is cached, and ffjavascript caches it for snarkjs", async () => {
    const global = globalThis as { curve_bn128?: unknown };
    const saved = global.curve_bn128;
    global.curve_bn128 = null;
    try {
      const [one, two] = await Promise.all([msmCurve(), msmCurve()]);
      expect(one).to.equal(two);
      expect(global.curve_bn128).to.equal(one);
      await one.terminate();
    } finally {
      global.curve_bn128 = saved;
    }
  });

  it("builds its own curve, leaving ffjavascript's cached one in place, when that one lacks the MSM functions", async () => {
    const global = globalThis as { curve_bn128?: unknown };
    const saved = global.curve_bn128;
    const plain = (await buildBn128(true)) as MsmCurve;
    global.curve_bn128 = plain;
    try {
      const own = await msmCurve();
      expect(own).not.to.equal(plain);
      expect(global.curve_bn128).to.equal(plain);
      expect(await msmCurve()).to.equal(own);
      const bases = layout(own.G1 as unknown as Group, [own.G1.zero as Uint8Array, (own.G1 as unknown as Group).g]);
      const sum = (await msmAffine(own, "G1", bases, scalarBytes([5n, 3n]))) as Uint8Array;
      const g1 = own.G1 as unknown as Group;
      expect(g1.eq(sum, g1.timesScalar(g1.g, bytesOf(3n)))).to.equal(true);
    } finally {
      await releaseMsmThreads();
      global.curve_bn128 = saved;
    }
  });
});
