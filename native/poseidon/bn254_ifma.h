// The second half of the batch-affine flush (bn254_curve.h) eight additions at a time, with AVX-512
// IFMA, for G1 and G2 (bn254_ifma_flush.h). Compiled only for CPUs that have it (-march=native on
// them); the scalar flush is the reference and the fallback.
//
// Field elements stay in the addon's representation (4 x 64-bit limbs, Montgomery form with
// R = 2^256). In the vector registers a lane holds one element as 5 limbs of 52 bits. The IFMA
// Montgomery product divides by 2^260 instead of 2^256, so one operand enters it shifted left by
// 4 bits: mont260(16 a, b) = a b / 2^256, the addon's product. (16 a < 2^258 fits the five limbs,
// and 16 a b < q 2^260 keeps the result below 2q before the final subtraction.)
//
// An 8-lane product costs about 4-5 ns against 18 ns for one scalar mulx/adx product on this
// machine's Xeon (docs/benchmarks.md). The batch's entries are split into eight interleaved chains
// (entry k in lane k mod 8), each with its own running product of denominators; the eight chain
// products share one scalar inversion.
#ifndef LIFEBOAT_BN254_IFMA_H
#define LIFEBOAT_BN254_IFMA_H
#if defined(__AVX512F__) && defined(__AVX512IFMA__)
#include <immintrin.h>
#define LIFEBOAT_IFMA 1
#ifndef BUCKET_EMPTY
#define BUCKET_EMPTY 0
#define BUCKET_FULL 1
#define BUCKET_BUSY 2 // full and in the open batch
#endif

#define IFMA_MASK52 0xfffffffffffffull

typedef struct {
  __m512i l[5];
} fq8;

// q in 52-bit limbs.
static const uint64_t IFMA_Q52[5] = {0x8c16d87cfd47ull, 0x916871ca8d3c2ull, 0x181585d97816aull, 0xa029b85045b68ull, 0x30644e72e131ull};

// 8 elements at base + index[lane] * stride (bytes), as 5 x 52-bit limbs.
static inline __attribute__((always_inline)) fq8 fq8_gather(const void *base, __m512i offsets) {
  const __m512i a0 = _mm512_i64gather_epi64(offsets, base, 1);
  const __m512i a1 = _mm512_i64gather_epi64(_mm512_add_epi64(offsets, _mm512_set1_epi64(8)), base, 1);
  const __m512i a2 = _mm512_i64gather_epi64(_mm512_add_epi64(offsets, _mm512_set1_epi64(16)), base, 1);
  const __m512i a3 = _mm512_i64gather_epi64(_mm512_add_epi64(offsets, _mm512_set1_epi64(24)), base, 1);
  const __m512i mask = _mm512_set1_epi64(IFMA_MASK52);
  fq8 r;
  r.l[0] = _mm512_and_si512(a0, mask);
  r.l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a0, 52), _mm512_slli_epi64(a1, 12)), mask);
  r.l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a1, 40), _mm512_slli_epi64(a2, 24)), mask);
  r.l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a2, 28), _mm512_slli_epi64(a3, 36)), mask);
  r.l[4] = _mm512_srli_epi64(a3, 16);
  return r;
}

// The lanes selected by `lanes` written to base + offsets[lane] as 4 x 64-bit limbs.
static inline __attribute__((always_inline)) void fq8_scatter(void *base, __m512i offsets, __mmask8 lanes, fq8 a) {
  const __m512i a0 = _mm512_or_si512(a.l[0], _mm512_slli_epi64(a.l[1], 52));
  const __m512i a1 = _mm512_or_si512(_mm512_srli_epi64(a.l[1], 12), _mm512_slli_epi64(a.l[2], 40));
  const __m512i a2 = _mm512_or_si512(_mm512_srli_epi64(a.l[2], 24), _mm512_slli_epi64(a.l[3], 28));
  const __m512i a3 = _mm512_or_si512(_mm512_srli_epi64(a.l[3], 36), _mm512_slli_epi64(a.l[4], 16));
  _mm512_mask_i64scatter_epi64(base, lanes, offsets, a0, 1);
  _mm512_mask_i64scatter_epi64(base, lanes, _mm512_add_epi64(offsets, _mm512_set1_epi64(8)), a1, 1);
  _mm512_mask_i64scatter_epi64(base, lanes, _mm512_add_epi64(offsets, _mm512_set1_epi64(16)), a2, 1);
  _mm512_mask_i64scatter_epi64(base, lanes, _mm512_add_epi64(offsets, _mm512_set1_epi64(24)), a3, 1);
}

// a < q (normalised limbs) times 16, normalised again (below 2^258: still five limbs).
static inline __attribute__((always_inline)) fq8 fq8_times16(fq8 a) {
  const __m512i mask = _mm512_set1_epi64(IFMA_MASK52);
  fq8 r;
  __m512i carry = _mm512_setzero_si512();
  for (int j = 0; j < 5; j++) {
    const __m512i shifted = _mm512_add_epi64(_mm512_slli_epi64(a.l[j], 4), carry);
    carry = _mm512_srli_epi64(shifted, 52);
    r.l[j] = j < 4 ? _mm512_and_si512(shifted, mask) : shifted;
  }
  return r;
}

// a b / 2^260 mod q, below q, for a < 2^260 and b < q with a b < q 2^260 (normalised limbs).
static inline __attribute__((always_inline)) fq8 fq8_mont260(fq8 a, fq8 b) {
  const __m512i mask = _mm512_set1_epi64(IFMA_MASK52), zero = _mm512_setzero_si512();
  const __m512i qinv = _mm512_set1_epi64(0x87d20782e4866389ull & IFMA_MASK52); // -1/q mod 2^52
  __m512i q[5];
  for (int j = 0; j < 5; j++) q[j] = _mm512_set1_epi64(IFMA_Q52[j]);
  __m512i t0 = zero, t1 = zero, t2 = zero, t3 = zero, t4 = zero, t5 = zero;
  for (int i = 0; i < 5; i++) {
    const __m512i bi = b.l[i];
    t0 = _mm512_madd52lo_epu64(t0, a.l[0], bi);
    t1 = _mm512_madd52hi_epu64(t1, a.l[0], bi);
    t1 = _mm512_madd52lo_epu64(t1, a.l[1], bi);
    t2 = _mm512_madd52hi_epu64(t2, a.l[1], bi);
    t2 = _mm512_madd52lo_epu64(t2, a.l[2], bi);
    t3 = _mm512_madd52hi_epu64(t3, a.l[2], bi);
    t3 = _mm512_madd52lo_epu64(t3, a.l[3], bi);
    t4 = _mm512_madd52hi_epu64(t4, a.l[3], bi);
    t4 = _mm512_madd52lo_epu64(t4, a.l[4], bi);
    t5 = _mm512_madd52hi_epu64(t5, a.l[4], bi);
    const __m512i m = _mm512_madd52lo_epu64(zero, _mm512_and_si512(t0, mask), qinv);
    t0 = _mm512_madd52lo_epu64(t0, m, q[0]);
    t1 = _mm512_madd52hi_epu64(t1, m, q[0]);
    t1 = _mm512_madd52lo_epu64(t1, m, q[1]);
    t2 = _mm512_madd52hi_epu64(t2, m, q[1]);
    t2 = _mm512_madd52lo_epu64(t2, m, q[2]);
    t3 = _mm512_madd52hi_epu64(t3, m, q[2]);
    t3 = _mm512_madd52lo_epu64(t3, m, q[3]);
    t4 = _mm512_madd52hi_epu64(t4, m, q[3]);
    t4 = _mm512_madd52lo_epu64(t4, m, q[4]);
    t5 = _mm512_madd52hi_epu64(t5, m, q[4]);
    // t0 is now 0 mod 2^52: carry its high part and shift the accumulator down one limb.
    t1 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
    t0 = t1;
    t1 = t2;
    t2 = t3;
    t3 = t4;
    t4 = t5;
    t5 = zero;
  }
  t1 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
  t0 = _mm512_and_si512(t0, mask);
  t2 = _mm512_add_epi64(t2, _mm512_srli_epi64(t1, 52));
  t1 = _mm512_and_si512(t1, mask);
  t3 = _mm512_add_epi64(t3, _mm512_srli_epi64(t2, 52));
  t2 = _mm512_and_si512(t2, mask);
  t4 = _mm512_add_epi64(t4, _mm512_srli_epi64(t3, 52));
  t3 = _mm512_and_si512(t3, mask);
  const __m512i t[5] = {t0, t1, t2, t3, t4};
  __m512i d[5], borrow = zero;
  for (int j = 0; j < 5; j++) {
    const __m512i x = _mm512_sub_epi64(_mm512_sub_epi64(t[j], q[j]), borrow);
    borrow = _mm512_srli_epi64(x, 63);
    d[j] = j < 4 ? _mm512_and_si512(x, mask) : x;
  }
  const __mmask8 below = _mm512_cmpneq_epi64_mask(borrow, zero); // t < q: keep t
  fq8 r;
  for (int j = 0; j < 5; j++) r.l[j] = _mm512_mask_blend_epi64(below, d[j], t[j]);
  return r;
}

// The addon's Montgomery product a b / 2^256 (a, b < q).
static inline __attribute__((always_inline)) fq8 fq8_mul(fq8 a, fq8 b) { return fq8_mont260(fq8_times16(a), b); }

// a - b mod q for a, b < q.
static inline __attribute__((always_inline)) fq8 fq8_sub(fq8 a, fq8 b) {
  const __m512i mask = _mm512_set1_epi64(IFMA_MASK52), zero = _mm512_setzero_si512();
  __m512i d[5], borrow = zero;
  for (int j = 0; j < 5; j++) {
    const __m512i x = _mm512_sub_epi64(_mm512_sub_epi64(a.l[j], b.l[j]), borrow);
    borrow = _mm512_srli_epi64(x, 63);
    d[j] = _mm512_and_si512(x, mask);
  }
  const __mmask8 negative = _mm512_cmpneq_epi64_mask(borrow, zero);
  fq8 r;
  __m512i carry = zero;
  for (int j = 0; j < 5; j++) {
    const __m512i x = _mm512_add_epi64(_mm512_add_epi64(d[j], _mm512_maskz_mov_epi64(negative, _mm512_set1_epi64(IFMA_Q52[j]))), carry);
    carry = _mm512_srli_epi64(x, 52);
    r.l[j] = _mm512_and_si512(x, mask);
  }
  return r;
}

// a + b mod q for a, b < q.
static inline __attribute__((always_inline)) fq8 fq8_add(fq8 a, fq8 b) {
  const __m512i mask = _mm512_set1_epi64(IFMA_MASK52), zero = _mm512_setzero_si512();
  __m512i sum[5], carry = zero;
  for (int j = 0; j < 5; j++) {
    const __m512i x = _mm512_add_epi64(_mm512_add_epi64(a.l[j], b.l[j]), carry);
    carry = _mm512_srli_epi64(x, 52);
    sum[j] = j < 4 ? _mm512_and_si512(x, mask) : x;
  }
  __m512i d[5], borrow = zero;
  for (int j = 0; j < 5; j++) {
    const __m512i x = _mm512_sub_epi64(_mm512_sub_epi64(sum[j], _mm512_set1_epi64(IFMA_Q52[j])), borrow);
    borrow = _mm512_srli_epi64(x, 63);
    d[j] = j < 4 ? _mm512_and_si512(x, mask) : x;
  }
  const __mmask8 below = _mm512_cmpneq_epi64_mask(borrow, zero); // a + b < q: keep the sum
  fq8 r;
  for (int j = 0; j < 5; j++) r.l[j] = _mm512_mask_blend_epi64(below, d[j], sum[j]);
  return r;
}

static inline __attribute__((always_inline)) fq8 fq8_sqr(fq8 a) { return fq8_mul(a, a); }

static inline __attribute__((always_inline)) fq8 fq8_blend(__mmask8 lanes, fq8 keep, fq8 take) {
  fq8 r;
  for (int j = 0; j < 5; j++) r.l[j] = _mm512_mask_blend_epi64(lanes, keep.l[j], take.l[j]);
  return r;
}

// ---- G2: the same over Fq2 = Fq[u] / (u^2 + 1), eight elements of Fq2 as two fq8 ---------------------

typedef struct {
  fq8 c0, c1;
} fq2x8;

// Elements of 64 bytes (c0 then c1) at base + offsets[lane].
static inline __attribute__((always_inline)) fq2x8 fq2x8_gather(const void *base, __m512i offsets) {
  fq2x8 r = {fq8_gather(base, offsets), fq8_gather(base, _mm512_add_epi64(offsets, _mm512_set1_epi64(32)))};
  return r;
}

static inline __attribute__((always_inline)) void fq2x8_scatter(void *base, __m512i offsets, __mmask8 lanes, fq2x8 a) {
  fq8_scatter(base, offsets, lanes, a.c0);
  fq8_scatter(base, _mm512_add_epi64(offsets, _mm512_set1_epi64(32)), lanes, a.c1);
}

static inline __attribute__((always_inline)) fq2x8 fq2x8_sub(fq2x8 a, fq2x8 b) {
  fq2x8 r = {fq8_sub(a.c0, b.c0), fq8_sub(a.c1, b.c1)};
  return r;
}

// Karatsuba, as fq2_mul: three products.
static inline __attribute__((always_inline)) fq2x8 fq2x8_mul(fq2x8 a, fq2x8 b) {
  const fq8 t0 = fq8_mul(a.c0, b.c0);
  const fq8 t1 = fq8_mul(a.c1, b.c1);
  const fq8 t2 = fq8_mul(fq8_add(a.c0, a.c1), fq8_add(b.c0, b.c1));
  fq2x8 r = {fq8_sub(t0, t1), fq8_sub(fq8_sub(t2, t0), t1)};
  return r;
}

// As fq2_sqr: (a0 + a1)(a0 - a1) + 2 a0 a1 u.
static inline __attribute__((always_inline)) fq2x8 fq2x8_sqr(fq2x8 a) {
  const fq8 t = fq8_mul(a.c0, a.c1);
  fq2x8 r = {fq8_mul(fq8_add(a.c0, a.c1), fq8_sub(a.c0, a.c1)), fq8_add(t, t)};
  return r;
}

static inline __attribute__((always_inline)) fq2x8 fq2x8_blend(__mmask8 lanes, fq2x8 keep, fq2x8 take) {
  fq2x8 r = {fq8_blend(lanes, keep.c0, take.c0), fq8_blend(lanes, keep.c1, take.c1)};
  return r;
}


// The flush itself, once per group (bn254_ifma_flush.h).
#define IFMA_VECTOR fq8
#define IFMA_SCALAR fq
#define IFMA_ELEMENT_SHIFT 5 // 32-byte elements
#define IFMA_FLUSH_NAME g1_flush_ifma
#include "bn254_ifma_flush.h"
#undef IFMA_VECTOR
#undef IFMA_SCALAR
#undef IFMA_ELEMENT_SHIFT
#undef IFMA_FLUSH_NAME

#define IFMA_VECTOR fq2x8
#define IFMA_SCALAR fq2
#define IFMA_ELEMENT_SHIFT 6 // 64-byte elements
#define IFMA_FLUSH_NAME g2_flush_ifma
#include "bn254_ifma_flush.h"
#undef IFMA_VECTOR
#undef IFMA_SCALAR
#undef IFMA_ELEMENT_SHIFT
#undef IFMA_FLUSH_NAME

#endif
#endif
