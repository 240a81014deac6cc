/**
 * The portable batch normalisation kernel (BatchNormKernel, kernels.ts):
 * training statistics over [B, H, W] as TensorFlow.js ops, the gradient in
 * closed form,
 *
 *   dx = γ/σ · (dy − dβ/n − x̂ · dγ/n),  dγ = Σ dy·x̂,  dβ = Σ dy,  x̂ = (x − μ)/σ
 *
 * with channel sums by channelSums (one read of the activations on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import { channelSums } from './conv-kernel-js.js';
import type { BatchNormKernel } from './kernels.js';

export const jsBatchNormKernel: BatchNormKernel = {
  name: 'javascript/webassembly',
  forward(x, gamma, beta, epsilon) {
    const n = x.size / x.shape[3];
    const mean = tf.div<tf.Tensor1D>(channelSums(x), n);
    const centred = tf.sub<tf.Tensor4D>(x, mean);
    const variance = tf.div<tf.Tensor1D>(channelSums(tf.square<tf.Tensor4D>(centred)), n);
    const invStd = tf.rsqrt<tf.Tensor1D>(tf.add<tf.Tensor1D>(variance, epsilon));
    const y = tf.add<tf.Tensor4D>(tf.mul(centred, tf.mul(gamma, invStd)), beta);
    return { y, mean, variance, saved: [centred, gamma, invStd] };
  },
  backward(saved, dy) {
    const [xc, gamma, inv] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const n = xc.size / xc.shape[3];
    const dBeta = channelSums(dy);
    const dGamma = tf.mul<tf.Tensor1D>(channelSums(tf.mul(dy, xc)), inv);
    const s = tf.mul<tf.Tensor1D>(gamma, inv);
    const dx = tf.add<tf.Tensor4D>(tf.add(tf.mul(dy, s), tf.mul(xc, tf.mul(s, tf.div(tf.mul(dGamma, inv), -n)))), tf.mul(s, tf.div(dBeta, -n)));
    return [dx, dGamma, dBeta];
  },
};
