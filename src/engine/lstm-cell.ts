/**
 * An LSTM cell and a dense layer at batch 1, in plain JavaScript over Keras
 * weights (gates i, f, c, o): what a decoder that writes one step at a time
 * runs (the chord and VAE decoders), where a tensor per step would cost more
 * than the arithmetic.
 *
 *   z = x·W + b (the caller's; 4H) ─ lstmCellStep: z += h·U, c = f·c + i·g, h = o·tanh(c) ─ denseOf(h) ─► logits
 */
import { sigmoid, tanh } from './activations.js';

/** A cell's state and pre-activations, in single or double precision. */
type Floats = Float32Array | Float64Array;

/** One step in place: `z` holds the input's part of the pre-activations (4H); h and c are read and updated. */
export function lstmCellStep(z: Floats, h: Floats, c: Floats, recurrent: Float32Array): void {
  const H = h.length;
  const G = 4 * H;
  for (let i = 0; i < H; i++) {
    const hi = h[i]!;
    if (hi === 0) continue;
    const row = i * G;
    for (let j = 0; j < G; j++) z[j] += hi * recurrent[row + j]!;
  }
  for (let j = 0; j < H; j++) {
    const gi = sigmoid(z[j]!);
    const gf = sigmoid(z[H + j]!);
    const gc = tanh(z[2 * H + j]!);
    const go = sigmoid(z[3 * H + j]!);
    c[j] = gf * c[j]! + gi * gc;
    h[j] = go * tanh(c[j]!);
  }
}

/** bias + h·kernel, for a dense layer's kernel [h.length, bias.length]. */
export function denseOf(h: Floats, kernel: Float32Array, bias: Float32Array): Float32Array {
  const n = bias.length;
  const out = Float32Array.from(bias);
  for (let i = 0; i < h.length; i++) {
    const hi = h[i]!;
    if (hi === 0) continue;
    for (let k = 0; k < n; k++) out[k] += hi * kernel[i * n + k]!;
  }
  return out;
}
