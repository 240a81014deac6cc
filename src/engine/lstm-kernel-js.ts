/**
 * The LSTM layer's kernel in JavaScript and TensorFlow.js (see lstm-layer.ts
 * for the maths): the matrix products run as TensorFlow.js ops (so they use
 * the fastest kernel of the backend, wasm's XNNPACK here); the gate
 * arithmetic runs in plain JavaScript over Float32Arrays, which costs less
 * than dispatching a dozen small ops per step. Per-step tensors are never
 * sliced out of rank-3 tensors, every product uses untransposed operands
 * (transposes are materialised once), and no tensor stays allocated after a
 * call except what it returns.
 */
import * as tf from '@tensorflow/tfjs';
import { tanh } from './activations.js';
import { give, readFloats, take } from './float-buffers.js';
import type { LstmDims, LstmKernel } from './kernels.js';

/** What the forward pass keeps for the backward pass. */
export interface JsLstmTrace {
  /** Each row's [x | h_{t-1}] ([steps·batch, inCols + H]; x only for a dense input). */
  inputs: Float32Array;
  inCols: number;
  /** Activated gates i, f, g, o per row: [steps·batch, 4H]. */
  gates: Float32Array;
  /** Cell states and their tanh: [steps·batch, H]. */
  cells: Float32Array;
  cellTanh: Float32Array;
  /** Outputs h_t: [steps·batch, H]. */
  outputs: Float32Array;
  h0: Float32Array | null;
  c0: Float32Array | null;
}

function forward(
  d: LstmDims, indices: Int32Array | null, x: tf.Tensor2D | null, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor1D,
  h0t?: tf.Tensor2D, c0t?: tf.Tensor2D,
): JsLstmTrace {
  const { steps, batch, units: H } = d;
  const G = 4 * H;
  const rows = steps * batch;
  const inCols = x ? x.shape[1] : 0;
  const cols = inCols + H;
  // The g block's preactivations are doubled so one sigmoid gives all four
  // gates: tanh(z) = 2·sigmoid(2z) − 1.
  const scale = gScale(H);
  const scaledBias = tf.tidy(() => tf.mul(bias, scale));
  const b = scaledBias.dataSync();
  const trace: JsLstmTrace = {
    inputs: take(rows * cols),
    inCols,
    gates: take(rows * G),
    cells: take(rows * H),
    cellTanh: take(rows * H),
    outputs: new Float32Array(rows * H),
    h0: h0t ? Float32Array.from(h0t.dataSync()) : null,
    c0: c0t ? Float32Array.from(c0t.dataSync()) : null,
  };
  const { inputs, gates, cells, cellTanh, outputs, h0, c0 } = trace;
  // One-hot input: the kernel rows of each step's classes, plus the bias.
  // Dense columns (the whole input, or features beside the classes) are
  // multiplied with the kernel's last inCols rows, together with h.
  let gathered: Float32Array | null = null;
  if (indices) {
    const k = kernel.dataSync();
    gathered = take(rows * G);
    for (let r = 0; r < rows; r++) {
      const src = indices[r] * G;
      const dst = r * G;
      for (let j = 0; j < G; j++) gathered[dst + j] = k[src + j] * (j >= 2 * H && j < 3 * H ? 2 : 1) + b[j];
    }
  }
  if (x) {
    const xs = x.dataSync();
    for (let r = 0; r < rows; r++) inputs.set(xs.subarray(r * inCols, (r + 1) * inCols), r * cols);
  }
  const weights = tf.tidy(() => tf.mul(stackedWeights(kernel, recurrent, inCols), scale));
  for (let bi = 0; bi < batch; bi++) {
    if (h0) inputs.set(h0.subarray(bi * H, (bi + 1) * H), bi * cols + inCols);
    else inputs.fill(0, bi * cols + inCols, (bi + 1) * cols);
  }
  const stepG = batch * G;
  const stepH = batch * H;
  for (let t = 0; t < steps; t++) {
    // [x_t | h_{t-1}]·[W; U] + b, through the sigmoid, in as few ops as the input allows.
    const xh = tf.tensor2d(inputs.subarray(t * batch * cols, (t + 1) * batch * cols), [batch, cols]);
    let act: tf.Tensor;
    if (gathered) {
      const zt = tf.tensor2d(gathered.subarray(t * stepG, (t + 1) * stepG), [batch, G]);
      act = tf.tidy(() => tf.sigmoid(t > 0 || h0 || inCols > 0 ? tf.add(tf.matMul(xh, weights), zt) : zt));
      zt.dispose();
    } else {
      act = tf.fused.matMul({ a: xh, b: weights, bias: scaledBias, activation: 'sigmoid' });
    }
    xh.dispose();
    const s = readFloats(act);
    const cPrev = t > 0 ? cells.subarray((t - 1) * stepH, t * stepH) : c0;
    for (let bi = 0; bi < batch; bi++) {
      const so = bi * G;
      const go = t * stepG + so;
      const ho = bi * H;
      const to = t * stepH + ho;
      const next = t + 1 < steps ? ((t + 1) * batch + bi) * cols + inCols : -1;
      for (let j = 0; j < H; j++) {
        const i = s[so + j];
        const f = s[so + H + j];
        const g = 2 * s[so + 2 * H + j] - 1;
        const o = s[so + 3 * H + j];
        gates[go + j] = i;
        gates[go + H + j] = f;
        gates[go + 2 * H + j] = g;
        gates[go + 3 * H + j] = o;
        const c = f * (cPrev ? cPrev[ho + j] : 0) + i * g;
        const tc = tanh(c);
        const h = o * tc;
        cells[to + j] = c;
        cellTanh[to + j] = tc;
        outputs[to + j] = h;
        if (next >= 0) inputs[next + j] = h;
      }
    }
    act.dispose();
  }
  tf.dispose([weights, scaledBias, scale]);
  give(gathered);
  return trace;
}

/** [W_dense; U]: the kernel rows of the last `inCols` (dense) input columns above the recurrent kernel. */
function stackedWeights(kernel: tf.Tensor2D, recurrent: tf.Tensor2D, inCols: number): tf.Tensor2D {
  const [inputSize, G] = kernel.shape;
  if (inCols === 0) return recurrent;
  const dense = inCols === inputSize ? kernel : tf.slice(kernel, [inputSize - inCols, 0], [inCols, G]);
  return tf.concat([dense, recurrent], 0);
}

/** [4H] row of ones with the g block (third quarter) at 2. */
function gScale(H: number): tf.Tensor1D {
  const s = new Float32Array(4 * H).fill(1);
  s.fill(2, 2 * H, 3 * H);
  return tf.tensor1d(s);
}

function backward(
  d: LstmDims, trace: JsLstmTrace, dy: tf.Tensor2D, indices: Int32Array | null,
  kernel: tf.Tensor2D, recurrent: tf.Tensor2D,
): tf.Tensor[] {
  const { steps, batch, units: H, inputSize } = d;
  const G = 4 * H;
  const rows = steps * batch;
  const stepG = batch * G;
  const stepH = batch * H;
  const { inputs, inCols, gates, cells, cellTanh, h0, c0 } = trace;
  const cols = inCols + H;
  const dOut = dy.dataSync();
  // dz is kept transposed ([4H, steps·batch]) for the weight product at the
  // end; dzStep holds the current step's rows for the recurrent product.
  const dzT = take(G * rows);
  const dzStep = take(stepG);
  const dx = inCols > 0 ? new Float32Array(rows * inCols) : null;
  const dc = new Float32Array(stepH);
  const dhNext = new Float32Array(stepH);
  const dKernel = new Float32Array(inputSize * G);
  const dBias = new Float32Array(G);
  // [dx_t | dh_{t-1}] = dz_t·[W; U]ᵀ, one product per step with the transpose made once.
  const weightsT = tf.tidy(() => tf.transpose(stackedWeights(kernel, recurrent, inCols)));
  for (let t = steps - 1; t >= 0; t--) {
    const cPrev = t > 0 ? cells.subarray((t - 1) * stepH, t * stepH) : c0;
    for (let bi = 0; bi < batch; bi++) {
      const go = t * stepG + bi * G;
      const so = bi * G;
      const ho = bi * H;
      const to = t * stepH + ho;
      for (let j = 0; j < H; j++) {
        const dh = dOut[to + j] + dhNext[ho + j];
        const i = gates[go + j];
        const f = gates[go + H + j];
        const g = gates[go + 2 * H + j];
        const o = gates[go + 3 * H + j];
        const tc = cellTanh[to + j];
        const dcj = dc[ho + j] + dh * o * (1 - tc * tc);
        const di = dcj * g * i * (1 - i);
        const df = dcj * (cPrev ? cPrev[ho + j] : 0) * f * (1 - f);
        const dg = dcj * i * (1 - g * g);
        const dO = dh * tc * o * (1 - o);
        dc[ho + j] = dcj * f;
        dzStep[so + j] = di;
        dzStep[so + H + j] = df;
        dzStep[so + 2 * H + j] = dg;
        dzStep[so + 3 * H + j] = dO;
      }
      if (indices) {
        // One-hot input: the kernel gradient is a scatter-add of dz rows.
        const dst = indices[t * batch + bi] * G;
        for (let j = 0; j < G; j++) {
          dBias[j] += dzStep[so + j];
          dKernel[dst + j] += dzStep[so + j];
        }
      } else {
        for (let j = 0; j < G; j++) dBias[j] += dzStep[so + j];
      }
    }
    for (let j = 0; j < G; j++) {
      const o = j * rows + t * batch;
      for (let bi = 0; bi < batch; bi++) dzT[o + bi] = dzStep[bi * G + j];
    }
    if (t > 0 || h0 || dx) {
      const dzt = tf.tensor2d(dzStep, [batch, G]);
      const product = tf.matMul(dzt, weightsT);
      const p = readFloats(product);
      for (let bi = 0; bi < batch; bi++) {
        if (dx) dx.set(p.subarray(bi * cols, bi * cols + inCols), (t * batch + bi) * inCols);
        dhNext.set(p.subarray(bi * cols + inCols, (bi + 1) * cols), bi * H);
      }
      tf.dispose([dzt, product]);
    }
  }
  weightsT.dispose();

  // dzᵀ·[x | h_{t-1}] = [dW | dU]ᵀ over all steps at once, shaped so that the
  // larger operand is the left one (wasm's matMul packs the right one).
  const productT = tf.tidy(() => tf.matMul(tf.tensor2d(dzT, [G, rows]), tf.tensor2d(inputs, [rows, cols])));
  const p = productT.dataSync(); // [G, cols]
  productT.dispose();
  give(dzT, dzStep, inputs, gates, cells, cellTanh);
  const dRecurrent = new Float32Array(H * G);
  const denseRow0 = inputSize - inCols; // the dense columns' first kernel row
  for (let j = 0; j < G; j++) {
    const o = j * cols;
    for (let k = 0; k < inCols; k++) dKernel[(denseRow0 + k) * G + j] = p[o + k];
    for (let k = 0; k < H; k++) dRecurrent[k * G + j] = p[o + inCols + k];
  }
  const grads: tf.Tensor[] = [];
  if (dx) grads.push(tf.tensor2d(dx, [rows, inCols]));
  grads.push(tf.tensor2d(dKernel, [inputSize, G]), tf.tensor2d(dRecurrent, [H, G]), tf.tensor1d(dBias));
  if (h0) grads.push(tf.tensor2d(dhNext, [batch, H]), tf.tensor2d(dc, [batch, H]));
  return grads;
}

/** The kernel every backend can run: JavaScript gate maths around TensorFlow.js matrix products. */
export const jsLstmKernel: LstmKernel<JsLstmTrace> = { name: 'javascript + tf.matMul', forward, backward };
