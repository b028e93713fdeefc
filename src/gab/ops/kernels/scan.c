// linearScan as the plain sequential recurrence, forward and backward, per group g = b * H + h.
// Shapes: q, k [G, L, Dk], v, y, dy [G, L, Dv], w = logDecay [G, L, Dw] (Dw = Dk or 1, w <= 0),
// bonus u [H, Dk]. With a_t = exp(w_t) (broadcast over Dk when Dw = 1), S_{-1} = 0:
//   S_t = diag(a_t) S_{t-1} + k_t^T v_t                       (state [Dk, Dv])
//   y_t = q_t S_t, or q_t S_{t-1} when exclusive; plus c_t v_t with c_t = sum_i q_ti u_i k_ti
// The state lives in scratch as [Dkp, Dvp] (Dk, Dv rounded up to 4, zero padding: padded q, k,
// v, dy entries are 0, so padded rows and columns of S and G stay 0 and add nothing).
//
// Backward. Let G_t = dL/dS_t (through every later output and state). S_{t+1} depends on S_t
// through diag(a_{t+1}), and y_t reads S_t (inclusive) or y_{t+1} reads S_t (exclusive), so
//   inclusive: G_t = diag(a_{t+1}) G_{t+1} + q_t^T dy_t,      G_L = 0
//   exclusive: G_t = diag(a_{t+1}) G_{t+1} + q_{t+1}^T dy_{t+1}, G_{L-1} = 0
// and from S_t = diag(a_t) S_{t-1} + k_t^T v_t, y_t = q_t S_t (or S_{t-1}):
//   dk_t[i] = sum_e G_t[i,e] v_t[e]        dv_t[e] = sum_i k_t[i] G_t[i,e]
//   dw_t[i] = a_t[i] sum_e G_t[i,e] S_{t-1}[i,e]   (da/dw = a; summed over i when Dw = 1)
//   dq_t[i] = sum_e dy_t[e] S_t[i,e]  (S_{t-1} when exclusive)
// and for the bonus, with dc_t = dy_t . v_t: dv_t += c_t dy_t, dq_t += dc_t u k_t,
// dk_t += dc_t u q_t, du[h] += sum_{b,t} dc_t q_t k_t.
// The backward walks t down with one matrix G: at step t it holds diag(a_{t+1}) G_{t+1} (+ the
// exclusive q_{t+1}^T dy_{t+1}), so G_t is one outer product away. It needs S_{t-1}: the forward
// saves the state entering every chunk of CHUNK steps (ck [G, ceil(L / CHUNK), Dkp, Dvp]), and
// the backward recomputes each chunk's states from its checkpoint, last chunk first. The
// inclusive dq_t needs S_t too: S_t dy = diag(a_t) (S_{t-1} dy) + k_t^T (v_t . dy), no S_t read.
#include "simd.h"

#define CHUNK 16

static inline int up4(int n) { return (n + 3) & ~3; }

static inline void zero(float* p, int n) {
  for (int i = 0; i < n; i += 4) {
    STORE(p + i, SPLAT(0));
  }
}

static inline void copy4(const float* s, float* d, int n) {
  for (int i = 0; i < n; i += 4) {
    STORE(d + i, LOAD(s + i));
  }
}

/** src [n] as a vector of np (n rounded up to 4) floats: src itself, or a zero-padded copy. */
static inline const float* row(const float* src, int n, int np, float* buf) {
  if (n == np) {
    return src;
  }
  int i = 0;
  for (; i < n; i++) {
    buf[i] = src[i];
  }
  for (; i < np; i++) {
    buf[i] = 0.0f;
  }
  return buf;
}

/** a[0..dkp) = exp(w_t), w_t [dw] with dw = dk or 1 (broadcast); padded entries get exp(0). */
static inline void decay(const float* wt, int dw, int dk, int dkp, float* wb, float* a) {
  if (dw == 1) {
    f4 x = exp4(wasm_v128_load32_splat(wt));
    for (int i = 0; i < dkp; i += 4) {
      STORE(a + i, x);
    }
    return;
  }
  const float* w = row(wt, dk, dkp, wb);
  for (int i = 0; i < dkp; i += 4) {
    STORE(a + i, exp4(LOAD(w + i)));
  }
}

/** out = diag(a) in + k^T v, both [dkp, dvp]; the same arithmetic as step's update. */
static inline __attribute__((always_inline)) void advance(const float* in, float* out,
                                                          const float* k, const float* v,
                                                          const float* a, int dkp, int dvp) {
  for (int i = 0; i < dkp; i++) {
    f4 ai = wasm_v128_load32_splat(a + i), ki = wasm_v128_load32_splat(k + i);
    for (int e = 0; e < dvp; e += 4) {
      int o = i * dvp + e;
      STORE(out + o, MADD(ai, LOAD(in + o), wasm_f32x4_mul(ki, LOAD(v + e))));
    }
  }
}

/**
 * The state after in [dkp, dvp], written right after it; the common widths get their own copy
 * of advance with the width constant (measured ~15% faster at Dv 16 and 32).
 */
static void recompute(float* in, const float* k, const float* v, const float* a, int dkp,
                      int dvp) {
  float* out = in + dkp * dvp;
  if (dvp == 16) {
    advance(in, out, k, v, a, dkp, 16);
  } else if (dvp == 32) {
    advance(in, out, k, v, a, dkp, 32);
  } else {
    advance(in, out, k, v, a, dkp, dvp);
  }
}

/** One forward step on S [dkp, dvp]: y = q S_{t-1} (exclusive) or q S_t, and S to S_t. */
static inline __attribute__((always_inline)) void step(float* S, const float* q, const float* k,
                                                       const float* v, const float* a, float* y,
                                                       int dkp, int dvp, int exclusive) {
  for (int e = 0; e < dvp; e += 4) {
    f4 ve = LOAD(v + e), acc = SPLAT(0);
    float* s = S + e;
    for (int i = 0; i < dkp; i++, s += dvp) {
      f4 x = LOAD(s), qi = wasm_v128_load32_splat(q + i);
      if (exclusive) {
        acc = MADD(qi, x, acc);
      }
      x = MADD(wasm_v128_load32_splat(a + i), x, wasm_f32x4_mul(wasm_v128_load32_splat(k + i), ve));
      STORE(s, x);
      if (!exclusive) {
        acc = MADD(qi, x, acc);
      }
    }
    STORE(y + e, acc);
  }
}

/** c = sum_i q_i u_i k_i over dkp. */
static inline float bonusDot(const float* q, const float* u, const float* k, int dkp) {
  f4 acc = SPLAT(0);
  for (int i = 0; i < dkp; i += 4) {
    acc = MADD(wasm_f32x4_mul(LOAD(q + i), LOAD(u + i)), LOAD(k + i), acc);
  }
  return hsum(acc);
}

/** [sum a, sum b, sum c, sum d]: four horizontal sums at once. */
static inline f4 hsum4(f4 a, f4 b, f4 c, f4 d) {
  f4 ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  f4 cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  // ab = [a0+a2, b0+b2, a1+a3, b1+b3], cd likewise
  return wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

/** Row i's four lanes partial sums in acc[4 i..4 i + 4) to out[i] = their sum, i < dkp. */
static inline void reduceRows(const float* acc, float* out, int dkp) {
  for (int i = 0; i < dkp; i += 4) {
    const float* r = acc + 4 * i;
    STORE(out + i, hsum4(LOAD(r), LOAD(r + 4), LOAD(r + 8), LOAD(r + 12)));
  }
}

/**
 * y [G, L, Dv] and the checkpoints ck [G, ceil(L / CHUNK), Dkp, Dvp] (S entering each chunk) of
 * q, k [G, L, Dk], v [G, L, Dv], w [G, L, Dw], u [H, Dk] (read when bonus); scratch:
 * 4 * (dkp * dvp + 5 * dkp + 2 * dvp) bytes.
 */
EXPORT(scan_forward)(const float* q, const float* k, const float* v, const float* w,
                     const float* u, float* y, float* ck, int groups, int heads, int l, int dk,
                     int dv, int dw, int exclusive, int bonus, float* scratch) {
  int dkp = up4(dk), dvp = up4(dv), sz = dkp * dvp;
  float* S = scratch;
  float *qb = S + sz, *kb = qb + dkp, *ab = kb + dkp, *wb = ab + dkp, *ub = wb + dkp;
  float *vb = ub + dkp, *yb = vb + dvp;
  for (int g = 0; g < groups; g++) {
    zero(S, sz);
    const float* ug = bonus ? row(u + (g % heads) * dk, dk, dkp, ub) : 0;
    for (int t = 0; t < l; t++) {
      if (t % CHUNK == 0) {
        copy4(S, ck, sz);
        ck += sz;
      }
      int at = g * l + t;
      const float* qt = row(q + at * dk, dk, dkp, qb);
      const float* kt = row(k + at * dk, dk, dkp, kb);
      const float* vt = row(v + at * dv, dv, dvp, vb);
      decay(w + at * dw, dw, dk, dkp, wb, ab);
      float* yt = dv == dvp ? y + at * dv : yb;
      if (exclusive) {
        step(S, qt, kt, vt, ab, yt, dkp, dvp, 1);
      } else {
        step(S, qt, kt, vt, ab, yt, dkp, dvp, 0);
      }
      if (bonus) {
        f4 c = SPLAT(bonusDot(qt, ug, kt, dkp));
        for (int e = 0; e < dvp; e += 4) {
          STORE(yt + e, MADD(c, LOAD(vt + e), LOAD(yt + e)));
        }
      }
      if (yt == yb) {
        for (int e = 0; e < dv; e++) {
          y[at * dv + e] = yb[e];
        }
      }
    }
  }
}

/** Per-step rows of the backward: dq, dk, dw [dkp], dv [dvp]; lane sums acc [3, dkp, 4]. */
typedef struct {
  float *dq, *dk, *dw, *dv, *acc;
} Rows;

/** Staged inputs of one step, each padded to dkp or dvp. */
typedef struct {
  const float *q, *k, *v, *dy, *a;
} Step;

/**
 * One backward step: G holds diag(a_{t+1}) G_{t+1} (+ q_{t+1}^T dy_{t+1} when exclusive) on
 * entry and the same for t - 1 on exit; P = S_{t-1}; vdy = v_t . dy_t.
 */
static inline __attribute__((always_inline)) void back(float* G, const float* P, Step s,
                                                       float vdy, Rows o, int dkp, int dvp,
                                                       int exclusive) {
  zero(o.dv, dvp);
  float *rq = o.acc, *rk = rq + 4 * dkp, *rw = rk + 4 * dkp;
  for (int i = 0; i < dkp; i++) {
    f4 qi = wasm_v128_load32_splat(s.q + i), ki = wasm_v128_load32_splat(s.k + i);
    f4 ai = wasm_v128_load32_splat(s.a + i);
    f4 aq = SPLAT(0), ak = aq, aw = aq;
    float* gi = G + i * dvp;
    const float* pi = P + i * dvp;
    for (int e = 0; e < dvp; e += 4) {
      f4 dye = LOAD(s.dy + e), gv = LOAD(gi + e), p = LOAD(pi + e);
      aq = MADD(p, dye, aq);
      if (!exclusive) {
        gv = MADD(qi, dye, gv); // G_t
      }
      ak = MADD(gv, LOAD(s.v + e), ak);
      aw = MADD(gv, p, aw);
      STORE(o.dv + e, MADD(ki, gv, LOAD(o.dv + e)));
      gv = wasm_f32x4_mul(ai, gv);
      if (exclusive) {
        gv = MADD(qi, dye, gv);
      }
      STORE(gi + e, gv);
    }
    STORE(rq + 4 * i, aq);
    STORE(rk + 4 * i, ak);
    STORE(rw + 4 * i, aw);
  }
  reduceRows(rq, o.dq, dkp);
  reduceRows(rk, o.dk, dkp);
  reduceRows(rw, o.dw, dkp);
  f4 c = SPLAT(vdy);
  for (int i = 0; i < dkp; i += 4) {
    f4 a = LOAD(s.a + i);
    STORE(o.dw + i, wasm_f32x4_mul(a, LOAD(o.dw + i)));
    if (!exclusive) { // S_t dy = diag(a) (S_{t-1} dy) + k (v . dy)
      STORE(o.dq + i, MADD(a, LOAD(o.dq + i), wasm_f32x4_mul(LOAD(s.k + i), c)));
    }
  }
}

/** The bonus terms of one step (see the header); du [dkp] accumulates; dc = v . dy. */
static inline void bonusBack(Step s, float dc, const float* u, Rows o, float* du, int dkp,
                             int dvp) {
  f4 c = SPLAT(bonusDot(s.q, u, s.k, dkp));
  for (int e = 0; e < dvp; e += 4) {
    STORE(o.dv + e, MADD(c, LOAD(s.dy + e), LOAD(o.dv + e)));
  }
  f4 d = SPLAT(dc);
  for (int i = 0; i < dkp; i += 4) {
    f4 qi = LOAD(s.q + i), ki = LOAD(s.k + i), dcu = wasm_f32x4_mul(d, LOAD(u + i));
    STORE(o.dq + i, MADD(dcu, ki, LOAD(o.dq + i)));
    STORE(o.dk + i, MADD(dcu, qi, LOAD(o.dk + i)));
    STORE(du + i, MADD(wasm_f32x4_mul(d, qi), ki, LOAD(du + i)));
  }
}

/** Copies one step's rows out of scratch into the gradient tensors at step index at. */
static inline void emit(Rows o, int at, int dk, int dv, int dw, float* dq, float* dkk, float* dvv,
                        float* dww) {
  for (int i = 0; i < dk; i++) {
    dq[at * dk + i] = o.dq[i];
    dkk[at * dk + i] = o.dk[i];
  }
  for (int e = 0; e < dv; e++) {
    dvv[at * dv + e] = o.dv[e];
  }
  if (dw == 1) {
    float s = 0.0f;
    for (int i = 0; i < dk; i++) {
      s += o.dw[i];
    }
    dww[at] = s;
  } else {
    for (int i = 0; i < dk; i++) {
      dww[at * dk + i] = o.dw[i];
    }
  }
}

/** v . dy over dvp. */
static inline float dot4(const float* a, const float* b, int n) {
  f4 acc = SPLAT(0);
  for (int i = 0; i < n; i += 4) {
    acc = MADD(LOAD(a + i), LOAD(b + i), acc);
  }
  return hsum(acc);
}

/**
 * dq, dk [G, L, Dk], dv [G, L, Dv], dw [G, L, Dw] and du [H, Dk] (written when bonus) from the
 * forward's inputs, its checkpoints ck and dy [G, L, Dv]. Scratch: 4 * ((CHUNK + 1) * dkp * dvp
 * + (CHUNK + 21) * dkp + 4 * dvp) bytes.
 */
EXPORT(scan_backward)(const float* q, const float* k, const float* v, const float* w,
                      const float* u, const float* ck, const float* dy, float* dq, float* dk_,
                      float* dv_, float* dw_, float* du, int groups, int heads, int l, int dk,
                      int dv, int dw, int exclusive, int bonus, float* scratch) {
  int dkp = up4(dk), dvp = up4(dv), sz = dkp * dvp, chunks = (l + CHUNK - 1) / CHUNK;
  float *st = scratch, *G = st + CHUNK * sz, *ac = G + sz; // ac [CHUNK, dkp]: the decays
  float *qb = ac + CHUNK * dkp, *kb = qb + dkp, *wb = kb + dkp, *ub = wb + dkp, *dub = ub + dkp;
  float *vb = dub + dkp, *dyb = vb + dvp, *dq0 = dyb + dvp;
  Rows o = {dq0, dq0 + dkp, dq0 + 2 * dkp, dq0 + 3 * dkp, dq0 + 3 * dkp + dvp};
  if (bonus) {
    for (int i = 0; i < heads * dk; i++) {
      du[i] = 0.0f;
    }
  }
  for (int g = 0; g < groups; g++) {
    zero(G, sz);
    zero(dub, dkp);
    const float* ug = bonus ? row(u + (g % heads) * dk, dk, dkp, ub) : 0;
    for (int n = chunks - 1; n >= 0; n--) {
      int t0 = n * CHUNK, t1 = t0 + CHUNK < l ? t0 + CHUNK : l;
      copy4(ck + (g * chunks + n) * sz, st, sz); // st[j] = S_{t0 + j - 1}
      for (int t = t0; t < t1; t++) {
        int at = g * l + t;
        float* a = ac + (t - t0) * dkp;
        decay(w + at * dw, dw, dk, dkp, wb, a);
        if (t + 1 < t1) {
          const float* kt = row(k + at * dk, dk, dkp, kb);
          const float* vt = row(v + at * dv, dv, dvp, vb);
          recompute(st + (t - t0) * sz, kt, vt, a, dkp, dvp);
        }
      }
      for (int t = t1 - 1; t >= t0; t--) {
        int at = g * l + t;
        Step s = {row(q + at * dk, dk, dkp, qb), row(k + at * dk, dk, dkp, kb),
                  row(v + at * dv, dv, dvp, vb), row(dy + at * dv, dv, dvp, dyb),
                  ac + (t - t0) * dkp};
        const float* P = st + (t - t0) * sz;
        float vdy = dot4(s.v, s.dy, dvp);
        if (exclusive) {
          back(G, P, s, vdy, o, dkp, dvp, 1);
        } else {
          back(G, P, s, vdy, o, dkp, dvp, 0);
        }
        if (bonus) {
          bonusBack(s, vdy, ug, o, dub, dkp, dvp);
        }
        emit(o, at, dk, dv, dw, dq, dk_, dv_, dw_);
      }
    }
    if (bonus) {
      for (int i = 0; i < dk; i++) {
        du[(g % heads) * dk + i] += dub[i];
      }
    }
  }
}
