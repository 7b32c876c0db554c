// Sparse linear combinations of points of one group of BN254, for the Groth16 setup (gCombine in
// bn254_combine.h): out[o] = sum of scalars[t] * bases[indices[t]] over the terms t of output o.
// Included twice by bn254_combine.h, like bn254_curve.h: FIELD, GROUP and F name the field's
// function prefix, the group's prefix and the field element type.
//
// Each output is a small multi-scalar multiplication (a wire of the circuit appears in a handful
// of constraints), too small for Pippenger. Its terms are taken in chunks that share one doubling
// chain (Straus): every scalar is split with the GLV endomorphism into two halves of ~128 bits,
// each half is read in signed 5-bit windows against a table of 1..16 times its point (affine,
// made once per base and shared by every term of that base), and the chain doubles 5 times per
// window for the whole chunk. Scalars 1 and r - 1 (a seventh of the claim circuit's
// coefficients) are a plain addition or subtraction and need no table.

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
  size_t bases_count;
  int32_t *slot;                 // per base: its table's index in tables, or -1 (no table)
  size_t tables_count;
  PT(_affine) * tables;          // per table: 1..16 times its base, affine ((0, 0): infinity)
} PT(_combine_job);

// One term of a chunk: its base's table, the signed digits of its two GLV halves and their signs.
typedef struct {
  const PT(_affine) * table;
  int8_t digits[2][COMBINE_WINDOWS];
  uint8_t negative[2];
} PT(_term);

// Adds the chunk's terms into acc: one shared doubling chain, mixed additions of table entries
// (half 0: +/-(|d| P); half 1: +/-phi(|d| P), phi(x, y) = (beta x, y)).
static void PT(_combine_chunk)(PT(_xyzz) * acc, const PT(_term) * terms, size_t count) {
  int top = -1;
  for (size_t t = 0; t < count; t++) {
    for (int w = COMBINE_WINDOWS - 1; w > top; w--) {
      if (terms[t].digits[0][w] != 0 || terms[t].digits[1][w] != 0) {
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
        const int digit = terms[t].digits[half][w];
        if (digit == 0) continue;
        const PT(_affine) *e = &terms[t].table[(digit > 0 ? digit : -digit) - 1];
        if (FN(_is_zero)(e->x) && FN(_is_zero)(e->y)) continue; // only for a base not of order r
        const F x = half == 0 ? e->x : PT(_endomorphism_x)(e->x);
        PT(_add_affine)(&chain, x, (terms[t].negative[half] ^ (digit < 0)) ? FN(_neg)(e->y) : e->y);
      }
    }
  }
  PT(_add)(acc, &chain);
}

// The digits and signs of a term: k = k1 + k2 lambda (GLV), each half in signed base-32 digits
// (-16 .. 16), so that k * P = sum over windows of 32^w (d1 (+/-P) + d2 (+/-phi(P))).
static void PT(_combine_term)(PT(_term) * term, const PT(_affine) * table, const uint64_t k[4]) {
  uint64_t halves[2][4];
  int negative1, negative2;
  glv_split(k, halves[0], &negative1, halves[1], &negative2);
  for (int half = 0; half < 2; half++) {
    int32_t wide[COMBINE_WINDOWS];
    signed_digits((const uint64_t(*)[4])halves[half], 1, COMBINE_BITS, COMBINE_WINDOWS, wide);
    for (int w = 0; w < COMBINE_WINDOWS; w++) term->digits[half][w] = (int8_t)wide[w];
  }
  term->table = table;
  term->negative[0] = (uint8_t)negative1;
  term->negative[1] = (uint8_t)negative2;
}

// The tables of the bases [from, to) that have one: 1..16 times the base, built in XYZZ and made
// affine with one inversion per block of bases.
#define TABLE_BLOCK 64
static void PT(_combine_tables)(void *context, size_t from, size_t to) {
  PT(_combine_job) *job = (PT(_combine_job) *)context;
  PT(_xyzz) *block = (PT(_xyzz) *)malloc(TABLE_BLOCK * 16 * sizeof(PT(_xyzz)));
  F *prefix = (F *)malloc(TABLE_BLOCK * 16 * sizeof(F));
  size_t *owner = (size_t *)malloc(TABLE_BLOCK * sizeof(size_t));
  if (block == NULL || prefix == NULL || owner == NULL) {
    __atomic_store_n(&job->failed, 1, __ATOMIC_SEQ_CST);
    free(block);
    free(prefix);
    free(owner);
    return;
  }
  size_t b = from;
  while (b < to) {
    size_t filled = 0;
    for (; b < to && filled < TABLE_BLOCK; b++) {
      if (job->slot[b] < 0) continue;
      const PT(_affine) *p = &job->bases[b];
      PT(_xyzz) *table = &block[16 * filled];
      table[0].x = p->x;
      table[0].y = p->y;
      table[0].zz = FN(_one)();
      table[0].zzz = FN(_one)();
      for (int i = 1; i < 16; i++) {
        table[i] = table[i - 1];
        PT(_add_affine)(&table[i], p->x, p->y);
      }
      owner[filled++] = b;
    }
    F product = FN(_one)();
    for (size_t i = 0; i < 16 * filled; i++) {
      prefix[i] = product;
      if (!PT(_is_zero)(&block[i])) product = FN(_mul)(product, block[i].zzz);
    }
    F inverse = FN(_inv)(product);
    for (size_t i = 16 * filled; i-- > 0;) {
      PT(_affine) *out = &job->tables[16 * (size_t)job->slot[owner[i / 16]] + i % 16];
      if (PT(_is_zero)(&block[i])) {
        out->x = out->y = FN(_zero)();
        continue;
      }
      const F zzz_inverse = FN(_mul)(inverse, prefix[i]);
      inverse = FN(_mul)(inverse, block[i].zzz);
      const F z_inverse = FN(_mul)(block[i].zz, zzz_inverse);
      out->x = FN(_mul)(block[i].x, FN(_sqr)(z_inverse));
      out->y = FN(_mul)(block[i].y, zzz_inverse);
    }
  }
  free(block);
  free(prefix);
  free(owner);
}
#undef TABLE_BLOCK

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
  PT(_term) *terms = (PT(_term) *)malloc(COMBINE_CHUNK * sizeof(PT(_term)));
  if (sums == NULL || prefix == NULL || terms == NULL) {
    __atomic_store_n(&job->failed, 1, __ATOMIC_SEQ_CST);
    free(sums);
    free(prefix);
    free(terms);
    return;
  }
  for (size_t o = first; o < last; o++) {
    PT(_xyzz) *acc = &sums[o - first];
    PT(_set_zero)(acc);
    size_t pending = 0;
    for (uint32_t t = job->offsets[o]; t < job->offsets[o + 1]; t++) {
      const uint32_t base = job->indices[t];
      const PT(_affine) *p = &job->bases[base];
      const uint64_t *k = job->scalars[t];
      if (limbs_is_zero(k) || (FN(_is_zero)(p->x) && FN(_is_zero)(p->y))) continue;
      if (k[0] == 1 && (k[1] | k[2] | k[3]) == 0) {
        PT(_add_affine)(acc, p->x, p->y);
      } else if (PT(_is_minus_one)(k)) {
        PT(_add_affine)(acc, p->x, FN(_neg)(p->y));
      } else {
        PT(_combine_term)(&terms[pending], &job->tables[16 * (size_t)job->slot[base]], k);
        if (++pending == COMBINE_CHUNK) {
          PT(_combine_chunk)(acc, terms, pending);
          pending = 0;
        }
      }
    }
    if (pending != 0) PT(_combine_chunk)(acc, terms, pending);
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
  free(terms);
}

static int PT(_is_trivial)(const uint64_t k[4]) {
  return limbs_is_zero(k) || (k[0] == 1 && (k[1] | k[2] | k[3]) == 0) || PT(_is_minus_one)(k);
}

// Runs the job over `threads` threads: first a table for every base (not the point at infinity)
// some term multiplies by a scalar other than 0, 1 and r - 1, shared by all its terms, then the
// outputs, balanced by terms. Returns 0, or -1 when memory ran out.
static int PT(_combine)(PT(_combine_job) * job, int threads) {
  const size_t terms = job->offsets[job->outputs];
  job->slot = (int32_t *)malloc((job->bases_count == 0 ? 1 : job->bases_count) * sizeof(int32_t));
  if (job->slot == NULL) return -1;
  for (size_t b = 0; b < job->bases_count; b++) job->slot[b] = -1;
  job->tables_count = 0;
  for (size_t t = 0; t < terms; t++) {
    const uint32_t base = job->indices[t];
    const PT(_affine) *p = &job->bases[base];
    if (job->slot[base] < 0 && !PT(_is_trivial)(job->scalars[t]) && !(FN(_is_zero)(p->x) && FN(_is_zero)(p->y))) {
      job->slot[base] = (int32_t)job->tables_count++;
    }
  }
  job->tables = (PT(_affine) *)malloc((job->tables_count == 0 ? 1 : job->tables_count) * 16 * sizeof(PT(_affine)));
  if (job->tables == NULL) {
    free(job->slot);
    return -1;
  }
  parallel_for(PT(_combine_tables), job, job->bases_count, threads);
  if (!job->failed) parallel_for(PT(_combine_range), job, terms + job->outputs, threads);
  free(job->slot);
  free(job->tables);
  return job->failed ? -1 : 0;
}

#undef COMBINE_CHUNK
#undef COMBINE_BITS
#undef COMBINE_WINDOWS
#undef FN
#undef PT
