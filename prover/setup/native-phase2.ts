import { promises as fs } from "node:fs";

import { LifeboatError } from "../errors";
import { loadNativeAddon } from "../hash/batch-backend";
import { SNARK_SCALAR_FIELD as R } from "../hash/field";
import { BN254_BASE_FIELD as Q } from "../schema/proof-file";
import { littleEndian, sectionHeader } from "./bin-file";

/**
 * snarkjs's `powersoftau prepare phase2` with its group FFTs in the native addon (gIfft in
 * native/poseidon/bn254.c). The output file is byte-identical to snarkjs's: the header, sections 2
 * to 7 copied, then sections 12 to 15 holding, for every power p of the ceremony, the inverse FFT
 * of the first 2^p points of tauG1, tauG2, alphaTauG1 and betaTauG1 (the Lagrange bases), and for
 * tauG1 one more power with a point at infinity appended. BN254 only.
 *
 * The development ceremony (prover/setup/ceremony.ts) uses it when `nativePhase2Available()`, and
 * snarkjs's own otherwise.
 */

interface NativeFft {
  gIfft(points: Uint8Array, group: number, root: Uint8Array, threads?: number): void;
}

const TWO_ADICITY = 28; // r - 1 = 2^28 * t, t odd
/** Bytes of an affine G1 point in ffjavascript's Montgomery layout (LEM). */
export const G1_BYTES = 64;
/** Bytes of an affine G2 point in ffjavascript's Montgomery layout (LEM). */
export const G2_BYTES = 128;

function nativeFft(): NativeFft | undefined {
  const addon = loadNativeAddon() as Partial<NativeFft> | undefined;
  return addon !== undefined && typeof addon.gIfft === "function" ? (addon as NativeFft) : undefined;
}

/** Whether the native addon can prepare phase 2 (built with bn254.c's gIfft). */
export function nativePhase2Available(): boolean {
  return nativeFft() !== undefined;
}

/** base^exponent mod modulus. */
export function power(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

/**
 * ffjavascript's roots of unity: w[28] = 5^((r - 1) / 2^28) and w[p] = w[p + 1]^2, so w[p] has
 * order 2^p; for p = 0 .. maxPower.
 */
export function rootsOfUnity(maxPower: number): bigint[] {
  const roots: bigint[] = [];
  roots[TWO_ADICITY] = power(5n, (R - 1n) >> BigInt(TWO_ADICITY), R);
  for (let p = TWO_ADICITY - 1; p >= 0; p -= 1) roots[p] = (roots[p + 1]! * roots[p + 1]!) % R;
  return roots.slice(0, maxPower + 1);
}

/** One section of a ptau file: its id and its bytes (a view into the file). */
export interface Section {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** The sections of a phase-1 BN254 powers of tau, checked for the sizes its power implies. */
export function readPtau(file: string, bytes: Uint8Array): { sections: Map<number, Section>; power: number } {
  const fail = (why: string): never => {
    throw new LifeboatError(`${file} is not a usable powers-of-tau file: ${why}`);
  };
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 4)).toString("latin1") !== "ptau") fail('it does not start with "ptau"');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4, true) !== 1) fail(`version ${view.getUint32(4, true)}, expected 1`);
  const count = view.getUint32(8, true);
  const sections = new Map<number, Section>();
  let offset = 12;
  for (let i = 0; i < count; i += 1) {
    if (offset + 12 > bytes.length) fail(`section ${i + 1} of ${count} is cut off`);
    const id = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (offset + 12 + size > bytes.length) fail(`section ${id} claims ${size} bytes past the end of the file`);
    if (sections.has(id)) fail(`section ${id} appears twice`);
    sections.set(id, { id, bytes: bytes.subarray(offset + 12, offset + 12 + size) });
    offset += 12 + size;
  }
  for (let id = 1; id <= 7; id += 1) if (!sections.has(id)) fail(`section ${id} is missing`);
  const header = sections.get(1)!.bytes;
  const headerView = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 4 || headerView.getUint32(0, true) !== 32 || header.length !== 4 + 32 + 8) fail("its header is not a BN254 (bn128) header");
  let q = 0n;
  for (let i = 35; i >= 4; i -= 1) q = (q << 8n) | BigInt(header[i]!);
  if (q !== Q) fail("its curve is not BN254 (bn128)");
  const ptauPower = headerView.getUint32(36, true);
  if (ptauPower < 1 || ptauPower > TWO_ADICITY - 1) fail(`power ${ptauPower} is outside 1 .. ${TWO_ADICITY - 1}`);
  const expect = (id: number, size: number): void => {
    if (sections.get(id)!.bytes.length !== size) fail(`section ${id} holds ${sections.get(id)!.bytes.length} bytes, expected ${size} for power ${ptauPower}`);
  };
  const n = 2 ** ptauPower;
  expect(2, (2 * n - 1) * G1_BYTES);
  expect(3, n * G2_BYTES);
  expect(4, n * G1_BYTES);
  expect(5, n * G1_BYTES);
  return { sections, power: ptauPower };
}

function sectionBytes(id: number, parts: Uint8Array[]): Uint8Array[] {
  return [
    sectionHeader(
      id,
      parts.reduce((total, part) => total + part.length, 0),
    ),
    ...parts,
  ];
}

/** Computes the Lagrange bases of one source section (2 = tauG1, 3 = tauG2, 4 = alphaTauG1, 5 = betaTauG1) for domain size 2^p, as affine LEM points. */
export type LagrangeBases = (sourceId: number, p: number) => Uint8Array;

/**
 * Writes a prepared ptau exactly as `snarkjs powersoftau prepare phase2` does: the file header,
 * section 1 (the header) and sections 2 to 7 of the phase-1 file as they are, then sections 12 to
 * 15 holding `lagrange(source, p)` for every power p of the ceremony (and p = power + 1 for
 * tauG1: snarkjs's inverse FFT of the tauG1 points with a point at infinity appended). Written to a
 * temporary file and renamed: nothing half-written is left under `newPtau`.
 */
export async function writePreparedPtau(phase1: Map<number, Section>, ptauPower: number, lagrange: LagrangeBases, newPtau: string): Promise<void> {
  const bases = (sourceId: number): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let p = 0; p <= ptauPower; p += 1) out.push(lagrange(sourceId, p));
    if (sourceId === 2) out.push(lagrange(sourceId, ptauPower + 1));
    return out;
  };
  const fileHeader = new Uint8Array(12);
  fileHeader.set(Buffer.from("ptau", "latin1"), 0);
  new DataView(fileHeader.buffer).setUint32(4, 1, true);
  new DataView(fileHeader.buffer).setUint32(8, 11, true);
  const header = new Uint8Array(4 + 32 + 8);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, 32, true);
  header.set(littleEndian(Q, 32), 4);
  headerView.setUint32(36, ptauPower, true);
  headerView.setUint32(40, ptauPower, true); // snarkjs writes the ceremony power as the power

  const parts: Uint8Array[] = [fileHeader, ...sectionBytes(1, [header])];
  for (let id = 2; id <= 7; id += 1) parts.push(...sectionBytes(id, [phase1.get(id)!.bytes]));
  parts.push(...sectionBytes(12, bases(2)));
  parts.push(...sectionBytes(13, bases(3)));
  parts.push(...sectionBytes(14, bases(4)));
  parts.push(...sectionBytes(15, bases(5)));

  const temporary = `${newPtau}.tmp-${process.pid}`;
  try {
    await fs.writeFile(temporary, Buffer.concat(parts));
    await fs.rename(temporary, newPtau);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/**
 * Reads `oldPtau` (a phase-1 BN254 powers of tau, as `powersoftau beacon` or `contribute` writes
 * it) and writes `newPtau`, exactly as `snarkjs powersoftau prepare phase2` would: the Lagrange
 * bases are the inverse FFTs of the phase-1 points, computed by the addon's gIfft.
 */
export async function preparePhase2Native(oldPtau: string, newPtau: string, options: { threads?: number } = {}): Promise<void> {
  const native = nativeFft();
  if (native === undefined) throw new LifeboatError("the native addon with gIfft is not built (npm run build:native); use snarkjs.powersOfTau.preparePhase2");
  const { sections, power: ptauPower } = readPtau(oldPtau, await fs.readFile(oldPtau));
  const roots = rootsOfUnity(ptauPower + 1).map((root) => littleEndian((root << 256n) % R, 32)); // Montgomery form
  const lagrange: LagrangeBases = (sourceId, p) => {
    const [pointBytes, group] = sourceId === 3 ? [G2_BYTES, 2] : [G1_BYTES, 1];
    const n = 2 ** p;
    const points = new Uint8Array(n * pointBytes);
    // tauG1 at p = power + 1 has 2^p - 1 points: the appended one stays zero, the point at infinity.
    points.set(sections.get(sourceId)!.bytes.subarray(0, Math.min(n, 2 ** (ptauPower + 1) - 1) * pointBytes));
    native.gIfft(points, group, roots[p]!, options.threads);
    return points;
  };
  await writePreparedPtau(sections, ptauPower, lagrange, newPtau);
}
