/**
 * musegen's native 2-D convolution ('same' zero padding, stride 1, odd
 * kernel sizes) on CBLAS (OpenBLAS): the maths of src/engine/conv.ts, NHWC,
 * Keras' kernel layout [kh, kw, in, out]. No columns matrix: on the
 * zero-padded grid (B·Hp·Wp points, flattened) kernel tap (i, j) is a shift
 * of the rows by i·Wp + j, so each pass is one sgemm per tap over the grid.
 * All arrays are row-major floats owned by the caller.
 */
#pragma once

namespace musegen {

struct ConvShape {
  int batch;
  int height;
  int width;
  /** Channels in and out. */
  int in;
  int out;
  /** Kernel height and width (odd). */
  int kh;
  int kw;
};

/** Floats of the padded grid of `channels` channels: B·(H + kh − 1)·(W + kw − 1)·channels. */
long convGridFloats(const ConvShape& s, int channels);

/**
 * y [B, H, W, out] = x ⊛ kernel (+ bias [out] when not null). `grid`
 * receives x zero-padded onto the grid ([convGridFloats(s, in)]), what
 * convBackward reads.
 */
void convForward(const ConvShape& s, const float* x, const float* kernel, const float* bias, float* y, float* grid);

/**
 * From the forward pass's grid and dL/dy [B, H, W, out]: dx [B, H, W, in]
 * (skipped when null), dKernel [kh, kw, in, out], dBias [out] (skipped when null).
 */
void convBackward(const ConvShape& s, const float* grid, const float* dy, const float* kernel, float* dx, float* dKernel, float* dBias);

}  // namespace musegen
