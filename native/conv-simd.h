/**
 * The convolution's three products as AVX-512 register-blocked loops
 * (conv.cc calls them where the CPU has AVX-512 — the addon is built for
 * its own machine — and the channels come in multiples of 16), run on
 * `convThreads()` threads. Each keeps a block of 6 grid rows × up to 64
 * output channels in 24 registers across every tap and input channel, so a
 * result is written once (an sgemm per tap re-reads and re-writes it per
 * tap), and does not depend on the BLAS' choice of kernels for this CPU.
 */
#pragma once
#include <cstddef>
#include <vector>

namespace musegen {

/** Whether these loops are built in (AVX-512F at compile time). */
bool convSimdAvailable();

/** Threads the loops run on (setThreads in addon.cc sets it with OpenBLAS'). */
void setConvThreads(int n);

/**
 * dst[q, :out] = Σ_t Σ_c src[(q + offsets[t])·in + c] · weights[t, c, :out]
 * for q < rows; out a multiple of 16.
 */
void tapProducts(size_t rows, int in, int out, const float* src, const std::vector<size_t>& offsets, const float* weights, float* dst);

/**
 * dWeights[t, c, :out] = Σ_q src[(q + offsets[t])·in + c] · dy[q, :out]
 * over q < rows; out a multiple of 16.
 */
void tapGradients(size_t rows, int in, int out, const float* src, const std::vector<size_t>& offsets, const float* dy, float* dWeights);

}  // namespace musegen
