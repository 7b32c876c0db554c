// Poseidon (circomlib parameters, BN254 scalar field) for Node.js, as an N-API addon.
//
// Field elements are four 64-bit limbs in Montgomery form; multiplication is CIOS Montgomery
// with 128-bit intermediate products (mont.h). The permutation follows circomlibjs's optimised schedule
// (full rounds with M, the pre-sparse matrix P, partial rounds with the sparse vectors S), which is
// exactly circomlib's poseidon.circom. Inputs must be canonical (< r): they are refused, never
// reduced. Cross-checked against circomlibjs in test/hash/poseidon.test.ts.
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mont.h"
#include "napi_util.h"
#include "poseidon_constants.h"

typedef uint64_t fr[4];

static inline int fr_geq_modulus(const uint64_t a[4]) { return limbs_geq(a, FR_MODULUS); }
static inline void fr_add(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) { limbs_add_mod(out, a, b, FR_MODULUS); }
static inline void fr_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
  limbs_mont_mul(out, a, b, FR_MODULUS, FR_NEG_INV);
}

static inline void pow5(uint64_t a[4]) {
  fr sq, q;
  fr_mul(sq, a, a);
  fr_mul(q, sq, sq);
  fr_mul(a, q, a);
}

// state <- matrix * state, where state'[i] = sum_j m[j][i] * state[j] (circomlibjs's orientation).
static inline void mix(fr *state, const uint64_t *m, int t) {
  fr next[8];
  for (int i = 0; i < t; i++) {
    memset(next[i], 0, sizeof(fr));
    for (int j = 0; j < t; j++) {
      fr product;
      fr_mul(product, m + 4 * (j * t + i), state[j]);
      fr_add(next[i], next[i], product);
    }
  }
  memcpy(state, next, t * sizeof(fr));
}

static void poseidon(const poseidon_params *p, fr *state) {
  const int t = p->t;
  const int half = 4; // nRoundsF / 2
  for (int i = 0; i < t; i++) fr_add(state[i], state[i], p->c + 4 * i);
  for (int r = 0; r < half - 1; r++) {
    for (int i = 0; i < t; i++) pow5(state[i]);
    for (int i = 0; i < t; i++) fr_add(state[i], state[i], p->c + 4 * ((r + 1) * t + i));
    mix(state, p->m, t);
  }
  for (int i = 0; i < t; i++) pow5(state[i]);
  for (int i = 0; i < t; i++) fr_add(state[i], state[i], p->c + 4 * (half * t + i));
  mix(state, p->p, t);
  for (int r = 0; r < p->rounds_p; r++) {
    pow5(state[0]);
    fr_add(state[0], state[0], p->c + 4 * ((half + 1) * t + r));
    const uint64_t *s = p->s + 4 * ((2 * t - 1) * r);
    fr s0 = {0, 0, 0, 0};
    for (int j = 0; j < t; j++) {
      fr product;
      fr_mul(product, s + 4 * j, state[j]);
      fr_add(s0, s0, product);
    }
    for (int k = 1; k < t; k++) {
      fr product;
      fr_mul(product, state[0], s + 4 * (t + k - 1));
      fr_add(state[k], state[k], product);
    }
    memcpy(state[0], s0, sizeof(fr));
  }
  for (int r = 0; r < half - 1; r++) {
    for (int i = 0; i < t; i++) pow5(state[i]);
    for (int i = 0; i < t; i++) fr_add(state[i], state[i], p->c + 4 * ((half + 1) * t + p->rounds_p + r * t + i));
    mix(state, p->m, t);
  }
  for (int i = 0; i < t; i++) pow5(state[i]);
  mix(state, p->m, t);
}

static inline void load_le(uint64_t out[4], const uint8_t *bytes) {
  for (int i = 0; i < 4; i++) {
    uint64_t limb = 0;
    for (int b = 7; b >= 0; b--) limb = (limb << 8) | bytes[8 * i + b];
    out[i] = limb;
  }
}

static inline void store_le(uint8_t *bytes, const uint64_t in[4]) {
  for (int i = 0; i < 4; i++) {
    uint64_t limb = in[i];
    for (int b = 0; b < 8; b++) {
      bytes[8 * i + b] = (uint8_t)limb;
      limb >>= 8;
    }
  }
}

// hashBatch(arity, input: Uint8Array, output: Uint8Array): hashes input.length / (32 * arity)
// preimages of 32-byte little-endian elements into output (32 bytes each).
static napi_value hash_batch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc != 3) return throw_range(env, "hashBatch(arity, input, output) takes three arguments");
  uint32_t arity;
  if (napi_get_value_uint32(env, args[0], &arity) != napi_ok || arity < 1 || arity > POSEIDON_MAX_INPUTS) {
    return throw_range(env, "arity must be an integer from 1 to " "6");
  }
  uint8_t *input, *output;
  size_t input_length, output_length;
  if (!typed_array(env, args[1], &input, &input_length) || !typed_array(env, args[2], &output, &output_length)) {
    return throw_range(env, "input and output must be Uint8Arrays");
  }
  const size_t preimage_bytes = 32 * (size_t)arity;
  if (input_length % preimage_bytes != 0) return throw_range(env, "input is not a whole number of preimages");
  const size_t count = input_length / preimage_bytes;
  if (output_length != 32 * count) return throw_range(env, "output must hold 32 bytes per preimage");

  const poseidon_params *params = &POSEIDON_PARAMS[arity - 1];
  for (size_t item = 0; item < count; item++) {
    fr state[8];
    memset(state[0], 0, sizeof(fr));
    for (uint32_t j = 0; j < arity; j++) {
      fr plain;
      load_le(plain, input + item * preimage_bytes + 32 * j);
      if (fr_geq_modulus(plain)) {
        char message[160];
        snprintf(message, sizeof message, "Poseidon input element %zu (preimage %zu) is not a field element below r",
                 item * arity + j, item);
        return throw_range(env, message);
      }
      fr_mul(state[j + 1], plain, FR_R2); // to Montgomery form
    }
    poseidon(params, state);
    fr result;
    fr_mul(result, state[0], FR_ONE_PLAIN); // out of Montgomery form
    store_le(output + 32 * item, result);
  }
  return NULL;
}

// ---- Groth16 prover support: the quadratic arithmetic program over the witness ----------------
//
// snarkjs evaluates A and B on the constraint domain in JavaScript, one field call per
// coefficient; that is a third of a proof's time at 10k constraints. These two functions do the
// same arithmetic in C. Field elements follow ffjavascript's layout: 32-byte little-endian,
// Montgomery form (R = 2^256) for the QAP buffers, plain form for the witness.

static inline void fr_sub(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) { limbs_sub_mod(out, a, b, FR_MODULUS); }

static int get_u32(napi_env env, napi_value value, uint32_t *out) {
  return napi_get_value_uint32(env, value, out) == napi_ok;
}

// One coefficient record: u32 matrix, u32 constraint, u32 signal, 32-byte coefficient.
#define QAP_RECORD 44

static inline uint32_t record_constraint(const uint8_t *records, uint32_t i) {
  uint32_t constraint;
  memcpy(&constraint, records + (size_t)QAP_RECORD * i + 4, 4);
  return constraint;
}

// Whether every constraint's records are contiguous (non-decreasing constraint numbers).
static int records_grouped(const uint8_t *records, uint32_t count) {
  for (uint32_t i = 1; i < count; i++) {
    if (record_constraint(records, i) < record_constraint(records, i - 1)) return 0;
  }
  return 1;
}

typedef struct {
  const uint8_t *records;
  uint32_t from, to;
  const uint8_t *witness;
  size_t signals;
  uint32_t domain_size;
  fr *acc[2];
  fr *product;
  uint32_t product_from, product_to;
  int bad;
} qap_job;

static void *qap_accumulate(void *argument) {
  qap_job *job = (qap_job *)argument;
  for (uint32_t i = job->from; i < job->to; i++) {
    const uint8_t *r = job->records + (size_t)QAP_RECORD * i;
    uint32_t matrix, constraint, signal;
    memcpy(&matrix, r, 4);
    memcpy(&constraint, r + 4, 4);
    memcpy(&signal, r + 8, 4);
    if (matrix > 1 || constraint >= job->domain_size || signal >= job->signals) {
      job->bad = 1;
      return NULL;
    }
    fr coefficient, value, product;
    load_le(coefficient, r + 12);
    load_le(value, job->witness + 32 * (size_t)signal);
    fr_mul(product, coefficient, value);
    fr_add(job->acc[matrix][constraint], job->acc[matrix][constraint], product);
  }
  return NULL;
}

static void *qap_multiply(void *argument) {
  qap_job *job = (qap_job *)argument;
  for (uint32_t i = job->product_from; i < job->product_to; i++) fr_mul(job->product[i], job->acc[0][i], job->acc[1][i]);
  return NULL;
}

// qapBuild(coefficients, witness, domainSize, outA, outB, outC): coefficients is the zkey's
// section 4 (u32 count, then records of u32 matrix, u32 constraint, u32 signal, 32-byte
// coefficient stored as coef * R^2); A[c] += coef * w[s] for matrix 0, B likewise for matrix 1,
// then C[i] = A[i] * B[i]. Results in Montgomery form, as snarkjs's buildABC produces them.
static napi_value qap_build(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint8_t *coefficients, *witness, *out[3];
  size_t coefficients_length, witness_length, out_length[3];
  uint32_t domain_size;
  if (argc != 6 || !typed_array(env, args[0], &coefficients, &coefficients_length) ||
      !typed_array(env, args[1], &witness, &witness_length) || !get_u32(env, args[2], &domain_size) ||
      !typed_array(env, args[3], &out[0], &out_length[0]) || !typed_array(env, args[4], &out[1], &out_length[1]) ||
      !typed_array(env, args[5], &out[2], &out_length[2])) {
    return throw_range(env, "qapBuild(coefficients, witness, domainSize, outA, outB, outC) takes Uint8Arrays and a size");
  }
  for (int k = 0; k < 3; k++) {
    if (out_length[k] != 32 * (size_t)domain_size) return throw_range(env, "each output must hold domainSize elements");
  }
  if (coefficients_length < 4) return throw_range(env, "coefficients section is truncated");
  uint32_t count;
  memcpy(&count, coefficients, 4);
  if (coefficients_length != 4 + (size_t)QAP_RECORD * count) return throw_range(env, "coefficients section has the wrong length");
  const size_t signals = witness_length / 32;
  qap_job jobs[2] = {{coefficients + 4, 0, count, witness, signals, domain_size, {(fr *)out[0], (fr *)out[1]}, (fr *)out[2], 0, 0, 0},
                     {coefficients + 4, count, count, witness, signals, domain_size, {(fr *)out[0], (fr *)out[1]}, (fr *)out[2], 0, 0, 0}};
  memset(out[0], 0, out_length[0]);
  memset(out[1], 0, out_length[1]);
  // Two threads over disjoint runs of constraints: the records are split where the constraint
  // changes, and only when they come grouped by constraint (as snarkjs and Lifeboat write them), so
  // no two threads ever add into the same element.
  uint32_t split = count / 2;
  while (split > 0 && split < count && record_constraint(coefficients + 4, split) == record_constraint(coefficients + 4, split - 1)) split++;
  const int parallel = count >= 4096 && split < count && records_grouped(coefficients + 4, count);
  if (parallel) {
    jobs[0].to = split;
    jobs[1].from = split;
  }
  pthread_t thread;
  const int started = parallel && pthread_create(&thread, NULL, qap_accumulate, &jobs[1]) == 0;
  qap_accumulate(&jobs[0]);
  if (started) pthread_join(thread, NULL);
  else if (parallel) qap_accumulate(&jobs[1]);
  if (jobs[0].bad || jobs[1].bad) return throw_range(env, "coefficient record out of range");
  // C = A * B, element-wise, in two halves.
  jobs[0].product_from = 0;
  jobs[0].product_to = domain_size / 2;
  jobs[1].product_from = domain_size / 2;
  jobs[1].product_to = domain_size;
  const int started_product = pthread_create(&thread, NULL, qap_multiply, &jobs[1]) == 0;
  qap_multiply(&jobs[0]);
  if (started_product) pthread_join(thread, NULL);
  else qap_multiply(&jobs[1]);
  return NULL;
}

// qapJoin(a, b, c, out): out[i] = a[i] * b[i] - c[i], converted out of Montgomery form (the H
// polynomial's evaluations on the coset, ready to be MSM scalars).
static napi_value qap_join(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint8_t *in[3], *out;
  size_t length[3], out_length;
  if (argc != 4 || !typed_array(env, args[0], &in[0], &length[0]) || !typed_array(env, args[1], &in[1], &length[1]) ||
      !typed_array(env, args[2], &in[2], &length[2]) || !typed_array(env, args[3], &out, &out_length) ||
      length[0] != out_length || length[1] != out_length || length[2] != out_length || out_length % 32 != 0) {
    return throw_range(env, "qapJoin(a, b, c, out) takes four Uint8Arrays of equal length");
  }
  const size_t n = out_length / 32;
  for (size_t i = 0; i < n; i++) {
    fr a, b, c, product, difference, plain;
    memcpy(a, in[0] + 32 * i, 32);
    memcpy(b, in[1] + 32 * i, 32);
    memcpy(c, in[2] + 32 * i, 32);
    fr_mul(product, a, b);
    fr_sub(difference, product, c);
    fr_mul(plain, difference, FR_ONE_PLAIN);
    memcpy(out + 32 * i, plain, 32);
  }
  return NULL;
}

void register_bn254(napi_env env, napi_value exports); // bn254.c: MSM and NTT for the prover

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "hashBatch", NAPI_AUTO_LENGTH, hash_batch, NULL, &fn);
  napi_set_named_property(env, exports, "hashBatch", fn);
  napi_create_function(env, "qapBuild", NAPI_AUTO_LENGTH, qap_build, NULL, &fn);
  napi_set_named_property(env, exports, "qapBuild", fn);
  napi_create_function(env, "qapJoin", NAPI_AUTO_LENGTH, qap_join, NULL, &fn);
  napi_set_named_property(env, exports, "qapJoin", fn);
  register_bn254(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
