// The two ends of the LM (src/model/lm.ts) on wasm. The embedding lookup as a row gather, its
// gradient a scatter-add (tfjs's GatherV2 and the oneHot^T @ dY product took ~100x longer). The
// loss fused: mean over rows of -log softmax(z)[target] for logits z [N, V], and its gradient
// (softmax(z) - onehot(target)) dy / N. A target outside [0, V) contributes no loss and no onehot,
// as tf.oneHot's zero row does in the tfjs formulation (src/gab/ops/embedding.ts).
#include "simd.h"

static inline void copy(const float* s, float* d, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    STORE(d + i, LOAD(s + i));
  }
  for (; i < n; i++) {
    d[i] = s[i];
  }
}

/** y [N, D] = rows ids[i] of e [V, D]; an id outside [0, V) gives a zero row (never a stray read). */
EXPORT(gather_rows)(const float* e, const int* ids, float* y, int n, int d, int v) {
  for (int i = 0; i < n; i++, y += d) {
    int id = ids[i];
    if (id >= 0 && id < v) {
      copy(e + id * d, y, d);
    } else {
      for (int j = 0; j < d; j++) {
        y[j] = 0;
      }
    }
  }
}

/** de [V, D] = sum over i of dy[i] into row ids[i] (overwritten; ids outside [0, V) add nothing). */
EXPORT(scatter_add_rows)(const float* dy, const int* ids, float* de, int n, int d, int v) {
  for (int j = 0; j < v * d; j++) {
    de[j] = 0;
  }
  for (int i = 0; i < n; i++, dy += d) {
    int id = ids[i];
    if (id >= 0 && id < v) {
      float* row = de + id * d;
      int j = 0;
      for (; j + 4 <= d; j += 4) {
        STORE(row + j, wasm_f32x4_add(LOAD(row + j), LOAD(dy + j)));
      }
      for (; j < d; j++) {
        row[j] += dy[j];
      }
    }
  }
}

/** ln x for x >= 1 (a sum of exponentials whose largest term is 1): x = 2^e m, m in [0.7, 1.4). */
static inline double log_ge1(float x) {
  int bits = __builtin_bit_cast(int, x);
  int e = ((bits >> 23) & 255) - 127;
  double m = (double)__builtin_bit_cast(float, (bits & 0x7fffff) | 0x3f800000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  // ln m = 2 atanh(t), t = (m - 1) / (m + 1), |t| < 0.172: the series' next term is below 1e-10
  double t = (m - 1) / (m + 1), t2 = t * t;
  double p = 1 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7 + t2 * (1.0 / 9 + t2 / 11))));
  return e * 0.6931471805599453 + 2 * t * p;
}

static inline float row_max(const float* z, int v) {
  float m = z[0];
  int i = 0;
  if (v >= 4) {
    f4 mv = LOAD(z);
    for (i = 4; i + 4 <= v; i += 4) {
      mv = wasm_f32x4_max(mv, LOAD(z + i));
    }
    float a = wasm_f32x4_extract_lane(mv, 0), b = wasm_f32x4_extract_lane(mv, 1);
    float c = wasm_f32x4_extract_lane(mv, 2), d = wasm_f32x4_extract_lane(mv, 3);
    m = a > b ? a : b;
    m = m > c ? m : c;
    m = m > d ? m : d;
  }
  for (; i < v; i++) {
    m = z[i] > m ? z[i] : m;
  }
  return m;
}

static inline float exp1(float x) {
  return wasm_f32x4_extract_lane(exp4(SPLAT(x)), 0);
}

/** log sum exp of one row. */
static inline float row_lse(const float* z, int v) {
  float m = row_max(z, v);
  f4 mv = SPLAT(m), acc = SPLAT(0);
  int i = 0;
  for (; i + 4 <= v; i += 4) {
    acc = wasm_f32x4_add(acc, exp4(wasm_f32x4_sub(LOAD(z + i), mv)));
  }
  float s = hsum(acc);
  for (; i < v; i++) {
    s += exp1(z[i] - m);
  }
  return (float)(m + log_ge1(s));
}

/** loss[0] = mean over rows of lse - z[target]; lse [N] keeps each row's log-sum-exp. */
EXPORT(xent_fwd)(const float* z, const int* target, float* lse, float* loss, int n, int v) {
  double acc = 0;
  for (int r = 0; r < n; r++, z += v) {
    float l = row_lse(z, v);
    lse[r] = l;
    int t = target[r];
    if (t >= 0 && t < v) {
      acc += (double)(l - z[t]);
    }
  }
  loss[0] = (float)(acc / n);
}

/** dz = (e^(z - lse) - onehot(target)) dy[0] / N. */
EXPORT(xent_bwd)
(const float* z, const int* target, const float* lse, const float* dy, float* dz, int n, int v) {
  float scale = dy[0] / (float)n;
  f4 sv = SPLAT(scale);
  for (int r = 0; r < n; r++, z += v, dz += v) {
    f4 lv = SPLAT(lse[r]);
    int i = 0;
    for (; i + 4 <= v; i += 4) {
      STORE(dz + i, wasm_f32x4_mul(exp4(wasm_f32x4_sub(LOAD(z + i), lv)), sv));
    }
    for (; i < v; i++) {
      dz[i] = exp1(z[i] - lse[r]) * scale;
    }
    int t = target[r];
    if (t >= 0 && t < v) {
      dz[t] -= scale;
    }
  }
}
