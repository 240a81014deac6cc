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
import { Trainer, VaeModel, createRng, type BackendName } from '../src/index.js';
import { compareKernelSets } from './lib/kernel-sets.js';
import { numberArg, stringArg } from './lib/torch-reference.js';

const backend = stringArg('backend', 'wasm') as BackendName;
const [runs, warmup] = [numberArg('runs', 5), numberArg('warmup', 2)];
const shape = { batch: numberArg('batch', 64), steps: numberArg('steps', 32), vocab: numberArg('vocab', 90), hidden: numberArg('hidden', 256), latent: numberArg('latent', 64) };

/** Milliseconds per training step, one per run (`n` runs after the warm-up). */
function timeSteps(n: number): number[] {
  const { batch, steps, vocab, hidden, latent } = shape;
  // β 1 (fully annealed), no free bits, teacher forcing: the reference's loss, rec + KL / steps
  const model = VaeModel.create({ vocab, steps, units: hidden, latent, beta: 1, betaRate: 0, freeBits: 0, sampling: 0 }, { seed: 1 });
  const trainer = new Trainer(model.variables, { learningRate: 1e-3, clipNorm: 5 });
  const rng = createRng(2);
  const tokens = Int32Array.from({ length: batch * steps }, () => rng.int(vocab));
  const weights = new Float32Array(batch * steps).fill(1);
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    trainer.step(() => model.loss(tokens, weights, batch, { step: i + 1, sample: true }).loss);
    if (i >= warmup) times.push(performance.now() - t0);
  }
  trainer.dispose();
  model.dispose();
  return times;
}

await compareKernelSets('vae', shape, runs, backend, { wasm: { against: 'best', at: 6 }, nativeAll: 1.5, nativeOne: null }, `vae train step (bidirectional LSTM ${shape.hidden} → z ${shape.latent} → LSTM ${shape.hidden}, ${shape.vocab} classes, batch ${shape.batch} × ${shape.steps} steps, ${backend} backend)`, 'VAE training step', timeSteps);
