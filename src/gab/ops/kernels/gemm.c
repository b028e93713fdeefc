// Dense products for ops.linear and ops.matmul. Row-major float32 throughout.
#include "simd.h"

/** C[M,N] = A[M,K] @ B[K,N]; M % 4 == 0, N % 8 == 0 (placeholder, being generalised). */
EXPORT(gemm_nn)(const float* A, const float* B, float* C, int M, int K, int N) {
  for (int i = 0; i < M; i += 4) {
    const float* a0 = A + i * K;
    const float* a1 = a0 + K;
    const float* a2 = a1 + K;
    const float* a3 = a2 + K;
    for (int j = 0; j < N; j += 8) {
      f4 c00 = SPLAT(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float* b = B + j;
      for (int k = 0; k < K; k++) {
        f4 b0 = LOAD(b), b1 = LOAD(b + 4);
        b += N;
        f4 x = SPLAT(a0[k]);
        c00 = MADD(x, b0, c00);
        c01 = MADD(x, b1, c01);
        x = SPLAT(a1[k]);
        c10 = MADD(x, b0, c10);
        c11 = MADD(x, b1, c11);
        x = SPLAT(a2[k]);
        c20 = MADD(x, b0, c20);
        c21 = MADD(x, b1, c21);
        x = SPLAT(a3[k]);
        c30 = MADD(x, b0, c30);
        c31 = MADD(x, b1, c31);
      }
      float* c = C + i * N + j;
      STORE(c, c00);
      STORE(c + 4, c01);
      c += N;
      STORE(c, c10);
      STORE(c + 4, c11);
      c += N;
      STORE(c, c20);
      STORE(c + 4, c21);
      c += N;
      STORE(c, c30);
      STORE(c + 4, c31);
    }
  }
}
