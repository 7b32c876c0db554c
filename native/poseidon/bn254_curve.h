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

static void *PT(_worker)(void *argument) {
  PT(_job) *job = (PT(_job) *)argument;
  const size_t buckets_count = (size_t)1 << (job->c - 1);
  PT(_xyzz) *buckets = (PT(_xyzz) *)malloc(buckets_count * sizeof(PT(_xyzz)));
  if (buckets == NULL) {
    __atomic_store_n(&job->failed, 1, __ATOMIC_SEQ_CST);
    return NULL;
  }
  for (;;) {
    const int w = __atomic_fetch_add(&job->next, 1, __ATOMIC_SEQ_CST);
    if (w >= job->windows) break;
    for (size_t b = 0; b < buckets_count; b++) PT(_set_zero)(&buckets[b]);
    const int32_t *row = job->digits + (size_t)w * job->n;
    for (size_t i = 0; i < job->n; i++) {
      const int32_t d = row[i];
      if (d == 0) continue;
      const PT(_affine) *base = &job->bases[i];
      if (d > 0) {
        PT(_add_affine)(&buckets[d - 1], base->x, base->y);
      } else {
        PT(_add_affine)(&buckets[-d - 1], base->x, FN(_neg)(base->y));
      }
    }
    // sum_j j * bucket[j] as a running sum from the top bucket down.
    PT(_xyzz) running, sum;
    PT(_set_zero)(&running);
    PT(_set_zero)(&sum);
    for (size_t b = buckets_count; b-- > 0;) {
      PT(_add)(&running, &buckets[b]);
      PT(_add)(&sum, &running);
    }
    job->sums[w] = sum;
  }
  free(buckets);
  return NULL;
}

// The window width that minimises the work per thread: each window costs one mixed addition per
// nonzero digit plus about 2^c bucket additions (which cost ~1.4 mixed additions each).
static int PT(_window_bits)(size_t active, int threads) {
  int best = 2;
  double best_cost = 0;
  for (int c = 2; c <= 18; c++) {
    const int windows = SCALAR_BITS / c + 1;
    const int rounds = (windows + threads - 1) / threads;
    const double cost = (double)rounds * ((double)active + 1.4 * (double)((size_t)1 << c));
    if (c == 2 || cost < best_cost) {
      best = c;
      best_cost = cost;
    }
  }
  return best;
}

// sum_i scalars[i] * bases[i]. Scalars are canonical (checked by the caller), plain (not
// Montgomery) 4-limb integers; bases are affine, Montgomery form, (0, 0) for the point at infinity.
// Returns 0 on success, -1 when memory runs out.
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
  const int c = PT(_window_bits)(active, threads);
  const int windows = SCALAR_BITS / c + 1;
  int32_t *digits = (int32_t *)malloc((size_t)windows * n * sizeof(int32_t));
  PT(_xyzz) *sums = (PT(_xyzz) *)malloc((size_t)windows * sizeof(PT(_xyzz)));
  if (digits == NULL || sums == NULL) {
    free(digits);
    free(sums);
    return -1;
  }
  signed_digits(scalars, n, c, windows, digits);
  for (size_t i = 0; i < n; i++) {
    if (FN(_is_zero)(bases[i].x) && FN(_is_zero)(bases[i].y)) {
      for (int w = 0; w < windows; w++) digits[(size_t)w * n + i] = 0;
    }
  }
  PT(_job) job = {bases, digits, n, c, windows, 0, sums, 0};
  if (threads > windows) threads = windows;
  pthread_t ids[MAX_THREADS];
  int started = 0;
  for (int t = 1; t < threads && t < MAX_THREADS; t++) {
    if (pthread_create(&ids[started], NULL, PT(_worker), &job) == 0) started++;
  }
  PT(_worker)(&job);
  for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
  free(digits);
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

#undef FN
#undef PT
