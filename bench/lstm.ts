/**
 * One LSTM training step (forward, backward through time, clipping, Adam):
 * 2 × 256 units over 130 classes, batch 64 × 64 steps, on the wasm backend,
 * with each kernel set — JavaScript/WebAssembly, native on every core,
 * native on one thread — against PyTorch measured in the same run at its
 * best setting here (OpenBLAS on every core) and on one core. Prints ms per
 * step (median and best of --runs after --warmup) and the ratios.
 *
 *   node --import tsx bench/lstm.ts [--backend wasm] [--runs 5] [--warmup 2]
 *        [--batch 64 --steps 64 --vocab 130 --hidden 256 --layers 2] [--no-reference]
 *
 * Targets: wasm at most 6× PyTorch on one core (issue 5); native at most
 * 1.2× PyTorch's best, and on one thread at most 1.0× PyTorch on one core (issue 16).
 */
import {
  LstmModel, Trainer, createRng, type BackendName,
} from '../src/index.js';
import { compareKernelSets } from './lib/kernel-sets.js';
import { numberArg, stringArg } from './lib/torch-reference.js';

const backend = stringArg('backend', 'wasm') as BackendName;
const [runs, warmup] = [numberArg('runs', 5), numberArg('warmup', 2)];
const shape = { batch: numberArg('batch', 64), steps: numberArg('steps', 64), vocab: numberArg('vocab', 130), hidden: numberArg('hidden', 256), layers: numberArg('layers', 2) };

/** Milliseconds per training step, one per run (`n` runs after the warm-up). */
function timeSteps(n: number): number[] {
  const { batch, steps, vocab, hidden, layers } = shape;
  const model = LstmModel.create({ inputSize: vocab, outputSize: vocab, units: hidden, layers }, { seed: 1 });
  const trainer = new Trainer(model.variables, { learningRate: 1e-3, clipNorm: 5 });
  const rng = createRng(2);
  const indices = Int32Array.from({ length: batch * steps }, () => rng.int(vocab));
  const classes = Int32Array.from({ length: batch * steps }, () => rng.int(vocab));
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    trainer.step(() => model.loss({ batch, steps, indices }, { classes }, { training: true }));
    if (i >= warmup) times.push(performance.now() - t0);
  }
  trainer.dispose();
  model.dispose();
  return times;
}

await compareKernelSets('lstm', shape, runs, backend, { wasm: { against: 'one core', at: 6 }, nativeAll: 1.2, nativeOne: 1.0 }, `lstm train step (${shape.layers}×${shape.hidden} LSTM, ${shape.vocab} classes, batch ${shape.batch} × ${shape.steps} steps, ${backend} backend)`, 'LSTM training step', timeSteps);
