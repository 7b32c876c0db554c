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

// out < 2m on entry, < m on exit.
static inline void limbs_reduce_once(uint64_t out[4], const uint64_t m[4]) {
  if (!limbs_geq(out, m)) return;
  u128 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)out[i] - m[i] - borrow;
    out[i] = (uint64_t)d;
    borrow = (d >> 127) & 1;
  }
}

static inline void limbs_add_mod(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4]) {
  u128 carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 s = (u128)a[i] + b[i] + carry;
    out[i] = (uint64_t)s;
    carry = s >> 64;
  }
  // a, b < m < 2^254: the sum fits in 256 bits and one subtraction brings it below m.
  limbs_reduce_once(out, m);
}

static inline void limbs_sub_mod(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4]) {
  u128 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a[i] - b[i] - borrow;
    out[i] = (uint64_t)d;
    borrow = (d >> 127) & 1;
  }
  if (borrow) {
    u128 carry = 0;
    for (int i = 0; i < 4; i++) {
      u128 s = (u128)out[i] + m[i] + carry;
      out[i] = (uint64_t)s;
      carry = s >> 64;
    }
  }
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
static inline void limbs_mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4], uint64_t inv) {
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
static inline void limbs_mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4], uint64_t inv) {
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

#endif
