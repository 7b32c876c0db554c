import { buildBn128 } from "ffjavascript";

import { LifeboatError } from "../errors";
import type { Curve, CurveGroup } from "./groth16-parts";
import { MSM_FUNCTIONS, msmPlugin, scratchBytes, STATE_BYTES } from "./wasm-msm-plugin";

/**
 * Lifeboat's multi-scalar multiplication in WebAssembly: ffjavascript's bn128 curve with the
 * functions of prover/proof/wasm-msm-plugin.ts added to its module (signed digits, batch-affine
 * bucket additions), driven here over the curve's threads.
 */

/** ffjavascript's curve as it runs our functions: the module instance on the calling thread too. */
export interface MsmCurve extends Curve {
  tm: Curve["tm"] & { instance: { exports: Record<string, unknown> } };
  terminate(): Promise<void>;
}

/** BN254's group order r, little-endian: the scalars must be below it. */
const ORDER = (() => {
  let r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1, r >>= 8n) bytes[i] = Number(r & 0xffn);
  return bytes;
})();

/** Bytes of a scalar. */
const SCALAR = 32;

/** How many tasks each multi-scalar multiplication is split into, per curve thread. */
const TASKS_PER_THREAD = 2;

/**
 * Windows whose buckets share the batches of additions: more additions per inversion, but more
 * buckets in the cache: 2, 3 and 6 measured alike on this shared machine, and a little less CPU
 * than 1 (about 1.6 times less than ffjavascript's for G1, against 1.5).
 */
const WINDOWS_PER_GROUP = 3;

/** Largest batch of additions sharing one inversion (a quarter of a group's buckets below that: fewer conflicts). */
const BATCH_MAX = 1024;

type Global = { curve_bn128?: MsmCurve | null };

let building: Promise<MsmCurve> | undefined;
let separate: Promise<MsmCurve> | undefined;

function hasMsm(curve: MsmCurve): boolean {
  const exports = curve.tm.instance.exports;
  return Object.values(MSM_FUNCTIONS).every((names) => Object.values(names).every((name) => typeof exports[name] === "function"));
}

/**
 * ffjavascript's bn128 curve (its threads) with Lifeboat's MSM functions. With no curve cached yet
 * it builds one, which ffjavascript caches in `globalThis.curve_bn128`, so snarkjs shares it (the
 * module is a superset of its own) and `releaseProverThreads` ends it. With a curve cached without
 * them (snarkjs loaded first), it builds a separate one, leaves the cached one in place, and keeps
 * it until `releaseMsmThreads`.
 */
export async function msmCurve(): Promise<MsmCurve> {
  const global = globalThis as Global;
  const cached = global.curve_bn128;
  if (cached !== undefined && cached !== null && hasMsm(cached)) return cached;
  if (cached === undefined || cached === null) {
    // One build for concurrent callers; ffjavascript caches it in the global when done.
    building ??= buildBn128(false, msmPlugin as (module: never) => void).then(
      (curve) => {
        building = undefined;
        if (!hasMsm(curve as MsmCurve)) throw new LifeboatError("ffjavascript returned a bn128 curve without Lifeboat's MSM functions");
        return curve as MsmCurve;
      },
      (error: unknown) => {
        building = undefined;
        throw error;
      },
    );
    return building;
  }
  separate ??= (async () => {
    global.curve_bn128 = null;
    let curve: MsmCurve;
    try {
      curve = (await buildBn128(false, msmPlugin as (module: never) => void)) as MsmCurve;
    } finally {
      global.curve_bn128 = cached;
    }
    if (!hasMsm(curve)) throw new LifeboatError("ffjavascript returned a bn128 curve without Lifeboat's MSM functions");
    const terminate = curve.tm as unknown as { terminate(): Promise<void> };
    curve.terminate = async () => {
      separate = undefined;
      await terminate.terminate();
    };
    return curve;
  })();
  separate.catch(() => (separate = undefined));
  return separate;
}

/** Ends the threads of a curve msmCurve built apart from ffjavascript's cached one, if any. */
export async function releaseMsmThreads(): Promise<void> {
  if (separate !== undefined) await (await separate).terminate();
}

/**
 * Signed-digit window width by the number of points: about log2(n) - 3, which balances the n
 * additions per window against the 2^(c-1) buckets summed per window.
 */
export function windowBits(points: number): number {
  return Math.max(1, Math.min(16, Math.round(Math.log2(points)) - 3));
}

/** Index of the first 32-byte little-endian scalar not below the group order r, or -1. */
export function firstUnreduced(scalars: Uint8Array): number {
  for (let i = 0; i < scalars.length; i += SCALAR) {
    if (scalars[i + 31]! < ORDER[31]!) continue;
    for (let j = 31; j >= 0; j -= 1) {
      const a = scalars[i + j]!;
      const b = ORDER[j]!;
      if (a < b) break;
      if (a > b || j === 0) return i / SCALAR;
    }
  }
  return -1;
}

/**
 * sum(scalars[i] * bases[i]) in G1 or G2, as ffjavascript's `G.multiExpAffine` computes it, with
 * Lifeboat's WebAssembly functions over the curve's threads. `bases`: n affine points as the zkey
 * holds them (Montgomery form, x and y, the point at infinity all zero bytes); `scalars`: n 32-byte
 * little-endian integers, each below the group order r (a scalar >= r is refused: it names the
 * first such index; the witness and H's scalars always are below r). Returns a Jacobian point
 * (ffjavascript's form).
 */
export async function msmAffine(curve: MsmCurve, group: "G1" | "G2", bases: Uint8Array, scalars: Uint8Array): Promise<unknown> {
  const G: CurveGroup = curve[group];
  const n8 = G.F.n8;
  const points = bases.length / (2 * n8);
  if (!Number.isInteger(points) || scalars.length !== points * SCALAR) {
    throw new LifeboatError(`${group} multi-scalar multiplication: ${bases.length} bytes of bases for ${scalars.length} bytes of scalars`);
  }
  const unreduced = firstUnreduced(scalars);
  if (unreduced >= 0) throw new LifeboatError(`${group} multi-scalar multiplication: scalar ${unreduced} is not below the group order r`);
  if (points === 0) return G.zero;
  const names = MSM_FUNCTIONS[group];
  const bits = windowBits(points);
  // Signed digits carry into the window above: windows * bits >= 255 covers scalars below 2^254.
  const windows = Math.ceil(255 / bits);
  const buckets = 2 ** (bits - 1);
  const jacobian = 3 * n8;
  const tasks = Math.min(windows, curve.tm.concurrency * TASKS_PER_THREAD);
  const results: Promise<Uint8Array[]>[] = [];
  for (let task = 0; task < tasks; task += 1) {
    const first = Math.floor((task * windows) / tasks);
    const count = Math.floor(((task + 1) * windows) / tasks) - first;
    // The task's windows in groups that share batches (lbWindows).
    const group = Math.min(count, WINDOWS_PER_GROUP);
    const batchMax = Math.max(1, Math.min(BATCH_MAX, (group * buckets) >> 2));
    const calls = [];
    for (let at = 0; at < count; at += group) {
      const size = Math.min(group, count - at);
      // state, bases, digits, points, buckets per window, windows, where the windows' sums go
      calls.push({
        cmd: "CALL",
        fnName: names.windows,
        params: [
          { var: 4 },
          { var: 0 },
          { var: 2, offset: at * points * 4 },
          { val: points },
          { val: buckets },
          { val: size },
          { var: 3, offset: at * jacobian },
        ],
      });
    }
    results.push(
      curve.tm.queueAction([
        { cmd: "ALLOCSET", var: 0, buff: bases },
        { cmd: "ALLOCSET", var: 1, buff: scalars },
        { cmd: "ALLOC", var: 2, len: count * points * 4 },
        { cmd: "ALLOC", var: 3, len: count * jacobian },
        { cmd: "ALLOC", var: 4, len: scratchBytes(n8, points, bits, group, batchMax) },
        // scalars, points, bits, first window, windows, bases, digits
        {
          cmd: "CALL",
          fnName: names.recode,
          params: [{ var: 1 }, { val: points }, { val: bits }, { val: first }, { val: count }, { var: 0 }, { var: 2 }],
        },
        // state, scratch after it, deferred points at most, buckets in all, batch size
        {
          cmd: "CALL",
          fnName: names.init,
          params: [{ var: 4 }, { var: 4, offset: STATE_BYTES }, { val: points * group }, { val: group * buckets }, { val: batchMax }],
        },
        ...calls,
        { cmd: "GET", out: 0, var: 3, len: count * jacobian },
      ]),
    );
  }
  const sums = (await Promise.all(results)).flatMap(([out]) =>
    Array.from({ length: out!.length / jacobian }, (_, k) => out!.subarray(k * jacobian, (k + 1) * jacobian)),
  );
  let result = G.zero;
  for (let window = windows - 1; window >= 0; window -= 1) {
    if (!G.isZero(result)) for (let bit = 0; bit < bits; bit += 1) result = G.double(result);
    result = G.add(result, sums[window]);
  }
  return result;
}
