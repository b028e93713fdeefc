// Shared by every kernel file. Kernels run inside tfjs-backend-wasm's own linear memory (imported
// as env.memory), so they must not own memory: no static or global data (the build refuses a data
// section), and any shadow stack lands in a block the loader allocates with tfjs's malloc.
// Each file is built twice: plain SIMD128, and with BLOCKSMITH_FMA the relaxed-SIMD fused
// multiply-add (f32x4.relaxed_madd), chosen at load time where the engine supports it.
#ifndef BLOCKSMITH_SIMD_H
#define BLOCKSMITH_SIMD_H
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) void name

typedef v128_t f4;

/** a * b + c, fused where the engine has relaxed SIMD (results differ in the last bit only). */
#ifdef BLOCKSMITH_FMA
// clang 14 spells relaxed_madd with the prototype's opcode and its operand order (a, b, c) ->
// a * b + c after scripts/build-kernels.mjs renumbers the opcode to the final spec's.
#define MADD(a, b, c) __builtin_wasm_fma_f32x4((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#endif

#define SPLAT(x) wasm_f32x4_splat(x)
#define LOAD(p) wasm_v128_load(p)
#define STORE(p, v) wasm_v128_store((p), (v))

static inline float hsum(f4 v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) +
         wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

/** e^x lane-wise, |rel err| < 2e-7 on [-87, 88]; lanes below -87 give 0 (masked scores). */
static inline f4 exp4(f4 x) {
  const f4 lo = SPLAT(-87.0f), hi = SPLAT(88.0f);
  f4 under = wasm_f32x4_lt(x, lo);
  // pmin, pmax: one instruction each on x64 (min, max are ~8 for their NaN rules); x stays first,
  // so a NaN lane stays NaN
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, lo), hi);
  // x = n ln2 + r, |r| <= ln2 / 2
  f4 n = wasm_f32x4_nearest(wasm_f32x4_mul(x, SPLAT(1.44269504088896341f)));
  f4 r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, SPLAT(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, SPLAT(-2.12194440e-4f)));
  f4 p = SPLAT(1.9875691500e-4f);
  p = MADD(p, r, SPLAT(1.3981999507e-3f));
  p = MADD(p, r, SPLAT(8.3334519073e-3f));
  p = MADD(p, r, SPLAT(4.1665795894e-2f));
  p = MADD(p, r, SPLAT(1.6666665459e-1f));
  p = MADD(p, r, SPLAT(5.0000001201e-1f));
  p = MADD(wasm_f32x4_mul(p, r), r, r);
  p = wasm_f32x4_add(p, SPLAT(1.0f));
  // 2^n by building the exponent bits
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_v128_andnot(wasm_f32x4_mul(p, e), under);
}

#endif
