/**
 * The native convolution's passes (see conv.h). With x zero-padded onto the
 * grid (ph = (kh − 1)/2 rows and pw columns each side) and tap t = (i, j) at
 * row shift off_t = i·Wp + j, output point (b, h, w) sits at grid row
 * q = (b·Hp + h)·Wp + w (its window's top-left corner), and
 *
 *   forward  y[q]   = Σ_t grid[q + off_t] · K_t                K_t = kernel[i, j]: [in, out]
 *   input    dx[q]  = Σ_t dyPad[q + off_t] · K_{T−1−t}ᵀ         dy padded like x: the flipped convolution
 *   filter   dK_t   = Σ_q grid[q + off_t]ᵀ · dyPad[q + centre]   dy at the corners: dyPad shifted by ph·Wp + pw
 *
 * over the rows q < P − off_max (every corner lies there): one sgemm per tap,
 * whose operands are the grid itself, shifted — or, where the CPU has
 * AVX-512 and the product's output channels come in multiples of 16, the
 * register-blocked loops of conv-simd.cc over all taps at once. Results on
 * the grid are then cropped to the image.
 */
#include "conv.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "conv-simd.h"
#include "gemm.h"

namespace musegen {
namespace {

struct Grid {
  size_t B, H, W, Hp, Wp, ph, pw, P, taps, rows;
  /** Row shift of tap t (i·kw + j). */
  std::vector<size_t> offsets;
};

Grid gridOf(const ConvShape& s) {
  Grid g{};
  g.B = s.batch, g.H = s.height, g.W = s.width;
  g.Hp = g.H + s.kh - 1, g.Wp = g.W + s.kw - 1;
  g.ph = (s.kh - 1) / 2, g.pw = (s.kw - 1) / 2;
  g.P = g.B * g.Hp * g.Wp;
  g.taps = static_cast<size_t>(s.kh) * s.kw;
  for (int i = 0; i < s.kh; i++) for (int j = 0; j < s.kw; j++) g.offsets.push_back(i * g.Wp + j);
  g.rows = g.P - g.offsets.back();
  return g;
}

/** image [B, H, W, C] → its zero-padded grid [P, C], the image centred. */
void pad(const Grid& g, const float* image, size_t C, float* grid) {
  const size_t line = g.Wp * C, run = g.W * C;
  for (size_t b = 0; b < g.B; b++) {
    float* at = grid + b * g.Hp * line;
    std::memset(at, 0, sizeof(float) * g.ph * line);
    at += g.ph * line;
    for (size_t h = 0; h < g.H; h++, at += line) {
      std::memset(at, 0, sizeof(float) * g.pw * C);
      std::memcpy(at + g.pw * C, image + (b * g.H + h) * run, sizeof(float) * run);
      std::memset(at + g.pw * C + run, 0, sizeof(float) * (line - g.pw * C - run));
    }
    std::memset(at, 0, sizeof(float) * (g.Hp - g.ph - g.H) * line);
  }
}

/** The corner rows of a result on the grid [rows, C] → the image [B, H, W, C] (+ bias [C] when not null). */
void crop(const Grid& g, const float* onGrid, size_t C, const float* bias, float* image) {
  const size_t run = g.W * C;
  for (size_t b = 0; b < g.B; b++) {
    for (size_t h = 0; h < g.H; h++) {
      const float* from = onGrid + (b * g.Hp + h) * g.Wp * C;
      float* to = image + (b * g.H + h) * run;
      if (!bias) {
        std::memcpy(to, from, sizeof(float) * run);
        continue;
      }
      for (size_t w = 0; w < g.W; w++) for (size_t c = 0; c < C; c++) to[w * C + c] = from[w * C + c] + bias[c];
    }
  }
}

/** Scratch space reused from call to call (calls come from JavaScript's one thread). */
float* scratch(std::vector<float>& buffer, size_t n) {
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

std::vector<float> onGrid, dyGrid, flippedKernel;

/** Whether the AVX-512 loops take a product with `out` output channels. */
bool simd(int out) { return convSimdAvailable() && out % 16 == 0; }

}  // namespace

long convGridFloats(const ConvShape& s, int channels) {
  return static_cast<long>(s.batch) * (s.height + s.kh - 1) * (s.width + s.kw - 1) * channels;
}

void convForward(const ConvShape& s, const float* x, const float* kernel, const float* bias, float* y, float* grid) {
  const Grid g = gridOf(s);
  const int C = s.in, F = s.out;
  pad(g, x, C, grid);
  float* yGrid = scratch(onGrid, g.rows * F);
  if (simd(F)) {
    tapProducts(g.rows, C, F, grid, g.offsets, kernel, yGrid);
  } else {
    for (size_t t = 0; t < g.taps; t++) {
      gemm(false, false, g.rows, F, C, grid + g.offsets[t] * C, C, kernel + t * C * F, F, t == 0 ? 0.0f : 1.0f, yGrid, F);
    }
  }
  crop(g, yGrid, F, bias, y);
}

void convBackward(const ConvShape& s, const float* grid, const float* dy, const float* kernel, float* dx, float* dKernel, float* dBias) {
  const Grid g = gridOf(s);
  const int C = s.in, F = s.out;
  float* dyPad = scratch(dyGrid, g.P * F);
  pad(g, dy, F, dyPad);
  const float* corners = dyPad + (g.ph * g.Wp + g.pw) * F;
  if (simd(F)) {
    tapGradients(g.rows, C, F, grid, g.offsets, corners, dKernel);
  } else {
    for (size_t t = 0; t < g.taps; t++) {
      gemm(true, false, C, F, g.rows, grid + g.offsets[t] * C, C, corners, F, 0.0f, dKernel + t * C * F, F);
    }
  }
  if (dx) {
    float* dxGrid = scratch(onGrid, g.rows * C);
    if (simd(C)) {
      // the flipped kernel, in ⇄ out: tap t holds kernel[T − 1 − t]ᵀ [F, C]
      float* flipped = scratch(flippedKernel, g.taps * C * F);
      for (size_t t = 0; t < g.taps; t++) {
        const float* from = kernel + (g.taps - 1 - t) * C * F;
        for (int c = 0; c < C; c++) for (int f = 0; f < F; f++) flipped[t * C * F + f * C + c] = from[c * F + f];
      }
      tapProducts(g.rows, F, C, dyPad, g.offsets, flipped, dxGrid);
    } else {
      for (size_t t = 0; t < g.taps; t++) {
        gemm(false, true, g.rows, C, F, dyPad + g.offsets[t] * F, F, kernel + (g.taps - 1 - t) * C * F, F, t == 0 ? 0.0f : 1.0f, dxGrid, C);
      }
    }
    crop(g, dxGrid, C, nullptr, dx);
  }
  if (dBias) {
    std::vector<double> sums(F, 0.0);
    const size_t points = g.B * g.H * g.W;
    for (size_t p = 0; p < points; p++) for (int f = 0; f < F; f++) sums[f] += dy[p * F + f];
    for (int f = 0; f < F; f++) dBias[f] = static_cast<float>(sums[f]);
  }
}

}  // namespace musegen
