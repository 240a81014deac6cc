/**
 * The Node-API face of musegen's native kernels (one build serves every Node
 * version). Arrays come in as typed arrays and are read and written in place:
 *
 *   lstmForward(dims, indices?, x?, kernel, recurrent, bias, h0?, c0?, gates, cells, cellTanh, outputs)
 *   lstmBackward(dims, indices?, x?, kernel, recurrent, h0?, c0?, gates, cells, cellTanh, outputs, dy,
 *                dx?, dKernel, dRecurrent, dBias, dh0?, dc0?)
 *   convForward(convDims, x, kernel, bias?, y, grid)
 *   convBackward(convDims, grid, dy, kernel, dx?, dKernel, dBias?)
 *   batchNormForward(n, channels, x, gamma, beta, epsilon, y, xhat, mean, variance, invStd)
 *   batchNormBackward(n, channels, dy, xhat, gamma, invStd, dx, dGamma, dBeta)
 *   sgemm(transA, transB, m, n, k, a, b, c)   c = op(a)·op(b), row-major
 *   setThreads(n)  threads() → n  blas() → OpenBLAS' configuration line
 *
 * dims is an Int32Array [steps, batch, units, inputSize, inCols], convDims
 * [batch, height, width, in, out, kh, kw]; `?` marks
 * an argument that may be null. A wrong type or a short array throws.
 */
#include <node_api.h>
#include <cblas.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "batch-norm.h"
#include "conv-simd.h"
#include "conv.h"
#include "gemm.h"
#include "lstm.h"

namespace {

using musegen::LstmShape;

/** Thrown as a JavaScript TypeError by the caller of `args`. */
struct BadArgument {
  std::string message;
};

class Args {
 public:
  Args(napi_env env, napi_callback_info info, size_t expected) : env_(env), values_(expected) {
    size_t argc = expected;
    napi_get_cb_info(env, info, &argc, values_.data(), nullptr, nullptr);
    if (argc != expected) throw BadArgument{"expected " + std::to_string(expected) + " arguments, got " + std::to_string(argc)};
  }

  /** Float32Array of at least n floats; null/undefined only when optional. */
  float* floats(size_t at, size_t n, bool optional = false) { return static_cast<float*>(typed(at, napi_float32_array, n, optional)); }
  int32_t* ints(size_t at, size_t n, bool optional = false) { return static_cast<int32_t*>(typed(at, napi_int32_array, n, optional)); }

  napi_value value(size_t at) { return values_[at]; }

  int32_t integer(size_t at) {
    int32_t v = 0;
    if (napi_get_value_int32(env_, values_[at], &v) != napi_ok) throw BadArgument{"argument " + std::to_string(at) + ": not a number"};
    return v;
  }

 private:
  void* typed(size_t at, napi_typedarray_type want, size_t n, bool optional) {
    napi_valuetype kind;
    napi_typeof(env_, values_[at], &kind);
    if (optional && (kind == napi_null || kind == napi_undefined)) return nullptr;
    bool isTyped = false;
    napi_is_typedarray(env_, values_[at], &isTyped);
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (isTyped) napi_get_typedarray_info(env_, values_[at], &type, &length, &data, nullptr, nullptr);
    if (!isTyped || type != want) {
      throw BadArgument{"argument " + std::to_string(at) + ": expected " + (want == napi_float32_array ? "a Float32Array" : "an Int32Array")};
    }
    if (length < n) throw BadArgument{"argument " + std::to_string(at) + ": " + std::to_string(length) + " values, expected " + std::to_string(n)};
    return data;
  }

  napi_env env_;
  std::vector<napi_value> values_;
};

LstmShape shapeOf(Args& a) {
  const int32_t* d = a.ints(0, 5);
  LstmShape s{d[0], d[1], d[2], d[3], d[4]};
  if (s.steps < 1 || s.batch < 1 || s.units < 1 || s.inCols < 0 || s.inCols > s.inputSize) throw BadArgument{"dims out of range"};
  return s;
}

/** Runs `body`, turning BadArgument into a thrown TypeError. */
template <typename F>
napi_value guarded(napi_env env, F body) {
  try {
    return body();
  } catch (const BadArgument& e) {
    napi_throw_type_error(env, "MUSEGEN_NATIVE", e.message.c_str());
    return nullptr;
  }
}

/**
 * The layer's inputs and trace as both passes take them: indices?, x?, kernel,
 * recurrent, [bias — the forward pass only], h0?, c0?, then gates, cells,
 * cellTanh, outputs. Returns the index of the next argument.
 */
size_t layerArgs(Args& a, const LstmShape& s, bool withBias, musegen::LstmInputs& in, musegen::LstmTrace& trace) {
  const size_t rows = static_cast<size_t>(s.steps) * s.batch, H = s.units, G = 4 * H, B = s.batch;
  size_t at = 5;
  const float* bias = withBias ? a.floats(at++, G) : nullptr;
  in = musegen::LstmInputs{
      a.ints(1, rows, true), a.floats(2, rows * s.inCols, s.inCols == 0), a.floats(3, s.inputSize * G), a.floats(4, H * G),
      bias, a.floats(at, B * H, true), a.floats(at + 1, B * H, true),
  };
  at += 2;
  trace = musegen::LstmTrace{a.floats(at, rows * G), a.floats(at + 1, rows * H), a.floats(at + 2, rows * H), a.floats(at + 3, rows * H)};
  if (!in.indices && s.inCols != s.inputSize) throw BadArgument{"no indices, but the kernel has one-hot rows"};
  return at + 4;
}

napi_value LstmForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 12);
    const LstmShape s = shapeOf(a);
    musegen::LstmInputs in{};
    musegen::LstmTrace trace{};
    layerArgs(a, s, true, in, trace);
    const size_t rows = static_cast<size_t>(s.steps) * s.batch;
    for (size_t r = 0; in.indices && r < rows; r++) {
      if (in.indices[r] < 0 || in.indices[r] >= s.inputSize - s.inCols) throw BadArgument{"input index out of range"};
    }
    musegen::lstmForward(s, in, trace);
    return nullptr;
  });
}

napi_value LstmBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 18);
    const LstmShape s = shapeOf(a);
    musegen::LstmInputs in{};
    musegen::LstmTrace trace{};
    size_t at = layerArgs(a, s, false, in, trace);
    const size_t rows = static_cast<size_t>(s.steps) * s.batch, H = s.units, G = 4 * H, B = s.batch;
    const float* dy = a.floats(at, rows * H);
    const musegen::LstmGrads grads{
        a.floats(at + 1, rows * s.inCols, true), a.floats(at + 2, s.inputSize * G), a.floats(at + 3, H * G), a.floats(at + 4, G),
        a.floats(at + 5, B * H, true), a.floats(at + 6, B * H, true),
    };
    musegen::lstmBackward(s, in, trace, dy, grads);
    return nullptr;
  });
}

musegen::ConvShape convShapeOf(Args& a) {
  const int32_t* d = a.ints(0, 7);
  const musegen::ConvShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6]};
  if (s.batch < 1 || s.height < 1 || s.width < 1 || s.in < 1 || s.out < 1 || s.kh < 1 || s.kw < 1 || s.kh % 2 == 0 || s.kw % 2 == 0) {
    throw BadArgument{"conv dims out of range"};
  }
  return s;
}

napi_value ConvForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 6);
    const musegen::ConvShape s = convShapeOf(a);
    const size_t points = static_cast<size_t>(s.batch) * s.height * s.width;
    musegen::convForward(s, a.floats(1, points * s.in), a.floats(2, static_cast<size_t>(s.kh) * s.kw * s.in * s.out), a.floats(3, s.out, true),
                         a.floats(4, points * s.out), a.floats(5, musegen::convGridFloats(s, s.in)));
    return nullptr;
  });
}

napi_value ConvBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 7);
    const musegen::ConvShape s = convShapeOf(a);
    const size_t points = static_cast<size_t>(s.batch) * s.height * s.width, taps = static_cast<size_t>(s.kh) * s.kw;
    musegen::convBackward(s, a.floats(1, musegen::convGridFloats(s, s.in)), a.floats(2, points * s.out), a.floats(3, taps * s.in * s.out),
                          a.floats(4, points * s.in, true), a.floats(5, taps * s.in * s.out), a.floats(6, s.out, true));
    return nullptr;
  });
}

napi_value BatchNormForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 11);
    const int32_t n = a.integer(0), C = a.integer(1);
    if (n < 1 || C < 1) throw BadArgument{"batch norm sizes out of range"};
    double epsilon = 0;
    napi_get_value_double(env, a.value(5), &epsilon);
    const size_t all = static_cast<size_t>(n) * C;
    musegen::batchNormForward(n, C, a.floats(2, all), a.floats(3, C), a.floats(4, C), static_cast<float>(epsilon),
                              a.floats(6, all), a.floats(7, all), a.floats(8, C), a.floats(9, C), a.floats(10, C));
    return nullptr;
  });
}

napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 9);
    const int32_t n = a.integer(0), C = a.integer(1);
    if (n < 1 || C < 1) throw BadArgument{"batch norm sizes out of range"};
    const size_t all = static_cast<size_t>(n) * C;
    musegen::batchNormBackward(n, C, a.floats(2, all), a.floats(3, all), a.floats(4, C), a.floats(5, C), a.floats(6, all), a.floats(7, C), a.floats(8, C));
    return nullptr;
  });
}

napi_value Sgemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 8);
    const bool transA = a.integer(0) != 0, transB = a.integer(1) != 0;
    const int m = a.integer(2), n = a.integer(3), k = a.integer(4);
    if (m < 0 || n < 0 || k < 0) throw BadArgument{"negative matrix size"};
    const size_t mk = static_cast<size_t>(m) * k, kn = static_cast<size_t>(k) * n;
    musegen::matmul(transA, transB, m, n, k, a.floats(5, mk), a.floats(6, kn), a.floats(7, static_cast<size_t>(m) * n));
    return nullptr;
  });
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args a(env, info, 1);
    const int32_t n = a.integer(0);
    if (n < 1) throw BadArgument{"threads must be at least 1"};
    openblas_set_num_threads(n);
    musegen::setConvThreads(n);
    return nullptr;
  });
}

napi_value Threads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, openblas_get_num_threads(), &out);
  return out;
}

napi_value Blas(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"lstmForward", nullptr, LstmForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"lstmBackward", nullptr, LstmBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"convForward", nullptr, ConvForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"convBackward", nullptr, ConvBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batchNormForward", nullptr, BatchNormForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batchNormBackward", nullptr, BatchNormBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"blas", nullptr, Blas, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
