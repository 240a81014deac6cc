/**
 * The LSTM layer's arithmetic (see lstm.h), with the big products on sgemm:
 *
 *   forward:   Z = bias + W[indices] + X·W_dense        all steps in one product
 *              for t: Z_t += h_{t-1}·U  ──► i f g o ──► c_t, h_t
 *   backward:  for t↓: dz_t from dh_t, dc_t;  dh_{t-1} = dz_t·Uᵀ
 *              then dU = H_prevᵀ·dz, dW_dense = Xᵀ·dz, dX = dz·W_denseᵀ (one product each),
 *              one-hot kernel rows and the bias as sums of dz rows.
 */
#include "lstm.h"

#include "gemm.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace musegen {
namespace {

// Plain loops over contiguous floats, which the compiler vectorises (with
// -ffast-math, glibc's vector expf and tanhf).
void sigmoidInPlace(float* __restrict z, int n) {
  for (int j = 0; j < n; j++) z[j] = 1.0f / (1.0f + std::exp(-z[j]));
}

void tanhInPlace(float* __restrict z, int n) {
  for (int j = 0; j < n; j++) z[j] = std::tanh(z[j]);
}

/** c = f·cPrev + i·g, tc = tanh(c), h = o·tc for one row of H units; gates i, f, g, o activated. */
void cellRow(const float* __restrict g, const float* __restrict cPrev, int H, float* __restrict c, float* __restrict tc, float* __restrict h) {
  const float* i = g;
  const float* f = g + H;
  const float* gg = g + 2 * H;
  const float* o = g + 3 * H;
  for (int j = 0; j < H; j++) c[j] = f[j] * cPrev[j] + i[j] * gg[j];
  for (int j = 0; j < H; j++) tc[j] = std::tanh(c[j]);
  for (int j = 0; j < H; j++) h[j] = o[j] * tc[j];
}

/**
 * One row's dz (gates i, f, g, o) from dh = dOut + dhNext and the carried dc,
 * which becomes dc·f for the step before.
 */
void dzRow(const float* __restrict g, const float* __restrict tc, const float* __restrict cPrev, const float* __restrict dOut,
           const float* __restrict dhNext, int H, float* __restrict dc, float* __restrict dz) {
  for (int j = 0; j < H; j++) {
    const float dh = dOut[j] + dhNext[j];
    const float i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
    const float dcj = dc[j] + dh * o * (1.0f - tc[j] * tc[j]);
    dz[j] = dcj * gg * i * (1.0f - i);
    dz[H + j] = dcj * cPrev[j] * f * (1.0f - f);
    dz[2 * H + j] = dcj * i * (1.0f - gg * gg);
    dz[3 * H + j] = dh * tc[j] * o * (1.0f - o);
    dc[j] = dcj * f;
  }
}

/** Scratch reused from call to call: dz is [rows, 4H], megabytes. */
thread_local std::vector<float> dzScratch;

}  // namespace

void lstmForward(const LstmShape& s, const LstmInputs& in, const LstmTrace& tr) {
  const int H = s.units, G = 4 * H, B = s.batch;
  const size_t rows = static_cast<size_t>(s.steps) * B;
  float* z = tr.gates;  // preactivations, activated in place step by step
  for (size_t r = 0; r < rows; r++) {
    float* zr = z + r * G;
    if (in.indices) {
      const float* k = in.kernel + static_cast<size_t>(in.indices[r]) * G;
      for (int j = 0; j < G; j++) zr[j] = in.bias[j] + k[j];
    } else {
      std::memcpy(zr, in.bias, sizeof(float) * G);
    }
  }
  if (s.inCols > 0) {
    const float* wDense = in.kernel + static_cast<size_t>(s.inputSize - s.inCols) * G;
    gemm(false, false, static_cast<int>(rows), G, s.inCols, in.x, s.inCols, wDense, G, 1.0f, z, G);
  }
  const std::vector<float> zeros(static_cast<size_t>(B) * H, 0.0f);
  for (int t = 0; t < s.steps; t++) {
    const size_t row0 = static_cast<size_t>(t) * B;
    const float* hPrev = t > 0 ? tr.outputs + (row0 - B) * H : in.h0;
    const float* cPrev = t > 0 ? tr.cells + (row0 - B) * H : in.c0 ? in.c0 : zeros.data();
    float* zt = z + row0 * G;
    if (hPrev) gemm(false, false, B, G, H, hPrev, H, in.recurrent, G, 1.0f, zt, G);
    for (int b = 0; b < B; b++) {
      float* g = zt + static_cast<size_t>(b) * G;
      sigmoidInPlace(g, 2 * H);
      tanhInPlace(g + 2 * H, H);
      sigmoidInPlace(g + 3 * H, H);
      const size_t o = (row0 + b) * H;
      cellRow(g, cPrev + static_cast<size_t>(b) * H, H, tr.cells + o, tr.cellTanh + o, tr.outputs + o);
    }
  }
}

void lstmBackward(const LstmShape& s, const LstmInputs& in, const LstmTrace& tr, const float* dy, const LstmGrads& gr) {
  const int H = s.units, G = 4 * H, B = s.batch;
  const size_t rows = static_cast<size_t>(s.steps) * B;
  if (dzScratch.size() < rows * G) dzScratch.resize(rows * G);
  float* dz = dzScratch.data();
  std::vector<float> dhNext(static_cast<size_t>(B) * H, 0.0f), dc(static_cast<size_t>(B) * H, 0.0f);
  const std::vector<float> zeros(static_cast<size_t>(B) * H, 0.0f);
  for (int t = s.steps - 1; t >= 0; t--) {
    const size_t row0 = static_cast<size_t>(t) * B;
    const float* cPrev = t > 0 ? tr.cells + (row0 - B) * H : in.c0 ? in.c0 : zeros.data();
    for (int b = 0; b < B; b++) {
      const size_t r = row0 + b;
      const size_t bh = static_cast<size_t>(b) * H;
      dzRow(tr.gates + r * G, tr.cellTanh + r * H, cPrev + bh, dy + r * H, dhNext.data() + bh, H, dc.data() + bh, dz + r * G);
    }
    // dh_{t-1} = dz_t·Uᵀ (into h0's gradient at t = 0).
    if (t > 0 || in.h0) gemm(false, true, B, H, G, dz + row0 * G, G, in.recurrent, G, 0.0f, dhNext.data(), H);
  }
  // dU = [h0; h_0 … h_{T-2}]ᵀ·dz
  const size_t later = rows - B;
  gemm(true, false, H, G, static_cast<int>(later), tr.outputs, H, dz + static_cast<size_t>(B) * G, G, 0.0f, gr.dRecurrent, G);
  if (in.h0) gemm(true, false, H, G, B, in.h0, H, dz, G, 1.0f, gr.dRecurrent, G);
  // Kernel: one-hot rows are sums of dz rows; dense rows are Xᵀ·dz.
  const int classes = s.inputSize - s.inCols;
  std::memset(gr.dKernel, 0, sizeof(float) * static_cast<size_t>(classes) * G);
  std::memset(gr.dBias, 0, sizeof(float) * G);
  for (size_t r = 0; r < rows; r++) {
    const float* dzr = dz + r * G;
    float* k = in.indices ? gr.dKernel + static_cast<size_t>(in.indices[r]) * G : nullptr;
    for (int j = 0; j < G; j++) gr.dBias[j] += dzr[j];
    if (k) for (int j = 0; j < G; j++) k[j] += dzr[j];
  }
  if (s.inCols > 0) {
    float* dDense = gr.dKernel + static_cast<size_t>(classes) * G;
    const float* wDense = in.kernel + static_cast<size_t>(classes) * G;
    gemm(true, false, s.inCols, G, static_cast<int>(rows), in.x, s.inCols, dz, G, 0.0f, dDense, G);
    if (gr.dx) gemm(false, true, static_cast<int>(rows), s.inCols, G, dz, G, wDense, G, 0.0f, gr.dx, s.inCols);
  }
  if (gr.dh0) std::memcpy(gr.dh0, dhNext.data(), sizeof(float) * B * H);
  if (gr.dc0) std::memcpy(gr.dc0, dc.data(), sizeof(float) * B * H);
}

}  // namespace musegen
