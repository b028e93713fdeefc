// Dense products for ops.linear and ops.matmul (src/gab/ops/gemm.ts). Row-major float32
// throughout; any sizes >= 1 (remainder rows recompute row 0 unstored, remainder columns take a
// 4-wide tile, then one column at a time).
// One register tile, 4 rows x 8 columns (8 accumulators): measured fastest against 6x8, 4x12,
// 8x8, 5x8, 3x16 and an unrolled inner loop (V8 has 16 vector registers on x64; larger tiles
// spill). Isolated, at 250k's shapes: ~21-25 GMAC/s with FMA, ~18-20 without; XNNPACK's matmul
// ~17, and ~10 for X^T dY (transposes included).
// The tile reads A through two strides, so the same code serves A and A^T: the weight gradient
// dW = X^T dY needs no transposed copy of X. The inner axis is cut in slices of KC (below).
#include "simd.h"

#define MR 4
/** Inner-axis slice: 128 and 256 measured alike, unsliced 25-35% slower for X^T dY at K >= 512. */
#define KC 128
#define INLINE static inline __attribute__((always_inline))

/** A view of a matrix operand: element (i, p) of A' at a[i * si + p * sp]. */
typedef struct {
  const float* a;
  int si;
  int sp;
} View;

/**
 * c[rows, 4 nv] (+)= A'[rows, K] @ b[K, 4 nv] (+ bias[4 nv] where bias is not null); rows <= MR.
 * b and c have row strides ldb and ldc; `add` accumulates into c. Rows past `rows` recompute
 * row 0 and are not stored.
 */
INLINE void tile(View v, const float* b, int ldb, float* c, int ldc, int K, int rows, int nv,
                 const float* bias, int add) {
  f4 acc[MR][2];
  int off[MR];
  for (int i = 0; i < MR; i++) off[i] = i < rows ? i : 0;
  for (int j = 0; j < nv; j++) {
    f4 init = bias ? LOAD(bias + 4 * j) : SPLAT(0);
    for (int i = 0; i < MR; i++) acc[i][j] = add ? LOAD(c + off[i] * ldc + 4 * j) : init;
  }
  for (int i = 0; i < MR; i++) off[i] *= v.si;
  const float* a = v.a;
  for (int p = 0; p < K; p++) {
    f4 bv[2];
    for (int j = 0; j < nv; j++) bv[j] = LOAD(b + 4 * j);
    b += ldb;
    for (int i = 0; i < MR; i++) {
      f4 x = SPLAT(a[off[i]]);
      for (int j = 0; j < nv; j++) acc[i][j] = MADD(x, bv[j], acc[i][j]);
    }
    a += v.sp;
  }
  for (int i = 0; i < MR; i++) {
    if (i < rows) {
      for (int j = 0; j < nv; j++) STORE(c + 4 * j, acc[i][j]);
    }
    c += ldc;
  }
}

/** The last N % 4 columns, one at a time: c[rows, 1] = A'[rows, K] @ b[K, 1] (+ bias[0]). */
INLINE void column(View v, const float* b, int ldb, float* c, int ldc, int K, int rows,
                   const float* bias, int add) {
  for (int i = 0; i < rows; i++) {
    const float* a = v.a + i * v.si;
    const float* bp = b;
    float s = add ? c[i * ldc] : bias ? bias[0] : 0.0f;
    for (int p = 0; p < K; p++) {
      s += a[0] * bp[0];
      a += v.sp;
      bp += ldb;
    }
    c[i * ldc] = s;
  }
}

/** C[M, N] (+)= A'[M, K] @ B[K, N] (+ bias[N] where not null), all row-major. */
INLINE void panel(View v, const float* B, const float* bias, float* C, int M, int K, int N,
                  int add) {
  for (int i = 0; i < M; i += MR) {
    int rows = M - i < MR ? M - i : MR;
    View r = {v.a + i * v.si, v.si, v.sp};
    float* c = C + i * N;
    int j = 0;
    for (; j + 8 <= N; j += 8) tile(r, B + j, N, c + j, N, K, rows, 2, bias ? bias + j : 0, add);
    if (j + 4 <= N) {
      tile(r, B + j, N, c + j, N, K, rows, 1, bias ? bias + j : 0, add);
      j += 4;
    }
    for (; j < N; j++) column(r, B + j, N, c + j, N, K, rows, bias ? bias + j : 0, add);
  }
}

/**
 * C[M, N] = A'[M, K] @ B[K, N] (+ bias[N] where not null), in slices of KC along K: a tile's
 * column of A' and panel of B then stay in L1 (each row of them is its own cache line when read
 * with a stride, as A' is in X^T dY), and the later slices accumulate into C.
 */
INLINE void gemm(View v, const float* B, const float* bias, float* C, int M, int K, int N) {
  for (int p = 0; p < K; p += KC) {
    View s = {v.a + p * v.sp, v.si, v.sp};
    int kc = K - p < KC ? K - p : KC;
    panel(s, B + p * N, p ? 0 : bias, C, M, kc, N, p > 0);
  }
}

/** C[M, N] = A[M, K] @ B[K, N]. */
EXPORT(gemm_nn)(const float* A, const float* B, float* C, int M, int K, int N) {
  View v = {A, K, 1};
  gemm(v, B, 0, C, M, K, N);
}

/** C[M, N] = A[M, K] @ B[K, N] + bias[N] (bias broadcast over rows). */
EXPORT(gemm_nn_bias)(const float* A, const float* B, const float* bias, float* C, int M, int K,
                     int N) {
  View v = {A, K, 1};
  gemm(v, B, bias, C, M, K, N);
}

/** C[K, N] = A[M, K]^T @ B[M, N]: the weight gradient X^T dY, X read in place. */
EXPORT(gemm_tn)(const float* A, const float* B, float* C, int M, int K, int N) {
  View v = {A, 1, K};
  gemm(v, B, 0, C, K, M, N);
}

/** t[cols, rows] = s[rows, cols]. */
INLINE void transpose(const float* s, float* t, int rows, int cols) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) t[c * rows + r] = s[r * cols + c];
}

/**
 * C[M, N] = A[M, K] @ B[N, K]^T (the input gradient dY W^T). B^T is written to `scratch`
 * (K * N floats, the caller's): B is a weight, small next to A, and the product then runs on the
 * broadcast tile like gemm_nn.
 */
EXPORT(gemm_nt)(const float* A, const float* B, float* C, int M, int K, int N, float* scratch) {
  transpose(B, scratch, N, K);
  View v = {A, K, 1};
  gemm(v, scratch, 0, C, M, K, N);
}

/** G independent products C[g] = A[g] @ B[g] (or A[g]^T @ B[g] when ta; A[g] @ B[g]^T when tb). */
EXPORT(gemm_batched)(const float* A, const float* B, float* C, int G, int M, int K, int N, int ta,
                     int tb, float* scratch) {
  for (int g = 0; g < G; g++) {
    const float* a = A + g * M * K;
    const float* b = B + g * K * N;
    float* c = C + g * M * N;
    if (tb) {
      transpose(b, scratch, N, K);
      b = scratch;
    }
    View v = {a, ta ? 1 : K, ta ? M : 1};
    gemm(v, b, 0, c, M, K, N);
  }
}
