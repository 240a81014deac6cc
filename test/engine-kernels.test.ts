/**
 * The kernel boundary: the fused LSTM layer (training) and the batch-1
 * stepper (sampling) reach their arithmetic only through `kernels()`, so a
 * set installed with `useKernels` (a native addon, one day) is the one that
 * runs — here a set that counts its calls around the JavaScript kernels, and
 * must give exactly the same losses, gradients and logits.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LstmModel, LstmStepper, Trainer, initBackend, jsKernels, kernels, useKernels, type Kernels } from '../src/index.js';

const config = { inputSize: 9, outputSize: 9, units: 12, layers: 2 };
const B = 3;
const T = 5;
const indices = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 2) % 9);
const classes = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 1) % 9);

let installed: Kernels;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  installed = kernels(); // the native set where the addon is built
});
afterEach(() => {
  useKernels(installed);
});

/** The JavaScript kernels with every call counted. */
function counting(): { set: Kernels; calls: Record<'forward' | 'backward' | 'matvec', number> } {
  const calls = { forward: 0, backward: 0, matvec: 0 };
  const set: Kernels = {
    name: 'counting',
    lstm: {
      name: 'counting lstm',
      forward: (...args) => (calls.forward++, jsKernels.lstm!.forward(...args)),
      backward: (...args) => (calls.backward++, jsKernels.lstm!.backward(...args)),
    },
    conv: jsKernels.conv,
    batchNorm: jsKernels.batchNorm,
    matvecMemory(floats) {
      const memory = jsKernels.matvecMemory(floats);
      return { ...memory, f32: memory.f32, matvec: (...args) => (calls.matvec++, memory.matvec(...args)) };
    },
  };
  return { set, calls };
}

/** Two training steps and 4 sampling steps: the losses and the last logits. */
function run(): { losses: number[]; logits: number[] } {
  const model = LstmModel.create(config, { seed: 3 });
  const trainer = new Trainer(model.variables, { learningRate: 0.01 });
  const losses = [0, 1].map(() => trainer.step(() => model.loss({ batch: B, steps: T, indices }, { classes })).loss);
  const stepper = LstmStepper.fromModel(model);
  let logits: Float32Array = new Float32Array();
  for (const token of [1, 4, 2, 8]) logits = stepper.step(token);
  trainer.dispose();
  model.dispose();
  return { losses, logits: Array.from(logits) };
}

describe('kernel boundary', () => {
  it('runs training and sampling through the installed kernels, with the same results', () => {
    useKernels(jsKernels);
    const reference = run();
    const { set, calls } = counting();
    expect(useKernels(set)).toBe(jsKernels);
    expect(kernels().name).toBe('counting');
    const counted = run();
    expect(calls.forward).toBe(2 * config.layers);
    expect(calls.backward).toBe(2 * config.layers);
    expect(calls.matvec).toBe(4 * (config.layers + 1));
    expect(counted).toEqual(reference);
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
