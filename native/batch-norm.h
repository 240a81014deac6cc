/**
 * Batch normalisation over the rows of x [n, channels] with the batch's own
 * statistics (training), forward and backward, as src/engine's
 * batchNormTraining computes it: x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β, σ²
 * biased. Sums are taken in double precision.
 */
#pragma once
#include <cstddef>

namespace musegen {

/** y, x̂ [n, channels]; mean, variance and 1/√(σ² + ε) [channels]. */
void batchNormForward(size_t n, int channels, const float* x, const float* gamma, const float* beta, float epsilon,
                      float* y, float* xhat, float* mean, float* variance, float* invStd);

/** dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy. */
void batchNormBackward(size_t n, int channels, const float* dy, const float* xhat, const float* gamma, const float* invStd,
                       float* dx, float* dGamma, float* dBeta);

}  // namespace musegen
