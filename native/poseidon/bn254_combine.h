// gCombine: sparse linear combinations of BN254 points, the heavy part of the Groth16 setup
// (snarkjs's `zkey new`: every wire's point in the key is a sum of coefficient * Lagrange base
// over the constraints it appears in). Included by bn254.c after its N-API helpers; used by
// prover/setup/native-zkey.ts and cross-checked against ffjavascript in
// test/setup/native-zkey.test.ts.

#define FIELD fq
#define GROUP g1
#define F fq
#include "bn254_combine_group.h"
#undef FIELD
#undef GROUP
#undef F

#define FIELD fq2
#define GROUP g2
#define F fq2
#include "bn254_combine_group.h"
#undef FIELD
#undef GROUP
#undef F

// The elements of a Uint32Array; 0 for anything else.
static int uint32_array(napi_env env, napi_value value, uint32_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, &buffer, &offset) != napi_ok) return 0;
  return type == napi_uint32_array;
}

// gCombine(group, bases, offsets, indices, scalars, out[, threads]): for every output o,
// out[o] = sum over t in [offsets[o], offsets[o + 1]) of scalars[t] * bases[indices[t]].
// group is 1 (G1: 64-byte points) or 2 (G2: 128-byte points). bases are affine in Montgomery form
// (ffjavascript's LEM), (0, 0) for the point at infinity; offsets (Uint32Array, outputs + 1
// entries, from 0, nondecreasing) and indices (Uint32Array, one per term, each below the number
// of bases) list the terms; scalars are plain 32-byte little-endian integers below r, one per
// term. out receives the affine points in the same form, all-zero bytes for the point at infinity
// (as ffjavascript's batchToAffine writes it). Anything malformed is refused with a RangeError
// naming it; nothing is written then.
static napi_value g_combine(napi_env env, napi_callback_info info) {
  char message[200];
  size_t argc = 7;
  napi_value args[7];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint32_t group;
  uint8_t *bases_bytes, *scalar_bytes, *out;
  uint32_t *offsets, *indices;
  size_t bases_length, offsets_length, indices_length, scalars_length, out_length;
  if (argc < 6 || napi_get_value_uint32(env, args[0], &group) != napi_ok || (group != 1 && group != 2) ||
      !typed_array(env, args[1], &bases_bytes, &bases_length) || !uint32_array(env, args[2], &offsets, &offsets_length) ||
      !uint32_array(env, args[3], &indices, &indices_length) || !typed_array(env, args[4], &scalar_bytes, &scalars_length) ||
      !typed_array(env, args[5], &out, &out_length)) {
    return throw_range(env,
                       "gCombine(group, bases, offsets, indices, scalars, out[, threads]) takes 1 or 2, a Uint8Array, two Uint32Arrays and two "
                       "Uint8Arrays");
  }
  int threads = default_threads();
  if (argc >= 7 && !is_undefined(env, args[6])) {
    uint32_t requested;
    if (napi_get_value_uint32(env, args[6], &requested) != napi_ok || requested < 1 || requested > MAX_THREADS) {
      snprintf(message, sizeof message, "gCombine: threads must be an integer from 1 to %d", MAX_THREADS);
      return throw_range(env, message);
    }
    threads = (int)requested;
  }
  const size_t words = group == 1 ? 2 : 4;
  const size_t point_bytes = 32 * words;
  if (bases_length % point_bytes != 0) {
    snprintf(message, sizeof message, "gCombine: bases length %zu is not a multiple of %zu bytes", bases_length, point_bytes);
    return throw_range(env, message);
  }
  const size_t n = bases_length / point_bytes;
  if (offsets_length < 1 || offsets[0] != 0) return throw_range(env, "gCombine: offsets must start with 0");
  const size_t outputs = offsets_length - 1;
  for (size_t o = 0; o < outputs; o++) {
    if (offsets[o + 1] < offsets[o]) {
      snprintf(message, sizeof message, "gCombine: offsets decrease at output %zu", o);
      return throw_range(env, message);
    }
  }
  const size_t terms = offsets[outputs];
  if (indices_length != terms) {
    snprintf(message, sizeof message, "gCombine: offsets end at %zu terms but indices hold %zu", terms, indices_length);
    return throw_range(env, message);
  }
  if (scalars_length != 32 * terms) {
    snprintf(message, sizeof message, "gCombine: %zu terms need %zu bytes of scalars, got %zu", terms, 32 * terms, scalars_length);
    return throw_range(env, message);
  }
  if (out_length != outputs * point_bytes) {
    snprintf(message, sizeof message, "gCombine: out must hold %zu bytes (%zu affine points)", outputs * point_bytes, outputs);
    return throw_range(env, message);
  }
  for (size_t t = 0; t < terms; t++) {
    if (indices[t] >= n) {
      snprintf(message, sizeof message, "gCombine: term %zu names base %u of %zu", t, indices[t], n);
      return throw_range(env, message);
    }
  }
  uint64_t(*scalars)[4] = (uint64_t(*)[4])malloc((terms == 0 ? 1 : terms) * 32);
  uint64_t *bases = (uint64_t *)malloc((n == 0 ? 1 : n) * point_bytes);
  uint8_t *result = (uint8_t *)malloc(out_length == 0 ? 1 : out_length);
  if (scalars == NULL || bases == NULL || result == NULL) {
    free(scalars);
    free(bases);
    free(result);
    return throw_range(env, "gCombine: out of memory");
  }
  size_t bad;
  int status = 0;
  if (!read_scalars(scalar_bytes, terms, scalars, &bad)) {
    snprintf(message, sizeof message, "gCombine: scalar %zu is not below the group order r", bad);
    status = -2;
  } else if (!read_bases(bases_bytes, n, words, bases, &bad)) {
    snprintf(message, sizeof message, "gCombine: base %zu has a coordinate that is not below the field modulus q", bad);
    status = -2;
  } else if (group == 1) {
    g1_combine_job job = {(const g1_affine *)bases, offsets, indices, (const uint64_t(*)[4])scalars, outputs, result, 0, n, NULL, 0, NULL};
    status = g1_combine(&job, threads);
  } else {
    g2_combine_job job = {(const g2_affine *)bases, offsets, indices, (const uint64_t(*)[4])scalars, outputs, result, 0, n, NULL, 0, NULL};
    status = g2_combine(&job, threads);
  }
  if (status == 0) memcpy(out, result, out_length);
  free(scalars);
  free(bases);
  free(result);
  if (status == -1) return throw_range(env, "gCombine: out of memory");
  if (status != 0) return throw_range(env, message);
  return NULL;
}
