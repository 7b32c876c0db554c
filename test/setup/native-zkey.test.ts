import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { loadNativeAddon } from "../../prover/hash/batch-backend";
import { claimInstance, compileCircuit, ensurePtau } from "../../prover/setup";
import { preparePhase2Native } from "../../prover/setup/native-phase2";
import { nativeZKeyAvailable, newZKeyNative } from "../../prover/setup/native-zkey";

const quiet = (): void => undefined;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

interface Group {
  g: Uint8Array;
  zero: Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  timesScalar(point: Uint8Array, scalar: Uint8Array): Uint8Array;
  toRprLEM(out: Uint8Array, offset: number, point: Uint8Array): void;
}
interface Curve {
  G1: Group;
  G2: Group;
}
interface Combine {
  gCombine(group: number, bases: Uint8Array, offsets: Uint32Array, indices: Uint32Array, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
}

function scalarBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

function randomScalar(): bigint {
  return BigInt(`0x${randomBytes(32).toString("hex")}`) % R;
}

async function expectFailure(work: () => unknown): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

/** A hand-written r1cs over BN254 (iden3's format): header, constraints, wire-to-label map. */
function r1csFile(wires: number, outputs: number, publicInputs: number, constraints: [number, bigint][][][]): Uint8Array {
  const parts: Buffer[] = [Buffer.from("r1cs", "latin1"), u32(1), u32(3)];
  const section = (id: number, body: Buffer): void => {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(id, 0);
    head.writeBigUInt64LE(BigInt(body.length), 4);
    parts.push(head, body);
  };
  section(
    1,
    Buffer.concat([
      u32(32),
      Buffer.from(scalarBytes(R)),
      u32(wires),
      u32(outputs),
      u32(publicInputs),
      u32(wires - 1 - outputs - publicInputs),
      u64(wires),
      u32(constraints.length),
    ]),
  );
  const body: Buffer[] = [];
  for (const constraint of constraints) {
    for (const combination of constraint) {
      body.push(u32(combination.length));
      for (const [wire, coefficient] of combination) body.push(u32(wire), Buffer.from(scalarBytes(coefficient)));
    }
  }
  section(2, Buffer.concat(body));
  section(3, Buffer.concat(Array.from({ length: wires }, (_, wire) => u64(wire))));
  return Buffer.concat(parts);
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value);
  return out;
}

function u64(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(value));
  return out;
}

async function expectSameBytes(ours: string, theirs: string): Promise<void> {
  const [a, b] = await Promise.all([fs.readFile(ours), fs.readFile(theirs)]);
  expect(a.length).to.equal(b.length);
  expect(a.equals(b)).to.equal(true);
}

describe("Native groth16 setup (zkey new)", () => {
  let directory: string;
  let smallPtau: string;
  let phase1: string;
  let curve: Curve;
  let native: Combine;

  before(async () => {
    expect(nativeZKeyAvailable()).to.equal(true);
    native = loadNativeAddon() as unknown as Combine;
    curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as Curve;
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-zkey-"));
    phase1 = path.join(directory, "1.ptau");
    smallPtau = path.join(directory, "final.ptau");
    await snarkjs.powersOfTau.newAccumulator(curve, 5, path.join(directory, "0.ptau"));
    await snarkjs.powersOfTau.contribute(path.join(directory, "0.ptau"), phase1, "test", "some entropy for the test");
    await preparePhase2Native(phase1, smallPtau);
  });

  after(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  describe("gCombine", () => {
    const lem = (group: Group, point: Uint8Array, bytes: number): Uint8Array => {
      const out = new Uint8Array(bytes);
      group.toRprLEM(out, 0, point);
      return out;
    };

    for (const [name, group, bytes] of [
      ["G1", 1, 64],
      ["G2", 2, 128],
    ] as const) {
      it(`sums scalar * base per output exactly as ffjavascript does (${name}: zero scalars, 1, r - 1, the point at infinity, cancellation, doubling, long outputs)`, () => {
        const G = group === 1 ? curve.G1 : curve.G2;
        const points = Array.from({ length: 6 }, () => G.timesScalar(G.g, scalarBytes(randomScalar())));
        const bases = [G.zero, ...points]; // base 0 is the point at infinity
        const outputs: [number, bigint][][] = [
          [],
          [[1, 0n]],
          [[1, 1n]],
          [[2, R - 1n]],
          [[0, randomScalar()]],
          [
            [3, 1n],
            [3, R - 1n],
          ], // cancels to infinity
          [
            [4, 1n],
            [4, 1n],
          ], // doubling
          [
            [1, randomScalar()],
            [2, randomScalar()],
            [0, 5n],
            [5, 2n],
          ],
          // 70 terms: three chunks sharing a doubling chain
          Array.from({ length: 70 }, (_, t): [number, bigint] => [1 + (t % 6), t % 7 === 0 ? 1n : t % 11 === 0 ? R - 1n : randomScalar()]),
        ];
        const expected = outputs.map((terms) => {
          let sum = G.zero;
          for (const [base, scalar] of terms) sum = G.add(sum, G.timesScalar(bases[base]!, scalarBytes(scalar)));
          return lem(G, sum, bytes);
        });
        const offsets = new Uint32Array(outputs.length + 1);
        outputs.forEach((terms, o) => (offsets[o + 1] = offsets[o]! + terms.length));
        const flat = outputs.flat();
        const indices = Uint32Array.from(flat.map(([base]) => base));
        const scalars = new Uint8Array(32 * flat.length);
        flat.forEach(([, scalar], t) => scalars.set(scalarBytes(scalar), 32 * t));
        const baseBytes = new Uint8Array(bases.length * bytes);
        bases.forEach((base, i) => baseBytes.set(lem(G, base, bytes), i * bytes));
        // ffjavascript writes the point at infinity as all-zero bytes, and so must gCombine.
        expect(Buffer.from(baseBytes.subarray(0, bytes)).equals(Buffer.alloc(bytes))).to.equal(true);
        for (const threads of [1, 2]) {
          const out = new Uint8Array(outputs.length * bytes);
          native.gCombine(group, baseBytes, offsets, indices, scalars, out, threads);
          outputs.forEach((_, o) =>
            expect(Buffer.from(out.subarray(o * bytes, (o + 1) * bytes)).toString("hex"), `output ${o}`).to.equal(Buffer.from(expected[o]!).toString("hex")),
          );
        }
      });
    }

    it("refuses scalars not below r, unknown bases, bad offsets, coordinates not below q and wrong lengths, writing nothing", () => {
      const base = new Uint8Array(64);
      curve.G1.toRprLEM(base, 0, curve.G1.g);
      const out = new Uint8Array(64).fill(7);
      const call = (overrides: { bases?: Uint8Array; offsets?: Uint32Array; indices?: Uint32Array; scalars?: Uint8Array; out?: Uint8Array }): Error => {
        try {
          native.gCombine(
            1,
            overrides.bases ?? base,
            overrides.offsets ?? Uint32Array.from([0, 1]),
            overrides.indices ?? Uint32Array.from([0]),
            overrides.scalars ?? scalarBytes(5n),
            overrides.out ?? out,
          );
        } catch (error) {
          return error as Error;
        }
        throw new Error("expected a RangeError");
      };
      expect(call({ scalars: scalarBytes(R) }).message).to.equal("gCombine: scalar 0 is not below the group order r");
      expect(call({ indices: Uint32Array.from([1]) }).message).to.equal("gCombine: term 0 names base 1 of 1");
      expect(call({ offsets: Uint32Array.from([1, 1]) }).message).to.equal("gCombine: offsets must start with 0");
      expect(call({ offsets: Uint32Array.from([0, 1, 0]), out: new Uint8Array(128) }).message).to.equal("gCombine: offsets decrease at output 1");
      expect(call({ offsets: Uint32Array.from([0, 2]) }).message).to.equal("gCombine: offsets end at 2 terms but indices hold 1");
      expect(call({ scalars: new Uint8Array(31) }).message).to.equal("gCombine: 1 terms need 32 bytes of scalars, got 31");
      expect(call({ out: new Uint8Array(63) }).message).to.equal("gCombine: out must hold 64 bytes (1 affine points)");
      expect(call({ bases: new Uint8Array(65) }).message).to.equal("gCombine: bases length 65 is not a multiple of 64 bytes");
      const offCurve = Uint8Array.from(base);
      offCurve.set(scalarBytes(Q), 0);
      expect(call({ bases: offCurve }).message).to.equal("gCombine: base 0 has a coordinate that is not below the field modulus q");
      expect(Buffer.from(out).equals(Buffer.alloc(64, 7))).to.equal(true);
    });
  });

  it("hashes the circuit with Node's blake2b512, which is the blake2b with a 64-byte digest snarkjs takes from @noble/hashes", () => {
    // snarkjs's own copy of @noble/hashes, as its zkey_new.js imports it.
    const fromSnarkjs = createRequire(require.resolve("snarkjs"));
    const { blake2b } = fromSnarkjs("@noble/hashes/blake2b") as {
      blake2b: { create(options: { dkLen: number }): { update(data: Uint8Array): unknown; digest(): Uint8Array } };
    };
    for (const length of [0, 1, 127, 128, 129, 5000]) {
      const data = randomBytes(length);
      const theirs = blake2b.create({ dkLen: 64 });
      theirs.update(data.subarray(0, length >> 1));
      theirs.update(data.subarray(length >> 1));
      expect(Buffer.from(theirs.digest()).toString("hex")).to.equal(createHash("blake2b512").update(data).digest("hex"));
    }
  });

  it("writes exactly the bytes of snarkjs's zkey new for a hand-written r1cs (outputs, unused wires, zero, 1 and r - 1 coefficients)", async () => {
    // wires: 0 = one, 1 = output, 2..3 = public inputs, 4..8 private; wire 8 appears nowhere.
    const c = (): bigint => randomScalar();
    const constraints: [number, bigint][][][] = [
      [
        [
          [2, c()],
          [4, 1n],
        ],
        [[3, R - 1n]],
        [[1, c()]],
      ],
      [
        [
          [4, c()],
          [5, 0n],
        ],
        [
          [5, c()],
          [0, c()],
        ],
        [[6, 1n]],
      ],
      [
        [],
        [[7, c()]],
        [
          [7, c()],
          [4, c()],
        ],
      ],
      [
        [
          [6, R - 1n],
          [6, c()],
        ],
        [[0, 1n]],
        [],
      ],
      [
        [[7, c()]],
        [
          [2, c()],
          [3, c()],
          [4, c()],
        ],
        [[0, c()]],
      ],
    ];
    const r1cs = path.join(directory, "hand.r1cs");
    await fs.writeFile(r1cs, r1csFile(9, 1, 2, constraints));
    await snarkjs.zKey.newZKey(r1cs, smallPtau, path.join(directory, "hand-snarkjs.zkey"));
    await newZKeyNative(r1cs, smallPtau, path.join(directory, "hand-native.zkey"), { threads: 2 });
    await expectSameBytes(path.join(directory, "hand-native.zkey"), path.join(directory, "hand-snarkjs.zkey"));
  });

  it("writes exactly the bytes of snarkjs's zkey new for claim_d2_k1 on the development powers of tau", async () => {
    const circuit = await compileCircuit(claimInstance(2, 1), quiet);
    const ptau = await ensurePtau(quiet);
    await snarkjs.zKey.newZKey(circuit.r1cs, ptau.file, path.join(directory, "d2-snarkjs.zkey"));
    await newZKeyNative(circuit.r1cs, ptau.file, path.join(directory, "d2-native.zkey"));
    await expectSameBytes(path.join(directory, "d2-native.zkey"), path.join(directory, "d2-snarkjs.zkey"));
  });

  it("writes exactly the bytes of snarkjs's zkey new for the production circuit claim_d20_k2", async () => {
    const circuit = await compileCircuit(claimInstance(20, 2), quiet);
    const ptau = await ensurePtau(quiet);
    await snarkjs.zKey.newZKey(circuit.r1cs, ptau.file, path.join(directory, "d20-snarkjs.zkey"));
    await newZKeyNative(circuit.r1cs, ptau.file, path.join(directory, "d20-native.zkey"));
    await expectSameBytes(path.join(directory, "d20-native.zkey"), path.join(directory, "d20-snarkjs.zkey"));
    await fs.rm(path.join(directory, "d20-snarkjs.zkey"));
    await fs.rm(path.join(directory, "d20-native.zkey"));
  });

  it("refuses a truncated ptau, a ptau not prepared for phase 2, a circuit too big for the ptau and a truncated r1cs, naming them, and leaves nothing behind", async () => {
    const circuit = await compileCircuit(claimInstance(2, 1), quiet);
    const out = path.join(directory, "refused.zkey");
    const truncated = path.join(directory, "truncated.ptau");
    await fs.writeFile(truncated, (await fs.readFile(smallPtau)).subarray(0, 5000));
    expect((await expectFailure(() => newZKeyNative(circuit.r1cs, truncated, out))).message).to.match(
      new RegExp(`^${truncated} is not a usable powers-of-tau file: section \\d+ claims \\d+ bytes past the end of the file$`),
    );
    const hand = path.join(directory, "small.r1cs");
    await fs.writeFile(hand, r1csFile(3, 0, 1, [[[[1, 1n]], [[2, 1n]], [[0, 1n]]]]));
    expect((await expectFailure(() => newZKeyNative(hand, phase1, out))).message).to.equal(
      `${phase1} is not a usable powers-of-tau file: it is not prepared for phase 2 (no section 12; run snarkjs powersoftau prepare phase2)`,
    );
    expect((await expectFailure(() => newZKeyNative(circuit.r1cs, smallPtau, out))).message).to.equal(
      `${circuit.r1cs} (${circuit.constraints} constraints, 3 public signals: a 2^11 domain) needs a powers of tau of at least 2^11; ${smallPtau} is 2^5`,
    );
    const cut = path.join(directory, "cut.r1cs");
    const r1csBytes = await fs.readFile(hand);
    await fs.writeFile(cut, r1csBytes.subarray(0, r1csBytes.length - 10));
    expect((await expectFailure(() => newZKeyNative(cut, smallPtau, out))).message).to.match(
      new RegExp(`^${cut} is not a usable r1cs file: section \\d+ claims \\d+ bytes past the end of the file$`),
    );
    const badCoefficient = path.join(directory, "coefficient.r1cs");
    await fs.writeFile(badCoefficient, r1csFile(3, 0, 1, [[[[1, R]], [[2, 1n]], [[0, 1n]]]]));
    expect((await expectFailure(() => newZKeyNative(badCoefficient, smallPtau, out))).message).to.equal(
      `${badCoefficient} is not a usable r1cs file: constraint 0 has a coefficient that is not below the scalar field order r`,
    );
    expect((await fs.readdir(directory)).filter((name) => name.startsWith("refused.zkey"))).to.deep.equal([]);
  });
});
