/**
 * One training step of the convolutional generator's network (ConvNet:
 * forward, softmax cross-entropy over the pitch axis for every voice and
 * step, backward, Adam, moving statistics) at the shape of
 * `torch_reference.py conv` — batch 16, 4 voices × 32 steps × 46 pitches,
 * input 2 × voices channels (roll + mask), 16 layers × 64 filters, output
 * one channel per voice — on the wasm backend with each kernel set the
 * process has (JavaScript/WebAssembly; native OpenBLAS matMul where the
 * addon is built), against PyTorch at its best setting here, run before and
 * after ours (both counted, so that load on a shared machine falls on both).
 * Then the forward pass alone for one piece of 64 steps (inference: what one
 * Gibbs sampling step costs).
 *
 *   node --import tsx bench/conv.ts [--runs 5] [--warmup 2]
 *        [--batch 16 --steps 32 --pitches 46 --voices 4 --filters 64 --layers 16] [--no-reference]
 *
 * Targets: WebAssembly kernels at most 6× PyTorch's best (issue 9), native
 * at most 1.5× (issue 16).
 */
import * as tf from '@tensorflow/tfjs';
import { ConvNet, Trainer, createRng, softmaxCrossEntropy, useKernels, type BackendName } from '../src/index.js';
import { compareKernelSets } from './lib/kernel-sets.js';
import { reportRow } from './lib/results.js';
import { median, numberArg, stringArg } from './lib/torch-reference.js';

const backend = stringArg('backend', 'wasm') as BackendName;
const [runs, warmup] = [numberArg('runs', 5), numberArg('warmup', 2)];
const shape = {
  batch: numberArg('batch', 16), steps: numberArg('steps', 32), pitches: numberArg('pitches', 46),
  voices: numberArg('voices', 4), filters: numberArg('filters', 64), layers: numberArg('layers', 16),
};
const SAMPLE_STEPS = 64;

function network(): ConvNet {
  const { voices, filters, layers } = shape;
  return ConvNet.create({ inputChannels: 2 * voices, outputChannels: voices, filters, layers, kernel: 3 }, { seed: 1 });
}

/** Milliseconds per training step, one per run (`n` runs after the warm-up). */
function timeSteps(n: number): number[] {
  const { batch, steps, pitches, voices } = shape;
  const net = network();
  const trainer = new Trainer(net.trainableVariables, { learningRate: 1e-3, clipNorm: null });
  const rng = createRng(2);
  const image = Float32Array.from({ length: batch * steps * pitches * 2 * voices }, () => (rng.next() < 0.5 ? 0 : 1));
  // One pitch per (piece, step, voice), rows in the order of the logits transposed to [batch, steps, voices, pitches].
  const classes = Int32Array.from({ length: batch * steps * voices }, () => rng.int(pitches));
  const x = tf.tensor4d(image, [batch, steps, pitches, 2 * voices]);
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    trainer.step(() => {
      const logits = net.apply(x, { training: true }); // [batch, steps, pitches, voices]
      const rows = tf.reshape(tf.transpose(logits, [0, 1, 3, 2]), [batch * steps * voices, pitches]) as tf.Tensor2D;
      return tf.mean<tf.Scalar>(softmaxCrossEntropy(rows, classes));
    });
    net.updateMovingStats();
    if (i >= warmup) times.push(performance.now() - t0);
  }
  x.dispose();
  trainer.dispose();
  net.dispose();
  return times;
}

/** Milliseconds for one inference forward pass of one piece of SAMPLE_STEPS steps. */
function timeSampling(): number[] {
  const { pitches, voices } = shape;
  const net = network();
  const x = tf.zeros([1, SAMPLE_STEPS, pitches, 2 * voices]) as tf.Tensor4D;
  const times: number[] = [];
  for (let i = 0; i < warmup + 2 * runs; i++) {
    const t0 = performance.now();
    tf.tidy(() => net.apply(x).dataSync());
    if (i >= warmup) times.push(performance.now() - t0);
  }
  x.dispose();
  net.dispose();
  return times;
}

const { batch, steps, pitches, voices, filters, layers } = shape;
const sets = await compareKernelSets(
  'conv', shape, runs, backend, { wasm: { against: 'best', at: 6 }, nativeAll: 1.5, nativeOne: null },
  `conv train step (${layers} layers × ${filters} filters, 3×3, batch ${batch} × ${voices} voices × ${steps} steps × ${pitches} pitches, ${backend} backend)`,
  'conv training step', timeSteps,
);
console.log(`conv forward, one piece of ${SAMPLE_STEPS} steps (inference: one Gibbs step)`);
for (const set of sets) {
  const previous = useKernels(set);
  const times = timeSampling();
  useKernels(previous);
  console.log(`  musegen ${set.name.padEnd(38)} ${median(times).toFixed(1).padStart(6)} ms median, ${Math.min(...times).toFixed(1)} best`);
  reportRow({ benchmark: `conv forward, one piece of ${SAMPLE_STEPS} steps`, musegen: set.name, musegenMs: median(times), unit: 'ms', torch: null, torchMs: null, target: null });
}
