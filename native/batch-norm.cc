/**
 * Batch normalisation's two passes (see batch-norm.h): two sweeps over the
 * rows each, channels innermost (contiguous, vectorised by the compiler).
 */
#include "batch-norm.h"

#include <cmath>
#include <vector>

namespace musegen {

void batchNormForward(size_t n, int channels, const float* x, const float* gamma, const float* beta, float epsilon,
                      float* y, float* xhat, float* mean, float* variance, float* invStd) {
  const size_t C = channels;
  std::vector<double> sum(C, 0.0), squares(C, 0.0);
  for (size_t r = 0; r < n; r++) {
    const float* row = x + r * C;
    for (size_t c = 0; c < C; c++) {
      sum[c] += row[c];
      squares[c] += static_cast<double>(row[c]) * row[c];
    }
  }
  std::vector<float> scale(C), shift(C);
  for (size_t c = 0; c < C; c++) {
    const double mu = sum[c] / n, var = std::max(0.0, squares[c] / n - mu * mu);
    mean[c] = static_cast<float>(mu);
    variance[c] = static_cast<float>(var);
    invStd[c] = static_cast<float>(1.0 / std::sqrt(var + epsilon));
    scale[c] = invStd[c];
    shift[c] = static_cast<float>(-mu * invStd[c]);
  }
  for (size_t r = 0; r < n; r++) {
    const float* in = x + r * C;
    float* h = xhat + r * C;
    float* out = y + r * C;
    for (size_t c = 0; c < C; c++) {
      h[c] = in[c] * scale[c] + shift[c];
      out[c] = gamma[c] * h[c] + beta[c];
    }
  }
}

void batchNormBackward(size_t n, int channels, const float* dy, const float* xhat, const float* gamma, const float* invStd,
                       float* dx, float* dGamma, float* dBeta) {
  const size_t C = channels;
  std::vector<double> sumDy(C, 0.0), sumDyXhat(C, 0.0);
  for (size_t r = 0; r < n; r++) {
    const float* d = dy + r * C;
    const float* h = xhat + r * C;
    for (size_t c = 0; c < C; c++) {
      sumDy[c] += d[c];
      sumDyXhat[c] += static_cast<double>(d[c]) * h[c];
    }
  }
  std::vector<float> s(C), a(C), b(C);
  for (size_t c = 0; c < C; c++) {
    dBeta[c] = static_cast<float>(sumDy[c]);
    dGamma[c] = static_cast<float>(sumDyXhat[c]);
    s[c] = gamma[c] * invStd[c];
    a[c] = static_cast<float>(-sumDy[c] / n) * s[c];
    b[c] = static_cast<float>(-sumDyXhat[c] / n) * s[c];
  }
  for (size_t r = 0; r < n; r++) {
    const float* d = dy + r * C;
    const float* h = xhat + r * C;
    float* out = dx + r * C;
    for (size_t c = 0; c < C; c++) out[c] = d[c] * s[c] + a[c] + h[c] * b[c];
  }
}

}  // namespace musegen
