// Small N-API helpers shared by poseidon.c and bn254.c.
#ifndef LIFEBOAT_NAPI_UTIL_H
#define LIFEBOAT_NAPI_UTIL_H
#include <node_api.h>
#include <stdint.h>

static inline napi_value throw_range(napi_env env, const char *message) {
  napi_throw_range_error(env, NULL, message);
  return NULL;
}

// The bytes of a Uint8Array; 0 for anything else.
static inline int typed_array(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, &buffer, &offset) != napi_ok) return 0;
  return type == napi_uint8_array;
}

#endif
