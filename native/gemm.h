/**
 * Row-major matrix products on CBLAS (OpenBLAS): the one door the native
 * kernels take to sgemm.
 */
#pragma once
#include <cblas.h>

#include <cstddef>
#include <cstring>

namespace musegen {

/** C[m, n] (+)= A[m, k]·B[k, n] with optional transposes, row-major. */
inline void gemm(bool transA, bool transB, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == 0.0f) for (int r = 0; r < m; r++) std::memset(c + static_cast<size_t>(r) * ldc, 0, sizeof(float) * n);
    return;
  }
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

/** c[m, n] = op(a)·op(b), op a transpose where asked (a is then [k, m], b [n, k]). */
inline void matmul(bool transA, bool transB, int m, int n, int k, const float* a, const float* b, float* c) {
  gemm(transA, transB, m, n, k, a, transA ? m : k, b, transB ? k : n, 0.0f, c, n);
}

}  // namespace musegen
