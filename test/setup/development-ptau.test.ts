import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { expectRejection } from "../helpers/assertions";
import { loadNativeAddon } from "../../prover/hash/batch-backend";
import { ChaChaRng } from "../../prover/setup/chacha-rng";
import { developmentPtauAvailable, makeDevelopmentPtau } from "../../prover/setup/development-ptau";
import { SNARK_SCALAR_FIELD as R } from "../../prover/hash/field";
import { readPtau } from "../../prover/setup/native-phase2";

interface FixedBase {
  gFixedBase(base: Uint8Array, group: number, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
}
interface Group {
  readonly g: Uint8Array;
  timesScalar(point: Uint8Array, scalar: bigint): Uint8Array;
  toAffine(point: Uint8Array): Uint8Array;
  toRprLEM(out: Uint8Array, offset: number, point: Uint8Array): void;
}

function scalarBytes(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  values.forEach((value, i) => {
    let v = value;
    for (let b = 0; b < 32; b += 1) {
      out[32 * i + b] = Number(v & 0xffn);
      v >>= 8n;
    }
  });
  return out;
}

/** The phase-1 part of a prepared ptau (sections 1 to 7), as a file of its own. */
function phase1Of(prepared: Buffer): Buffer {
  const { sections } = readPtau("prepared", prepared);
  const parts: Buffer[] = [Buffer.from("ptau", "latin1"), Buffer.alloc(8)];
  parts[1]!.writeUInt32LE(1, 0);
  parts[1]!.writeUInt32LE(7, 4);
  for (let id = 1; id <= 7; id += 1) {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(id, 0);
    head.writeBigUInt64LE(BigInt(sections.get(id)!.bytes.length), 4);
    parts.push(head, Buffer.from(sections.get(id)!.bytes));
  }
  return Buffer.concat(parts);
}

describe("The development powers of tau made from known secrets", () => {
  let directory: string;

  before(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-devptau-"));
  });

  after(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it("is a ceremony snarkjs verifies, prepared byte for byte as snarkjs's prepare phase2 would (power 6)", async () => {
    expect(developmentPtauAvailable()).to.equal(true);
    const file = path.join(directory, "dev6.ptau");
    await makeDevelopmentPtau(6, file, { work: path.join(directory, "work"), name: "test" });
    await expectRejection(fs.stat(path.join(directory, "work")), /ENOENT/); // the scratch folder is gone
    const ours = await fs.readFile(file);
    await fs.writeFile(path.join(directory, "phase1.ptau"), phase1Of(ours));
    await snarkjs.powersOfTau.preparePhase2(path.join(directory, "phase1.ptau"), path.join(directory, "snarkjs.ptau"));
    const reference = await fs.readFile(path.join(directory, "snarkjs.ptau"));
    expect(ours.length).to.equal(reference.length);
    expect(ours.equals(reference)).to.equal(true);
    // The contribution's proofs of knowledge, the challenge chain and the Lagrange sections.
    expect(await snarkjs.powersOfTau.verify(file)).to.equal(true);
  });

  it("draws new secrets every time: two files share no point but the generators", async () => {
    const [a, b] = [path.join(directory, "a.ptau"), path.join(directory, "b.ptau")];
    await makeDevelopmentPtau(2, a, { work: path.join(directory, "work-a"), name: "a" });
    await makeDevelopmentPtau(2, b, { work: path.join(directory, "work-b"), name: "b" });
    const tauG1 = async (file: string): Promise<Buffer> => Buffer.from(readPtau(file, await fs.readFile(file)).sections.get(2)!.bytes);
    const [first, second] = [await tauG1(a), await tauG1(b)];
    expect(first.subarray(0, 64).equals(second.subarray(0, 64))).to.equal(true); // tau^0 G
    expect(first.subarray(64, 128).equals(second.subarray(64, 128))).to.equal(false); // tau G
  });

  it("refuses a power outside 1 .. 27 and writes nothing", async () => {
    for (const bad of [0, 28, 2.5]) {
      const file = path.join(directory, `bad-${bad}.ptau`);
      await expectRejection(
        makeDevelopmentPtau(bad, file, { work: path.join(directory, "work-bad"), name: "x" }),
        new RegExp(`^ptau power ${bad} is outside 1 \\.\\. 27$`),
      );
      await expectRejection(fs.stat(file), /ENOENT/);
    }
  });
});

describe("ChaChaRng, the stream snarkjs's ceremonies draw from", () => {
  it("gives the ChaCha20 key stream of RFC 8439's test vectors (all-zero key and nonce, blocks 0 and 1)", () => {
    const rng = new ChaChaRng([0, 0, 0, 0, 0, 0, 0, 0]);
    const words = Array.from({ length: 32 }, () => rng.nextU32());
    const bytes = Buffer.alloc(128);
    words.forEach((word, i) => bytes.writeUInt32LE(word, 4 * i));
    expect(bytes.subarray(0, 16).toString("hex")).to.equal("76b8e0ada0f13d90405d6ae55386bd28"); // A.1 test vector 1
    expect(bytes.subarray(64, 80).toString("hex")).to.equal("9f07e7be5551387a98ba977c732d080d"); // A.1 test vector 2 (counter 1)
  });

  it("reads 64-bit draws high word first, and refuses a seed that is not eight words", () => {
    const a = new ChaChaRng([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = new ChaChaRng([1, 2, 3, 4, 5, 6, 7, 8]);
    const high = BigInt(b.nextU32());
    expect(a.nextU64()).to.equal((high << 32n) + BigInt(b.nextU32()));
    expect(() => new ChaChaRng([1, 2, 3])).to.throw("the seed must be 8 words, got 3");
  });
});

describe("Native fixed-base scalar multiplication (gFixedBase)", () => {
  let native: FixedBase;
  let curve: { G1: Group; G2: Group };

  before(async () => {
    native = loadNativeAddon() as unknown as FixedBase;
    curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as { G1: Group; G2: Group };
  });

  const cases: [string, 1 | 2, number][] = [
    ["G1", 1, 64],
    ["G2", 2, 128],
  ];
  for (const [name, group, bytes] of cases) {
    it(`equals ffjavascript's scalar multiplication on ${name}, including 0, 1, r - 1 and random scalars`, () => {
      const G = name === "G1" ? curve.G1 : curve.G2;
      const base = new Uint8Array(bytes);
      G.toRprLEM(base, 0, G.toAffine(G.timesScalar(G.g, 7n))); // not the generator: any point of the group
      const scalars = [0n, 1n, 2n, R - 1n, (1n << 253n) + 5n, ...Array.from({ length: 300 }, () => BigInt(`0x${randomBytes(32).toString("hex")}`) % R)];
      const out = new Uint8Array(bytes * scalars.length);
      native.gFixedBase(base, group, scalarBytes(scalars), out, 2);
      scalars.forEach((k, i) => {
        const expected = new Uint8Array(bytes);
        G.toRprLEM(expected, 0, G.toAffine(G.timesScalar(G.g, (7n * k) % R)));
        expect(Buffer.from(out.subarray(bytes * i, bytes * (i + 1))).toString("hex"), `scalar ${k}`).to.equal(Buffer.from(expected).toString("hex"));
      });
      expect(Buffer.from(out.subarray(0, bytes)).equals(Buffer.alloc(bytes))).to.equal(true); // 0 * P is (0, 0), the point at infinity
    });
  }

  it("gives the point at infinity for every scalar when the base is the point at infinity", () => {
    const out = new Uint8Array(64 * 2).fill(9);
    native.gFixedBase(new Uint8Array(64), 1, scalarBytes([1n, 5n]), out);
    expect(Buffer.from(out).equals(Buffer.alloc(128))).to.equal(true);
  });

  it("refuses scalars at or above r, coordinates at or above q, and mismatched lengths, naming them", () => {
    const base = new Uint8Array(64);
    curve.G1.toRprLEM(base, 0, curve.G1.g);
    expect(() => native.gFixedBase(base, 1, scalarBytes([1n, R]), new Uint8Array(128))).to.throw("scalar 1 is not below the group order r");
    expect(() => native.gFixedBase(new Uint8Array(64).fill(0xff), 1, scalarBytes([1n]), new Uint8Array(64))).to.throw("not below the field modulus q");
    expect(() => native.gFixedBase(base, 1, new Uint8Array(33), new Uint8Array(64))).to.throw("scalars length 33 is not a multiple of 32 bytes");
    expect(() => native.gFixedBase(base, 1, scalarBytes([1n]), new Uint8Array(128))).to.throw("1 scalars need 64 bytes of output, got 128");
    expect(() => native.gFixedBase(base, 2, scalarBytes([1n]), new Uint8Array(128))).to.throw("base must be one affine point of 128 bytes, got 64");
    expect(() => native.gFixedBase(base, 3, scalarBytes([1n]), new Uint8Array(64))).to.throw("takes a Uint8Array, 1 or 2");
  });
});
