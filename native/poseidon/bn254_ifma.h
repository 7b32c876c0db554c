// The second half of G1's batch-affine flush (bn254_curve.h) eight additions at a time, with AVX-512
// IFMA. Compiled only for CPUs that have it (-march=native on them); the scalar flush is the
// reference and the fallback.
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

static inline fq8 fq8_broadcast_lanes(const uint64_t lanes[8][4]) {
  const __m512i offsets = _mm512_setr_epi64(0, 32, 64, 96, 128, 160, 192, 224);
  return fq8_gather(lanes, offsets);
}

static inline void fq8_extract_lanes(fq8 a, uint64_t lanes[8][4]) {
  const __m512i offsets = _mm512_setr_epi64(0, 32, 64, 96, 128, 160, 192, 224);
  fq8_scatter(lanes, offsets, 0xff, a);
}

// The slopes and sums of a G1 batch: for every entry k < count, with bucket b = buckets[bucket[k]]
// and point p = points[k] (affine, 8 limbs each: x then y), numerator[k] / denominator[k] is the
// slope (computed by the caller, with the doubling and cancellation cases settled: a cancelled
// entry has denominator one and cancels[k] set). Each bucket becomes b + p, or empty when
// cancelled. scratch holds 2 * ceil(count / 8) * 8 elements of 4 limbs. Returns 0, or -1 if the
// inversion's input was zero (impossible: every denominator is nonzero).
static int g1_flush_ifma(uint64_t *buckets, const uint32_t *bucket, const uint64_t *points, const void *numerator, const void *denominator,
                         const uint8_t *cancels, uint8_t *state, size_t count, void *prefix_memory) {
  fq8 *prefix = (fq8 *)prefix_memory;
  const size_t groups = (count + 7) / 8;
  const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
  uint64_t one_lanes[8][4];
  for (int l = 0; l < 8; l++) memcpy(one_lanes[l], FQ_ONE, 32);
  fq8 product = fq8_broadcast_lanes((const uint64_t(*)[4])one_lanes);
  // Entries past count (the last group's padding) read entry 0 and are never written back.
  for (size_t g = 0; g < groups; g++) {
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64((long long)(8 * g)), lane);
    const __mmask8 live = _mm512_cmplt_epu64_mask(index, _mm512_set1_epi64((long long)count));
    const __m512i offsets = _mm512_maskz_mov_epi64(live, _mm512_slli_epi64(index, 5));
    const fq8 den = fq8_gather(denominator, offsets);
    prefix[g] = product;
    const fq8 next = fq8_mul(product, den);
    for (int j = 0; j < 5; j++) product.l[j] = _mm512_mask_blend_epi64(live, product.l[j], next.l[j]);
  }
  // One scalar inversion for the eight chains' products (Montgomery's trick over the lanes).
  uint64_t chain[8][4], chain_prefix[8][4], all[4];
  fq8_extract_lanes(product, chain);
  memcpy(all, FQ_ONE, 32);
  for (int l = 0; l < 8; l++) {
    memcpy(chain_prefix[l], all, 32);
    limbs_mont_mul(all, all, chain[l], FQ_MODULUS, FQ_NEG_INV);
  }
  if (limbs_is_zero(all)) return -1;
  uint64_t inverse_all[4], chain_inverse[8][4];
  limbs_inv_mod(inverse_all, all, FQ_MODULUS, FQ_NEG_INV, FQ_ONE);
  for (int l = 8; l-- > 0;) {
    limbs_mont_mul(chain_inverse[l], inverse_all, chain_prefix[l], FQ_MODULUS, FQ_NEG_INV);
    limbs_mont_mul(inverse_all, inverse_all, chain[l], FQ_MODULUS, FQ_NEG_INV);
  }
  fq8 inverse = fq8_broadcast_lanes((const uint64_t(*)[4])chain_inverse);
  for (size_t g = groups; g-- > 0;) {
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64((long long)(8 * g)), lane);
    const __mmask8 live = _mm512_cmplt_epu64_mask(index, _mm512_set1_epi64((long long)count));
    const __m512i offsets = _mm512_maskz_mov_epi64(live, _mm512_slli_epi64(index, 5));
    const fq8 den = fq8_gather(denominator, offsets);
    const fq8 den_inverse = fq8_mul(inverse, prefix[g]);
    const fq8 next = fq8_mul(inverse, den);
    for (int j = 0; j < 5; j++) inverse.l[j] = _mm512_mask_blend_epi64(live, inverse.l[j], next.l[j]);
    const fq8 slope = fq8_mul(fq8_gather(numerator, offsets), den_inverse);
    // Buckets and points: 64 bytes each (x then y).
    uint64_t bucket_offsets[8], point_offsets[8];
    __mmask8 write = 0;
    for (int l = 0; l < 8; l++) {
      const size_t k = 8 * g + (size_t)l;
      bucket_offsets[l] = k < count ? (uint64_t)bucket[k] * 64 : 0;
      point_offsets[l] = k < count ? (uint64_t)k * 64 : 0;
      if (k < count && !cancels[k]) write |= (__mmask8)(1u << l);
    }
    const __m512i b_off = _mm512_loadu_si512(bucket_offsets), p_off = _mm512_loadu_si512(point_offsets);
    const fq8 bx = fq8_gather(buckets, b_off), by = fq8_gather(buckets, _mm512_add_epi64(b_off, _mm512_set1_epi64(32)));
    const fq8 px = fq8_gather(points, p_off);
    const fq8 x3 = fq8_sub(fq8_sub(fq8_mul(slope, slope), bx), px);
    const fq8 y3 = fq8_sub(fq8_mul(slope, fq8_sub(bx, x3)), by);
    // Entries of one batch touch distinct buckets, so the scatters never collide.
    fq8_scatter(buckets, b_off, write, x3);
    fq8_scatter(buckets, _mm512_add_epi64(b_off, _mm512_set1_epi64(32)), write, y3);
    for (int l = 0; l < 8; l++) {
      const size_t k = 8 * g + (size_t)l;
      if (k < count) state[bucket[k]] = cancels[k] ? BUCKET_EMPTY : BUCKET_FULL;
    }
  }
  return 0;
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
  fq2x8 r;
  for (int j = 0; j < 5; j++) {
    r.c0.l[j] = _mm512_mask_blend_epi64(lanes, keep.c0.l[j], take.c0.l[j]);
    r.c1.l[j] = _mm512_mask_blend_epi64(lanes, keep.c1.l[j], take.c1.l[j]);
  }
  return r;
}

// g1_flush_ifma for G2: points and buckets of 128 bytes (x then y, each c0 then c1), numerators
// and denominators of 64 bytes; prefix holds ceil(count / 8) elements.
static int g2_flush_ifma(uint64_t *buckets, const uint32_t *bucket, const uint64_t *points, const void *numerator, const void *denominator,
                         const uint8_t *cancels, uint8_t *state, size_t count, void *prefix_memory) {
  fq2x8 *prefix = (fq2x8 *)prefix_memory;
  const size_t groups = (count + 7) / 8;
  const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
  fq2 ones[8];
  for (int l = 0; l < 8; l++) ones[l] = fq2_one();
  fq2x8 product = fq2x8_gather(ones, _mm512_slli_epi64(lane, 6));
  for (size_t g = 0; g < groups; g++) {
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64((long long)(8 * g)), lane);
    const __mmask8 live = _mm512_cmplt_epu64_mask(index, _mm512_set1_epi64((long long)count));
    const __m512i offsets = _mm512_maskz_mov_epi64(live, _mm512_slli_epi64(index, 6));
    prefix[g] = product;
    product = fq2x8_blend(live, product, fq2x8_mul(product, fq2x8_gather(denominator, offsets)));
  }
  fq2 chain[8], chain_prefix[8], chain_inverse[8];
  fq2x8_scatter(chain, _mm512_slli_epi64(lane, 6), 0xff, product);
  fq2 all = fq2_one();
  for (int l = 0; l < 8; l++) {
    chain_prefix[l] = all;
    all = fq2_mul(all, chain[l]);
  }
  if (fq2_is_zero(all)) return -1;
  fq2 inverse_all = fq2_inv(all);
  for (int l = 8; l-- > 0;) {
    chain_inverse[l] = fq2_mul(inverse_all, chain_prefix[l]);
    inverse_all = fq2_mul(inverse_all, chain[l]);
  }
  fq2x8 inverse = fq2x8_gather(chain_inverse, _mm512_slli_epi64(lane, 6));
  for (size_t g = groups; g-- > 0;) {
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64((long long)(8 * g)), lane);
    const __mmask8 live = _mm512_cmplt_epu64_mask(index, _mm512_set1_epi64((long long)count));
    const __m512i offsets = _mm512_maskz_mov_epi64(live, _mm512_slli_epi64(index, 6));
    const fq2x8 den_inverse = fq2x8_mul(inverse, prefix[g]);
    inverse = fq2x8_blend(live, inverse, fq2x8_mul(inverse, fq2x8_gather(denominator, offsets)));
    const fq2x8 slope = fq2x8_mul(fq2x8_gather(numerator, offsets), den_inverse);
    uint64_t bucket_offsets[8], point_offsets[8];
    __mmask8 write = 0;
    for (int l = 0; l < 8; l++) {
      const size_t k = 8 * g + (size_t)l;
      bucket_offsets[l] = k < count ? (uint64_t)bucket[k] * 128 : 0;
      point_offsets[l] = k < count ? (uint64_t)k * 128 : 0;
      if (k < count && !cancels[k]) write |= (__mmask8)(1u << l);
    }
    const __m512i b_off = _mm512_loadu_si512(bucket_offsets), p_off = _mm512_loadu_si512(point_offsets);
    const __m512i y_off = _mm512_set1_epi64(64);
    const fq2x8 bx = fq2x8_gather(buckets, b_off), by = fq2x8_gather(buckets, _mm512_add_epi64(b_off, y_off));
    const fq2x8 px = fq2x8_gather(points, p_off);
    const fq2x8 x3 = fq2x8_sub(fq2x8_sub(fq2x8_sqr(slope), bx), px);
    const fq2x8 y3 = fq2x8_sub(fq2x8_mul(slope, fq2x8_sub(bx, x3)), by);
    fq2x8_scatter(buckets, b_off, write, x3);
    fq2x8_scatter(buckets, _mm512_add_epi64(b_off, y_off), write, y3);
    for (int l = 0; l < 8; l++) {
      const size_t k = 8 * g + (size_t)l;
      if (k < count) state[bucket[k]] = cancels[k] ? BUCKET_EMPTY : BUCKET_FULL;
    }
  }
  return 0;
}

#endif
#endif
