// Elliptic-curve arithmetic and Pippenger multi-scalar multiplication for one group of BN254,
// written once over a field F and included twice by bn254.c: G1 over Fq, G2 over Fq2.
//
// Before including, define FIELD (the field's function prefix: fq or fq2), GROUP (the group's
// prefix: g1 or g2) and F (the field element type). Points are short-Weierstrass y^2 = x^3 + b
// (a = 0). Buckets use extended Jacobian "XYZZ" coordinates (x = X/ZZ, y = Y/ZZZ, ZZ^3 = ZZZ^2),
// whose mixed addition with an affine base costs 8M + 2S and needs no special case for a = 0;
// the formulas are the standard ones from the Explicit-Formulas Database (madd-2008-s,
// add-2008-s, dbl-2008-s-1, mdbl-2008-s-1). A point with ZZ = 0 is the point at infinity.

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(FIELD, name)
#define PT(name) CAT(GROUP, name)

typedef struct {
  F x, y;
} PT(_affine);

typedef struct {
  F x, y, zz, zzz;
} PT(_xyzz);

static inline void PT(_set_zero)(PT(_xyzz) * p) {
  p->zz = FN(_zero)();
  p->zzz = FN(_zero)();
}

static inline int PT(_is_zero)(const PT(_xyzz) * p) { return FN(_is_zero)(p->zz); }

// p = 2 * (x, y) for an affine point (never of order 2 on BN254: y != 0).
static inline void PT(_double_affine)(PT(_xyzz) * p, F x, F y) {
  F u = FN(_add)(y, y);
  F v = FN(_sqr)(u);
  F w = FN(_mul)(u, v);
  F s = FN(_mul)(x, v);
  F xx = FN(_sqr)(x);
  F m = FN(_add)(FN(_add)(xx, xx), xx);
  F x3 = FN(_sub)(FN(_sqr)(m), FN(_add)(s, s));
  p->y = FN(_sub)(FN(_mul)(m, FN(_sub)(s, x3)), FN(_mul)(w, y));
  p->x = x3;
  p->zz = v;
  p->zzz = w;
}

static inline void PT(_double)(PT(_xyzz) * p) {
  if (PT(_is_zero)(p)) return;
  F u = FN(_add)(p->y, p->y);
  F v = FN(_sqr)(u);
  F w = FN(_mul)(u, v);
  F s = FN(_mul)(p->x, v);
  F xx = FN(_sqr)(p->x);
  F m = FN(_add)(FN(_add)(xx, xx), xx);
  F x3 = FN(_sub)(FN(_sqr)(m), FN(_add)(s, s));
  p->y = FN(_sub)(FN(_mul)(m, FN(_sub)(s, x3)), FN(_mul)(w, p->y));
  p->x = x3;
  p->zz = FN(_mul)(p->zz, v);
  p->zzz = FN(_mul)(p->zzz, w);
}

// p += (x, y), an affine point that is not the point at infinity.
static inline void PT(_add_affine)(PT(_xyzz) * p, F x, F y) {
  if (PT(_is_zero)(p)) {
    p->x = x;
    p->y = y;
    p->zz = FN(_one)();
    p->zzz = FN(_one)();
    return;
  }
  F u2 = FN(_mul)(x, p->zz);
  F s2 = FN(_mul)(y, p->zzz);
  F pd = FN(_sub)(u2, p->x);
  F r = FN(_sub)(s2, p->y);
  if (FN(_is_zero)(pd)) {
    if (FN(_is_zero)(r)) {
      PT(_double_affine)(p, x, y);
    } else {
      PT(_set_zero)(p);
    }
    return;
  }
  F pp = FN(_sqr)(pd);
  F ppp = FN(_mul)(pd, pp);
  F q = FN(_mul)(p->x, pp);
  F x3 = FN(_sub)(FN(_sub)(FN(_sqr)(r), ppp), FN(_add)(q, q));
  p->y = FN(_sub)(FN(_mul)(r, FN(_sub)(q, x3)), FN(_mul)(p->y, ppp));
  p->x = x3;
  p->zz = FN(_mul)(p->zz, pp);
  p->zzz = FN(_mul)(p->zzz, ppp);
}

// p += q, both in XYZZ coordinates.
static inline void PT(_add)(PT(_xyzz) * p, const PT(_xyzz) * q) {
  if (PT(_is_zero)(q)) return;
  if (PT(_is_zero)(p)) {
    *p = *q;
    return;
  }
  F u1 = FN(_mul)(p->x, q->zz);
  F u2 = FN(_mul)(q->x, p->zz);
  F s1 = FN(_mul)(p->y, q->zzz);
  F s2 = FN(_mul)(q->y, p->zzz);
  F pd = FN(_sub)(u2, u1);
  F r = FN(_sub)(s2, s1);
  if (FN(_is_zero)(pd)) {
    if (FN(_is_zero)(r)) {
      PT(_double)(p);
    } else {
      PT(_set_zero)(p);
    }
    return;
  }
  F pp = FN(_sqr)(pd);
  F ppp = FN(_mul)(pd, pp);
  F q2 = FN(_mul)(u1, pp);
  F x3 = FN(_sub)(FN(_sub)(FN(_sqr)(r), ppp), FN(_add)(q2, q2));
  p->y = FN(_sub)(FN(_mul)(r, FN(_sub)(q2, x3)), FN(_mul)(s1, ppp));
  p->x = x3;
  p->zz = FN(_mul)(FN(_mul)(p->zz, q->zz), pp);
  p->zzz = FN(_mul)(FN(_mul)(p->zzz, q->zzz), ppp);
}

// Affine coordinates of p; returns 0 (and leaves out untouched) for the point at infinity.
static int PT(_to_affine)(const PT(_xyzz) * p, PT(_affine) * out) {
  if (PT(_is_zero)(p)) return 0;
  out->x = FN(_mul)(p->x, FN(_inv)(p->zz));
  out->y = FN(_mul)(p->y, FN(_inv)(p->zzz));
  return 1;
}

// Writes p as ffjavascript's Jacobian (X, Y, Z): (x, y, 1), or (0, 1, 0) for the point at infinity.
static void PT(_write_jacobian)(const PT(_xyzz) * p, uint8_t *out) {
  PT(_affine) affine;
  const F zero = FN(_zero)(), one = FN(_one)();
  if (PT(_to_affine)(p, &affine)) {
    memcpy(out, &affine.x, sizeof(F));
    memcpy(out + sizeof(F), &affine.y, sizeof(F));
  } else {
    memcpy(out, &zero, sizeof(F));
    memcpy(out + sizeof(F), &one, sizeof(F));
  }
  memcpy(out + 2 * sizeof(F), PT(_is_zero)(p) ? &zero : &one, sizeof(F));
}

// ---- Pippenger ------------------------------------------------------------------------------------

typedef struct {
  const PT(_affine) * bases;  // copied, aligned; entries whose digit rows are all zero are skipped
  const int32_t *digits;      // digits[w * n + i]: signed digit of scalar i in window w
  size_t n;
  int c;                      // window width in bits
  int windows;
  int next;                   // next window to take (atomic)
  PT(_xyzz) * sums;           // one sum per window
  int failed;                 // a thread could not allocate its buckets
} PT(_job);

// ---- batch-affine bucket accumulation ------------------------------------------------------------
//
// Buckets are affine. Additions into them are collected in batches touching distinct buckets;
// each batch shares one field inversion (Montgomery's trick), so an addition costs about 6
// multiplications (plus a share of the inversion) instead of the 10 of a mixed XYZZ addition. A
// point whose bucket is already in the open batch goes into that bucket's XYZZ overflow instead
// (a queue would stall on windows with few distinct digits, such as the top one).

#ifndef BUCKET_EMPTY
#define BUCKET_EMPTY 0
#define BUCKET_FULL 1
#define BUCKET_BUSY 2 // full and in the open batch
#endif

typedef struct {
  PT(_affine) * buckets;
  uint8_t *state;
  size_t capacity;                 // batch size
  size_t count;                    // additions in the open batch
  uint32_t *batch_bucket;
  PT(_affine) * batch_point;
  F *numerator, *denominator, *prefix;
  uint8_t *cancels;                // per entry: the point is the bucket's negation
  PT(_xyzz) * overflow;            // per bucket: additions whose bucket was already in the batch
  void *vector_prefix;             // G1 with AVX-512 IFMA: the eight chains' running products (bn254_ifma.h)
} PT(_accumulator);

// Entry k's slope as numerator / denominator, the doubling and cancellation cases settled.
static inline void PT(_slope_terms)(PT(_accumulator) * acc, size_t k) {
  const PT(_affine) *b = &acc->buckets[acc->batch_bucket[k]];
  const PT(_affine) *p = &acc->batch_point[k];
  const F dx = FN(_sub)(p->x, b->x);
  acc->cancels[k] = 0;
  if (FN(_is_zero)(dx)) {
    if (FN(_is_zero)(FN(_sub)(p->y, b->y))) {
      // Doubling: slope 3x^2 / 2y (y != 0: BN254 has no point of order 2).
      const F xx = FN(_sqr)(b->x);
      acc->numerator[k] = FN(_add)(FN(_add)(xx, xx), xx);
      acc->denominator[k] = FN(_add)(b->y, b->y);
    } else {
      // p = -b: the bucket empties. A denominator of one keeps the batch product invertible.
      acc->cancels[k] = 1;
      acc->numerator[k] = FN(_zero)();
      acc->denominator[k] = FN(_one)();
    }
  } else {
    acc->numerator[k] = FN(_sub)(p->y, b->y);
    acc->denominator[k] = dx;
  }
}

static void PT(_flush)(PT(_accumulator) * acc) {
  if (acc->count == 0) return;
#if defined(LIFEBOAT_IFMA) && defined(IFMA_GROUP)
  if (acc->vector_prefix != NULL && acc->count >= 16) {
    // The slopes' terms here, the products eight at a time (bn254_ifma.h).
    for (size_t k = 0; k < acc->count; k++) PT(_slope_terms)(acc, k);
    if (IFMA_FLUSH((uint64_t *)acc->buckets, acc->batch_bucket, (const uint64_t *)acc->batch_point, (const void *)acc->numerator,
                   (const void *)acc->denominator, acc->cancels, acc->state, acc->count, acc->vector_prefix) == 0) {
      acc->count = 0;
      return;
    }
  }
#endif
  F product = FN(_one)();
  for (size_t k = 0; k < acc->count; k++) {
    PT(_slope_terms)(acc, k);
    acc->prefix[k] = product;
    product = FN(_mul)(product, acc->denominator[k]);
  }
  F inverse = FN(_inv)(product);
  for (size_t k = acc->count; k-- > 0;) {
    const uint32_t j = acc->batch_bucket[k];
    PT(_affine) *b = &acc->buckets[j];
    const PT(_affine) *p = &acc->batch_point[k];
    const F denominator_inverse = FN(_mul)(inverse, acc->prefix[k]);
    inverse = FN(_mul)(inverse, acc->denominator[k]);
    if (acc->cancels[k]) {
      acc->state[j] = BUCKET_EMPTY;
      continue;
    }
    const F slope = FN(_mul)(acc->numerator[k], denominator_inverse);
    const F x3 = FN(_sub)(FN(_sub)(FN(_sqr)(slope), b->x), p->x);
    b->y = FN(_sub)(FN(_mul)(slope, FN(_sub)(b->x, x3)), b->y);
    b->x = x3;
    acc->state[j] = BUCKET_FULL;
  }
  acc->count = 0;
}

// bucket += (+/-) bases[point], in the open batch or in the bucket's overflow. Returns 1 when the
// batch is full.
static inline int PT(_push)(PT(_accumulator) * acc, const PT(_affine) * bases, uint32_t bucket, uint32_t point, int negate) {
  const uint8_t state = acc->state[bucket];
  PT(_affine) p = bases[point];
  if (negate) p.y = FN(_neg)(p.y);
  if (state == BUCKET_BUSY) {
    PT(_add_affine)(&acc->overflow[bucket], p.x, p.y);
    return 0;
  }
  if (state == BUCKET_EMPTY) {
    acc->buckets[bucket] = p;
    acc->state[bucket] = BUCKET_FULL;
    return 0;
  }
  acc->state[bucket] = BUCKET_BUSY;
  acc->batch_bucket[acc->count] = bucket;
  acc->batch_point[acc->count] = p;
  acc->count++;
  return acc->count == acc->capacity;
}

static void *PT(_worker)(void *argument) {
  PT(_job) *job = (PT(_job) *)argument;
  const size_t buckets_count = (size_t)1 << (job->c - 1);
  PT(_accumulator) acc;
  acc.capacity = buckets_count / 4 < 4 ? 4 : (buckets_count / 4 > 1024 ? 1024 : buckets_count / 4);
  acc.buckets = (PT(_affine) *)malloc(buckets_count * sizeof(PT(_affine)));
  acc.state = (uint8_t *)malloc(buckets_count);
  acc.batch_bucket = (uint32_t *)malloc(acc.capacity * sizeof(uint32_t));
  acc.batch_point = (PT(_affine) *)malloc(acc.capacity * sizeof(PT(_affine)));
  acc.numerator = (F *)malloc(3 * acc.capacity * sizeof(F));
  acc.cancels = (uint8_t *)malloc(acc.capacity);
  acc.overflow = (PT(_xyzz) *)malloc(buckets_count * sizeof(PT(_xyzz)));
  acc.vector_prefix = NULL;
#if defined(LIFEBOAT_IFMA) && defined(IFMA_GROUP)
  acc.vector_prefix = aligned_alloc(64, ((acc.capacity + 7) / 8) * IFMA_PREFIX_BYTES);
#endif
  if (acc.buckets == NULL || acc.state == NULL || acc.batch_bucket == NULL || acc.batch_point == NULL || acc.numerator == NULL ||
      acc.cancels == NULL ||
      acc.overflow == NULL) {
    __atomic_store_n(&job->failed, 1, __ATOMIC_SEQ_CST);
  } else {
    acc.denominator = acc.numerator + acc.capacity;
    acc.prefix = acc.numerator + 2 * acc.capacity;
    for (;;) {
      // The top window first: it can cost more than the others (its few buckets fill few batches),
      // and a costly window taken last would leave the other threads idle.
      const int taken = __atomic_fetch_add(&job->next, 1, __ATOMIC_SEQ_CST);
      if (taken >= job->windows) break;
      const int w = job->windows - 1 - taken;
      memset(acc.state, BUCKET_EMPTY, buckets_count);
      for (size_t b = 0; b < buckets_count; b++) PT(_set_zero)(&acc.overflow[b]);
      acc.count = 0;
      const int32_t *row = job->digits + (size_t)w * job->n;
      for (size_t i = 0; i < job->n; i++) {
        const int32_t d = row[i];
        if (d == 0) continue;
        const int full = d > 0 ? PT(_push)(&acc, job->bases, (uint32_t)(d - 1), (uint32_t)i, 0)
                               : PT(_push)(&acc, job->bases, (uint32_t)(-d - 1), (uint32_t)i, 1);
        if (full) PT(_flush)(&acc);
      }
      PT(_flush)(&acc);
      // sum_j j * bucket[j] as a running sum from the top bucket down.
      PT(_xyzz) running, sum;
      PT(_set_zero)(&running);
      PT(_set_zero)(&sum);
      for (size_t b = buckets_count; b-- > 0;) {
        if (acc.state[b] == BUCKET_FULL) PT(_add_affine)(&running, acc.buckets[b].x, acc.buckets[b].y);
        PT(_add)(&running, &acc.overflow[b]);
        PT(_add)(&sum, &running);
      }
      job->sums[w] = sum;
    }
  }
  free(acc.buckets);
  free(acc.state);
  free(acc.batch_bucket);
  free(acc.batch_point);
  free(acc.numerator);
  free(acc.cancels);
  free(acc.overflow);
  free(acc.vector_prefix);
  return NULL;
}

// The window width that minimises the work per thread: each window costs one batch-affine
// addition (~6-7 multiplications) per nonzero digit and, to sum its 2^(c-1) buckets, one mixed
// and one XYZZ addition per bucket (~24 multiplications, ~1.7 * 2^c batch additions per window).
static int PT(_window_bits)(size_t active, int threads, int bits) {
  int best = 2;
  double best_cost = 0;
  for (int c = 2; c <= 18; c++) {
    const int windows = bits / c + 1;
    const int rounds = (windows + threads - 1) / threads;
    const double buckets = (double)((size_t)1 << (c - 1));
    double batch = buckets / 4;
    if (batch < 4) batch = 4;
    if (batch > 1024) batch = 1024;
    // Per point: ~6.5 multiplications, a share of one inversion (~380), and the overflow's 10 for
    // the ~batch / (2 * buckets) of points whose bucket is in the open batch; per bucket ~24.
    const double per_point = 6.5 + 380.0 / batch + 10.0 * (batch / (2 * buckets) > 1 ? 1 : batch / (2 * buckets));
    const double cost = (double)rounds * ((double)active * per_point + 24.0 * buckets);
    if (c == 2 || cost < best_cost) {
      best = c;
      best_cost = cost;
    }
  }
  return best;
}

// The GLV split of an MSM's terms: k * P = k1 * P + k2 * phi(P) with |k1|, |k2| < 2^128 (GLV_BITS),
// so each term becomes two with half-length scalars (signs moved onto the points) and the MSM needs
// half the windows, so half the bucket sums. The split and the terms' signed digits are computed in
// the same pass, on two threads.
#ifndef GLV_BITS
#define GLV_BITS 128
#endif

typedef struct {
  const PT(_affine) * bases;
  const uint64_t (*scalars)[4];
  PT(_affine) * split_bases;  // 2 n: P or -P, then phi(P) or -phi(P)
  int32_t *digits;            // digits[w * 2 n + term]
  int c, windows;
  size_t n;                   // terms = 2 n: the digits' row stride
  int too_long;               // a half scalar reached 2^128 (impossible for this lattice basis; checked, never truncated)
} PT(_glv_job);

static void PT(_glv_split_range)(void *context, size_t from, size_t to) {
  PT(_glv_job) *job = (PT(_glv_job) *)context;
  for (size_t i = from; i < to; i++) {
    const PT(_affine) *p = &job->bases[i];
    const uint64_t *k = job->scalars[i];
    uint64_t k1[4], k2[4];
    int negative1 = 0, negative2 = 0;
    if ((k[0] | k[1] | k[2] | k[3]) == 0 || (FN(_is_zero)(p->x) && FN(_is_zero)(p->y))) {
      memset(k1, 0, 32);
      memset(k2, 0, 32);
    } else {
      glv_split(k, k1, &negative1, k2, &negative2);
      if ((k1[2] | k1[3] | k2[2] | k2[3]) != 0) __atomic_store_n(&job->too_long, 1, __ATOMIC_SEQ_CST);
      PT(_affine) *first = &job->split_bases[2 * i], *second = &job->split_bases[2 * i + 1];
      *first = *p;
      if (negative1) first->y = FN(_neg)(first->y);
      second->x = PT(_endomorphism_x)(p->x);
      second->y = negative2 ? FN(_neg)(p->y) : p->y;
    }
    signed_digits_of(k1, job->c, job->windows, job->digits + 2 * i, 2 * job->n);
    signed_digits_of(k2, job->c, job->windows, job->digits + 2 * i + 1, 2 * job->n);
  }
}

// sum_i scalars[i] * bases[i]. Scalars are canonical (checked by the caller), plain (not
// Montgomery) 4-limb integers; bases are affine, Montgomery form, (0, 0) for the point at infinity.
// Returns 0 on success, -1 when memory runs out, -2 if the GLV split ever gave a half scalar of
// 2^128 or more (the windows would not hold it; the basis rules it out).
static int PT(_msm)(const PT(_affine) * bases, const uint64_t (*scalars)[4], size_t n, int threads, PT(_xyzz) * result) {
  PT(_set_zero)(result);
  size_t active = 0;
  for (size_t i = 0; i < n; i++) {
    const int zero_scalar = (scalars[i][0] | scalars[i][1] | scalars[i][2] | scalars[i][3]) == 0;
    const int zero_base = FN(_is_zero)(bases[i].x) && FN(_is_zero)(bases[i].y);
    if (!zero_scalar && !zero_base) active++;
  }
  if (active == 0) return 0;
  if (threads < 1) threads = 1;
  const size_t terms = 2 * n;
  const int c = PT(_window_bits)(2 * active, threads, GLV_BITS);
  const int windows = GLV_BITS / c + 1;
  PT(_affine) *split_bases = (PT(_affine) *)malloc(terms * sizeof(PT(_affine)));
  int32_t *digits = (int32_t *)malloc((size_t)windows * terms * sizeof(int32_t));
  PT(_xyzz) *sums = (PT(_xyzz) *)malloc((size_t)windows * sizeof(PT(_xyzz)));
  if (split_bases == NULL || digits == NULL || sums == NULL) {
    free(split_bases);
    free(digits);
    free(sums);
    return -1;
  }
  PT(_glv_job) split = {bases, scalars, split_bases, digits, c, windows, n, 0};
  parallel_run(PT(_glv_split_range), &split, n, threads > 1 && n >= 256 ? 2 : 1);
  if (split.too_long) {
    free(split_bases);
    free(digits);
    free(sums);
    return -2;
  }
  PT(_job) job = {split_bases, digits, terms, c, windows, 0, sums, 0};
  if (threads > windows) threads = windows;
  pthread_t ids[MAX_THREADS];
  int started = 0;
  for (int t = 1; t < threads && t < MAX_THREADS; t++) {
    if (pthread_create(&ids[started], NULL, PT(_worker), &job) == 0) started++;
  }
  PT(_worker)(&job);
  for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
  free(digits);
  free(split_bases);
  if (job.failed) {
    free(sums);
    return -1;
  }
  for (int w = windows - 1; w >= 0; w--) {
    if (w != windows - 1) {
      for (int k = 0; k < c; k++) PT(_double)(result);
    }
    PT(_add)(result, &sums[w]);
  }
  free(sums);
  return 0;
}

// ---- scalar multiplication and the group FFT (powers of tau, phase 2 preparation) ---------------

static inline void PT(_negate)(PT(_xyzz) * p) { p->y = FN(_neg)(p->y); }

// out = k * p with the endomorphism: two half-length scalars, one shared doubling chain.
static void PT(_mul_scalar_glv)(PT(_xyzz) * out, const PT(_xyzz) * p, const uint64_t k[4]) {
  uint64_t k1[4], k2[4];
  int negative1, negative2;
  glv_split(k, k1, &negative1, k2, &negative2);
  PT(_xyzz) first[16], second[16];
  PT(_set_zero)(&first[0]);
  first[1] = *p;
  if (negative1) PT(_negate)(&first[1]);
  for (int i = 2; i < 16; i++) {
    first[i] = first[i - 1];
    PT(_add)(&first[i], &first[1]);
  }
  for (int i = 0; i < 16; i++) {
    second[i] = first[i];
    second[i].x = PT(_endomorphism_x)(first[i].x);
    if (negative1 != negative2) PT(_negate)(&second[i]);
  }
  PT(_xyzz) result;
  PT(_set_zero)(&result);
  for (int w = 35; w >= 0; w--) { // |k1|, |k2| < 2^144
    for (int d = 0; d < 4; d++) PT(_double)(&result);
    const unsigned n1 = (unsigned)((k1[w / 16] >> (4 * (w % 16))) & 15);
    const unsigned n2 = (unsigned)((k2[w / 16] >> (4 * (w % 16))) & 15);
    if (n1 != 0) PT(_add)(&result, &first[n1]);
    if (n2 != 0) PT(_add)(&result, &second[n2]);
  }
  *out = result;
}

// XYZZ points to affine ((0, 0) for the point at infinity) with one inversion.
// 1/Z = ZZ / ZZZ, x = X / Z^2, y = Y / ZZZ. `prefix` is scratch space for n elements.
static void PT(_batch_to_affine)(const PT(_xyzz) * points, PT(_affine) * out, F *prefix, size_t n) {
  F product = FN(_one)();
  for (size_t i = 0; i < n; i++) {
    prefix[i] = product;
    if (!PT(_is_zero)(&points[i])) product = FN(_mul)(product, points[i].zzz);
  }
  F inverse = FN(_inv)(product);
  for (size_t i = n; i-- > 0;) {
    if (PT(_is_zero)(&points[i])) {
      out[i].x = FN(_zero)();
      out[i].y = FN(_zero)();
      continue;
    }
    const F zzz_inverse = FN(_mul)(inverse, prefix[i]);
    inverse = FN(_mul)(inverse, points[i].zzz);
    const F z_inverse = FN(_mul)(points[i].zz, zzz_inverse);
    out[i].x = FN(_mul)(points[i].x, FN(_sqr)(z_inverse));
    out[i].y = FN(_mul)(points[i].y, zzz_inverse);
  }
}

typedef struct {
  PT(_xyzz) * a;
  const uint64_t (*twiddles)[4];  // plain integers
  const uint64_t *scale;          // plain integer, for the final 1/n pass
  size_t half, stride;
} PT(_fft_job);

static void PT(_fft_butterflies)(void *context, size_t from, size_t to) {
  PT(_fft_job) *job = (PT(_fft_job) *)context;
  for (size_t b = from; b < to; b++) {
    const size_t block = b / job->half, j = b % job->half;
    PT(_xyzz) *u = &job->a[block * 2 * job->half + j];
    PT(_xyzz) *v = u + job->half;
    PT(_xyzz) t;
    if (j == 0) t = *v;
    else PT(_mul_scalar_glv)(&t, v, job->twiddles[j * job->stride]);
    *v = *u;
    PT(_add)(u, &t);
    PT(_negate)(&t);
    PT(_add)(v, &t);
  }
}

static void PT(_fft_scale)(void *context, size_t from, size_t to) {
  PT(_fft_job) *job = (PT(_fft_job) *)context;
  for (size_t i = from; i < to; i++) PT(_mul_scalar_glv)(&job->a[i], &job->a[i], job->scale);
}

// In place over affine points: out[k] = scale * sum_j twiddle-root^(jk) in[j] (twiddles[t] =
// root^t for t < n/2, plain). With the inverse root and scale 1/n this is the inverse FFT.
static int PT(_fft)(PT(_affine) * points, size_t n, int bits, const uint64_t (*twiddles)[4], const uint64_t scale[4], int threads) {
  PT(_xyzz) *a = (PT(_xyzz) *)malloc(n * sizeof(PT(_xyzz)));
  F *prefix = (F *)malloc(n * sizeof(F));
  if (a == NULL || prefix == NULL) {
    free(a);
    free(prefix);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    const size_t r = bit_reversed(i, bits);
    if (FN(_is_zero)(points[r].x) && FN(_is_zero)(points[r].y)) {
      PT(_set_zero)(&a[i]);
    } else {
      a[i].x = points[r].x;
      a[i].y = points[r].y;
      a[i].zz = FN(_one)();
      a[i].zzz = FN(_one)();
    }
  }
  PT(_fft_job) job = {a, twiddles, scale, 1, n / 2};
  for (; job.half < n; job.half <<= 1, job.stride >>= 1) parallel_for(PT(_fft_butterflies), &job, n / 2, threads);
  parallel_for(PT(_fft_scale), &job, n, threads);
  PT(_batch_to_affine)(a, points, prefix, n);
  free(a);
  free(prefix);
  return 0;
}

#undef FN
#undef PT
