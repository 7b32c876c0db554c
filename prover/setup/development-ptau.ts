import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { LifeboatError } from "../errors";
import { loadNativeAddon } from "../hash/batch-backend";
import { ChaChaRng } from "./chacha-rng";
import { SNARK_SCALAR_FIELD as R } from "../hash/field";
import { G1_BYTES, G2_BYTES, power, readPtau, rootsOfUnity, writePreparedPtau, type LagrangeBases } from "./native-phase2";

/**
 * The development powers of tau, made in seconds instead of minutes.
 *
 * snarkjs's way (`new`, `contribute`, `beacon`, `prepare phase2`) multiplies every point of the
 * file by powers of secrets it draws and never shows, then recovers the Lagrange bases with
 * inverse FFTs over the curve: 1.8 million scalar multiplications at 2^14, 2 minutes on this
 * machine's two cores even with the native FFTs. A development ceremony has one contributor, this
 * machine, so Lifeboat draws the contribution's secrets (tau, alpha, beta) itself and computes
 * every point of the file as a known scalar times the generator (the addon's fixed-base
 * multiplication, `gFixedBase`): the powers tau^i, and the Lagrange bases from their closed form
 * L_k(tau) = omega^k (tau^n - 1) / (n (tau - omega^k)). The result is an ordinary snarkjs file:
 *
 * - the contribution enters through snarkjs's own `powersoftau import response`, which writes the
 *   contribution record and the challenge hashes; its proofs of knowledge are made the way snarkjs
 *   makes them (`hashToG2` with the same ChaCha stream), so `snarkjs powersoftau verify` accepts
 *   the file (test/setup/development-ptau.test.ts);
 * - the prepared sections are byte-identical to what `snarkjs powersoftau prepare phase2` writes
 *   for the same phase-1 file (the same test), and the points snarkjs imported are checked here
 *   against the ones computed from the secrets before anything is derived from them.
 *
 * The trust is the same as before: whoever could read this process's memory while it ran could
 * forge proofs; the secrets are never written anywhere.
 */

interface NativeFixedBase {
  gFixedBase(base: Uint8Array, group: number, scalars: Uint8Array, out: Uint8Array, threads?: number): void;
}

type Log = (line: string) => void;

function nativeFixedBase(): NativeFixedBase | undefined {
  const addon = loadNativeAddon() as Partial<NativeFixedBase> | undefined;
  return addon !== undefined && typeof addon.gFixedBase === "function" ? (addon as NativeFixedBase) : undefined;
}

/** Whether the native addon can make the development powers of tau (built with `gFixedBase`). */
export function developmentPtauAvailable(): boolean {
  return nativeFixedBase() !== undefined;
}

/** The contribution's secrets. Plain integers below r. */
interface Secrets {
  readonly tau: bigint;
  readonly alpha: bigint;
  readonly beta: bigint;
}

/** A uniformly random nonzero element of Fr (64 random bytes reduced: the bias is below 2^-250). */
function randomScalar(): bigint {
  for (;;) {
    const value = BigInt(`0x${randomBytes(64).toString("hex")}`) % R;
    if (value !== 0n) return value;
  }
}

/**
 * Draws tau, alpha and beta. tau must not be a 2^(power+1)-th root of unity: the closed form of
 * the Lagrange bases divides by tau - omega^k for every domain up to 2^(power+1).
 */
function drawSecrets(ptauPower: number): Secrets {
  let tau = randomScalar();
  while (power(tau, 2n ** BigInt(ptauPower + 1), R) === 1n) tau = randomScalar();
  return { tau, alpha: randomScalar(), beta: randomScalar() };
}

function modInverse(value: bigint): bigint {
  return power(value, R - 2n, R);
}

/** first * ratio^i for i < count. */
function geometric(first: bigint, ratio: bigint, count: number): bigint[] {
  const out = new Array<bigint>(count);
  let value = first;
  for (let i = 0; i < count; i += 1) {
    out[i] = value;
    value = (value * ratio) % R;
  }
  return out;
}

/** Inverses of many nonzero elements with one exponentiation (Montgomery's trick). */
function batchInverse(values: readonly bigint[]): bigint[] {
  const prefix = new Array<bigint>(values.length);
  let product = 1n;
  for (let i = 0; i < values.length; i += 1) {
    prefix[i] = product;
    product = (product * values[i]!) % R;
  }
  let inverse = modInverse(product);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i -= 1) {
    out[i] = (inverse * prefix[i]!) % R;
    inverse = (inverse * values[i]!) % R;
  }
  return out;
}

/**
 * The Lagrange basis of the domain of size 2^p (generator omega = ffjavascript's root of unity of
 * that order) at tau: what snarkjs's inverse FFT of the points tau^j G yields, point k being
 * L_k(tau) G. With `lastMissing` the last input point is the point at infinity instead of
 * tau^(n-1) G (snarkjs's tauG1 at power + 1, which has one point fewer than the domain), which
 * subtracts omega^k tau^(n-1) / n from every scalar.
 */
function lagrangeScalars(tau: bigint, omega: bigint, p: number, lastMissing: boolean): bigint[] {
  const n = 2 ** p;
  const nInverse = modInverse(BigInt(n));
  const omegas = geometric(1n, omega, n);
  const inverses = batchInverse(omegas.map((w) => (tau - w + R) % R));
  const scale = (((power(tau, BigInt(n), R) - 1n + R) % R) * nInverse) % R;
  const missing = lastMissing ? (power(tau, BigInt(n - 1), R) * nInverse) % R : 0n;
  return omegas.map((w, k) => (((scale * w) % R) * inverses[k]! - w * missing + R * R) % R);
}

/** Scalars as 32-byte little-endian integers, the addon's input. */
function encodeScalars(values: readonly bigint[], multiplier = 1n): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => {
    let v = multiplier === 1n ? value : (value * multiplier) % R;
    for (let limb = 0; limb < 4; limb += 1) {
      view.setBigUint64(32 * i + 8 * limb, BigInt.asUintN(64, v), true);
      v >>= 64n;
    }
  });
  return out;
}

/** Group operations of snarkjs's bn128 curve object (ffjavascript) that this module uses. */
interface CurveGroup {
  readonly g: Uint8Array;
  timesScalar(point: Uint8Array, scalar: bigint): Uint8Array;
  toAffine(point: Uint8Array): Uint8Array;
  fromRng(rng: ChaChaRng): Uint8Array;
  toRprUncompressed(out: Uint8Array, offset: number, point: Uint8Array): void;
  toRprLEM(out: Uint8Array, offset: number, point: Uint8Array): void;
  batchLEMtoC(points: Uint8Array): Promise<Uint8Array>;
}
interface Curve {
  readonly G1: CurveGroup;
  readonly G2: CurveGroup;
}

function uncompressed(group: CurveGroup, bytes: number, point: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  group.toRprUncompressed(out, 0, point);
  return out;
}

/**
 * The public key of one contribution in the response's layout (uncompressed points: tau, alpha,
 * beta's g1_s and g1_sx, then their g2_spx), made as snarkjs makes it: for each secret x with
 * personalization 0, 1, 2, a random g1_s, g1_sx = x g1_s, and g2_spx = x g2_sp where g2_sp is the
 * point snarkjs derives from blake2b(personalization, challenge, g1_s, g1_sx) (`getG2sp`).
 */
function publicKey(curve: Curve, challenge: Uint8Array, secrets: Secrets): Uint8Array {
  const g1Parts: Uint8Array[] = [];
  const g2Parts: Uint8Array[] = [];
  [secrets.tau, secrets.alpha, secrets.beta].forEach((secret, personalization) => {
    const g1s = curve.G1.toAffine(curve.G1.timesScalar(curve.G1.g, randomScalar()));
    const g1sx = curve.G1.toAffine(curve.G1.timesScalar(g1s, secret));
    const hash = createHash("blake2b512")
      .update(Uint8Array.of(personalization))
      .update(challenge)
      .update(uncompressed(curve.G1, G1_BYTES, g1s))
      .update(uncompressed(curve.G1, G1_BYTES, g1sx))
      .digest();
    const seed = Array.from({ length: 8 }, (_, i) => hash.readUInt32BE(4 * i));
    const g2sp = curve.G2.toAffine(curve.G2.fromRng(new ChaChaRng(seed)));
    const g2spx = curve.G2.toAffine(curve.G2.timesScalar(g2sp, secret));
    g1Parts.push(uncompressed(curve.G1, G1_BYTES, g1s), uncompressed(curve.G1, G1_BYTES, g1sx));
    g2Parts.push(uncompressed(curve.G2, G2_BYTES, g2spx));
  });
  return Buffer.concat([...g1Parts, ...g2Parts]);
}

function generator(group: CurveGroup, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  group.toRprLEM(out, 0, group.g);
  return out;
}

/** Options of {@link makeDevelopmentPtau}. */
export interface DevelopmentPtauOptions {
  /** A scratch folder for the intermediate files (created, and removed afterwards). */
  readonly work: string;
  /** The contribution's name, recorded in the file. */
  readonly name: string;
  /** Progress lines. */
  readonly log?: Log;
  /** Native threads (default: the machine's cores). */
  readonly threads?: number;
}

/**
 * Writes a prepared BN254 powers of tau of 2^`ptauPower` to `file`, with one contribution whose
 * secrets are drawn here and never stored (see the module comment). Written through a temporary
 * file: nothing half-written is left under `file`.
 */
export async function makeDevelopmentPtau(ptauPower: number, file: string, options: DevelopmentPtauOptions): Promise<void> {
  const native = nativeFixedBase();
  if (native === undefined) throw new LifeboatError("the native addon with gFixedBase is not built (npm run build:native)");
  if (!Number.isInteger(ptauPower) || ptauPower < 1 || ptauPower > 27) throw new LifeboatError(`ptau power ${ptauPower} is outside 1 .. 27`);
  const log = options.log ?? ((): void => undefined);
  const quiet = (): void => undefined;
  const logger: snarkjs.Logger = { debug: quiet, info: quiet, warn: log, error: log };
  const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as Curve;
  await fs.rm(options.work, { recursive: true, force: true });
  await fs.mkdir(options.work, { recursive: true });
  const at = (name: string): string => path.join(options.work, name);
  try {
    const challenge = (await snarkjs.powersOfTau.newAccumulator(curve, ptauPower, at("0.ptau"), logger)) as Uint8Array;
    const secrets = drawSecrets(ptauPower);
    const n = 2 ** ptauPower;
    const g1 = generator(curve.G1, G1_BYTES);
    const g2 = generator(curve.G2, G2_BYTES);
    const times = (base: Uint8Array, group: 1 | 2, scalars: Uint8Array): Uint8Array => {
      const out = new Uint8Array((scalars.length / 32) * (group === 1 ? G1_BYTES : G2_BYTES));
      native.gFixedBase(base, group, scalars, out, options.threads);
      return out;
    };

    log("  powers of tau: the contribution (native fixed-base multiplications)");
    const powers = geometric(1n, secrets.tau, 2 * n - 1);
    const firstN = powers.slice(0, n);
    const phase1 = {
      tauG1: times(g1, 1, encodeScalars(powers)),
      tauG2: times(g2, 2, encodeScalars(firstN)),
      alphaTauG1: times(g1, 1, encodeScalars(firstN, secrets.alpha)),
      betaTauG1: times(g1, 1, encodeScalars(firstN, secrets.beta)),
      betaG2: times(g2, 2, encodeScalars([secrets.beta])),
    };
    const response = Buffer.concat([
      challenge,
      await curve.G1.batchLEMtoC(phase1.tauG1),
      await curve.G2.batchLEMtoC(phase1.tauG2),
      await curve.G1.batchLEMtoC(phase1.alphaTauG1),
      await curve.G1.batchLEMtoC(phase1.betaTauG1),
      await curve.G2.batchLEMtoC(phase1.betaG2),
      publicKey(curve, challenge, secrets),
    ]);
    await fs.writeFile(at("response"), response);
    log("  powers of tau: snarkjs imports the contribution");
    await snarkjs.powersOfTau.importResponse(at("0.ptau"), at("response"), at("1.ptau"), options.name, true, logger);

    const { sections } = readPtau(at("1.ptau"), await fs.readFile(at("1.ptau")));
    const imported: [number, Uint8Array][] = [
      [2, phase1.tauG1],
      [3, phase1.tauG2],
      [4, phase1.alphaTauG1],
      [5, phase1.betaTauG1],
      [6, phase1.betaG2],
    ];
    for (const [id, computed] of imported) {
      if (Buffer.compare(Buffer.from(sections.get(id)!.bytes), Buffer.from(computed)) !== 0) {
        throw new LifeboatError(`the development powers of tau is inconsistent: section ${id} as snarkjs imported it differs from the computed points`);
      }
    }

    log("  powers of tau: prepare phase 2 from the contribution's secrets");
    const roots = rootsOfUnity(ptauPower + 1);
    const scalars = new Map<number, bigint[]>();
    const lagrangeAt = (p: number): bigint[] => {
      if (!scalars.has(p)) scalars.set(p, lagrangeScalars(secrets.tau, roots[p]!, p, false));
      return scalars.get(p)!;
    };
    const lagrange: LagrangeBases = (sourceId, p) => {
      if (sourceId === 2) return times(g1, 1, encodeScalars(p > ptauPower ? lagrangeScalars(secrets.tau, roots[p]!, p, true) : lagrangeAt(p)));
      if (sourceId === 3) return times(g2, 2, encodeScalars(lagrangeAt(p)));
      return times(g1, 1, encodeScalars(lagrangeAt(p), sourceId === 4 ? secrets.alpha : secrets.beta));
    };
    await writePreparedPtau(sections, ptauPower, lagrange, file);
  } finally {
    await fs.rm(options.work, { recursive: true, force: true });
  }
}
