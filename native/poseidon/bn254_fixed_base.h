// Fixed-base scalar multiplication for one group of BN254: out[i] = scalars[i] * base for many
// scalars and one base, as the development powers of tau needs (every point of the file is a
// known scalar times the generator). Included by bn254.c right after bn254_curve.h, with the same
// FIELD, GROUP and F definitions.
//
// The base's multiples are tabulated once per window: entry (w, d) = d * 2^(FIXED_BASE_BITS * w) *
// base. A scalar then costs one mixed addition per nonzero window digit and no doubling (26
// additions for a 254-bit scalar instead of ~127 doublings and ~70 additions with the
// endomorphism). Results go back to affine in chunks with one inversion per chunk.

#define FN(name) CAT(FIELD, name)
#define PT(name) CAT(GROUP, name)

#define FIXED_BASE_BITS 10
#define FIXED_BASE_DIGITS ((1 << FIXED_BASE_BITS) - 1)                       // nonzero digits per window
#define FIXED_BASE_WINDOWS ((SCALAR_BITS + FIXED_BASE_BITS - 1) / FIXED_BASE_BITS) // 26
#define FIXED_BASE_CHUNK 256                                                 // points per shared inversion

// The table for `base` (not the point at infinity): FIXED_BASE_WINDOWS * FIXED_BASE_DIGITS affine
// points, entry [w * FIXED_BASE_DIGITS + d - 1] = d * 2^(FIXED_BASE_BITS * w) * base. None of
// them is the point at infinity: d * 2^(10 w) < 2^260 is never a multiple of the prime r > 2^253
// unless d is, and d < 2^10. Returns NULL when out of memory.
static PT(_affine) * PT(_fixed_base_table)(const PT(_affine) * base) {
  const size_t count = (size_t)FIXED_BASE_WINDOWS * FIXED_BASE_DIGITS;
  PT(_xyzz) *multiples = (PT(_xyzz) *)malloc(count * sizeof(PT(_xyzz)));
  PT(_affine) *table = (PT(_affine) *)malloc(count * sizeof(PT(_affine)));
  F *prefix = (F *)malloc(count * sizeof(F));
  if (multiples == NULL || table == NULL || prefix == NULL) {
    free(multiples);
    free(table);
    free(prefix);
    return NULL;
  }
  PT(_xyzz) weight; // 2^(FIXED_BASE_BITS * w) * base
  weight.x = base->x;
  weight.y = base->y;
  weight.zz = FN(_one)();
  weight.zzz = FN(_one)();
  for (int w = 0; w < FIXED_BASE_WINDOWS; w++) {
    PT(_xyzz) *row = &multiples[(size_t)w * FIXED_BASE_DIGITS];
    row[0] = weight;
    for (int d = 1; d < FIXED_BASE_DIGITS; d++) {
      row[d] = row[d - 1];
      PT(_add)(&row[d], &weight);
    }
    PT(_add)(&weight, &row[FIXED_BASE_DIGITS - 1]); // (2^bits - 1 + 1) * weight
  }
  PT(_batch_to_affine)(multiples, table, prefix, count);
  free(multiples);
  free(prefix);
  return table;
}

typedef struct {
  const PT(_affine) * table;
  const uint64_t (*scalars)[4];
  PT(_affine) * out;
} PT(_fixed_base_job);

#ifndef FIXED_BASE_DIGIT_DEFINED // shared by both instantiations
#define FIXED_BASE_DIGIT_DEFINED
static inline unsigned fixed_base_digit(const uint64_t k[4], int w) {
  const int bit = w * FIXED_BASE_BITS, limb = bit / 64, shift = bit % 64;
  uint64_t digit = k[limb] >> shift;
  if (shift + FIXED_BASE_BITS > 64 && limb < 3) digit |= k[limb + 1] << (64 - shift);
  return (unsigned)(digit & FIXED_BASE_DIGITS);
}
#endif

static void PT(_fixed_base_range)(void *context, size_t from, size_t to) {
  PT(_fixed_base_job) *job = (PT(_fixed_base_job) *)context;
  PT(_xyzz) sums[FIXED_BASE_CHUNK];
  F prefix[FIXED_BASE_CHUNK];
  for (size_t start = from; start < to; start += FIXED_BASE_CHUNK) {
    const size_t n = to - start < FIXED_BASE_CHUNK ? to - start : FIXED_BASE_CHUNK;
    for (size_t i = 0; i < n; i++) {
      PT(_set_zero)(&sums[i]);
      for (int w = 0; w < FIXED_BASE_WINDOWS; w++) {
        const unsigned d = fixed_base_digit(job->scalars[start + i], w);
        if (d == 0) continue;
        const PT(_affine) *entry = &job->table[(size_t)w * FIXED_BASE_DIGITS + d - 1];
        PT(_add_affine)(&sums[i], entry->x, entry->y);
      }
    }
    PT(_batch_to_affine)(sums, &job->out[start], prefix, n);
  }
}

// out[i] = scalars[i] * base (affine; (0, 0) for a zero scalar or a base at infinity). Scalars
// are plain integers below r. Returns -1 when out of memory.
static int PT(_fixed_base)(const PT(_affine) * base, const uint64_t (*scalars)[4], size_t n, PT(_affine) * out, int threads) {
  if (FN(_is_zero)(base->x) && FN(_is_zero)(base->y)) {
    memset(out, 0, n * sizeof(PT(_affine)));
    return 0;
  }
  PT(_affine) *table = PT(_fixed_base_table)(base);
  if (table == NULL) return -1;
  PT(_fixed_base_job) job = {table, scalars, out};
  parallel_for(PT(_fixed_base_range), &job, n, threads);
  free(table);
  return 0;
}

#undef FN
#undef PT
