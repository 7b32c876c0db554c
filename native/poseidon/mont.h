// Montgomery arithmetic on 4 x 64-bit limbs for the two BN254 moduli (the base field q and the
// scalar field r), shared by poseidon.c and bn254.c. Elements are in [0, m), little-endian limbs.
#ifndef LIFEBOAT_MONT_H
#define LIFEBOAT_MONT_H
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;

static inline int limbs_geq(const uint64_t a[4], const uint64_t m[4]) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] > m[i]) return 1;
    if (a[i] < m[i]) return 0;
  }
  return 1;
}

#if defined(__x86_64__)
#include <x86intrin.h>
// The carry chains below use the add-with-carry and subtract-with-borrow instructions, and every
// "subtract m or not" is a mask instead of a branch: the condition is a coin toss on field elements,
// and a mispredicted branch cost more than the whole subtraction (a sixth of an MSM's time went to
// the branchy versions).
#define LIMBS_ADC(carry, a, b, out) _addcarry_u64((carry), (a), (b), (unsigned long long *)(out))
#define LIMBS_SBB(borrow, a, b, out) _subborrow_u64((borrow), (a), (b), (unsigned long long *)(out))
#else
static inline unsigned char limbs_adc(unsigned char carry, uint64_t a, uint64_t b, uint64_t *out) {
  const u128 s = (u128)a + b + carry;
  *out = (uint64_t)s;
  return (unsigned char)(s >> 64);
}
static inline unsigned char limbs_sbb(unsigned char borrow, uint64_t a, uint64_t b, uint64_t *out) {
  const u128 d = (u128)a - b - borrow;
  *out = (uint64_t)d;
  return (unsigned char)((d >> 127) & 1);
}
#define LIMBS_ADC(carry, a, b, out) limbs_adc((carry), (a), (b), (out))
#define LIMBS_SBB(borrow, a, b, out) limbs_sbb((borrow), (a), (b), (out))
#endif

// out = t - m if t >= m, else t (t < 2m, as 4 limbs; m < 2^255 so t - m never needs a fifth limb).
static inline void limbs_subtract_if_geq(uint64_t out[4], const uint64_t t[4], const uint64_t m[4]) {
  uint64_t d0, d1, d2, d3;
  unsigned char borrow = LIMBS_SBB(0, t[0], m[0], &d0);
  borrow = LIMBS_SBB(borrow, t[1], m[1], &d1);
  borrow = LIMBS_SBB(borrow, t[2], m[2], &d2);
  borrow = LIMBS_SBB(borrow, t[3], m[3], &d3);
  const uint64_t keep = -(uint64_t)borrow; // all ones when t < m
  out[0] = (t[0] & keep) | (d0 & ~keep);
  out[1] = (t[1] & keep) | (d1 & ~keep);
  out[2] = (t[2] & keep) | (d2 & ~keep);
  out[3] = (t[3] & keep) | (d3 & ~keep);
}

// out < 2m on entry, < m on exit. This one branches: after a Montgomery multiplication the
// subtraction is rarely needed (the product is below m + m^2 / 2^256, about 1.2m), so the branch is
// well predicted, and the mask's longer dependency chain would slow chains of multiplications such
// as an inversion by a third.
static inline void limbs_reduce_once(uint64_t out[4], const uint64_t m[4]) {
  if (!limbs_geq(out, m)) return;
  unsigned char borrow = LIMBS_SBB(0, out[0], m[0], &out[0]);
  borrow = LIMBS_SBB(borrow, out[1], m[1], &out[1]);
  borrow = LIMBS_SBB(borrow, out[2], m[2], &out[2]);
  (void)LIMBS_SBB(borrow, out[3], m[3], &out[3]);
}

static inline __attribute__((always_inline)) void limbs_add_mod(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4]) {
  // a, b < m < 2^254: the sum fits in 256 bits and one subtraction brings it below m.
  uint64_t s[4];
  unsigned char carry = LIMBS_ADC(0, a[0], b[0], &s[0]);
  carry = LIMBS_ADC(carry, a[1], b[1], &s[1]);
  carry = LIMBS_ADC(carry, a[2], b[2], &s[2]);
  (void)LIMBS_ADC(carry, a[3], b[3], &s[3]);
  limbs_subtract_if_geq(out, s, m);
}

static inline __attribute__((always_inline)) void limbs_sub_mod(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4]) {
  uint64_t d0, d1, d2, d3;
  unsigned char borrow = LIMBS_SBB(0, a[0], b[0], &d0);
  borrow = LIMBS_SBB(borrow, a[1], b[1], &d1);
  borrow = LIMBS_SBB(borrow, a[2], b[2], &d2);
  borrow = LIMBS_SBB(borrow, a[3], b[3], &d3);
  const uint64_t mask = -(uint64_t)borrow; // add m back when a < b
  unsigned char carry = LIMBS_ADC(0, d0, m[0] & mask, &out[0]);
  carry = LIMBS_ADC(carry, d1, m[1] & mask, &out[1]);
  carry = LIMBS_ADC(carry, d2, m[2] & mask, &out[2]);
  (void)LIMBS_ADC(carry, d3, m[3] & mask, &out[3]);
}

// CIOS Montgomery multiplication without the extra carry word, valid because both moduli's top
// limb (0x30644e72e131a029) is below (2^64 - 1) / 2 - 1, so every intermediate fits in 4 limbs.
static inline void limbs_mont_mul_c(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4], uint64_t inv) {
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (int i = 0; i < 4; i++) {
    const uint64_t bi = b[i];
    u128 x;
    uint64_t A, C, k;
    x = (u128)a[0] * bi + t0;
    t0 = (uint64_t)x;
    A = (uint64_t)(x >> 64);
    k = t0 * inv;
    x = (u128)k * m[0] + t0;
    C = (uint64_t)(x >> 64);

    x = (u128)a[1] * bi + t1 + A;
    A = (uint64_t)(x >> 64);
    x = (u128)k * m[1] + (uint64_t)x + C;
    t0 = (uint64_t)x;
    C = (uint64_t)(x >> 64);

    x = (u128)a[2] * bi + t2 + A;
    A = (uint64_t)(x >> 64);
    x = (u128)k * m[2] + (uint64_t)x + C;
    t1 = (uint64_t)x;
    C = (uint64_t)(x >> 64);

    x = (u128)a[3] * bi + t3 + A;
    A = (uint64_t)(x >> 64);
    x = (u128)k * m[3] + (uint64_t)x + C;
    t2 = (uint64_t)x;
    C = (uint64_t)(x >> 64);

    t3 = C + A;
  }
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
  out[3] = t3;
  limbs_reduce_once(out, m);
}

#if defined(__x86_64__) && defined(__BMI2__) && defined(__ADX__)
// The same CIOS multiplication with mulx and the two independent carry chains of adcx/adox (about
// 1.5x faster than what compilers make of the C above). Compiled only for CPUs that have BMI2 and
// ADX (-march=native on them); the C version is the reference and the fallback.
static inline __attribute__((always_inline)) void limbs_mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4], uint64_t inv) {
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4, lo, hi;
  __asm__(
      "movq 0(%[b]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t0]\n\t"
      "adoxq %[hi], %[t1]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "adoxq %[hi], %[t2]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "adoxq %[hi], %[t3]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "movq $0, %[t4]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "adcq $0, %[t4]\n\t"
      "movq %[t0], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t0]\n\t"
      "adoxq %[hi], %[t1]\n\t"
      "mulxq 8(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "adoxq %[hi], %[t2]\n\t"
      "mulxq 16(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "adoxq %[hi], %[t3]\n\t"
      "mulxq 24(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "adcq $0, %[t4]\n\t"
      "movq 8(%[b]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "adoxq %[hi], %[t2]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "adoxq %[hi], %[t3]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t4]\n\t"
      "movq $0, %[t0]\n\t"
      "adoxq %[hi], %[t0]\n\t"
      "adcq $0, %[t0]\n\t"
      "movq %[t1], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "adoxq %[hi], %[t2]\n\t"
      "mulxq 8(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "adoxq %[hi], %[t3]\n\t"
      "mulxq 16(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "mulxq 24(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t4]\n\t"
      "adoxq %[hi], %[t0]\n\t"
      "adcq $0, %[t0]\n\t"
      "movq 16(%[b]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "adoxq %[hi], %[t3]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t4]\n\t"
      "adoxq %[hi], %[t0]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t0]\n\t"
      "movq $0, %[t1]\n\t"
      "adoxq %[hi], %[t1]\n\t"
      "adcq $0, %[t1]\n\t"
      "movq %[t2], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "adoxq %[hi], %[t3]\n\t"
      "mulxq 8(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "mulxq 16(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t4]\n\t"
      "adoxq %[hi], %[t0]\n\t"
      "mulxq 24(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t0]\n\t"
      "adoxq %[hi], %[t1]\n\t"
      "adcq $0, %[t1]\n\t"
      "movq 24(%[b]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t4]\n\t"
      "adoxq %[hi], %[t0]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t0]\n\t"
      "adoxq %[hi], %[t1]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "movq $0, %[t2]\n\t"
      "adoxq %[hi], %[t2]\n\t"
      "adcq $0, %[t2]\n\t"
      "movq %[t3], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adoxq %[hi], %[t4]\n\t"
      "mulxq 8(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t4]\n\t"
      "adoxq %[hi], %[t0]\n\t"
      "mulxq 16(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t0]\n\t"
      "adoxq %[hi], %[t1]\n\t"
      "mulxq 24(%[m]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "adoxq %[hi], %[t2]\n\t"
      "adcq $0, %[t2]\n\t"
      : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "=&r"(t4), [lo] "=&r"(lo), [hi] "=&r"(hi)
      : [a] "r"(a), [b] "r"(b), [m] "r"(m), [inv] "rm"(inv), "m"(*(const uint64_t(*)[4])a), "m"(*(const uint64_t(*)[4])b),
        "m"(*(const uint64_t(*)[4])m)
      : "rdx", "cc");
  out[0] = t4;
  out[1] = t0;
  out[2] = t1;
  out[3] = t2;
  limbs_reduce_once(out, m);
}
#else
static inline __attribute__((always_inline)) void limbs_mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4], uint64_t inv) {
  limbs_mont_mul_c(out, a, b, m, inv);
}
#endif

// out = a^e (Montgomery form in and out; one = R mod m), square-and-multiply.
static inline void limbs_pow_mod(uint64_t out[4], const uint64_t a[4], const uint64_t e[4], const uint64_t m[4], uint64_t inv,
                                 const uint64_t one[4]) {
  uint64_t result[4], base[4];
  memcpy(result, one, 32);
  memcpy(base, a, 32);
  for (int i = 255; i >= 0; i--) {
    limbs_mont_mul(result, result, result, m, inv);
    if ((e[i / 64] >> (i % 64)) & 1) limbs_mont_mul(result, result, base, m, inv);
  }
  memcpy(out, result, 32);
}

// out = a^(m-2) = 1/a for a != 0 (Fermat).
static inline void limbs_inv_mod(uint64_t out[4], const uint64_t a[4], const uint64_t m[4], uint64_t inv, const uint64_t one[4]) {
  uint64_t e[4];
  memcpy(e, m, 32);
  e[0] -= 2; // m is odd and > 2: no borrow
  limbs_pow_mod(out, a, e, m, inv, one);
}

static inline int limbs_is_zero(const uint64_t a[4]) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

// The number of significant bits (0 for zero).
static inline int limbs_bit_length(const uint64_t a[4]) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != 0) return 64 * i + 64 - __builtin_clzll(a[i]);
  }
  return 0;
}

#endif
