// Row-wise kernels: strided row copies (split, concat, head moves), RMSNorm, SiLU, GELU and the
// product's gradient, rotary positions. Row-major float32; every size >= 1 (vector body, scalar
// tail). Each backward kernel mirrors the tfjs formulation in src/gab/ops (same products, in the
// same order where it matters, so results differ from tfjs in the last bits only).
#include "simd.h"

/** d[0..n) = s[0..n); no overlap. */
static inline void copy(const float* s, float* d, int n) {
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    f4 a = LOAD(s + i), b = LOAD(s + i + 4), c = LOAD(s + i + 8), e = LOAD(s + i + 12);
    STORE(d + i, a);
    STORE(d + i + 4, b);
    STORE(d + i + 8, c);
    STORE(d + i + 12, e);
  }
  for (; i + 4 <= n; i += 4) {
    STORE(d + i, LOAD(s + i));
  }
  for (; i < n; i++) {
    d[i] = s[i];
  }
}

/** rows x width block: dst[r * dstStride + j] = src[r * srcStride + j] (split, concat pieces). */
EXPORT(copy_rows)(const float* src, float* dst, int rows, int width, int srcStride, int dstStride) {
  for (int r = 0; r < rows; r++) {
    copy(src + r * srcStride, dst + r * dstStride, width);
  }
}

/** p[0..n) = 0 (the zeros around a slice's gradient). */
EXPORT(zero)(float* p, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    STORE(p + i, SPLAT(0));
  }
  for (; i < n; i++) {
    p[i] = 0;
  }
}

/** y[o, j] = sum over r of x[o, r, j] (o < outer, r < reps, j < block), r in order. */
EXPORT(sum_middle)(const float* x, float* y, int outer, int reps, int block) {
  for (int o = 0; o < outer; o++) {
    const float* xo = x + o * reps * block;
    float* yo = y + o * block;
    int j = 0;
    for (; j + 16 <= block; j += 16) {
      f4 a = SPLAT(0), b = a, c = a, d = a;
      for (int r = 0; r < reps; r++) {
        const float* p = xo + r * block + j;
        a = wasm_f32x4_add(a, LOAD(p));
        b = wasm_f32x4_add(b, LOAD(p + 4));
        c = wasm_f32x4_add(c, LOAD(p + 8));
        d = wasm_f32x4_add(d, LOAD(p + 12));
      }
      STORE(yo + j, a);
      STORE(yo + j + 4, b);
      STORE(yo + j + 8, c);
      STORE(yo + j + 12, d);
    }
    for (; j + 4 <= block; j += 4) {
      f4 a = SPLAT(0);
      for (int r = 0; r < reps; r++) {
        a = wasm_f32x4_add(a, LOAD(xo + r * block + j));
      }
      STORE(yo + j, a);
    }
    for (; j < block; j++) {
      float a = 0;
      for (int r = 0; r < reps; r++) {
        a += xo[r * block + j];
      }
      yo[j] = a;
    }
  }
}

/** y[o, r, j] = x[o, j] for r < reps: a repeat of x's blocks (tile along one axis). */
EXPORT(repeat_middle)(const float* x, float* y, int outer, int reps, int block) {
  for (int o = 0; o < outer; o++) {
    for (int r = 0; r < reps; r++) {
      copy(x + o * block, y + (o * reps + r) * block, block);
    }
  }
}

/** x [A, M, N, C] to y [A, N, M, C] (splitHeads with M = L, N = H; mergeHeads the reverse). */
EXPORT(swap_middle)(const float* x, float* y, int a, int m, int n, int c) {
  for (int i = 0; i < a; i++) {
    const float* xa = x + i * m * n * c;
    float* ya = y + i * m * n * c;
    // in the output's order: writes stream, reads stride (strided writes to a few far-apart
    // rows alias in the cache: measured 3x slower at [4, 128, 5, 16])
    for (int q = 0; q < n; q++) {
      for (int p = 0; p < m; p++) {
        copy(xa + (p * n + q) * c, ya + (q * m + p) * c, c);
      }
    }
  }
}

static inline float dot(const float* a, const float* b, int n) {
  f4 acc = SPLAT(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    acc = MADD(LOAD(a + i), LOAD(b + i), acc);
  }
  float s = hsum(acc);
  for (; i < n; i++) {
    s += a[i] * b[i];
  }
  return s;
}

/** rsqrt(mean(x^2) + eps) of one row. */
static inline float rms_inv(const float* x, int d, float eps) {
  return 1.0f / __builtin_sqrtf(dot(x, x, d) / (float)d + eps);
}

/** y = (x r) w per row of x [rows, D], r = rsqrt(mean(x^2) + eps). */
EXPORT(rmsnorm_fwd)(const float* x, const float* w, float* y, int rows, int d, float eps) {
  for (int row = 0; row < rows; row++, x += d, y += d) {
    float r = rms_inv(x, d, eps);
    f4 rv = SPLAT(r);
    int i = 0;
    for (; i + 4 <= d; i += 4) {
      STORE(y + i, wasm_f32x4_mul(wasm_f32x4_mul(LOAD(x + i), rv), LOAD(w + i)));
    }
    for (; i < d; i++) {
      y[i] = x[i] * r * w[i];
    }
  }
}

/**
 * With xn = x r, g = dy w: dx = r (g - xn mean(g xn)) per row, dw = sum over rows of dy xn.
 * dw [D] is overwritten.
 */
EXPORT(rmsnorm_bwd)
(const float* x, const float* w, const float* dy, float* dx, float* dw, int rows, int d,
 float eps) {
  for (int i = 0; i < d; i++) {
    dw[i] = 0;
  }
  for (int row = 0; row < rows; row++, x += d, dy += d, dx += d) {
    float r = rms_inv(x, d, eps);
    f4 acc = SPLAT(0);
    int i = 0;
    for (; i + 4 <= d; i += 4) {
      f4 g = wasm_f32x4_mul(LOAD(dy + i), LOAD(w + i));
      acc = MADD(g, LOAD(x + i), acc);
    }
    float gx = hsum(acc);
    for (; i < d; i++) {
      gx += dy[i] * w[i] * x[i];
    }
    float c = gx * r / (float)d; // mean(g xn)
    f4 rv = SPLAT(r), cv = SPLAT(c);
    for (i = 0; i + 4 <= d; i += 4) {
      f4 xn = wasm_f32x4_mul(LOAD(x + i), rv);
      f4 g = wasm_f32x4_mul(LOAD(dy + i), LOAD(w + i));
      STORE(dx + i, wasm_f32x4_mul(rv, wasm_f32x4_sub(g, wasm_f32x4_mul(xn, cv))));
      STORE(dw + i, MADD(LOAD(dy + i), xn, LOAD(dw + i)));
    }
    for (; i < d; i++) {
      float xn = x[i] * r;
      dx[i] = r * (dy[i] * w[i] - xn * c);
      dw[i] += dy[i] * xn;
    }
  }
}

/** 1 / (1 + e^-x); e^-x saturates at e^88 for x < -88, so the result tends to 0, never NaN. */
static inline f4 sigmoid4(f4 x) {
  return wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_add(SPLAT(1.0f), exp4(wasm_f32x4_neg(x))));
}

/** Lanes [0, k) of p (k < 4), zeros above: the tail of a map goes through one padded vector. */
static inline f4 load_tail(const float* p, int k) {
  float lanes[4] = {0, 0, 0, 0};
  for (int j = 0; j < k; j++) {
    lanes[j] = p[j];
  }
  return LOAD(lanes);
}

static inline void store_tail(float* p, f4 v, int k) {
  float lanes[4];
  STORE(lanes, v);
  for (int j = 0; j < k; j++) {
    p[j] = lanes[j];
  }
}

/**
 * name_fwd(x, y, n): y = f(x); name_bwd(x, dy, dx, n): dx = grad(x, dy); n floats, any n >= 1
 * (the tail through one padded vector).
 */
#define MAP_KERNELS(name, f, grad)                                                            \
  EXPORT(name##_fwd)(const float* x, float* y, int n) {                                       \
    int i = 0;                                                                                \
    for (; i + 4 <= n; i += 4) {                                                              \
      STORE(y + i, f(LOAD(x + i)));                                                           \
    }                                                                                         \
    if (i < n) {                                                                              \
      store_tail(y + i, f(load_tail(x + i, n - i)), n - i);                                   \
    }                                                                                         \
  }                                                                                           \
  EXPORT(name##_bwd)(const float* x, const float* dy, float* dx, int n) {                     \
    int i = 0;                                                                                \
    for (; i + 4 <= n; i += 4) {                                                              \
      STORE(dx + i, grad(LOAD(x + i), LOAD(dy + i)));                                         \
    }                                                                                         \
    if (i < n) {                                                                              \
      store_tail(dx + i, grad(load_tail(x + i, n - i), load_tail(dy + i, n - i)), n - i);     \
    }                                                                                         \
  }

/** x sigmoid(x). */
static inline f4 silu4(f4 x) {
  return wasm_f32x4_mul(x, sigmoid4(x));
}

/** dx = dy s (1 + x (1 - s)), s = sigmoid(x). */
static inline f4 silu_grad4(f4 x, f4 dy) {
  f4 s = sigmoid4(x);
  f4 one = SPLAT(1.0f);
  return wasm_f32x4_mul(wasm_f32x4_mul(dy, s), MADD(x, wasm_f32x4_sub(one, s), one));
}

MAP_KERNELS(silu, silu4, silu_grad4)

/** tanh(z) = 1 - 2 / (e^2z + 1): e^2z saturates (to 0 or e^88), so the ends are exactly -1, 1. */
static inline f4 tanh4(f4 z) {
  f4 e = exp4(wasm_f32x4_add(z, z));
  return wasm_f32x4_sub(SPLAT(1.0f), wasm_f32x4_div(SPLAT(2.0f), wasm_f32x4_add(e, SPLAT(1.0f))));
}

/** dx = dy (1 - t^2), t = tanh(x). */
static inline f4 tanh_grad4(f4 x, f4 dy) {
  f4 t = tanh4(x);
  return wasm_f32x4_mul(dy, wasm_f32x4_sub(SPLAT(1.0f), wasm_f32x4_mul(t, t)));
}

MAP_KERNELS(tanh, tanh4, tanh_grad4)

/** dx = dy s (1 - s), s = sigmoid(x). */
static inline f4 sigmoid_grad4(f4 x, f4 dy) {
  f4 s = sigmoid4(x);
  return wasm_f32x4_mul(wasm_f32x4_mul(dy, s), wasm_f32x4_sub(SPLAT(1.0f), s));
}

MAP_KERNELS(sigmoid, sigmoid4, sigmoid_grad4)

#define GELU_C 0.7978845608028654f /* sqrt(2 / pi) */
#define GELU_A 0.044715f

/** tanh(sqrt(2/pi) (x + 0.044715 x^3)), as src/gab/ops/elementwise.ts's gelu forms it. */
static inline f4 gelu_t(f4 x) {
  f4 x3 = wasm_f32x4_mul(x, wasm_f32x4_mul(x, x));
  return tanh4(wasm_f32x4_mul(MADD(SPLAT(GELU_A), x3, x), SPLAT(GELU_C)));
}

static inline f4 gelu4(f4 x) {
  return wasm_f32x4_mul(wasm_f32x4_mul(x, SPLAT(0.5f)), wasm_f32x4_add(SPLAT(1.0f), gelu_t(x)));
}

/** dy (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 0.044715 x^2)). */
static inline f4 gelu_grad4(f4 x, f4 dy) {
  f4 t = gelu_t(x), half = SPLAT(0.5f), one = SPLAT(1.0f);
  f4 inner = MADD(SPLAT(3 * GELU_A * GELU_C), wasm_f32x4_mul(x, x), SPLAT(GELU_C));
  f4 sech2 = wasm_f32x4_sub(one, wasm_f32x4_mul(t, t));
  f4 g = MADD(wasm_f32x4_mul(wasm_f32x4_mul(half, x), sech2), inner,
              wasm_f32x4_mul(half, wasm_f32x4_add(one, t)));
  return wasm_f32x4_mul(dy, g);
}

MAP_KERNELS(gelu, gelu4, gelu_grad4)

/** y = a b where b [M] repeats along a [R, M] (R = 1: same shapes; else a [D] weight, say). */
EXPORT(mul_fwd)(const float* a, const float* b, float* y, int reps, int m) {
  for (int r = 0; r < reps; r++, a += m, y += m) {
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      STORE(y + i, wasm_f32x4_mul(LOAD(a + i), LOAD(b + i)));
    }
    for (; i < m; i++) {
      y[i] = a[i] * b[i];
    }
  }
}

/** da = dy b (b repeated), db = sum over the R repeats of dy a; one pass, db overwritten. */
EXPORT(mul_bwd)
(const float* a, const float* b, const float* dy, float* da, float* db, int reps, int m) {
  for (int i = 0; i < m; i++) {
    db[i] = 0;
  }
  for (int r = 0; r < reps; r++, a += m, dy += m, da += m) {
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      f4 g = LOAD(dy + i);
      STORE(da + i, wasm_f32x4_mul(g, LOAD(b + i)));
      STORE(db + i, MADD(g, LOAD(a + i), LOAD(db + i)));
    }
    for (; i < m; i++) {
      da[i] = dy[i] * b[i];
      db[i] += dy[i] * a[i];
    }
  }
}

/**
 * Rotary positions on x [G, L, Dh] with tables cos, sin [L, Dh/2]: for each pair (i, i + Dh/2),
 * y[i] = x[i] cos - x[i + h] s, y[i + h] = x[i + h] cos + x[i] s with s = sign sin. sign = 1 is
 * the forward; sign = -1 its gradient (the rotation's transpose).
 */
EXPORT(rope)
(const float* x, const float* cos, const float* sin, float* y, int g, int l, int dh, float sign) {
  int h = dh / 2;
  f4 sg = SPLAT(sign);
  for (int gi = 0; gi < g; gi++) {
    const float* c = cos;
    const float* s = sin;
    for (int p = 0; p < l; p++, x += dh, y += dh, c += h, s += h) {
      int i = 0;
      for (; i + 4 <= h; i += 4) {
        f4 cv = LOAD(c + i), sv = wasm_f32x4_mul(LOAD(s + i), sg);
        f4 a = LOAD(x + i), b = LOAD(x + i + h);
        STORE(y + i, wasm_f32x4_sub(wasm_f32x4_mul(a, cv), wasm_f32x4_mul(b, sv)));
        STORE(y + i + h, wasm_f32x4_add(wasm_f32x4_mul(b, cv), wasm_f32x4_mul(a, sv)));
      }
      for (; i < h; i++) {
        float cv = c[i], sv = s[i] * sign, a = x[i], b = x[i + h];
        y[i] = a * cv - b * sv;
        y[i + h] = b * cv + a * sv;
      }
    }
  }
}
