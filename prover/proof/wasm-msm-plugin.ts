/**
 * WebAssembly functions added to ffjavascript's bn128 module (through buildBn128's `plugins`
 * hook, so every curve thread instantiates them): a Pippenger multi-scalar multiplication with
 * signed digits and batch-affine bucket additions, for G1 over Fq and G2 over Fq2. They are written
 * with wasmbuilder's code builder and call wasmcurves' own field and curve functions
 * (f1m_mul, f2m_inverse, g1m_addMixed, ...). prover/proof/wasm-msm.ts drives them.
 *
 * Per window of c bits, the points go into 2^(c-1) buckets by |digit| (a negative digit adds the
 * negated point). A bucket's first point is copied into it; later ones wait in a batch of
 * additions that share one field inversion (Montgomery's trick), each batch holding a bucket at
 * most once. A point whose bucket is already in the open batch is deferred to a second round over
 * the deferred ones; in conflict again, it goes into the bucket's Jacobian overflow with a mixed
 * addition (ffjavascript's way), so a window with few distinct digits (the top one) costs no more
 * than ffjavascript's. Equal points double (denominator 2y); opposite points empty the bucket.
 * Buckets are summed as sum_b b * B_b with the running-sum method in Jacobian coordinates. A few
 * windows are done together (lbWindows): a point goes into its bucket in each in turn, so a batch
 * spans their buckets.
 */

/** wasmbuilder's code builder: each operation returns the bytes of its WebAssembly code. */
type Code = number[];
interface CodeBuilder {
  [operation: string]: (...args: unknown[]) => Code;
}
interface FunctionBuilder {
  addParam(name: string, type: "i32"): void;
  addLocal(name: string, type: "i32"): void;
  setReturnType(type: "i32"): void;
  getCodeBuilder(): CodeBuilder;
  addCode(...code: Code[]): void;
}
/** The part of wasmbuilder's ModuleBuilder the plugin uses. */
export interface ModuleBuilder {
  addFunction(name: string): FunctionBuilder;
  exportFunction(name: string): void;
}

/** Exported function names, by group. */
export const MSM_FUNCTIONS = {
  G1: { recode: "g1m_lbRecode", init: "g1m_lbInit", windows: "g1m_lbWindows" },
  G2: { recode: "g2m_lbRecode", init: "g2m_lbInit", windows: "g2m_lbWindows" },
} as const;

/** Bytes of the state block lbInit fills (i32 fields, see STATE). */
export const STATE_BYTES = 64;
/** Field element temporaries after the batch: 5 field elements, then a Jacobian point, then one more. */
const TEMPS = 9;

// The state block: i32 fields at these offsets.
const STATE = { count: 0, batchMax: 4, buckets: 8, flags: 12, idx: 16, pt: 20, den: 24, acc: 28, tmp: 32, deferred: 36, overflow: 40 } as const;

// A bucket's flags: its affine point is set; it is in the open batch; its Jacobian overflow is set.
const AFFINE = 1;
const BUSY = 2;
const OVERFLOW = 4;

/** Bytes of scratch memory lbInit lays out for `points` points in `windows` windows of 2^(bits-1) buckets, batches of `batchMax`. */
export function scratchBytes(fieldBytes: number, points: number, bits: number, windows: number, batchMax: number): number {
  const buckets = windows * 2 ** (bits - 1);
  return STATE_BYTES + buckets * (5 * fieldBytes + 4) + batchMax * (4 + 4 * fieldBytes) + TEMPS * fieldBytes + points * windows * 8;
}

/** Adds the multi-scalar multiplication functions for G1 (field f1m, 32 bytes) and G2 (f2m, 64 bytes). */
export function msmPlugin(module: ModuleBuilder): void {
  buildGroup(module, "g1m", "f1m", 32);
  buildGroup(module, "g2m", "f2m", 64);
}

function buildGroup(module: ModuleBuilder, g: string, f: string, n8: number): void {
  const affine = 2 * n8;

  /*
   * lbRecode(pScalars, n, c, firstWindow, windows, pBases, pDigits): signed c-bit digits of n
   * 32-byte little-endian scalars (each < 2^254), digits in (-2^(c-1), 2^(c-1)], for windows
   * firstWindow .. firstWindow + windows - 1, as i32 at pDigits[(w - firstWindow) * n + i]. A base
   * at infinity (x = y = 0) gets digits 0.
   */
  {
    const fn = module.addFunction(`${g}_lbRecode`);
    for (const p of ["pScalars", "n", "c", "first", "windows", "pBases", "pDigits"]) fn.addParam(p, "i32");
    for (const l of ["i", "w", "bit", "width", "carry", "d", "half", "full", "pS", "inf", "end"]) fn.addLocal(l, "i32");
    const c = fn.getCodeBuilder();
    const get = (name: string): Code => c.getLocal!(name);
    const set = (name: string, value: Code): Code => c.setLocal!(name, value);
    const i32 = (value: number): Code => c.i32_const!(value);
    // The c bits of the scalar at pS from `bit` (0 past bit 255): four bytes hold them (c <= 16).
    const bits = [
      ...set("width", get("c")),
      ...c.if!(c.i32_gt_u!(c.i32_add!(get("bit"), get("c")), i32(256)), set("width", c.i32_sub!(i32(256), get("bit")))),
      ...c.if!(
        c.i32_ge_u!(get("bit"), i32(256)),
        set("d", i32(0)),
        set(
          "d",
          c.i32_and!(
            c.i32_shr_u!(c.i32_load!(c.i32_add!(get("pS"), c.i32_shr_u!(get("bit"), i32(3))), 0, 0), c.i32_and!(get("bit"), i32(7))),
            // c bits, or fewer when the window reaches past bit 255 (the next scalar's bytes follow)
            c.i32_sub!(c.i32_shl!(i32(1), get("width")), i32(1)),
          ),
        ),
      ),
    ];
    fn.addCode(
      set("half", c.i32_shl!(i32(1), c.i32_sub!(get("c"), i32(1)))),
      set("full", c.i32_shl!(i32(1), get("c"))),
      set("end", c.i32_add!(get("first"), get("windows"))),
      set("i", i32(0)),
      c.block!(
        c.loop!(
          c.br_if!(1, c.i32_ge_u!(get("i"), get("n"))),
          set("pS", c.i32_add!(get("pScalars"), c.i32_shl!(get("i"), i32(5)))),
          set("inf", c.call!(`${g}_isZeroAffine`, c.i32_add!(get("pBases"), c.i32_mul!(get("i"), i32(affine))))),
          set("carry", i32(0)),
          set("w", i32(0)),
          c.block!(
            c.loop!(
              c.br_if!(1, c.i32_ge_u!(get("w"), get("end"))),
              set("bit", c.i32_mul!(get("w"), get("c"))),
              bits,
              set("d", c.i32_add!(get("d"), get("carry"))),
              c.if!(c.i32_gt_s!(get("d"), get("half")), [...set("d", c.i32_sub!(get("d"), get("full"))), ...set("carry", i32(1))], set("carry", i32(0))),
              c.if!(
                c.i32_ge_u!(get("w"), get("first")),
                c.i32_store!(
                  c.i32_add!(get("pDigits"), c.i32_shl!(c.i32_add!(c.i32_mul!(c.i32_sub!(get("w"), get("first")), get("n")), get("i")), i32(2))),
                  c.i32_mul!(get("d"), c.i32_eqz!(get("inf"))),
                ),
              ),
              set("w", c.i32_add!(get("w"), i32(1))),
              c.br!(0),
            ),
          ),
          set("i", c.i32_add!(get("i"), i32(1))),
          c.br!(0),
        ),
      ),
    );
    module.exportFunction(`${g}_lbRecode`);
  }

  /*
   * lbInit(pS, pScratch, n, buckets, batchMax): lays out the scratch memory (scratchBytes) behind
   * the state block at pS, for `buckets` buckets in all and up to n deferred points (points times
   * windows).
   */
  {
    const fn = module.addFunction(`${g}_lbInit`);
    for (const p of ["pS", "pScratch", "n", "buckets", "batchMax"]) fn.addParam(p, "i32");
    fn.addLocal("p", "i32");
    const c = fn.getCodeBuilder();
    const get = (name: string): Code => c.getLocal!(name);
    const i32 = (value: number): Code => c.i32_const!(value);
    const field = (offset: number, value: Code): Code => c.i32_store!(get("pS"), offset, value);
    // Stores the current pointer into the state field, then advances it by `bytes`.
    const take = (offset: number, bytes: Code): Code => [...field(offset, get("p")), ...c.setLocal!("p", c.i32_add!(get("p"), bytes))];
    fn.addCode(
      field(STATE.count, i32(0)),
      field(STATE.batchMax, get("batchMax")),
      c.setLocal!("p", get("pScratch")),
      take(STATE.buckets, c.i32_mul!(get("buckets"), i32(affine))),
      take(STATE.flags, c.i32_shl!(get("buckets"), i32(2))),
      take(STATE.idx, c.i32_shl!(get("batchMax"), i32(2))),
      take(STATE.pt, c.i32_mul!(get("batchMax"), i32(affine))),
      take(STATE.den, c.i32_mul!(get("batchMax"), i32(n8))),
      take(STATE.acc, c.i32_mul!(get("batchMax"), i32(n8))),
      take(STATE.tmp, i32(TEMPS * n8)),
      take(STATE.deferred, c.i32_shl!(get("n"), i32(3))),
      take(STATE.overflow, c.i32_mul!(get("buckets"), i32(3 * n8))),
    );
    module.exportFunction(`${g}_lbInit`);
  }

  /* lbFlush(pS): runs the open batch of additions with one inversion, then empties it. */
  {
    const fn = module.addFunction(`${g}_lbFlush`);
    fn.addParam("pS", "i32");
    for (const l of ["m", "k", "idx", "pB", "pP", "tmp", "b", "pFlag"]) fn.addLocal(l, "i32");
    const c = fn.getCodeBuilder();
    const get = (name: string): Code => c.getLocal!(name);
    const set = (name: string, value: Code): Code => c.setLocal!(name, value);
    const i32 = (value: number): Code => c.i32_const!(value);
    const state = (offset: number): Code => c.i32_load!(get("pS"), offset);
    const den = (k: Code): Code => c.i32_add!(state(STATE.den), c.i32_mul!(k, i32(n8)));
    const acc = (k: Code): Code => c.i32_add!(state(STATE.acc), c.i32_mul!(k, i32(n8)));
    const t = (j: number): Code => c.i32_add!(get("tmp"), i32(j * n8));
    const [inv, di, lambda, x3, s] = [t(0), t(1), t(2), t(3), t(4)];
    const xB = get("pB");
    const yB = c.i32_add!(get("pB"), i32(n8));
    const xP = get("pP");
    const yP = c.i32_add!(get("pP"), i32(n8));
    fn.addCode(
      set("m", state(STATE.count)),
      c.if!(c.i32_eqz!(get("m")), c.ret!([])),
      set("tmp", state(STATE.tmp)),
      // acc[k] = den[0] * ... * den[k]
      c.call!(`${f}_copy`, den(i32(0)), acc(i32(0))),
      set("k", i32(1)),
      c.block!(
        c.loop!(
          c.br_if!(1, c.i32_ge_u!(get("k"), get("m"))),
          c.call!(`${f}_mul`, acc(c.i32_sub!(get("k"), i32(1))), den(get("k")), acc(get("k"))),
          set("k", c.i32_add!(get("k"), i32(1))),
          c.br!(0),
        ),
      ),
      c.call!(`${f}_inverse`, acc(c.i32_sub!(get("m"), i32(1))), inv),
      set("k", get("m")),
      c.block!(
        c.loop!(
          c.br_if!(1, c.i32_eqz!(get("k"))),
          set("k", c.i32_sub!(get("k"), i32(1))),
          // di = 1 / den[k]; inv becomes 1 / (den[0] * ... * den[k - 1])
          c.if!(
            get("k"),
            [...c.call!(`${f}_mul`, inv, acc(c.i32_sub!(get("k"), i32(1))), di), ...c.call!(`${f}_mul`, inv, den(get("k")), inv)],
            c.call!(`${f}_copy`, inv, di),
          ),
          set("idx", c.i32_load!(c.i32_add!(state(STATE.idx), c.i32_shl!(get("k"), i32(2))))),
          set("b", c.i32_shr_u!(get("idx"), i32(1))),
          set("pB", c.i32_add!(state(STATE.buckets), c.i32_mul!(get("b"), i32(affine)))),
          set("pP", c.i32_add!(state(STATE.pt), c.i32_mul!(get("k"), i32(affine)))),
          // lambda = (yP - yB) / (xP - xB), or 3 xB^2 / (2 yB) when doubling
          c.if!(
            c.i32_and!(get("idx"), i32(1)),
            [...c.call!(`${f}_square`, xB, s), ...c.call!(`${f}_add`, s, s, lambda), ...c.call!(`${f}_add`, lambda, s, s)],
            c.call!(`${f}_sub`, yP, yB, s),
          ),
          c.call!(`${f}_mul`, s, di, lambda),
          // x3 = lambda^2 - xB - xP; y3 = lambda (xB - x3) - yB
          c.call!(`${f}_square`, lambda, x3),
          c.call!(`${f}_sub`, x3, xB, x3),
          c.call!(`${f}_sub`, x3, xP, x3),
          c.call!(`${f}_sub`, xB, x3, s),
          c.call!(`${f}_mul`, lambda, s, s),
          c.call!(`${f}_sub`, s, yB, yB),
          c.call!(`${f}_copy`, x3, xB),
          set("pFlag", c.i32_add!(state(STATE.flags), c.i32_shl!(get("b"), i32(2)))),
          c.i32_store!(get("pFlag"), c.i32_or!(c.i32_and!(c.i32_load!(get("pFlag")), i32(OVERFLOW)), i32(AFFINE))),
          c.br!(0),
        ),
      ),
      c.i32_store!(get("pS"), STATE.count, i32(0)),
    );
  }

  /*
   * lbPut(pS, pPoint, d, last) -> 1 if deferred: puts d * point (d != 0 a signed digit) into bucket
   * |d| - 1: copied into an empty bucket, else added in the open batch (run when full). When the
   * bucket is already in the open batch, returns 1 doing nothing, or, if `last`, adds the point to
   * the bucket's Jacobian overflow (a mixed addition, as ffjavascript's Pippenger does for all).
   */
  {
    const fn = module.addFunction(`${g}_lbPut`);
    for (const p of ["pS", "pPoint", "d", "last"]) fn.addParam(p, "i32");
    fn.setReturnType("i32");
    for (const l of ["b", "neg", "pFlag", "flag", "pB", "pP", "pO", "k"]) fn.addLocal(l, "i32");
    const c = fn.getCodeBuilder();
    const get = (name: string): Code => c.getLocal!(name);
    const set = (name: string, value: Code): Code => c.setLocal!(name, value);
    const i32 = (value: number): Code => c.i32_const!(value);
    const state = (offset: number): Code => c.i32_load!(get("pS"), offset);
    const y = (point: string): Code => c.i32_add!(get(point), i32(n8));
    // Copies the point to `to`, negated when the digit is negative.
    const copySigned = (to: string): Code => [...c.call!(`${g}_copyAffine`, get("pPoint"), get(to)), ...c.if!(get("neg"), c.call!(`${f}_neg`, y(to), y(to)))];
    const den = c.i32_add!(state(STATE.den), c.i32_mul!(get("k"), i32(n8)));
    const entry = c.i32_add!(state(STATE.idx), c.i32_shl!(get("k"), i32(2)));
    fn.addCode(
      c.if!(c.i32_eqz!(get("d")), c.ret!(i32(0))),
      set("neg", c.i32_lt_s!(get("d"), i32(0))),
      set("b", c.i32_sub!(get("d"), i32(1))),
      c.if!(get("neg"), set("b", c.i32_sub!(c.i32_sub!(i32(0), get("d")), i32(1)))),
      set("pFlag", c.i32_add!(state(STATE.flags), c.i32_shl!(get("b"), i32(2)))),
      set("flag", c.i32_load!(get("pFlag"))),
      c.if!(c.i32_and!(get("flag"), i32(BUSY)), [
        ...c.if!(c.i32_eqz!(get("last")), c.ret!(i32(1))),
        // the overflow: the signed point (in the temporaries, unused outside lbFlush) added in
        ...set("pP", state(STATE.tmp)),
        ...copySigned("pP"),
        ...set("pO", c.i32_add!(state(STATE.overflow), c.i32_mul!(get("b"), i32(3 * n8)))),
        ...c.if!(c.i32_eqz!(c.i32_and!(get("flag"), i32(OVERFLOW))), c.call!(`${g}_zero`, get("pO"))),
        ...c.call!(`${g}_addMixed`, get("pO"), get("pP"), get("pO")),
        ...c.i32_store!(get("pFlag"), c.i32_or!(get("flag"), i32(OVERFLOW))),
        ...c.ret!(i32(0)),
      ]),
      set("pB", c.i32_add!(state(STATE.buckets), c.i32_mul!(get("b"), i32(affine)))),
      c.if!(c.i32_eqz!(c.i32_and!(get("flag"), i32(AFFINE))), [
        ...copySigned("pB"),
        ...c.i32_store!(get("pFlag"), c.i32_or!(get("flag"), i32(AFFINE))),
        ...c.ret!(i32(0)),
      ]),
      set("k", state(STATE.count)),
      set("pP", c.i32_add!(state(STATE.pt), c.i32_mul!(get("k"), i32(affine)))),
      copySigned("pP"),
      c.if!(
        c.call!(`${f}_eq`, get("pB"), get("pP")),
        c.if!(
          c.call!(`${f}_eq`, y("pB"), y("pP")),
          // equal points: double, denominator 2y
          [...c.call!(`${f}_add`, y("pB"), y("pB"), den), ...c.i32_store!(entry, c.i32_add!(c.i32_shl!(get("b"), i32(1)), i32(1)))],
          // opposite points: the bucket's affine point is gone
          [...c.i32_store!(get("pFlag"), c.i32_and!(get("flag"), i32(OVERFLOW))), ...c.ret!(i32(0))],
        ),
        [...c.call!(`${f}_sub`, get("pP"), get("pB"), den), ...c.i32_store!(entry, c.i32_shl!(get("b"), i32(1)))],
      ),
      c.i32_store!(get("pFlag"), c.i32_or!(get("flag"), i32(BUSY))),
      c.i32_store!(get("pS"), STATE.count, c.i32_add!(get("k"), i32(1))),
      c.if!(c.i32_ge_u!(c.i32_add!(get("k"), i32(1)), state(STATE.batchMax)), c.call!(`${g}_lbFlush`, get("pS"))),
      i32(0),
    );
  }

  /*
   * lbWindows(pS, pBases, pDigits, n, buckets, windows, pr): the sums of `windows` windows,
   * sum_b (b + 1) * bucket_b in each, as Jacobian points at pr, pr + 3 n8, ..., from the n points'
   * digits at pDigits (window by window). The windows share the batches: a point goes into its
   * bucket in every window in turn, window w's buckets numbered from w * buckets, so a batch spans
   * all their buckets (fewer conflicts, more additions per inversion). Two rounds: every point, then
   * the ones deferred (whose bucket was in the open batch), which go to the overflow if still in
   * conflict.
   */
  {
    const fn = module.addFunction(`${g}_lbWindows`);
    for (const p of ["pS", "pBases", "pDigits", "n", "buckets", "windows", "pr"]) fn.addParam(p, "i32");
    for (const l of ["i", "w", "d", "s", "j", "nDef", "pList", "b", "end", "flag", "pRun", "pOut"]) fn.addLocal(l, "i32");
    const c = fn.getCodeBuilder();
    const get = (name: string): Code => c.getLocal!(name);
    const set = (name: string, value: Code): Code => c.setLocal!(name, value);
    const i32 = (value: number): Code => c.i32_const!(value);
    const state = (offset: number): Code => c.i32_load!(get("pS"), offset);
    const inc = (name: string): Code => set(name, c.i32_add!(get(name), i32(1)));
    const base = (i: Code): Code => c.i32_add!(get("pBases"), c.i32_mul!(i, i32(affine)));
    const listed = (j: Code): Code => c.i32_add!(get("pList"), c.i32_shl!(j, i32(3)));
    // A loop of `name` from `from` while below `to`.
    const loop = (name: string, from: Code, to: Code, ...body: Code[]): Code => [
      ...set(name, from),
      ...c.block!(c.loop!(c.br_if!(1, c.i32_ge_u!(get(name), to)), ...body, inc(name), c.br!(0))),
    ];
    fn.addCode(
      // empty buckets
      loop("b", i32(0), c.i32_mul!(get("buckets"), get("windows")), c.i32_store!(c.i32_add!(state(STATE.flags), c.i32_shl!(get("b"), i32(2))), i32(0))),
      c.i32_store!(get("pS"), STATE.count, i32(0)),
      set("pList", state(STATE.deferred)),
      // first round: every point in every window; (i, s) of the deferred ones listed, s = ±(bucket + 1)
      set("nDef", i32(0)),
      loop(
        "i",
        i32(0),
        get("n"),
        loop(
          "w",
          i32(0),
          get("windows"),
          set("d", c.i32_load!(c.i32_add!(get("pDigits"), c.i32_shl!(c.i32_add!(c.i32_mul!(get("w"), get("n")), get("i")), i32(2))))),
          c.if!(get("d"), [
            ...set("s", c.i32_mul!(get("w"), get("buckets"))),
            ...set("s", c.i32_add!(get("d"), c.i32_sub!(c.i32_mul!(get("s"), c.i32_shl!(c.i32_ge_s!(get("d"), i32(0)), i32(1))), get("s")))),
            ...c.if!(c.call!(`${g}_lbPut`, get("pS"), base(get("i")), get("s"), i32(0)), [
              ...c.i32_store!(listed(get("nDef")), get("i")),
              ...c.i32_store!(listed(get("nDef")), 4, get("s")),
              ...inc("nDef"),
            ]),
          ]),
        ),
      ),
      c.call!(`${g}_lbFlush`, get("pS")),
      // second round: the deferred ones
      loop("j", i32(0), get("nDef"), c.drop!(c.call!(`${g}_lbPut`, get("pS"), base(c.i32_load!(listed(get("j")))), c.i32_load!(listed(get("j")), 4), i32(1)))),
      c.call!(`${g}_lbFlush`, get("pS")),
      // per window, sum_b (b + 1) * bucket_b: running sum from the top bucket down, added up
      set("pRun", c.i32_add!(state(STATE.tmp), i32(5 * n8))),
      loop(
        "w",
        i32(0),
        get("windows"),
        set("pOut", c.i32_add!(get("pr"), c.i32_mul!(get("w"), i32(3 * n8)))),
        c.call!(`${g}_zero`, get("pRun")),
        c.call!(`${g}_zero`, get("pOut")),
        set("end", c.i32_mul!(get("w"), get("buckets"))),
        set("b", c.i32_add!(get("end"), get("buckets"))),
        c.block!(
          c.loop!(
            c.br_if!(1, c.i32_le_u!(get("b"), get("end"))),
            set("b", c.i32_sub!(get("b"), i32(1))),
            set("flag", c.i32_load!(c.i32_add!(state(STATE.flags), c.i32_shl!(get("b"), i32(2))))),
            c.if!(
              c.i32_and!(get("flag"), i32(AFFINE)),
              c.call!(`${g}_addMixed`, get("pRun"), c.i32_add!(state(STATE.buckets), c.i32_mul!(get("b"), i32(affine))), get("pRun")),
            ),
            c.if!(
              c.i32_and!(get("flag"), i32(OVERFLOW)),
              c.call!(`${g}_add`, get("pRun"), c.i32_add!(state(STATE.overflow), c.i32_mul!(get("b"), i32(3 * n8))), get("pRun")),
            ),
            c.if!(c.i32_eqz!(c.call!(`${g}_isZero`, get("pRun"))), c.call!(`${g}_add`, get("pOut"), get("pRun"), get("pOut"))),
            c.br!(0),
          ),
        ),
      ),
    );
    module.exportFunction(`${g}_lbWindows`);
  }
}
