// Sparse linear combinations of points of one group of BN254, for the Groth16 setup (gCombine in
// bn254_combine.h): out[o] = sum of scalars[t] * bases[indices[t]] over the terms t of output o.
// Included twice by bn254_combine.h, like bn254_curve.h: FIELD, GROUP and F name the field's
// function prefix, the group's prefix and the field element type.
//
// Each output is a small multi-scalar multiplication (a wire of the circuit appears in a handful
// of constraints), too small for Pippenger. Its terms are taken in chunks that share one doubling
// chain (Straus): every scalar is split with the GLV endomorphism into two halves of ~128 bits,
// each half is read in signed 5-bit windows against a table of 1..16 times its point, and the
// chain doubles 5 times per window for the whole chunk. Scalars 1 and r - 1 (a third of a circuit's
// coefficients) are a plain addition or subtraction.

#define FN(name) CAT(FIELD, name)
#define PT(name) CAT(GROUP, name)

#define COMBINE_CHUNK 32   // terms sharing one doubling chain
#define COMBINE_BITS 5     // window width: signed digits -16 .. 16
#define COMBINE_WINDOWS 30 // GLV halves are below 2^144; one more window holds the last carry

typedef struct {
  const PT(_affine) * bases;
  const uint32_t *offsets;       // outputs + 1 entries, nondecreasing
  const uint32_t *indices;       // one base index per term
  const uint64_t (*scalars)[4];  // one plain scalar per term, below r
  size_t outputs;
  uint8_t *out;                  // affine, Montgomery form, zeros for the point at infinity
  int failed;                    // a thread could not allocate its memory
} PT(_combine_job);

// Adds the chunk's terms, whose tables and digits are built, into acc: one shared doubling chain.
static void PT(_combine_chunk)(PT(_xyzz) * acc, PT(_xyzz) (*tables)[32], int8_t (*digits)[2][COMBINE_WINDOWS], size_t count) {
  int top = -1;
  for (size_t t = 0; t < count; t++) {
    for (int w = COMBINE_WINDOWS - 1; w > top; w--) {
      if (digits[t][0][w] != 0 || digits[t][1][w] != 0) {
        top = w;
        break;
      }
    }
  }
  PT(_xyzz) chain;
  PT(_set_zero)(&chain);
  for (int w = top; w >= 0; w--) {
    for (int d = 0; d < COMBINE_BITS; d++) PT(_double)(&chain);
    for (size_t t = 0; t < count; t++) {
      for (int half = 0; half < 2; half++) {
        const int digit = digits[t][half][w];
        if (digit > 0) {
          PT(_add)(&chain, &tables[t][16 * half + digit - 1]);
        } else if (digit < 0) {
          PT(_xyzz) negated = tables[t][16 * half - digit - 1];
          PT(_negate)(&negated);
          PT(_add)(&chain, &negated);
        }
      }
    }
  }
  PT(_add)(acc, &chain);
}

// The tables and digits of one term: tables[i] = (i + 1) * (+/-P) and tables[16 + i] =
// +/-phi(tables[i]), the signs those of the GLV halves, and each half's signed base-32 digits
// (-16 .. 16), so that k * P = sum over windows of 32^w * (the two digits' table entries).
static void PT(_combine_table)(PT(_xyzz) table[32], int8_t digits[2][COMBINE_WINDOWS], const PT(_affine) * p, const uint64_t k[4]) {
  uint64_t halves[2][4];
  int negative1, negative2;
  glv_split(k, halves[0], &negative1, halves[1], &negative2);
  for (int half = 0; half < 2; half++) {
    int32_t wide[COMBINE_WINDOWS];
    signed_digits((const uint64_t(*)[4])halves[half], 1, COMBINE_BITS, COMBINE_WINDOWS, wide);
    for (int w = 0; w < COMBINE_WINDOWS; w++) digits[half][w] = (int8_t)wide[w];
  }
  const F y = negative1 ? FN(_neg)(p->y) : p->y;
  table[0].x = p->x;
  table[0].y = y;
  table[0].zz = FN(_one)();
  table[0].zzz = FN(_one)();
  for (int i = 1; i < 16; i++) {
    table[i] = table[i - 1];
    PT(_add_affine)(&table[i], p->x, y);
  }
  for (int i = 0; i < 16; i++) {
    table[16 + i] = table[i];
    table[16 + i].x = PT(_endomorphism_x)(table[i].x);
    if (negative1 != negative2) PT(_negate)(&table[16 + i]);
  }
}

static int PT(_is_minus_one)(const uint64_t k[4]) {
  return k[0] == FR_MOD[0] - 1 && k[1] == FR_MOD[1] && k[2] == FR_MOD[2] && k[3] == FR_MOD[3];
}

// The outputs whose weight (terms + 1) falls in [from, to) of the job's total weight: output o
// starts at offsets[o] + o, strictly increasing, so every output belongs to exactly one range.
static size_t PT(_combine_first_output)(const PT(_combine_job) * job, size_t weight) {
  size_t low = 0, high = job->outputs; // first o with offsets[o] + o >= weight
  while (low < high) {
    const size_t middle = low + (high - low) / 2;
    if ((size_t)job->offsets[middle] + middle < weight) low = middle + 1;
    else high = middle;
  }
  return low;
}

static void PT(_combine_range)(void *context, size_t from, size_t to) {
  PT(_combine_job) *job = (PT(_combine_job) *)context;
  const size_t first = PT(_combine_first_output)(job, from), last = PT(_combine_first_output)(job, to);
  if (first >= last) return;
  const size_t count = last - first;
  PT(_xyzz) *sums = (PT(_xyzz) *)malloc(count * sizeof(PT(_xyzz)));
  F *prefix = (F *)malloc(count * sizeof(F));
  PT(_xyzz) (*tables)[32] = (PT(_xyzz)(*)[32])malloc(COMBINE_CHUNK * sizeof(*tables));
  int8_t (*digits)[2][COMBINE_WINDOWS] = (int8_t(*)[2][COMBINE_WINDOWS])malloc(COMBINE_CHUNK * sizeof(*digits));
  if (sums == NULL || prefix == NULL || tables == NULL || digits == NULL) {
    __atomic_store_n(&job->failed, 1, __ATOMIC_SEQ_CST);
    free(sums);
    free(prefix);
    free(tables);
    free(digits);
    return;
  }
  for (size_t o = first; o < last; o++) {
    PT(_xyzz) *acc = &sums[o - first];
    PT(_set_zero)(acc);
    size_t pending = 0;
    for (uint32_t t = job->offsets[o]; t < job->offsets[o + 1]; t++) {
      const PT(_affine) *p = &job->bases[job->indices[t]];
      const uint64_t *k = job->scalars[t];
      if (limbs_is_zero(k) || (FN(_is_zero)(p->x) && FN(_is_zero)(p->y))) continue;
      if (k[0] == 1 && (k[1] | k[2] | k[3]) == 0) {
        PT(_add_affine)(acc, p->x, p->y);
      } else if (PT(_is_minus_one)(k)) {
        PT(_add_affine)(acc, p->x, FN(_neg)(p->y));
      } else {
        PT(_combine_table)(tables[pending], digits[pending], p, k);
        if (++pending == COMBINE_CHUNK) {
          PT(_combine_chunk)(acc, tables, digits, pending);
          pending = 0;
        }
      }
    }
    if (pending != 0) PT(_combine_chunk)(acc, tables, digits, pending);
  }
  // To affine with one inversion for the range: 1/Z = ZZ / ZZZ, x = X / Z^2, y = Y / ZZZ.
  F product = FN(_one)();
  for (size_t i = 0; i < count; i++) {
    prefix[i] = product;
    if (!PT(_is_zero)(&sums[i])) product = FN(_mul)(product, sums[i].zzz);
  }
  F inverse = FN(_inv)(product);
  for (size_t i = count; i-- > 0;) {
    uint8_t *out = job->out + (first + i) * 2 * sizeof(F);
    if (PT(_is_zero)(&sums[i])) {
      memset(out, 0, 2 * sizeof(F));
      continue;
    }
    const F zzz_inverse = FN(_mul)(inverse, prefix[i]);
    inverse = FN(_mul)(inverse, sums[i].zzz);
    const F z_inverse = FN(_mul)(sums[i].zz, zzz_inverse);
    const F x = FN(_mul)(sums[i].x, FN(_sqr)(z_inverse));
    const F y = FN(_mul)(sums[i].y, zzz_inverse);
    memcpy(out, &x, sizeof(F));
    memcpy(out + sizeof(F), &y, sizeof(F));
  }
  free(sums);
  free(prefix);
  free(tables);
  free(digits);
}

// Runs the job over `threads` threads, balanced by terms. Returns 0, or -1 when memory ran out.
static int PT(_combine)(PT(_combine_job) * job, int threads) {
  const size_t weight = (size_t)job->offsets[job->outputs] + job->outputs;
  parallel_for(PT(_combine_range), job, weight, threads);
  return job->failed ? -1 : 0;
}

#undef COMBINE_CHUNK
#undef COMBINE_BITS
#undef COMBINE_WINDOWS
#undef FN
#undef PT
