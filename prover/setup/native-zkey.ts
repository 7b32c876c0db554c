import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";

import * as snarkjs from "snarkjs";

import { LifeboatError } from "../errors";
import { loadNativeAddon } from "../hash/batch-backend";
import { SNARK_SCALAR_FIELD as R } from "../hash/field";
import { BN254_BASE_FIELD as Q } from "../schema/proof-file";
import { littleEndian, sectionHeader } from "./bin-file";

/**
 * snarkjs's `groth16 setup` (`zKey.newZKey`, snarkjs 0.7.6) with its point arithmetic in the
 * native addon (gCombine in native/poseidon/bn254_combine.h). The zkey written is byte-identical
 * to snarkjs's (test/setup/native-zkey.test.ts): the Groth16 header with alpha, beta from the
 * ptau and gamma = delta = the generators, the coefficients of the A and B matrices, and for every
 * wire its points in A, B (G1 and G2) and C or IC, each a sum of coefficient * Lagrange base over
 * the constraints it appears in, with H the odd Lagrange bases of the doubled domain. Section 10
 * holds the circuit hash (blake2b-512 over the points, uncompressed, in snarkjs's order) and no
 * contribution. BN254 only.
 *
 * The development ceremony (prover/setup/ceremony.ts) uses it when `nativeZKeyAvailable()`.
 */

interface NativeCombine {
  gCombine(group: 1 | 2, bases: Uint8Array, offsets: Uint32Array, indices: Uint32Array, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
}

/** The parts of ffjavascript's curve (as snarkjs builds it) used here, for the encodings. */
interface EncodingCurve {
  G1: EncodingGroup;
  G2: EncodingGroup;
}
interface EncodingGroup {
  g: Uint8Array;
  toRprLEM(out: Uint8Array, offset: number, point: Uint8Array): void;
  batchLEMtoU(points: Uint8Array): Promise<Uint8Array>;
}

/** (2^256 mod r)^2 mod r: snarkjs writes each coefficient c of section 4 as c * R2 mod r. */
const R2 = ((1n << 256n) % R) ** 2n % R;
const FR_TWO_ADICITY = 28;
const G1_BYTES = 64;
const G2_BYTES = 128;
/** snarkjs hashes the H points in chunks of this many, each chunk min(domainSize - 1, chunk) long. */
const H_HASH_CHUNK = 1 << 14;

function nativeCombine(): NativeCombine | undefined {
  const addon = loadNativeAddon() as Partial<NativeCombine> | undefined;
  return addon !== undefined && typeof addon.gCombine === "function" ? (addon as NativeCombine) : undefined;
}

/** Whether the native addon can make a zkey (built with gCombine). */
export function nativeZKeyAvailable(): boolean {
  return nativeCombine() !== undefined;
}

function readLittleEndian(bytes: Uint8Array, offset: number, length: number): bigint {
  let value = 0n;
  for (let i = length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[offset + i]!);
  return value;
}

interface SectionEntry {
  readonly position: number;
  readonly size: number;
}

/** The section table of a binary file in iden3's format (magic, version, sections of id, size, data). */
async function readSectionTable(handle: fs.FileHandle, magic: string, fail: (why: string) => never): Promise<Map<number, SectionEntry>> {
  const { size: fileSize } = await handle.stat();
  const head = Buffer.alloc(12);
  if (fileSize < 12 || (await handle.read(head, 0, 12, 0)).bytesRead !== 12 || head.subarray(0, 4).toString("latin1") !== magic) {
    fail(`it does not start with "${magic}"`);
  }
  if (head.readUInt32LE(4) !== 1) fail(`version ${head.readUInt32LE(4)}, expected 1`);
  const count = head.readUInt32LE(8);
  const sections = new Map<number, SectionEntry>();
  let offset = 12;
  for (let i = 0; i < count; i += 1) {
    if (offset + 12 > fileSize) fail(`section ${i + 1} of ${count} is cut off`);
    await handle.read(head, 0, 12, offset);
    const id = head.readUInt32LE(0);
    const size = Number(head.readBigUInt64LE(4));
    if (offset + 12 + size > fileSize) fail(`section ${id} claims ${size} bytes past the end of the file`);
    if (sections.has(id)) fail(`section ${id} appears twice`);
    sections.set(id, { position: offset + 12, size });
    offset += 12 + size;
  }
  return sections;
}

async function readAt(handle: fs.FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = Buffer.alloc(length);
  const { bytesRead } = await handle.read(out, 0, length, position);
  if (bytesRead !== length) throw new LifeboatError(`short read: ${bytesRead} of ${length} bytes at ${position}`);
  return out;
}

/** What groth16 setup reads of an r1cs file: its sizes and, per constraint, the terms of A, B and C. */
interface R1cs {
  readonly bytes: Uint8Array;
  readonly nVars: number;
  readonly nPublic: number;
  readonly nConstraints: number;
  /** Per matrix (A, B, C): flat [wire, byte offset of the coefficient in `bytes`] pairs, constraint after constraint. */
  readonly terms: readonly [Uint32Array, Uint32Array, Uint32Array];
  /** For each constraint and matrix, where its pairs start in `terms` (nConstraints + 1 entries). */
  readonly starts: readonly [Uint32Array, Uint32Array, Uint32Array];
}

async function readR1cs(file: string): Promise<R1cs> {
  const fail = (why: string): never => {
    throw new LifeboatError(`${file} is not a usable r1cs file: ${why}`);
  };
  const bytes = await fs.readFile(file);
  const handle = await fs.open(file, "r");
  let sections: Map<number, SectionEntry>;
  try {
    sections = await readSectionTable(handle, "r1cs", fail);
  } finally {
    await handle.close();
  }
  const header = sections.get(1) ?? fail("section 1 (header) is missing");
  const constraints = sections.get(2) ?? fail("section 2 (constraints) is missing");
  if (header.size !== 4 + 32 + 4 * 4 + 8 + 4) fail(`its header holds ${header.size} bytes, expected 64 for BN254`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = header.position;
  if (view.getUint32(h, true) !== 32 || readLittleEndian(bytes, h + 4, 32) !== R) fail("its prime is not the BN254 scalar field order r");
  const nVars = view.getUint32(h + 36, true);
  const nOutputs = view.getUint32(h + 40, true);
  const nPubInputs = view.getUint32(h + 44, true);
  const nConstraints = view.getUint32(h + 60, true);
  const nPublic = nOutputs + nPubInputs;
  if (nPublic + 1 > nVars) fail(`${nPublic} public signals and the constant need more than its ${nVars} wires`);

  const terms: [number[], number[], number[]] = [[], [], []];
  const starts = [new Uint32Array(nConstraints + 1), new Uint32Array(nConstraints + 1), new Uint32Array(nConstraints + 1)] as const;
  const end = constraints.position + constraints.size;
  let at = constraints.position;
  for (let c = 0; c < nConstraints; c += 1) {
    for (let matrix = 0; matrix < 3; matrix += 1) {
      if (at + 4 > end) fail(`section 2 ends inside constraint ${c}`);
      const count = view.getUint32(at, true);
      at += 4;
      if (at + count * 36 > end) fail(`section 2 ends inside constraint ${c}`);
      starts[matrix]![c] = terms[matrix]!.length / 2;
      for (let i = 0; i < count; i += 1) {
        const wire = view.getUint32(at, true);
        if (wire >= nVars) fail(`constraint ${c} names wire ${wire}, but the circuit has ${nVars}`);
        if (readLittleEndian(bytes, at + 4, 32) >= R) fail(`constraint ${c} has a coefficient that is not below the scalar field order r`);
        terms[matrix]!.push(wire, at + 4);
        at += 36;
      }
    }
  }
  if (at !== end) fail(`section 2 holds ${end - at} bytes after its ${nConstraints} constraints`);
  for (let matrix = 0; matrix < 3; matrix += 1) starts[matrix]![nConstraints] = terms[matrix]!.length / 2;
  return {
    bytes,
    nVars,
    nPublic,
    nConstraints,
    terms: [Uint32Array.from(terms[0]), Uint32Array.from(terms[1]), Uint32Array.from(terms[2])],
    starts,
  };
}

/** The pieces of a prepared powers of tau the zkey is made from, for a domain of `domainSize`. */
interface PtauPieces {
  readonly power: number;
  readonly alpha1: Uint8Array;
  readonly beta1: Uint8Array;
  readonly beta2: Uint8Array;
  /** Lagrange bases of the domain: tauG1, alphaTauG1, betaTauG1 (G1) and tauG2 (G2). */
  readonly tauG1: Uint8Array;
  readonly alphaTauG1: Uint8Array;
  readonly betaTauG1: Uint8Array;
  readonly tauG2: Uint8Array;
  /** Lagrange bases of the doubled domain (for H). */
  readonly tauG1Doubled: Uint8Array;
  /** The first `powers` points of tauG1 in the monomial basis (for the circuit hash of H). */
  readonly tauPowers: Uint8Array;
}

async function readPtauHeader(handle: fs.FileHandle, sections: Map<number, SectionEntry>, fail: (why: string) => never): Promise<number> {
  const header = sections.get(1) ?? fail("section 1 (header) is missing");
  if (header.size !== 4 + 32 + 4 + 4) fail(`its header holds ${header.size} bytes, expected 44 for BN254`);
  const bytes = await readAt(handle, header.position, header.size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 32 || readLittleEndian(bytes, 4, 32) !== Q) fail("its curve is not BN254 (bn128)");
  const power = view.getUint32(36, true);
  if (power < 1 || power >= FR_TWO_ADICITY) fail(`power ${power} is outside 1 .. ${FR_TWO_ADICITY - 1}`);
  return power;
}

async function readPtauPieces(file: string, domainPower: number, tauPowers: number, describe: string): Promise<PtauPieces> {
  const fail = (why: string): never => {
    throw new LifeboatError(`${file} is not a usable powers-of-tau file: ${why}`);
  };
  const handle = await fs.open(file, "r");
  try {
    const sections = await readSectionTable(handle, "ptau", fail);
    const power = await readPtauHeader(handle, sections, fail);
    if (domainPower > power) {
      throw new LifeboatError(`${describe} needs a powers of tau of at least 2^${domainPower}; ${file} is 2^${power}`);
    }
    if (tauPowers > 2 ** (power + 1) - 1) {
      // snarkjs's chunked hash of H reads tauG1[2n - 1], past the section of a ceremony this size.
      throw new LifeboatError(`${describe} fills the 2^${power} powers of tau ${file}: groth16 setup needs one of at least 2^${domainPower + 1}`);
    }
    if (!sections.has(12)) fail("it is not prepared for phase 2 (no section 12; run snarkjs powersoftau prepare phase2)");
    const n = 2 ** domainPower;
    const slice = async (id: number, first: number, count: number, pointBytes: number): Promise<Uint8Array> => {
      const section = sections.get(id) ?? fail(`section ${id} is missing`);
      if ((first + count) * pointBytes > section.size) fail(`section ${id} holds ${section.size} bytes, too few for power ${power}`);
      return readAt(handle, section.position + first * pointBytes, count * pointBytes);
    };
    // Sections 12 to 15 hold the Lagrange bases of every domain 2^p, p = 0, 1, ...: 2^p points at point 2^p - 1.
    return {
      power,
      alpha1: await slice(4, 0, 1, G1_BYTES),
      beta1: await slice(5, 0, 1, G1_BYTES),
      beta2: await slice(6, 0, 1, G2_BYTES),
      tauG1: await slice(12, n - 1, n, G1_BYTES),
      tauG2: await slice(13, n - 1, n, G2_BYTES),
      alphaTauG1: await slice(14, n - 1, n, G1_BYTES),
      betaTauG1: await slice(15, n - 1, n, G1_BYTES),
      tauG1Doubled: await slice(12, 2 * n - 1, 2 * n, G1_BYTES),
      tauPowers: await slice(2, 0, tauPowers, G1_BYTES),
    };
  } finally {
    await handle.close();
  }
}

/** Sparse linear combinations collected as terms, then laid out for gCombine. */
class Combination {
  private readonly outputOf: number[] = [];
  private readonly baseOf: number[] = [];
  /** Byte offset of the coefficient in the r1cs, or -1 for the scalar 1, -2 for r - 1. */
  private readonly scalarOf: number[] = [];
  outputs = 0;

  /** Reserves `count` outputs; returns the first one's index. */
  reserve(count: number): number {
    this.outputs += count;
    return this.outputs - count;
  }

  add(output: number, base: number, scalar: number): void {
    this.outputOf.push(output);
    this.baseOf.push(base);
    this.scalarOf.push(scalar);
  }

  /** Runs gCombine over `bases`; returns the outputs, affine LEM, one after the other. */
  run(native: NativeCombine, group: 1 | 2, bases: Uint8Array, coefficients: Uint8Array, threads: number | undefined): Uint8Array {
    const terms = this.outputOf.length;
    const offsets = new Uint32Array(this.outputs + 1);
    for (const output of this.outputOf) offsets[output + 1]! += 1;
    for (let o = 0; o < this.outputs; o += 1) offsets[o + 1]! += offsets[o]!;
    const next = offsets.slice(0, this.outputs);
    const indices = new Uint32Array(terms);
    const scalars = new Uint8Array(32 * terms);
    const one = littleEndian(1n, 32);
    const minusOne = littleEndian(R - 1n, 32);
    for (let t = 0; t < terms; t += 1) {
      const slot = next[this.outputOf[t]!]!++;
      indices[slot] = this.baseOf[t]!;
      const scalar = this.scalarOf[t]!;
      scalars.set(scalar === -1 ? one : scalar === -2 ? minusOne : coefficients.subarray(scalar, scalar + 32), 32 * slot);
    }
    const out = new Uint8Array(this.outputs * (group === 1 ? G1_BYTES : G2_BYTES));
    native.gCombine(group, bases, offsets, indices, scalars, out, threads);
    return out;
  }
}

function u32(value: number, littleEndian = true): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, littleEndian);
  return out;
}

/**
 * Makes the initial zkey of a Groth16 setup (no contribution yet) for the circuit `r1csFile` from
 * the prepared BN254 powers of tau `ptauFile`, and writes it to `zkeyFile`: the same bytes as
 * snarkjs 0.7.6's `groth16 setup` (`zKey.newZKey`). The file is written to a temporary name and
 * renamed; nothing half-written is left under `zkeyFile`. Returns the circuit hash (64 bytes).
 *
 * Refused with a LifeboatError naming the file: an r1cs or ptau that is cut off or malformed,
 * not over BN254, a coefficient not below r, a ptau not prepared for phase 2 or too small for the
 * circuit. `threads` (default: the cores) sets the native threads.
 */
export async function newZKeyNative(r1csFile: string, ptauFile: string, zkeyFile: string, options: { threads?: number } = {}): Promise<Uint8Array> {
  const native = nativeCombine();
  if (native === undefined) throw new LifeboatError("the native addon with gCombine is not built (npm run build:native); use snarkjs.zKey.newZKey");
  const r1cs = await readR1cs(r1csFile);
  const { nVars, nPublic, nConstraints } = r1cs;
  // snarkjs: log2(nConstraints + nPublic) + 1, log2 rounding down: room for the constraints and
  // one row per public signal and the constant.
  const rows = nConstraints + nPublic;
  const domainPower = rows === 0 ? 1 : 32 - Math.clz32(rows);
  const n = 2 ** domainPower;
  if (domainPower >= FR_TWO_ADICITY) throw new LifeboatError(`${r1csFile}: a domain of 2^${domainPower} is beyond BN254's 2^${FR_TWO_ADICITY - 1} limit here`);
  // snarkjs hashes the H points in chunks of min(n - 1, 2^14) points, so past 2^14 it hashes n.
  const hashedH = n - 1 <= H_HASH_CHUNK ? n - 1 : Math.ceil((n - 1) / H_HASH_CHUNK) * H_HASH_CHUNK;
  const describe = `${r1csFile} (${nConstraints} constraints, ${nPublic} public signals: a 2^${domainPower} domain)`;
  const ptau = await readPtauPieces(ptauFile, domainPower, n + hashedH, describe);

  // G1 bases: the domain's Lagrange bases of tauG1, alphaTauG1 and betaTauG1, then tauG1's powers.
  const TAU = 0;
  const ALPHA_TAU = n;
  const BETA_TAU = 2 * n;
  const POWERS = 3 * n;
  const g1Bases = new Uint8Array((3 * n + n + hashedH) * G1_BYTES);
  g1Bases.set(ptau.tauG1, TAU * G1_BYTES);
  g1Bases.set(ptau.alphaTauG1, ALPHA_TAU * G1_BYTES);
  g1Bases.set(ptau.betaTauG1, BETA_TAU * G1_BYTES);
  g1Bases.set(ptau.tauPowers, POWERS * G1_BYTES);

  const g1 = new Combination();
  const g2 = new Combination();
  const ic = g1.reserve(nPublic + 1);
  const c = g1.reserve(nVars - nPublic - 1);
  const a = g1.reserve(nVars);
  const b1 = g1.reserve(nVars);
  const h = g1.reserve(hashedH);
  const b2 = g2.reserve(nVars);
  const icOrC = (wire: number): number => (wire <= nPublic ? ic + wire : c + wire - nPublic - 1);

  // Section 4: (matrix, constraint, wire, coefficient * R^2 mod r) for A and B, then A's rows for
  // the public signals and the constant.
  const [termsA, termsB, termsC] = r1cs.terms;
  const [startsA, startsB, startsC] = r1cs.starts;
  const coefficientCount = termsA.length / 2 + termsB.length / 2 + nPublic + 1;
  const coefficients = new Uint8Array(4 + coefficientCount * (12 + 32));
  const coefficientView = new DataView(coefficients.buffer);
  coefficientView.setUint32(0, coefficientCount, true);
  let coefficientAt = 4;
  const coefficientEntry = (matrix: number, constraint: number, wire: number, coefficient: bigint): void => {
    coefficientView.setUint32(coefficientAt, matrix, true);
    coefficientView.setUint32(coefficientAt + 4, constraint, true);
    coefficientView.setUint32(coefficientAt + 8, wire, true);
    coefficients.set(littleEndian((coefficient * R2) % R, 32), coefficientAt + 12);
    coefficientAt += 12 + 32;
  };
  for (let row = 0; row < nConstraints; row += 1) {
    for (let i = startsA[row]!; i < startsA[row + 1]!; i += 1) {
      const wire = termsA[2 * i]!;
      const coefficient = termsA[2 * i + 1]!;
      g1.add(a + wire, TAU + row, coefficient);
      g1.add(icOrC(wire), BETA_TAU + row, coefficient);
      coefficientEntry(0, row, wire, readLittleEndian(r1cs.bytes, coefficient, 32));
    }
    for (let i = startsB[row]!; i < startsB[row + 1]!; i += 1) {
      const wire = termsB[2 * i]!;
      const coefficient = termsB[2 * i + 1]!;
      g1.add(b1 + wire, TAU + row, coefficient);
      g2.add(b2 + wire, row, coefficient);
      g1.add(icOrC(wire), ALPHA_TAU + row, coefficient);
      coefficientEntry(1, row, wire, readLittleEndian(r1cs.bytes, coefficient, 32));
    }
    for (let i = startsC[row]!; i < startsC[row + 1]!; i += 1) {
      g1.add(icOrC(termsC[2 * i]!), TAU + row, termsC[2 * i + 1]!);
    }
  }
  for (let wire = 0; wire <= nPublic; wire += 1) {
    g1.add(a + wire, TAU + nConstraints + wire, -1);
    g1.add(ic + wire, BETA_TAU + nConstraints + wire, -1);
    coefficientEntry(0, nConstraints + wire, wire, 1n);
  }
  // The circuit hash covers tauG1[i + n] - tauG1[i] for the H points (their monomial form).
  for (let i = 0; i < hashedH; i += 1) {
    g1.add(h + i, POWERS + n + i, -1);
    g1.add(h + i, POWERS + i, -2);
  }

  const g1Points = g1.run(native, 1, g1Bases, r1cs.bytes, options.threads);
  const g2Points = g2.run(native, 2, ptau.tauG2, r1cs.bytes, options.threads);
  const g1Slice = (first: number, count: number): Uint8Array => g1Points.subarray(first * G1_BYTES, (first + count) * G1_BYTES);
  const icPoints = g1Slice(ic, nPublic + 1);
  const cPoints = g1Slice(c, nVars - nPublic - 1);
  const aPoints = g1Slice(a, nVars);
  const b1Points = g1Slice(b1, nVars);
  const hHashPoints = g1Slice(h, hashedH);
  // H: the odd Lagrange bases of the doubled domain.
  const hPoints = new Uint8Array(n * G1_BYTES);
  for (let i = 0; i < n; i += 1) hPoints.set(ptau.tauG1Doubled.subarray((2 * i + 1) * G1_BYTES, (2 * i + 2) * G1_BYTES), i * G1_BYTES);

  const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as EncodingCurve;
  const g1Generator = new Uint8Array(G1_BYTES);
  curve.G1.toRprLEM(g1Generator, 0, curve.G1.g);
  const g2Generator = new Uint8Array(G2_BYTES);
  curve.G2.toRprLEM(g2Generator, 0, curve.G2.g);

  const hasher = createHash("blake2b512");
  const hashPoints = async (group: EncodingGroup, points: Uint8Array): Promise<void> => {
    if (points.length > 0) hasher.update(await group.batchLEMtoU(points));
  };
  await hashPoints(curve.G1, ptau.alpha1);
  await hashPoints(curve.G1, ptau.beta1);
  await hashPoints(curve.G2, ptau.beta2);
  await hashPoints(curve.G2, g2Generator); // gamma2
  await hashPoints(curve.G1, g1Generator); // delta1
  await hashPoints(curve.G2, g2Generator); // delta2
  hasher.update(u32(nPublic + 1, false));
  await hashPoints(curve.G1, icPoints);
  hasher.update(u32(n - 1, false));
  await hashPoints(curve.G1, hHashPoints);
  for (const [group, count, points] of [
    [curve.G1, nVars - nPublic - 1, cPoints],
    [curve.G1, nVars, aPoints],
    [curve.G1, nVars, b1Points],
    [curve.G2, nVars, g2Points],
  ] as const) {
    hasher.update(u32(count, false));
    await hashPoints(group, points);
  }
  const circuitHash = new Uint8Array(hasher.digest());

  const groth16Header = [
    u32(32),
    littleEndian(Q, 32),
    u32(32),
    littleEndian(R, 32),
    u32(nVars),
    u32(nPublic),
    u32(n),
    ptau.alpha1,
    ptau.beta1,
    ptau.beta2,
    g2Generator, // gamma2
    g1Generator, // delta1
    g2Generator, // delta2
  ];
  const parts: Uint8Array[] = [];
  const section = (id: number, contents: readonly Uint8Array[]): void => {
    parts.push(
      sectionHeader(
        id,
        contents.reduce((total, part) => total + part.length, 0),
      ),
    );
    for (const part of contents) parts.push(part);
  };
  parts.push(Buffer.from("zkey", "latin1"), u32(1), u32(10));
  // snarkjs's order: 1, 2, 4, 3, 9, 8, 5, 6, 7, 10.
  section(1, [u32(1)]); // Groth16
  section(2, groth16Header);
  section(4, [coefficients]);
  section(3, [icPoints]);
  section(9, [hPoints]);
  section(8, [cPoints]);
  section(5, [aPoints]);
  section(6, [b1Points]);
  section(7, [g2Points]);
  section(10, [circuitHash, u32(0)]);

  const temporary = `${zkeyFile}.tmp-${process.pid}`;
  try {
    await fs.writeFile(temporary, Buffer.concat(parts));
    await fs.rename(temporary, zkeyFile);
  } finally {
    await fs.rm(temporary, { force: true });
  }
  return circuitHash;
}
