/**
 * musegen's native LSTM layer over a whole sequence, on CBLAS (OpenBLAS):
 * the same maths as src/engine/lstm-layer.ts, in Keras' layout (kernel
 * [inputSize, 4H], recurrent kernel [H, 4H], bias [4H], gates i, f, c, o),
 * sequences time-major (row t·batch + b). All arrays are row-major floats
 * owned by the caller.
 */
#pragma once
#include <cstdint>

namespace musegen {

struct LstmShape {
  int steps;
  int batch;
  int units;
  /** Rows of the kernel: one-hot classes first, then the dense columns. */
  int inputSize;
  /** Dense input columns (0: one-hot only); they meet the kernel's last inCols rows. */
  int inCols;
};

/** What the forward pass writes and the backward pass reads. */
struct LstmTrace {
  float* gates;     // [rows, 4H] activated i, f, g, o
  float* cells;     // [rows, H]
  float* cellTanh;  // [rows, H]
  float* outputs;   // [rows, H]
};

/** The layer's inputs: indices (one-hot, may be null), x (dense [rows, inCols], may be null), weights, initial state (may be null). */
struct LstmInputs {
  const int32_t* indices;
  const float* x;
  const float* kernel;
  const float* recurrent;
  const float* bias;
  const float* h0;
  const float* c0;
};

/** The gradients; dx, dh0 and dc0 may be null (not wanted). */
struct LstmGrads {
  float* dx;         // [rows, inCols]
  float* dKernel;    // [inputSize, 4H]
  float* dRecurrent; // [H, 4H]
  float* dBias;      // [4H]
  float* dh0;        // [batch, H]
  float* dc0;        // [batch, H]
};

void lstmForward(const LstmShape& s, const LstmInputs& in, const LstmTrace& trace);
void lstmBackward(const LstmShape& s, const LstmInputs& in, const LstmTrace& trace, const float* dy, const LstmGrads& grads);

}  // namespace musegen
