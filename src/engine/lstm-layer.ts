/**
 * One LSTM layer over a whole sequence, as a single custom-gradient op.
 *
 *   for t:   z_t = [x_t | h_{t-1}]·[W; U] + b ──► i f g o ──► c_t, h_t   (for one-hot x, x_t·W is a row of W;
 *                                                                       one-hot ⊕ features: a row plus features·W_f)
 *   for t↓:  dz_t from dh_t, dc_t;  [dx_t | dh_{t-1}] = dz_t·[W; U]ᵀ      (backward through time)
 *   then:    [dW; dU] = [x | h_{t-1}]ᵀ·dz, all steps in one big product;  db = Σ dz
 *
 * This file is the op: shapes checked, inputs in, the gradient wired
 * through tf.customGrad. The arithmetic runs in the kernel chosen in
 * kernels.ts (lstm-kernel-js.ts: JavaScript gate maths around TensorFlow.js
 * matrix products; a native one where it builds); a set with no LSTM kernel
 * (the tensor-ops set) runs the layer as TensorFlow ops, differentiated by
 * TensorFlow.js.
 *
 * Layout: sequences are time-major and flat, row t·batch + b of a
 * [steps·batch, features] matrix. Weights are Keras' (kernel [in, 4H],
 * recurrent_kernel [H, 4H], bias [4H], gates i, f, c, o).
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError } from '../errors.js';
import { kernels, type LstmDims } from './kernels.js';
import { lstmByOps } from './tensor-ops-kernels.js';

/** The three weights of one LSTM layer, in Keras' layout. */
export interface LstmWeights {
  /** [inputSize, 4·units] */
  kernel: tf.Tensor2D;
  /** [units, 4·units] */
  recurrentKernel: tf.Tensor2D;
  /** [4·units] */
  bias: tf.Tensor1D;
}

/**
 * What a layer reads, time-major: class indices (one-hot input), a dense
 * matrix, or both — classes below inputSize − x's columns, whose kernel rows
 * come first, then x's columns (one-hot ⊕ features).
 */
export type LayerInput =
  | { indices: Int32Array }
  | { x: tf.Tensor2D }
  | { indices: Int32Array; x: tf.Tensor2D };

export interface LstmSequenceOptions {
  steps: number;
  batch: number;
  /** Initial state [batch, units] each; zeros when absent. Gradients flow into it. */
  initialState?: { h: tf.Tensor2D; c: tf.Tensor2D };
}

/**
 * Run one LSTM layer over a sequence; returns the outputs h_t as a
 * time-major [steps·batch, units] tensor. Differentiable with respect to the
 * weights, a dense input and the initial state.
 */
export function lstmSequence(input: LayerInput, w: LstmWeights, options: LstmSequenceOptions): tf.Tensor2D {
  const { steps, batch, initialState } = options;
  const units = w.recurrentKernel.shape[0];
  checkShapes(input, w, options, units);
  const impl = kernels().lstm;
  if (!impl) return lstmByOps(input, w, options);
  const dense = 'x' in input;
  const args: tf.Tensor[] = [];
  if (dense) args.push(input.x);
  args.push(w.kernel, w.recurrentKernel, w.bias);
  if (initialState) args.push(initialState.h, initialState.c);

  const op = tf.customGrad((...inputs) => {
    const save = inputs[args.length] as tf.GradSaveFunc;
    const tensors = inputs.slice(0, args.length) as tf.Tensor[];
    const x = dense ? (tensors.shift() as tf.Tensor2D) : null;
    const [kernel, recurrent, bias, h0, c0] = tensors as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D?, tf.Tensor2D?];
    const shape: LstmDims = { steps, batch, units, inputSize: kernel.shape[0] };
    const indices = 'indices' in input ? input.indices : null;
    const trace = impl.forward(shape, indices, x, kernel, recurrent, bias, h0, c0);
    // Inputs may be intermediate tensors, disposed before the backward pass
    // unless saved (the saved copies share their data).
    save([kernel, recurrent]);
    return {
      value: tf.tensor2d(trace.outputs, [steps * batch, units]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedKernel, savedRecurrent] = saved as [tf.Tensor2D, tf.Tensor2D];
        return impl.backward(shape, trace, dy as tf.Tensor2D, indices, savedKernel, savedRecurrent);
      },
    };
  });
  return op(...args) as tf.Tensor2D;
}

function checkShapes(input: LayerInput, w: LstmWeights, o: LstmSequenceOptions, units: number): void {
  const fail = (what: string): never => {
    throw new MusegenError('BAD_ARGUMENT', `LSTM layer: ${what}`);
  };
  const gates = 4 * units;
  const [inputSize, kCols] = w.kernel.shape;
  if (kCols !== gates || w.recurrentKernel.shape[1] !== gates || w.bias.shape[0] !== gates) {
    fail(`weights do not fit ${units} units (kernel ${w.kernel.shape}, recurrent ${w.recurrentKernel.shape}, bias ${w.bias.shape})`);
  }
  const rows = o.steps * o.batch;
  if (!(rows > 0)) fail(`empty sequence (steps ${o.steps}, batch ${o.batch})`);
  const oneHot = 'indices' in input;
  if ('x' in input) {
    const columns = input.x.shape[1];
    if (input.x.shape[0] !== rows || (oneHot ? columns >= inputSize : columns !== inputSize)) {
      fail(`input is [${input.x.shape}], expected [${rows}, ${oneHot ? `fewer than ${inputSize} (beside the classes)` : inputSize}]`);
    }
  }
  if (oneHot) {
    const classes = inputSize - ('x' in input ? input.x.shape[1] : 0);
    if (input.indices.length !== rows) fail(`${input.indices.length} input indices, expected ${rows}`);
    for (const v of input.indices) if (!(v >= 0 && v < classes)) fail(`input index ${v} outside 0..${classes - 1}`);
  }
  for (const s of o.initialState ? [o.initialState.h, o.initialState.c] : []) {
    if (s.shape[0] !== o.batch || s.shape[1] !== units) fail(`initial state is [${s.shape}], expected [${o.batch}, ${units}]`);
  }
}
