/**
 * A tf.Variable holding given values. `tf.variable(t)` shares the data of
 * `t` and keeps `t` alive beside it, so that disposing the variable frees
 * nothing; made here inside a tidy, the variable alone holds the data.
 */
import * as tf from '@tensorflow/tfjs';

export function variableOf(values: Float32Array, shape: number[], trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable));
}
