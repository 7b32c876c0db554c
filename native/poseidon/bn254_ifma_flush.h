// The second half of a batch-affine flush (bn254_curve.h) eight entries at a time, written once and
// included twice by bn254_ifma.h: for G1 (IFMA_VECTOR fq8 over IFMA_SCALAR fq, 32-byte elements)
// and for G2 (fq2x8 over fq2, 64-byte elements).
//
// For every entry k < count, with bucket b = buckets[bucket[k]] and point p = points[k] (affine: x
// then y), numerator[k] / denominator[k] is the slope, computed by the caller with the doubling and
// cancellation cases settled (a cancelled entry has denominator one and cancels[k] set). Each bucket
// becomes b + p, or empty when cancelled. The entries are split into eight interleaved chains
// (entry k in lane k mod 8), each with its own running product of denominators; the eight chain
// products share one scalar inversion. prefix_memory holds ceil(count / 8) vectors. Returns 0, or
// -1 if the product to invert is zero (impossible: every denominator is nonzero).

#define IFMA_CAT_(a, b) a##b
#define IFMA_CAT(a, b) IFMA_CAT_(a, b)
#define VEC(name) IFMA_CAT(IFMA_VECTOR, name)
#define SCA(name) IFMA_CAT(IFMA_SCALAR, name)

static int IFMA_FLUSH_NAME(uint64_t *buckets, const uint32_t *bucket, const uint64_t *points, const void *numerator, const void *denominator,
                           const uint8_t *cancels, uint8_t *state, size_t count, void *prefix_memory) {
  IFMA_VECTOR *prefix = (IFMA_VECTOR *)prefix_memory;
  const size_t groups = (count + 7) / 8;
  const uint64_t element = (uint64_t)1 << IFMA_ELEMENT_SHIFT, point = 2 * element;
  const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
  const __m512i lane_offsets = _mm512_slli_epi64(lane, IFMA_ELEMENT_SHIFT);
  IFMA_SCALAR chain[8], chain_prefix[8], chain_inverse[8];
  for (int l = 0; l < 8; l++) chain[l] = SCA(_one)();
  IFMA_VECTOR product = VEC(_gather)(chain, lane_offsets);
  // Entries past count (the last group's padding) read entry 0 and are never written back.
  for (size_t g = 0; g < groups; g++) {
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64((long long)(8 * g)), lane);
    const __mmask8 live = _mm512_cmplt_epu64_mask(index, _mm512_set1_epi64((long long)count));
    const __m512i offsets = _mm512_maskz_mov_epi64(live, _mm512_slli_epi64(index, IFMA_ELEMENT_SHIFT));
    prefix[g] = product;
    product = VEC(_blend)(live, product, VEC(_mul)(product, VEC(_gather)(denominator, offsets)));
  }
  // One scalar inversion for the eight chains' products (Montgomery's trick over the lanes).
  VEC(_scatter)(chain, lane_offsets, 0xff, product);
  IFMA_SCALAR all = SCA(_one)();
  for (int l = 0; l < 8; l++) {
    chain_prefix[l] = all;
    all = SCA(_mul)(all, chain[l]);
  }
  if (SCA(_is_zero)(all)) return -1;
  IFMA_SCALAR inverse_all = SCA(_inv)(all);
  for (int l = 8; l-- > 0;) {
    chain_inverse[l] = SCA(_mul)(inverse_all, chain_prefix[l]);
    inverse_all = SCA(_mul)(inverse_all, chain[l]);
  }
  IFMA_VECTOR inverse = VEC(_gather)(chain_inverse, lane_offsets);
  const __m512i y_offset = _mm512_set1_epi64((long long)element);
  for (size_t g = groups; g-- > 0;) {
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64((long long)(8 * g)), lane);
    const __mmask8 live = _mm512_cmplt_epu64_mask(index, _mm512_set1_epi64((long long)count));
    const __m512i offsets = _mm512_maskz_mov_epi64(live, _mm512_slli_epi64(index, IFMA_ELEMENT_SHIFT));
    const IFMA_VECTOR den_inverse = VEC(_mul)(inverse, prefix[g]);
    inverse = VEC(_blend)(live, inverse, VEC(_mul)(inverse, VEC(_gather)(denominator, offsets)));
    const IFMA_VECTOR slope = VEC(_mul)(VEC(_gather)(numerator, offsets), den_inverse);
    uint64_t bucket_offsets[8], point_offsets[8];
    __mmask8 write = 0;
    for (int l = 0; l < 8; l++) {
      const size_t k = 8 * g + (size_t)l;
      bucket_offsets[l] = k < count ? (uint64_t)bucket[k] * point : 0;
      point_offsets[l] = k < count ? (uint64_t)k * point : 0;
      if (k < count && !cancels[k]) write |= (__mmask8)(1u << l);
    }
    const __m512i b_off = _mm512_loadu_si512(bucket_offsets), p_off = _mm512_loadu_si512(point_offsets);
    const IFMA_VECTOR bx = VEC(_gather)(buckets, b_off), by = VEC(_gather)(buckets, _mm512_add_epi64(b_off, y_offset));
    const IFMA_VECTOR px = VEC(_gather)(points, p_off);
    const IFMA_VECTOR x3 = VEC(_sub)(VEC(_sub)(VEC(_sqr)(slope), bx), px);
    const IFMA_VECTOR y3 = VEC(_sub)(VEC(_mul)(slope, VEC(_sub)(bx, x3)), by);
    // Entries of one batch touch distinct buckets, so the scatters never collide.
    VEC(_scatter)(buckets, b_off, write, x3);
    VEC(_scatter)(buckets, _mm512_add_epi64(b_off, y_offset), write, y3);
    for (int l = 0; l < 8; l++) {
      const size_t k = 8 * g + (size_t)l;
      if (k < count) state[bucket[k]] = cancels[k] ? BUCKET_EMPTY : BUCKET_FULL;
    }
  }
  return 0;
}

#undef VEC
#undef SCA
