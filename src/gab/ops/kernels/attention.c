// Fused causal attention per group g (= batch * head), forward and backward, skipping the masked
// half (key j > query i). Shapes: q, k [G, L, Dk], v, y, dy [G, L, Dv]; the probabilities P are
// saved padded as [G, Lp, Lp], Lp = L rounded up to 8, zero wherever j > i or i, j >= L.
// Every product runs on one 4x8 register tile (4 output rows, 8 contiguous output columns), on
// the tensors themselves where L and the widths are multiples of 8, else on zero-padded copies in
// scratch: any L, Dk, Dv >= 1 take the same vector path. The backward forms dS = P (dP - rowsum(P
// dP)) row block by row block, keeps it [Lp, Lp] in scratch, and reads it by rows for dq, by
// columns for dk.
#include "simd.h"

/** Scores above the diagonal before the softmax: exp4 flushes them to exactly 0. */
#define NEG (-1e30f)

static inline int up8(int n) { return (n + 7) & ~7; }

/**
 * C[r, c] = sum_{k < kn} A(r, k) B[k, c] for r < 4, c < 8, where A(r, k) = a[r * ra + k * ka]
 * and B[k, c] = b[k * sb + c]; C[r, c] is written to c[r * sc + c].
 */
static inline void tile(const float* a, int ra, int ka, const float* b, int sb, int kn, float* c,
                        int sc) {
  f4 c00 = SPLAT(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kn; k++) {
    f4 b0 = LOAD(b), b1 = LOAD(b + 4);
    b += sb;
    f4 x = wasm_v128_load32_splat(a);
    c00 = MADD(x, b0, c00);
    c01 = MADD(x, b1, c01);
    x = wasm_v128_load32_splat(a + ra);
    c10 = MADD(x, b0, c10);
    c11 = MADD(x, b1, c11);
    x = wasm_v128_load32_splat(a + 2 * ra);
    c20 = MADD(x, b0, c20);
    c21 = MADD(x, b1, c21);
    x = wasm_v128_load32_splat(a + 3 * ra);
    c30 = MADD(x, b0, c30);
    c31 = MADD(x, b1, c31);
    a += ka;
  }
  STORE(c, c00);
  STORE(c + 4, c01);
  STORE(c + sc, c10);
  STORE(c + sc + 4, c11);
  STORE(c + 2 * sc, c20);
  STORE(c + 2 * sc + 4, c21);
  STORE(c + 3 * sc, c30);
  STORE(c + 3 * sc + 4, c31);
}

/**
 * src [n, sc] as a [rows, dc] matrix zero-padded in both axes: src itself where that needs no
 * padding, else a copy in dst.
 */
static const float* staged(const float* src, int n, int sc, float* dst, int rows, int dc) {
  if (n == rows && sc == dc) {
    return src;
  }
  for (int i = 0; i < rows; i++) {
    int c = 0;
    if (i < n) {
      for (; c < sc; c++) {
        dst[i * dc + c] = src[i * sc + c];
      }
    }
    for (; c < dc; c++) {
      dst[i * dc + c] = 0.0f;
    }
  }
  return dst;
}

/** dst [d, lp] = src [n, d] transposed, zero in columns >= n. */
static void transpose(const float* src, int n, int d, float* dst, int lp) {
  for (int c = 0; c < d; c++) {
    for (int i = 0; i < n; i++) {
      dst[c * lp + i] = src[i * d + c];
    }
    for (int i = n; i < lp; i++) {
      dst[c * lp + i] = 0.0f;
    }
  }
}

/** dst [n, d] = src [n, dp], the padding dropped; nothing where src is dst (no padding). */
static void unstage(const float* src, int dp, float* dst, int n, int d) {
  if (src == dst) {
    return;
  }
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < d; c++) {
      dst[i * d + c] = src[i * dp + c];
    }
  }
}

/** out itself where an [n, d] result needs no padding to [up8(n), up8(d)], else tmp. */
static float* target(float* out, int n, int d, float* tmp) {
  return n == up8(n) && d == up8(d) ? out : tmp;
}

/** The largest lane of v. */
static inline float hmax(f4 v) {
  v = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

/**
 * Row i of the scores s to probabilities in place: scaled, masked beyond i, softmax, zero from
 * there to lp (a multiple of 4). Only the 4-wide chunks up to the one holding i are touched:
 * the scores there must be computed. Rows i >= l are all zero.
 */
static void softmax_row(float* s, int i, int l, int lp, float scale) {
  int w = i < l ? (i & ~3) + 4 : 0;
  f4 sc = SPLAT(scale), neg = SPLAT(NEG), last = wasm_i32x4_splat(i);
  f4 lane = wasm_i32x4_make(0, 1, 2, 3), m = neg;
  for (int j = 0; j < w; j += 4) {
    f4 keep = wasm_i32x4_le(wasm_i32x4_add(lane, wasm_i32x4_splat(j)), last);
    f4 x = wasm_v128_bitselect(wasm_f32x4_mul(LOAD(s + j), sc), neg, keep);
    STORE(s + j, x);
    m = wasm_f32x4_pmax(m, x);
  }
  f4 sum = SPLAT(0), mv = SPLAT(hmax(m));
  for (int j = 0; j < w; j += 4) {
    f4 e = exp4(wasm_f32x4_sub(LOAD(s + j), mv));
    STORE(s + j, e);
    sum = wasm_f32x4_add(sum, e);
  }
  f4 inv = SPLAT(w > 0 ? 1.0f / hsum(sum) : 0.0f);
  for (int j = 0; j < w; j += 4) {
    STORE(s + j, wasm_f32x4_mul(LOAD(s + j), inv));
  }
  for (int j = w; j < lp; j += 4) {
    STORE(s + j, SPLAT(0));
  }
}

/**
 * y [G, L, Dv] and P [G, Lp, Lp] of q, k [G, L, Dk], v [G, L, Dv]. scratch: 16-byte aligned,
 * 4 * (2 Lp Dk + 2 Lp up8(Dv)) bytes.
 */
EXPORT(attn_forward)(const float* q, const float* k, const float* v, float* y, float* p, int g,
                     int l, int dk, int dv, float scale, float* scratch) {
  int lp = up8(l), dvp = up8(dv);
  float* qtmp = scratch;        // [Lp, Dk]
  float* kt = qtmp + lp * dk;   // [Dk, Lp]
  float* vtmp = kt + dk * lp;   // [Lp, Dvp]
  float* ytmp = vtmp + lp * dvp;  // [Lp, Dvp]
  for (int n = 0; n < g; n++, q += l * dk, k += l * dk, v += l * dv, y += l * dv, p += lp * lp) {
    const float* qs = staged(q, l, dk, qtmp, lp, dk);
    const float* vs = staged(v, l, dv, vtmp, lp, dvp);
    float* ys = target(y, l, dv, ytmp);
    transpose(k, l, dk, kt, lp);
    for (int i = 0; i < lp; i += 4) {
      int w = up8(i + 4);  // keys 0 .. i + 3 lie in the first w columns
      for (int j = 0; j < w; j += 8) {
        tile(qs + i * dk, dk, 1, kt + j, lp, dk, p + i * lp + j, lp);
      }
      for (int r = 0; r < 4; r++) {
        softmax_row(p + (i + r) * lp, i + r, l, lp, scale);
      }
      for (int e = 0; e < dvp; e += 8) {
        tile(p + i * lp, lp, 1, vs + e, dvp, i + 4, ys + i * dvp + e, dvp);
      }
    }
    unstage(ys, dvp, y, l, dv);
  }
}

/**
 * Row i of dS in place from dP and P: dS = scale P (dP - sum_j P dP), the softmax backward with
 * the scores' scale folded in, over the first w entries (a multiple of 4, past i: P is 0 beyond
 * i), zero from w to lp.
 */
static void dsoftmax_row(float* ds, const float* p, int w, int lp, float scale) {
  f4 acc = SPLAT(0);
  for (int j = 0; j < w; j += 4) {
    acc = MADD(LOAD(p + j), LOAD(ds + j), acc);
  }
  f4 d = SPLAT(hsum(acc)), sc = SPLAT(scale);
  for (int j = 0; j < w; j += 4) {
    f4 x = wasm_f32x4_mul(LOAD(p + j), wasm_f32x4_sub(LOAD(ds + j), d));
    STORE(ds + j, wasm_f32x4_mul(x, sc));
  }
  for (int j = w; j < lp; j += 4) {
    STORE(ds + j, SPLAT(0));
  }
}

/**
 * dq, dk [G, L, Dk] and dv [G, L, Dv] from dy [G, L, Dv] and the forward's q, k, v and P
 * [G, Lp, Lp]. scratch: 16-byte aligned, 4 * (4 Lp up8(Dk) + Lp Dv + 2 Lp up8(Dv) + Lp Lp) bytes.
 */
EXPORT(attn_backward)(const float* q, const float* k, const float* v, const float* p,
                      const float* dy, float* dq, float* dk, float* dv, int g, int l, int nk,
                      int nv, float scale, float* scratch) {
  int lp = up8(l), kp = up8(nk), vp = up8(nv);
  float* qtmp = scratch;           // [Lp, Kp]
  float* ktmp = qtmp + lp * kp;    // [Lp, Kp]
  float* dqtmp = ktmp + lp * kp;   // [Lp, Kp]
  float* dktmp = dqtmp + lp * kp;  // [Lp, Kp]
  float* vt = dktmp + lp * kp;     // [Dv, Lp]
  float* dytmp = vt + nv * lp;     // [Lp, Vp]
  float* dvtmp = dytmp + lp * vp;  // [Lp, Vp]
  float* ds = dvtmp + lp * vp;     // [Lp, Lp]
  for (int n = 0; n < g; n++) {
    const float* qs = staged(q, l, nk, qtmp, lp, kp);
    const float* ks = staged(k, l, nk, ktmp, lp, kp);
    const float* dys = staged(dy, l, nv, dytmp, lp, vp);
    float* dqs = target(dq, l, nk, dqtmp);
    float* dks = target(dk, l, nk, dktmp);
    float* dvs = target(dv, l, nv, dvtmp);
    transpose(v, l, nv, vt, lp);
    for (int i = 0; i < lp; i += 4) {
      int w = up8(i + 4);
      // dP[i, j] = sum_e dy[i, e] v[j, e], then dS in place
      for (int j = 0; j < w; j += 8) {
        tile(dys + i * vp, vp, 1, vt + j, lp, nv, ds + i * lp + j, lp);
      }
      for (int r = 0; r < 4; r++) {
        dsoftmax_row(ds + (i + r) * lp, p + (i + r) * lp, i + 4, lp, scale);
      }
      // dq[i, d] = sum_{j <= i} dS[i, j] k[j, d]
      for (int e = 0; e < kp; e += 8) {
        tile(ds + i * lp, lp, 1, ks + e, kp, i + 4, dqs + i * kp + e, kp);
      }
    }
    for (int j = 0; j < lp; j += 4) {
      // dk[j, d] = sum_{i >= j} dS[i, j] q[i, d]; dv[j, e] = sum_{i >= j} P[i, j] dy[i, e]
      for (int e = 0; e < kp; e += 8) {
        tile(ds + j * lp + j, 1, lp, qs + j * kp + e, kp, l - j, dks + j * kp + e, kp);
      }
      for (int e = 0; e < vp; e += 8) {
        tile(p + j * lp + j, 1, lp, dys + j * vp + e, vp, l - j, dvs + j * vp + e, vp);
      }
    }
    unstage(dqs, kp, dq, l, nk);
    unstage(dks, kp, dk, l, nk);
    unstage(dvs, vp, dv, l, nv);
    q += l * nk, k += l * nk, dq += l * nk, dk += l * nk;
    v += l * nv, dy += l * nv, dv += l * nv;
    p += lp * lp;
  }
}
