// BN254 for the Groth16 prover, in the same N-API addon as Poseidon: multi-scalar multiplication
// over G1 and G2 (Pippenger, signed digits, XYZZ buckets, windows shared out to native threads)
// and the number-theoretic transforms of the quadratic arithmetic program.
//
// Data follow ffjavascript's layouts, so the zkey's sections are used as they are: field elements
// are 32-byte little-endian in Montgomery form (R = 2^256); G1 bases are affine (x, y), 64 bytes;
// G2 bases are affine over Fq2 = Fq[u]/(u^2 + 1), (x.c0, x.c1, y.c0, y.c1), 128 bytes; (0, 0) is
// the point at infinity. Results are Jacobian (X, Y, Z) in the same form, (0, 1, 0) for infinity,
// which ffjavascript's G1/G2 operations take directly. Scalars are plain 32-byte little-endian
// integers and must be below the group order r: a larger one is refused, never reduced.
// Cross-checked against ffjavascript in test/proof/native-bn254.test.ts.
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mont.h"
#include "napi_util.h"

#define SCALAR_BITS 254
#define MAX_THREADS 64

// ---- constants ---------------------------------------------------------------------------------------

static const uint64_t FQ_MODULUS[4] = {0x3c208c16d87cfd47ull, 0x97816a916871ca8dull, 0xb85045b68181585dull, 0x30644e72e131a029ull};
static const uint64_t FQ_NEG_INV = 0x87d20782e4866389ull; // -q^-1 mod 2^64
static const uint64_t FQ_ONE[4] = {0xd35d438dc58f0d9dull, 0x0a78eb28f5c70b3dull, 0x666ea36f7879462cull, 0x0e0a77c19a07df2full};
static const uint64_t FR_MOD[4] = {0x43e1f593f0000001ull, 0x2833e84879b97091ull, 0xb85045b68181585dull, 0x30644e72e131a029ull};
static const uint64_t FR_INV = 0xc2e1f593efffffffull;
static const uint64_t FR_MONT_ONE[4] = {0xac96341c4ffffffbull, 0x36fc76959f60cd29ull, 0x666ea36f7879462eull, 0x0e0a77c19a07df2full};


// ---- Fq --------------------------------------------------------------------------------------------

typedef struct {
  uint64_t l[4];
} fq;

static inline fq fq_zero(void) {
  fq r = {{0, 0, 0, 0}};
  return r;
}
static inline fq fq_one(void) {
  fq r;
  memcpy(r.l, FQ_ONE, 32);
  return r;
}
static inline int fq_is_zero(fq a) { return limbs_is_zero(a.l); }
static inline __attribute__((always_inline)) fq fq_add(fq a, fq b) {
  fq r;
  limbs_add_mod(r.l, a.l, b.l, FQ_MODULUS);
  return r;
}
static inline __attribute__((always_inline)) fq fq_sub(fq a, fq b) {
  fq r;
  limbs_sub_mod(r.l, a.l, b.l, FQ_MODULUS);
  return r;
}
static inline fq fq_neg(fq a) { return fq_sub(fq_zero(), a); }
static inline __attribute__((always_inline)) fq fq_mul(fq a, fq b) {
  fq r;
  limbs_mont_mul(r.l, a.l, b.l, FQ_MODULUS, FQ_NEG_INV);
  return r;
}
static inline __attribute__((always_inline)) fq fq_sqr(fq a) { return fq_mul(a, a); }
// a^(q-2) (Fermat; used once per batch of additions).
static fq fq_inv(fq a) {
  fq result;
  limbs_inv_mod(result.l, a.l, FQ_MODULUS, FQ_NEG_INV, FQ_ONE);
  return result;
}

// ---- Fq2 = Fq[u] / (u^2 + 1) ---------------------------------------------------------------------

typedef struct {
  fq c0, c1;
} fq2;

static inline fq2 fq2_zero(void) {
  fq2 r = {fq_zero(), fq_zero()};
  return r;
}
static inline fq2 fq2_one(void) {
  fq2 r = {fq_one(), fq_zero()};
  return r;
}
static inline int fq2_is_zero(fq2 a) { return fq_is_zero(a.c0) && fq_is_zero(a.c1); }
static inline fq2 fq2_add(fq2 a, fq2 b) {
  fq2 r = {fq_add(a.c0, b.c0), fq_add(a.c1, b.c1)};
  return r;
}
static inline fq2 fq2_sub(fq2 a, fq2 b) {
  fq2 r = {fq_sub(a.c0, b.c0), fq_sub(a.c1, b.c1)};
  return r;
}
static inline fq2 fq2_neg(fq2 a) {
  fq2 r = {fq_neg(a.c0), fq_neg(a.c1)};
  return r;
}
// Karatsuba: three Fq multiplications.
static inline fq2 fq2_mul(fq2 a, fq2 b) {
  fq t0 = fq_mul(a.c0, b.c0);
  fq t1 = fq_mul(a.c1, b.c1);
  fq t2 = fq_mul(fq_add(a.c0, a.c1), fq_add(b.c0, b.c1));
  fq2 r = {fq_sub(t0, t1), fq_sub(fq_sub(t2, t0), t1)};
  return r;
}
// (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u: two Fq multiplications.
static inline fq2 fq2_sqr(fq2 a) {
  fq t = fq_mul(a.c0, a.c1);
  fq2 r = {fq_mul(fq_add(a.c0, a.c1), fq_sub(a.c0, a.c1)), fq_add(t, t)};
  return r;
}
static fq2 fq2_inv(fq2 a) {
  fq norm = fq_add(fq_sqr(a.c0), fq_sqr(a.c1));
  fq inv = fq_inv(norm);
  fq2 r = {fq_mul(a.c0, inv), fq_neg(fq_mul(a.c1, inv))};
  return r;
}

// ---- scalars ---------------------------------------------------------------------------------------

// Signed base-2^c digits of each scalar, digits[w * n + i] in [-2^(c-1), 2^(c-1)]: a digit above
// 2^(c-1) becomes digit - 2^c with a carry into the next window, so only 2^(c-1) buckets are
// needed and a negative digit adds the negated base. windows = floor(254 / c) + 1 holds the carry.
// The digits of one scalar, digits[w * stride] for window w.
static inline void signed_digits_of(const uint64_t s[4], int c, int windows, int32_t *digits, size_t stride) {
  const uint64_t mask = ((uint64_t)1 << c) - 1;
  const int64_t half = (int64_t)1 << (c - 1);
  int64_t carry = 0;
  for (int w = 0; w < windows; w++) {
    const int bit = w * c;
    const int limb = bit / 64, offset = bit % 64;
    uint64_t value = 0;
    if (limb < 4) {
      value = s[limb] >> offset;
      if (offset + c > 64 && limb + 1 < 4) value |= s[limb + 1] << (64 - offset);
    }
    int64_t digit = (int64_t)(value & mask) + carry;
    if (digit > half) {
      digit -= (int64_t)1 << c;
      carry = 1;
    } else {
      carry = 0;
    }
    digits[(size_t)w * stride] = (int32_t)digit;
  }
}

static void signed_digits(const uint64_t (*scalars)[4], size_t n, int c, int windows, int32_t *digits) {
  for (size_t i = 0; i < n; i++) signed_digits_of(scalars[i], c, windows, digits + i, n);
}

static inline size_t bit_reversed(size_t i, int bits) {
  size_t j = 0;
  for (int b = 0; b < bits; b++) j |= ((i >> b) & 1) << (bits - 1 - b);
  return j;
}

// Runs fn(context, from, to) over [0, count) split into `threads` contiguous ranges.
typedef struct {
  void (*fn)(void *, size_t, size_t);
  void *context;
  size_t from, to;
} range_task;

static void *run_range(void *argument) {
  range_task *task = (range_task *)argument;
  task->fn(task->context, task->from, task->to);
  return NULL;
}

// parallel_run: every range gets a thread, however small the count (for a few large items).
static void parallel_run(void (*fn)(void *, size_t, size_t), void *context, size_t count, int threads) {
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (threads < 1) threads = 1;
  range_task tasks[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  int started[MAX_THREADS] = {0};
  for (int t = 0; t < threads; t++) {
    tasks[t].fn = fn;
    tasks[t].context = context;
    tasks[t].from = count * (size_t)t / (size_t)threads;
    tasks[t].to = count * (size_t)(t + 1) / (size_t)threads;
  }
  for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, run_range, &tasks[t]) == 0;
  run_range(&tasks[0]);
  for (int t = 1; t < threads; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
    else run_range(&tasks[t]);
  }
}

// parallel_for: one thread for fewer than 64 items.
static void parallel_for(void (*fn)(void *, size_t, size_t), void *context, size_t count, int threads) {
  parallel_run(fn, context, count, count < 64 ? 1 : threads);
}

// ---- the GLV endomorphism (scalar multiplication for the group FFT) -----------------------------------
//
// phi(x, y) = (beta x, y), beta a cube root of unity in Fq, is lambda * P on G1 and G2 for lambda
// a cube root of unity mod r. k * P = k1 * P + k2 * phi(P) with k = k1 + k2 lambda mod r and
// |k1|, |k2| < 2^128, found by rounding against the short lattice basis v1 = (A1, B1),
// v2 = (A2, -B2ABS) of {(a, b) : a + b lambda = 0 mod r}: c1 = round(k B2ABS / r),
// c2 = round(k B1 / r) (G1, G2 = the 2^256-scaled quotients), k1 = k - c1 A1 - c2 A2,
// k2 = c2 B2ABS - c1 B1. Constants derived with BigInt arithmetic and checked by the tests
// (gIfft against ffjavascript).
static const uint64_t GLV_A1[4] = {0x0be4e1541221250bull, 0x6f4d8248eeb859fdull, 0, 0};
static const uint64_t GLV_B1[4] = {0x89d3256894d213e3ull, 0, 0, 0};
static const uint64_t GLV_A2[4] = {0x89d3256894d213e3ull, 0, 0, 0};
static const uint64_t GLV_B2ABS[4] = {0x8211bbeb7d4f1128ull, 0x6f4d8248eeb859fcull, 0, 0};
static const uint64_t GLV_G1[4] = {0x7a7bd9d4391eb18eull, 0x4ccef014a773d2cfull, 0x0000000000000002ull, 0};
static const uint64_t GLV_G2[4] = {0xd91d232ec7e0b3d7ull, 0x0000000000000002ull, 0, 0};
static const uint64_t BETA_MONT[4] = {0x3350c88e13e80b9cull, 0x7dce557cdb5e56b9ull, 0x6001b4b8b615564aull, 0x2682e617020217e0ull};
static const uint64_t BETA2_MONT[4] = {0x71930c11d782e155ull, 0xa6bb947cffbe3323ull, 0xaa303344d4741444ull, 0x2c3b3f0d26594943ull};
#define BETA_G1 BETA2_MONT // which cube root acts as lambda: checked against ffjavascript by the tests
#define BETA_G2 BETA_MONT

// a * b as 8 limbs.
static void mul_wide(uint64_t out[8], const uint64_t a[4], const uint64_t b[4]) {
  memset(out, 0, 64);
  for (int i = 0; i < 4; i++) {
    u128 carry = 0;
    for (int j = 0; j < 4; j++) {
      u128 t = (u128)a[i] * b[j] + out[i + j] + carry;
      out[i + j] = (uint64_t)t;
      carry = t >> 64;
    }
    out[i + 4] = (uint64_t)carry;
  }
}

static void sub_wrapping(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
  u128 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a[i] - b[i] - borrow;
    out[i] = (uint64_t)d;
    borrow = (d >> 127) & 1;
  }
}

// The magnitude of a two's complement 256-bit value; returns whether it was negative.
static int magnitude(uint64_t x[4]) {
  if ((x[3] >> 63) == 0) return 0;
  const uint64_t zero[4] = {0, 0, 0, 0};
  sub_wrapping(x, zero, x);
  return 1;
}

static void glv_split(const uint64_t k[4], uint64_t k1[4], int *negative1, uint64_t k2[4], int *negative2) {
  uint64_t wide[8], c1[4], c2[4], t[4];
  mul_wide(wide, k, GLV_G1);
  // round: + 2^255, keep the top 256 bits
  u128 carry = (u128)wide[3] + ((uint64_t)1 << 63);
  carry >>= 64;
  for (int i = 4; i < 8; i++) {
    u128 s = (u128)wide[i] + carry;
    c1[i - 4] = (uint64_t)s;
    carry = s >> 64;
  }
  mul_wide(wide, k, GLV_G2);
  carry = ((u128)wide[3] + ((uint64_t)1 << 63)) >> 64;
  for (int i = 4; i < 8; i++) {
    u128 s = (u128)wide[i] + carry;
    c2[i - 4] = (uint64_t)s;
    carry = s >> 64;
  }
  mul_wide(wide, c1, GLV_A1);
  sub_wrapping(k1, k, wide);
  mul_wide(wide, c2, GLV_A2);
  sub_wrapping(k1, k1, wide);
  mul_wide(wide, c2, GLV_B2ABS);
  memcpy(t, wide, 32);
  mul_wide(wide, c1, GLV_B1);
  sub_wrapping(k2, t, wide);
  *negative1 = magnitude(k1);
  *negative2 = magnitude(k2);
}

static inline fq g1_endomorphism_x(fq x) {
  fq beta;
  memcpy(beta.l, BETA_G1, 32);
  return fq_mul(x, beta);
}

static inline fq2 g2_endomorphism_x(fq2 x) {
  fq beta;
  memcpy(beta.l, BETA_G2, 32);
  fq2 r = {fq_mul(x.c0, beta), fq_mul(x.c1, beta)};
  return r;
}

#include "bn254_ifma.h"
#define FIELD fq
#define GROUP g1
#define F fq
#define IFMA_GROUP 1
#define IFMA_FLUSH(...) g1_flush_ifma(__VA_ARGS__)
#define IFMA_PREFIX_BYTES sizeof(fq8)
#include "bn254_curve.h"
#include "bn254_fixed_base.h"
#undef IFMA_GROUP
#undef IFMA_FLUSH
#undef IFMA_PREFIX_BYTES
#undef FIELD
#undef GROUP
#undef F

#define FIELD fq2
#define GROUP g2
#define F fq2
#define IFMA_GROUP 2
#define IFMA_FLUSH(...) g2_flush_ifma(__VA_ARGS__)
#define IFMA_PREFIX_BYTES sizeof(fq2x8)
#include "bn254_curve.h"
#include "bn254_fixed_base.h"
#undef IFMA_GROUP
#undef IFMA_FLUSH
#undef IFMA_PREFIX_BYTES
#undef FIELD
#undef GROUP
#undef F

// ---- the number-theoretic transform over Fr ----------------------------------------------------------

typedef struct {
  uint64_t l[4];
} fr_t;

static inline __attribute__((always_inline)) fr_t fr_mul_(fr_t a, fr_t b) {
  fr_t r;
  limbs_mont_mul(r.l, a.l, b.l, FR_MOD, FR_INV);
  return r;
}
static inline __attribute__((always_inline)) fr_t fr_add_(fr_t a, fr_t b) {
  fr_t r;
  limbs_add_mod(r.l, a.l, b.l, FR_MOD);
  return r;
}
static inline __attribute__((always_inline)) fr_t fr_sub_(fr_t a, fr_t b) {
  fr_t r;
  limbs_sub_mod(r.l, a.l, b.l, FR_MOD);
  return r;
}
static fr_t fr_pow_(fr_t a, const uint64_t e[4]) {
  fr_t result;
  limbs_pow_mod(result.l, a.l, e, FR_MOD, FR_INV, FR_MONT_ONE);
  return result;
}
static fr_t fr_inv_(fr_t a) {
  fr_t result;
  limbs_inv_mod(result.l, a.l, FR_MOD, FR_INV, FR_MONT_ONE);
  return result;
}

static fr_t fr_mont_one(void) {
  fr_t one;
  memcpy(one.l, FR_MONT_ONE, 32);
  return one;
}

// Montgomery form of a small integer.
static fr_t fr_from_u64(uint64_t value) {
  const fr_t plain = {{value, 0, 0, 0}};
  const fr_t r2 = {{0x1bb8e645ae216da7ull, 0x53fe3ab1e35c59e3ull, 0x8c49833d53bb8085ull, 0x0216d0b17f4e44a5ull}};
  return fr_mul_(plain, r2);
}

// The plain integer of a Montgomery-form element.
static fr_t fr_to_plain(fr_t a) {
  const fr_t one = {{1, 0, 0, 0}};
  return fr_mul_(a, one);
}

// Whether root (Montgomery form, < r) has order exactly n, a power of two: root^(n/2) = -1.
static int fr_is_root_of_order(fr_t root, size_t n) {
  if (limbs_geq(root.l, FR_MOD)) return 0;
  if (n == 1) return memcmp(root.l, FR_MONT_ONE, 32) == 0;
  const uint64_t half_exponent[4] = {n / 2, 0, 0, 0};
  const fr_t check = fr_pow_(root, half_exponent);
  const fr_t zero = {{0, 0, 0, 0}};
  const fr_t minus_one = fr_sub_(zero, fr_mont_one());
  return memcmp(check.l, minus_one.l, 32) == 0;
}

static void bit_reverse(fr_t *values, size_t n, int bits) {
  for (size_t i = 0; i < n; i++) {
    const size_t j = bit_reversed(i, bits);
    if (i < j) {
      fr_t t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }
}

// In place: values[k] <- sum_j values[j] * root^(jk), root a primitive n-th root of unity;
// twiddles[t] = root^t for t < n/2. The stage that joins blocks of `half` values uses root_(2 half)^j
// = twiddles[j * n / (2 half)].
static inline void ntt_butterfly(fr_t *u, size_t half, fr_t twiddle) {
  fr_t *v = u + half;
  const fr_t t = fr_mul_(*v, twiddle);
  *v = fr_sub_(*u, t);
  *u = fr_add_(*u, t);
}

// The first stages, whose blocks fit in one of the equal slices: each thread runs all of them on its
// own slices (one thread start per transform, and a slice stays in that core's cache).
typedef struct {
  fr_t *values;
  const fr_t *twiddles;
  size_t n, slice;
} ntt_slices;

static void ntt_slice_stages(void *context, size_t from, size_t to) {
  const ntt_slices *job = (const ntt_slices *)context;
  for (size_t p = from; p < to; p++) {
    fr_t *slice = job->values + p * job->slice;
    for (size_t half = 1, stride = job->n / 2; half < job->slice; half <<= 1, stride >>= 1) {
      for (size_t block = 0; block < job->slice; block += 2 * half) {
        for (size_t j = 0; j < half; j++) ntt_butterfly(slice + block + j, half, job->twiddles[j * stride]);
      }
    }
  }
}

// One of the last stages (blocks wider than a slice): its n/2 butterflies split over the threads.
typedef struct {
  fr_t *values;
  const fr_t *twiddles;
  size_t half, stride;
  int half_bits;
} ntt_stage;

static void ntt_stage_butterflies(void *context, size_t from, size_t to) {
  const ntt_stage *stage = (const ntt_stage *)context;
  for (size_t b = from; b < to; b++) {
    const size_t block = b >> stage->half_bits, j = b & (stage->half - 1);
    ntt_butterfly(&stage->values[(block << (stage->half_bits + 1)) + j], stage->half, stage->twiddles[j * stage->stride]);
  }
}

static void ntt(fr_t *values, size_t n, int bits, const fr_t *twiddles, int threads) {
  bit_reverse(values, n, bits);
  if (n < 4096) threads = 1;
  // As many slices as threads, rounded down to a power of two.
  size_t slices = 1;
  while (slices * 2 <= (size_t)threads && slices * 2 <= n / 2) slices *= 2;
  ntt_slices local = {values, twiddles, n, n / slices};
  parallel_run(ntt_slice_stages, &local, slices, (int)slices);
  ntt_stage stage = {values, twiddles, n / slices, slices / 2, bits - (int)__builtin_ctzll(slices)};
  for (; stage.half < n; stage.half <<= 1, stage.stride >>= 1, stage.half_bits++) parallel_for(ntt_stage_butterflies, &stage, n / 2, threads);
}

// ---- N-API -------------------------------------------------------------------------------------------

static int is_undefined(napi_env env, napi_value value) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && type == napi_undefined;
}

static int default_threads(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1) return 1;
  return cores > MAX_THREADS ? MAX_THREADS : (int)cores;
}

// The optional threads argument args[index]: the machine's cores when absent; 0 when it is not an
// integer from 1 to MAX_THREADS.
static int read_threads(napi_env env, const napi_value *args, size_t argc, size_t index, int *threads) {
  *threads = default_threads();
  if (argc <= index || is_undefined(env, args[index])) return 1;
  uint32_t requested;
  if (napi_get_value_uint32(env, args[index], &requested) != napi_ok || requested < 1 || requested > MAX_THREADS) return 0;
  *threads = (int)requested;
  return 1;
}

// Reads n scalars (32-byte little-endian) into limbs; on a scalar >= r writes its index and
// returns 0.
static int read_scalars(const uint8_t *bytes, size_t n, uint64_t (*out)[4], size_t *bad) {
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < 4; k++) {
      uint64_t limb = 0;
      for (int b = 7; b >= 0; b--) limb = (limb << 8) | bytes[32 * i + 8 * k + b];
      out[i][k] = limb;
    }
    if (limbs_geq(out[i], FR_MOD)) {
      *bad = i;
      return 0;
    }
  }
  return 1;
}

// Copies n bases of `words` field elements each into aligned limbs; on a coordinate that is not a
// canonical Fq element (>= q) writes the base's index and returns 0.
static int read_bases(const uint8_t *bytes, size_t n, size_t words, uint64_t *out, size_t *bad) {
  memcpy(out, bytes, n * words * 32);
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < words; k++) {
      if (limbs_geq(out + 4 * (words * i + k), FQ_MODULUS)) {
        *bad = i;
        return 0;
      }
    }
  }
  return 1;
}

// msmG1(bases, scalars, out[, threads]) / msmG2(...): out <- sum scalars[i] * bases[i].
static napi_value msm(napi_env env, napi_callback_info info, int group) {
  const size_t words = group == 1 ? 2 : 4;       // Fq elements per affine base
  const size_t base_bytes = 32 * words;
  const char *name = group == 1 ? "msmG1" : "msmG2";
  char message[200];
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint8_t *bases_bytes, *scalar_bytes, *out;
  size_t bases_length, scalars_length, out_length;
  if (argc < 3 || !typed_array(env, args[0], &bases_bytes, &bases_length) || !typed_array(env, args[1], &scalar_bytes, &scalars_length) ||
      !typed_array(env, args[2], &out, &out_length)) {
    snprintf(message, sizeof message, "%s(bases, scalars, out[, threads]) takes three Uint8Arrays", name);
    return throw_range(env, message);
  }
  int threads;
  if (!read_threads(env, args, argc, 3, &threads)) {
    snprintf(message, sizeof message, "%s: threads must be an integer from 1 to %d", name, MAX_THREADS);
    return throw_range(env, message);
  }
  if (bases_length % base_bytes != 0) {
    snprintf(message, sizeof message, "%s: bases length %zu is not a multiple of %zu bytes", name, bases_length, base_bytes);
    return throw_range(env, message);
  }
  const size_t n = bases_length / base_bytes;
  if (scalars_length != 32 * n) {
    snprintf(message, sizeof message, "%s: %zu bases need %zu bytes of scalars, got %zu", name, n, 32 * n, scalars_length);
    return throw_range(env, message);
  }
  if (out_length != 3 * base_bytes / 2) {
    snprintf(message, sizeof message, "%s: out must hold %zu bytes (a Jacobian point)", name, 3 * base_bytes / 2);
    return throw_range(env, message);
  }
  uint64_t(*scalars)[4] = (uint64_t(*)[4])malloc((n == 0 ? 1 : n) * 32);
  uint64_t *bases = (uint64_t *)malloc((n == 0 ? 1 : n) * base_bytes);
  if (scalars == NULL || bases == NULL) {
    free(scalars);
    free(bases);
    snprintf(message, sizeof message, "%s: out of memory", name);
    return throw_range(env, message);
  }
  size_t bad;
  if (!read_scalars(scalar_bytes, n, scalars, &bad)) {
    free(scalars);
    free(bases);
    snprintf(message, sizeof message, "%s: scalar %zu is not below the group order r", name, bad);
    return throw_range(env, message);
  }
  if (!read_bases(bases_bytes, n, words, bases, &bad)) {
    free(scalars);
    free(bases);
    snprintf(message, sizeof message, "%s: base %zu has a coordinate that is not below the field modulus q", name, bad);
    return throw_range(env, message);
  }
  int status;
  if (group == 1) {
    g1_xyzz sum;
    status = g1_msm((const g1_affine *)bases, (const uint64_t(*)[4])scalars, n, threads, &sum);
    if (status == 0) g1_write_jacobian(&sum, out);
  } else {
    g2_xyzz sum;
    status = g2_msm((const g2_affine *)bases, (const uint64_t(*)[4])scalars, n, threads, &sum);
    if (status == 0) g2_write_jacobian(&sum, out);
  }
  free(scalars);
  free(bases);
  if (status != 0) {
    snprintf(message, sizeof message, status == -2 ? "%s: internal error: a GLV half scalar reached 2^128" : "%s: out of memory", name);
    return throw_range(env, message);
  }
  return NULL;
}

static napi_value msm_g1(napi_env env, napi_callback_info info) { return msm(env, info, 1); }
static napi_value msm_g2(napi_env env, napi_callback_info info) { return msm(env, info, 2); }

// frCoset(values, root, shift): values are evaluations of a polynomial of degree < n on the
// domain {root^k} (n = values.length / 32, a power of two; root a primitive n-th root of unity);
// they are replaced in place by its evaluations on the coset {shift * root^k}. Elements, root and
// shift in Montgomery form. This is snarkjs's ifft, batchApplyKey(1, shift) and fft in one call.
static napi_value fr_coset(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint8_t *bytes, *root_bytes, *shift_bytes;
  size_t length, root_length, shift_length;
  if (argc != 3 || !typed_array(env, args[0], &bytes, &length) || !typed_array(env, args[1], &root_bytes, &root_length) ||
      !typed_array(env, args[2], &shift_bytes, &shift_length) || root_length != 32 || shift_length != 32) {
    return throw_range(env, "frCoset(values, root, shift) takes a Uint8Array of elements and two 32-byte elements");
  }
  const size_t n = length / 32;
  int bits = 0;
  while (((size_t)1 << bits) < n) bits++;
  if (n < 2 || length % 32 != 0 || ((size_t)1 << bits) != n) return throw_range(env, "frCoset: values must hold a power of two (>= 2) of elements");
  fr_t root, shift;
  memcpy(root.l, root_bytes, 32);
  memcpy(shift.l, shift_bytes, 32);
  if (limbs_geq(shift.l, FR_MOD)) return throw_range(env, "frCoset: shift must be below r");
  if (!fr_is_root_of_order(root, n)) return throw_range(env, "frCoset: root is not a primitive root of unity of the domain's order");
  const fr_t mont_one = fr_mont_one();

  fr_t *values = (fr_t *)malloc(length);
  fr_t *twiddles = (fr_t *)malloc(length / 2);
  fr_t *inverse_twiddles = (fr_t *)malloc(length / 2);
  if (values == NULL || twiddles == NULL || inverse_twiddles == NULL) {
    free(values);
    free(twiddles);
    free(inverse_twiddles);
    return throw_range(env, "frCoset: out of memory");
  }
  memcpy(values, bytes, length);
  for (size_t i = 0; i < n; i++) {
    if (limbs_geq(values[i].l, FR_MOD)) {
      free(values);
      free(twiddles);
      free(inverse_twiddles);
      return throw_range(env, "frCoset: an element is not below r");
    }
  }
  const fr_t root_inv = fr_inv_(root);
  twiddles[0] = mont_one;
  inverse_twiddles[0] = mont_one;
  for (size_t t = 1; t < n / 2; t++) {
    twiddles[t] = fr_mul_(twiddles[t - 1], root);
    inverse_twiddles[t] = fr_mul_(inverse_twiddles[t - 1], root_inv);
  }
  ntt(values, n, bits, inverse_twiddles, default_threads());
  // Coefficient k gets 1/n * shift^k.
  fr_t factor = fr_inv_(fr_from_u64(n));
  for (size_t k = 0; k < n; k++) {
    values[k] = fr_mul_(values[k], factor);
    factor = fr_mul_(factor, shift);
  }
  ntt(values, n, bits, twiddles, default_threads());
  memcpy(bytes, values, length);
  free(values);
  free(twiddles);
  free(inverse_twiddles);
  return NULL;
}

// gIfft(points, group, root[, threads]): the inverse FFT over affine points of G1 (group 1, 64
// bytes each) or G2 (group 2, 128 bytes), in place: out[k] = 1/n sum_j root^(-jk) in[j], n a power
// of two and root a primitive n-th root of unity (Montgomery form). This is ffjavascript's
// G.ifft, which snarkjs's `powersoftau prepare phase2` applies to every power of the ceremony.
static napi_value g_ifft(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint8_t *bytes, *root_bytes;
  size_t length, root_length;
  uint32_t group;
  if (argc < 3 || !typed_array(env, args[0], &bytes, &length) || napi_get_value_uint32(env, args[1], &group) != napi_ok ||
      (group != 1 && group != 2) || !typed_array(env, args[2], &root_bytes, &root_length) || root_length != 32) {
    return throw_range(env, "gIfft(points, group, root[, threads]) takes a Uint8Array, 1 or 2, and a 32-byte element");
  }
  int threads;
  if (!read_threads(env, args, argc, 3, &threads)) return throw_range(env, "gIfft: threads must be an integer from 1 to 64");
  const size_t words = group == 1 ? 2 : 4;
  const size_t n = length / (32 * words);
  int bits = 0;
  while (((size_t)1 << bits) < n) bits++;
  if (n == 0 || length != n * 32 * words || ((size_t)1 << bits) != n) return throw_range(env, "gIfft: points must hold a power of two of affine points");
  fr_t root;
  memcpy(root.l, root_bytes, 32);
  if (!fr_is_root_of_order(root, n)) return throw_range(env, "gIfft: root is not a primitive root of unity of the points' count");
  uint64_t *points = (uint64_t *)malloc(length);
  uint64_t(*twiddles)[4] = (uint64_t(*)[4])malloc((n / 2 + 1) * 32);
  if (points == NULL || twiddles == NULL) {
    free(points);
    free(twiddles);
    return throw_range(env, "gIfft: out of memory");
  }
  size_t bad;
  if (!read_bases(bytes, n, words, points, &bad)) {
    free(points);
    free(twiddles);
    char message[120];
    snprintf(message, sizeof message, "gIfft: point %zu has a coordinate that is not below the field modulus q", bad);
    return throw_range(env, message);
  }
  const fr_t root_inverse = fr_inv_(root);
  fr_t power = fr_mont_one();
  for (size_t t = 0; t < n / 2; t++) {
    const fr_t plain = fr_to_plain(power);
    memcpy(twiddles[t], plain.l, 32);
    power = fr_mul_(power, root_inverse);
  }
  const fr_t scale = fr_to_plain(fr_inv_(fr_from_u64(n)));
  const int status = group == 1 ? g1_fft((g1_affine *)points, n, bits, (const uint64_t(*)[4])twiddles, scale.l, threads)
                                : g2_fft((g2_affine *)points, n, bits, (const uint64_t(*)[4])twiddles, scale.l, threads);
  if (status == 0) memcpy(bytes, points, length);
  free(points);
  free(twiddles);
  if (status != 0) return throw_range(env, "gIfft: out of memory");
  return NULL;
}

// gFixedBase(base, group, scalars, out[, threads]): out[i] = scalars[i] * base for one affine
// base of G1 (group 1, 64 bytes) or G2 (group 2, 128 bytes) and n plain 32-byte scalars below r;
// out receives n affine points ((0, 0) for a zero scalar). The development powers of tau computes
// every point of its file this way from secrets it knows (prover/setup/development-ptau.ts).
static napi_value g_fixed_base(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint8_t *base_bytes, *scalar_bytes, *out;
  size_t base_length, scalars_length, out_length;
  uint32_t group;
  char message[160];
  if (argc < 4 || !typed_array(env, args[0], &base_bytes, &base_length) || napi_get_value_uint32(env, args[1], &group) != napi_ok ||
      (group != 1 && group != 2) || !typed_array(env, args[2], &scalar_bytes, &scalars_length) || !typed_array(env, args[3], &out, &out_length)) {
    return throw_range(env, "gFixedBase(base, group, scalars, out[, threads]) takes a Uint8Array, 1 or 2, and two Uint8Arrays");
  }
  int threads;
  if (!read_threads(env, args, argc, 4, &threads)) return throw_range(env, "gFixedBase: threads must be an integer from 1 to 64");
  const size_t words = group == 1 ? 2 : 4;
  const size_t point_bytes = 32 * words;
  if (base_length != point_bytes) {
    snprintf(message, sizeof message, "gFixedBase: base must be one affine point of %zu bytes, got %zu", point_bytes, base_length);
    return throw_range(env, message);
  }
  if (scalars_length % 32 != 0) {
    snprintf(message, sizeof message, "gFixedBase: scalars length %zu is not a multiple of 32 bytes", scalars_length);
    return throw_range(env, message);
  }
  const size_t n = scalars_length / 32;
  if (out_length != n * point_bytes) {
    snprintf(message, sizeof message, "gFixedBase: %zu scalars need %zu bytes of output, got %zu", n, n * point_bytes, out_length);
    return throw_range(env, message);
  }
  uint64_t base[16]; // one affine point: 8 limbs in G1, 16 in G2
  size_t bad;
  if (!read_bases(base_bytes, 1, words, base, &bad)) return throw_range(env, "gFixedBase: the base has a coordinate that is not below the field modulus q");
  uint64_t(*scalars)[4] = (uint64_t(*)[4])malloc((n == 0 ? 1 : n) * 32);
  uint64_t *points = (uint64_t *)malloc((n == 0 ? 1 : n) * point_bytes);
  if (scalars == NULL || points == NULL) {
    free(scalars);
    free(points);
    return throw_range(env, "gFixedBase: out of memory");
  }
  if (!read_scalars(scalar_bytes, n, scalars, &bad)) {
    free(scalars);
    free(points);
    snprintf(message, sizeof message, "gFixedBase: scalar %zu is not below the group order r", bad);
    return throw_range(env, message);
  }
  const int status = group == 1 ? g1_fixed_base((const g1_affine *)base, (const uint64_t(*)[4])scalars, n, (g1_affine *)points, threads)
                                : g2_fixed_base((const g2_affine *)base, (const uint64_t(*)[4])scalars, n, (g2_affine *)points, threads);
  if (status == 0) memcpy(out, points, n * point_bytes);
  free(scalars);
  free(points);
  if (status != 0) return throw_range(env, "gFixedBase: out of memory");
  return NULL;
}
#include "bn254_combine.h"

void register_bn254(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "msmG1", NAPI_AUTO_LENGTH, msm_g1, NULL, &fn);
  napi_set_named_property(env, exports, "msmG1", fn);
  napi_create_function(env, "msmG2", NAPI_AUTO_LENGTH, msm_g2, NULL, &fn);
  napi_set_named_property(env, exports, "msmG2", fn);
  napi_create_function(env, "frCoset", NAPI_AUTO_LENGTH, fr_coset, NULL, &fn);
  napi_set_named_property(env, exports, "frCoset", fn);
  napi_create_function(env, "gIfft", NAPI_AUTO_LENGTH, g_ifft, NULL, &fn);
  napi_set_named_property(env, exports, "gIfft", fn);
  napi_create_function(env, "gFixedBase", NAPI_AUTO_LENGTH, g_fixed_base, NULL, &fn);
  napi_set_named_property(env, exports, "gFixedBase", fn);
  napi_create_function(env, "gCombine", NAPI_AUTO_LENGTH, g_combine, NULL, &fn);
  napi_set_named_property(env, exports, "gCombine", fn);
}
