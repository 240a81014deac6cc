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
import { availableParallelism } from 'node:os';
import {
  LstmModel, Trainer, createRng, initBackend, installNativeKernels, jsKernels, useKernels, type BackendName,
} from '../src/index.js';
import { median, numberArg, stringArg, torchReference, type TorchResult } from './lib/torch-reference.js';

const backend = stringArg('backend', 'wasm') as BackendName;
const [runs, warmup] = [numberArg('runs', 5), numberArg('warmup', 2)];
const shape = { batch: numberArg('batch', 64), steps: numberArg('steps', 64), vocab: numberArg('vocab', 130), hidden: numberArg('hidden', 256), layers: numberArg('layers', 2) };

/** Milliseconds per training step, one per run. */
function timeSteps(): number[] {
  const { batch, steps, vocab, hidden, layers } = shape;
  const model = LstmModel.create({ inputSize: vocab, outputSize: vocab, units: hidden, layers }, { seed: 1 });
  const trainer = new Trainer(model.variables, { learningRate: 1e-3, clipNorm: 5 });
  const rng = createRng(2);
  const indices = Int32Array.from({ length: batch * steps }, () => rng.int(vocab));
  const classes = Int32Array.from({ length: batch * steps }, () => rng.int(vocab));
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    trainer.step(() => model.loss({ batch, steps, indices }, { classes }, { training: true }));
    if (i >= warmup) times.push(performance.now() - t0);
  }
  trainer.dispose();
  model.dispose();
  return times;
}

function line(label: string, times: number[], extra = ''): void {
  console.log(`  ${label.padEnd(34)} ${median(times).toFixed(0).padStart(6)} ms/step median, ${Math.min(...times).toFixed(0)} best  [${times.map((t) => t.toFixed(0)).join(', ')}]${extra}`);
}

function ratio(ours: number[], reference: TorchResult | null, target: number, what: string): string {
  if (!reference) return '';
  const r = median(ours) / reference.median_ms;
  return `\n  ${''.padEnd(34)} ${r.toFixed(2)}× PyTorch ${what} (target ≤ ${target}×) ${r <= target ? 'ok' : 'OVER TARGET'}`;
}

async function main(): Promise<void> {
  const shapeArgs = ['--repeat', String(runs), ...Object.entries(shape).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const noReference = process.argv.includes('--no-reference');
  const best = noReference ? null : torchReference('lstm', shapeArgs, { blasThreads: 'all' });
  const oneCore = noReference ? null : torchReference('lstm', shapeArgs);
  await initBackend({ backend });
  const cores = availableParallelism();
  const native = installNativeKernels({ threads: cores });
  const installed = useKernels(jsKernels);
  const wasm = timeSteps();
  useKernels(installed);
  const { batch, steps, vocab, hidden, layers } = shape;
  console.log(`lstm train step (${layers}×${hidden} LSTM, ${vocab} classes, batch ${batch} × ${steps} steps, ${backend} backend)`);
  line(`musegen ${jsKernels.name}`, wasm, ratio(wasm, oneCore, 6, 'on one core'));
  if (native.available) {
    const all = timeSteps();
    installNativeKernels({ threads: 1 });
    const one = timeSteps();
    line(`musegen native, ${cores} threads`, all, ratio(all, best, 1.2, 'at its best'));
    line('musegen native, 1 thread', one, ratio(one, oneCore, 1.0, 'on one core'));
  } else {
    console.log(`  musegen native: not in use (${native.detail})`);
  }
  for (const [label, r] of [['pytorch best', best], ['pytorch 1 core', oneCore]] as const) {
    if (r) line(`${label} (${String(r.threads)}+${String(r.blas_threads)} thr)`, r.runs_ms, `  torch ${String(r.torch)}`);
  }
}

await main();
