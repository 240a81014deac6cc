/**
 * Losses every model family shares, over rows of logits [rows, classes]:
 *
 *   softmax cross-entropy   one class per row                 (events: melody tokens, a voice's pitch)
 *   sigmoid cross-entropy   independent on/off per value      (piano-roll rows), averaged over the values
 *   weightedMean            per-row losses → one scalar, rows of weight 0 (padding, known cells) left out
 *
 * Call inside tf.tidy (or a Trainer step); the row losses are [rows].
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError } from '../errors.js';

/** −log softmax(logits)[class] per row; `classes` has one class per row. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, classes: Int32Array): tf.Tensor1D {
  const [rows, C] = logits.shape;
  if (classes.length !== rows) throw new MusegenError('BAD_ARGUMENT', `loss: expected ${rows} target classes, got ${classes.length}`);
  const oneHot = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++) {
    const c = classes[r]!;
    if (!(c >= 0 && c < C)) throw new MusegenError('BAD_ARGUMENT', `loss: target class ${c} outside 0..${C - 1}`);
    oneHot[r * C + c] = 1;
  }
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.tensor2d(oneHot, [rows, C])), 1)) as tf.Tensor1D;
}

/** Binary cross-entropy of sigmoid(logits) against 0/1 targets [rows·C], averaged over each row's values. */
export function sigmoidCrossEntropy(logits: tf.Tensor2D, targets: Float32Array): tf.Tensor1D {
  const [rows, C] = logits.shape;
  if (targets.length !== rows * C) throw new MusegenError('BAD_ARGUMENT', `loss: expected ${rows * C} multi-hot targets, got ${targets.length}`);
  const y = tf.tensor2d(targets, [rows, C]);
  // max(x, 0) − x·y + log(1 + e^−|x|), stable for any x.
  const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.mean<tf.Tensor1D>(bce, 1);
}

/** Σ weight·loss / Σ weight over the rows; without weights, the plain mean. */
export function weightedMean(perRow: tf.Tensor1D, weights?: Float32Array): tf.Scalar {
  if (!weights) return tf.mean(perRow);
  const rows = perRow.shape[0];
  if (weights.length !== rows) throw new MusegenError('BAD_ARGUMENT', `loss: expected ${rows} row weights, got ${weights.length}`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new MusegenError('BAD_ARGUMENT', 'loss: every row has weight 0');
  return tf.div(tf.sum(tf.mul(perRow, tf.tensor1d(weights))), total);
}
