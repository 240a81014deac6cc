/**
 * AVX-512 loops of the convolution (see conv-simd.h). Without AVX-512 at
 * compile time they are stubs that conv.cc never calls.
 */
#include "conv-simd.h"

#include <algorithm>
#include <cstring>
#include <thread>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace musegen {
namespace {

int threadCount = 1;

/** Run body(begin, end) over [0, n) cut in `threadCount` pieces of multiples of `grain`, one per thread. */
template <typename F>
void parallel(size_t n, size_t grain, F body) {
  const size_t pieces = std::max<size_t>(1, std::min<size_t>(threadCount, (n + grain - 1) / grain));
  if (pieces == 1) return body(0, n, 0);
  const size_t step = ((n + pieces - 1) / pieces + grain - 1) / grain * grain;
  std::vector<std::thread> helpers;
  for (size_t p = 1; p < pieces; p++) {
    const size_t begin = std::min(n, p * step), end = std::min(n, (p + 1) * step);
    helpers.emplace_back([=] { body(begin, end, p); });
  }
  body(0, std::min(n, step), 0);
  for (auto& h : helpers) h.join();
}

#ifdef __AVX512F__
constexpr int ROWS = 6;

/** R rows × V vectors of 16 output channels, from column `col` of rows of width `out`. */
template <int R, int V>
inline void tapBlock(size_t q, int in, int out, int col, const float* src, const std::vector<size_t>& offsets, const float* weights, float* dst) {
  __m512 acc[R][V];
  for (int r = 0; r < R; r++) for (int v = 0; v < V; v++) acc[r][v] = _mm512_setzero_ps();
  for (size_t t = 0; t < offsets.size(); t++) {
    const float* s = src + (q + offsets[t]) * in;
    const float* w = weights + t * in * out + col;
    for (int c = 0; c < in; c++, w += out) {
      __m512 wv[V];
      for (int v = 0; v < V; v++) wv[v] = _mm512_loadu_ps(w + 16 * v);
      for (int r = 0; r < R; r++) {
        const __m512 x = _mm512_set1_ps(s[r * in + c]);
        for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(x, wv[v], acc[r][v]);
      }
    }
  }
  for (int r = 0; r < R; r++) for (int v = 0; v < V; v++) _mm512_storeu_ps(dst + (q + r) * out + col + 16 * v, acc[r][v]);
}

template <int V>
void tapRows(size_t begin, size_t end, int in, int out, int col, const float* src, const std::vector<size_t>& offsets, const float* weights, float* dst) {
  size_t q = begin;
  for (; q + ROWS <= end; q += ROWS) tapBlock<ROWS, V>(q, in, out, col, src, offsets, weights, dst);
  for (; q < end; q++) tapBlock<1, V>(q, in, out, col, src, offsets, weights, dst);
}

/** C channels × V vectors of dWeights for one tap, accumulated over rows [begin, end). */
template <int C, int V>
inline void gradBlock(size_t begin, size_t end, int in, int out, int c0, int col, const float* src, size_t offset, const float* dy, float* dW) {
  __m512 acc[C][V];
  for (int c = 0; c < C; c++) for (int v = 0; v < V; v++) acc[c][v] = _mm512_setzero_ps();
  for (size_t q = begin; q < end; q++) {
    const float* s = src + (q + offset) * in + c0;
    const float* d = dy + q * out + col;
    __m512 dv[V];
    for (int v = 0; v < V; v++) dv[v] = _mm512_loadu_ps(d + 16 * v);
    for (int c = 0; c < C; c++) {
      const __m512 x = _mm512_set1_ps(s[c]);
      for (int v = 0; v < V; v++) acc[c][v] = _mm512_fmadd_ps(x, dv[v], acc[c][v]);
    }
  }
  for (int c = 0; c < C; c++) {
    for (int v = 0; v < V; v++) {
      float* at = dW + (c0 + c) * out + col + 16 * v;
      _mm512_storeu_ps(at, _mm512_add_ps(_mm512_loadu_ps(at), acc[c][v]));
    }
  }
}

template <int V>
void gradRows(size_t begin, size_t end, int in, int out, int col, const float* src, const std::vector<size_t>& offsets, const float* dy, float* dW) {
  constexpr size_t CHUNK = 256;  // rows of dy and src kept in cache across every tap and channel block
  for (size_t from = begin; from < end; from += CHUNK) {
    const size_t to = std::min(end, from + CHUNK);
    for (size_t t = 0; t < offsets.size(); t++) {
      float* w = dW + t * in * out;
      int c = 0;
      for (; c + ROWS <= in; c += ROWS) gradBlock<ROWS, V>(from, to, in, out, c, col, src, offsets[t], dy, w);
      for (; c < in; c++) gradBlock<1, V>(from, to, in, out, c, col, src, offsets[t], dy, w);
    }
  }
}

/** The vectors of 16 channels in the block of up to 64 output channels from `col`. */
inline int vectorsAt(int out, int col) { return std::min(64, out - col) / 16; }
#endif

}  // namespace

#ifdef __AVX512F__
bool convSimdAvailable() { return true; }

void tapProducts(size_t rows, int in, int out, const float* src, const std::vector<size_t>& offsets, const float* weights, float* dst) {
  parallel(rows, 6 * 16, [&](size_t begin, size_t end, size_t) {
    for (int col = 0; col < out; col += 64) {
      switch (vectorsAt(out, col)) {
        case 4: tapRows<4>(begin, end, in, out, col, src, offsets, weights, dst); break;
        case 3: tapRows<3>(begin, end, in, out, col, src, offsets, weights, dst); break;
        case 2: tapRows<2>(begin, end, in, out, col, src, offsets, weights, dst); break;
        default: tapRows<1>(begin, end, in, out, col, src, offsets, weights, dst); break;
      }
    }
  });
}

void tapGradients(size_t rows, int in, int out, const float* src, const std::vector<size_t>& offsets, const float* dy, float* dWeights) {
  const size_t size = offsets.size() * in * out;
  std::vector<std::vector<float>> partial(threadCount);
  std::fill(dWeights, dWeights + size, 0.0f);
  parallel(rows, 256, [&](size_t begin, size_t end, size_t piece) {
    float* dW = dWeights;
    if (piece > 0) {
      partial[piece].assign(size, 0.0f);
      dW = partial[piece].data();
    }
    for (int col = 0; col < out; col += 64) {
      switch (vectorsAt(out, col)) {
        case 4: gradRows<4>(begin, end, in, out, col, src, offsets, dy, dW); break;
        case 3: gradRows<3>(begin, end, in, out, col, src, offsets, dy, dW); break;
        case 2: gradRows<2>(begin, end, in, out, col, src, offsets, dy, dW); break;
        default: gradRows<1>(begin, end, in, out, col, src, offsets, dy, dW); break;
      }
    }
  });
  for (size_t p = 1; p < partial.size(); p++) {
    for (size_t i = 0; i < partial[p].size(); i++) dWeights[i] += partial[p][i];
  }
}
#else
bool convSimdAvailable() { return false; }
void tapProducts(size_t, int, int, const float*, const std::vector<size_t>&, const float*, float*) {}
void tapGradients(size_t, int, int, const float*, const std::vector<size_t>&, const float*, float*) {}
#endif

void setConvThreads(int n) { threadCount = std::max(1, n); }

}  // namespace musegen
