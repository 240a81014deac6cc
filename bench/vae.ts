/**
 * One VAE training step (bidirectional LSTM encoder over one-hot tokens, μ
 * and σ, the reparameterisation, z → the decoder's initial state, an LSTM
 * decoder reading [previous token | z] under teacher forcing, the output
 * layer, cross-entropy + KL, backward, clipping, Adam) at the shape of
 * `../shared/bench/torch_reference.py vae` — batch 64 × 32 steps, 90
 * classes, 256 units, z of 64 — on the wasm backend, with each kernel set
 * (JavaScript/WebAssembly; native on every core and on one thread), against
 * PyTorch measured in the same run at its best setting here (OpenBLAS on
 * every core) and on one core.
 *
 *   node --import tsx bench/vae.ts [--runs 5] [--warmup 2]
 *        [--batch 64 --steps 32 --vocab 90 --hidden 256 --latent 64] [--no-reference]
 *
 * Target (issue 11): wasm at most 6× PyTorch's best.
 */
import { availableParallelism } from 'node:os';
import { Trainer, VaeModel, createRng, initBackend, installNativeKernels, jsKernels, useKernels, type BackendName } from '../src/index.js';
import { median, numberArg, stringArg, torchReference, type TorchResult } from './lib/torch-reference.js';

const backend = stringArg('backend', 'wasm') as BackendName;
const [runs, warmup] = [numberArg('runs', 5), numberArg('warmup', 2)];
const shape = { batch: numberArg('batch', 64), steps: numberArg('steps', 32), vocab: numberArg('vocab', 90), hidden: numberArg('hidden', 256), latent: numberArg('latent', 64) };

/** Milliseconds per training step, one per run. */
function timeSteps(): number[] {
  const { batch, steps, vocab, hidden, latent } = shape;
  // β 1 (fully annealed), no free bits, teacher forcing: the reference's loss, rec + KL / steps
  const model = VaeModel.create({ vocab, steps, units: hidden, latent, beta: 1, betaRate: 0, freeBits: 0, sampling: 0 }, { seed: 1 });
  const trainer = new Trainer(model.variables, { learningRate: 1e-3, clipNorm: 5 });
  const rng = createRng(2);
  const tokens = Int32Array.from({ length: batch * steps }, () => rng.int(vocab));
  const weights = new Float32Array(batch * steps).fill(1);
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    trainer.step(() => model.loss(tokens, weights, batch, { step: i + 1, sample: true }).loss);
    if (i >= warmup) times.push(performance.now() - t0);
  }
  trainer.dispose();
  model.dispose();
  return times;
}

function line(label: string, times: number[], extra = ''): void {
  console.log(`  ${label.padEnd(34)} ${median(times).toFixed(0).padStart(6)} ms/step median, ${Math.min(...times).toFixed(0)} best  [${times.map((t) => t.toFixed(0)).join(', ')}]${extra}`);
}

function ratio(ours: number[], reference: TorchResult | null, target: number | null, what: string): string {
  if (!reference) return '';
  const r = median(ours) / reference.median_ms;
  return `\n  ${''.padEnd(34)} ${r.toFixed(2)}× PyTorch ${what}${target === null ? '' : ` (target ≤ ${target}×) ${r <= target ? 'ok' : 'OVER TARGET'}`}`;
}

async function main(): Promise<void> {
  const shapeArgs = ['--repeat', String(runs), ...Object.entries(shape).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const noReference = process.argv.includes('--no-reference');
  const best = noReference ? null : torchReference('vae', shapeArgs, { blasThreads: 'all' });
  const oneCore = noReference ? null : torchReference('vae', shapeArgs);
  await initBackend({ backend });
  const cores = availableParallelism();
  const native = installNativeKernels({ threads: cores });
  const installed = useKernels(jsKernels);
  const wasm = timeSteps();
  useKernels(installed);
  const { batch, steps, vocab, hidden, latent } = shape;
  console.log(`vae train step (bidirectional LSTM ${hidden} → z ${latent} → LSTM ${hidden}, ${vocab} classes, batch ${batch} × ${steps} steps, ${backend} backend)`);
  line(`musegen ${jsKernels.name}`, wasm, ratio(wasm, best, 6, 'at its best'));
  if (native.available) {
    const all = timeSteps();
    installNativeKernels({ threads: 1 });
    const one = timeSteps();
    line(`musegen native, ${cores} threads`, all, ratio(all, best, null, 'at its best'));
    line('musegen native, 1 thread', one, ratio(one, oneCore, null, 'on one core'));
  } else {
    console.log(`  musegen native: not in use (${native.detail})`);
  }
  for (const [label, r] of [['pytorch best', best], ['pytorch 1 core', oneCore]] as const) {
    if (r) line(`${label} (${String(r.threads)}+${String(r.blas_threads)} thr)`, r.runs_ms, `  torch ${String(r.torch)}`);
  }
}

await main();
