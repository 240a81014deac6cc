/**
 * One LSTM training step (forward, backward through time, clipping, Adam):
 * 2 × 256 units over 130 classes, batch 64 × 64 steps, on the wasm backend,
 * against PyTorch on one CPU thread measured in the same run. Prints ms per
 * step (median and best of --runs after --warmup) and the ratio.
 *
 *   node --import tsx bench/lstm.ts [--backend wasm] [--runs 5] [--warmup 2]
 *        [--batch 64 --steps 64 --vocab 130 --hidden 256 --layers 2] [--no-reference]
 *
 * Target (issue 5): at most 6× the PyTorch reference.
 */
import { LstmModel, Trainer, createRng, initBackend, type BackendName } from '../src/index.js';
import { median, numberArg, stringArg, torchReference } from './lib/torch-reference.js';

const backend = stringArg('backend', 'wasm') as BackendName;
const [runs, warmup] = [numberArg('runs', 5), numberArg('warmup', 2)];
const shape = { batch: numberArg('batch', 64), steps: numberArg('steps', 64), vocab: numberArg('vocab', 130), hidden: numberArg('hidden', 256), layers: numberArg('layers', 2) };
const TARGET_RATIO = 6;

async function main(): Promise<void> {
  const reference = process.argv.includes('--no-reference')
    ? null
    : torchReference('lstm', ['--repeat', String(runs), ...Object.entries(shape).flatMap(([k, v]) => [`--${k}`, String(v)])]);
  await initBackend({ backend });
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

  const ours = median(times);
  const shapeText = `${layers}×${hidden} LSTM, ${vocab} classes, batch ${batch} × ${steps} steps`;
  console.log(`lstm train step (${shapeText})`);
  console.log(`  musegen ${backend.padEnd(6)} ${ours.toFixed(0).padStart(6)} ms/step median, ${Math.min(...times).toFixed(0)} best  [${times.map((t) => t.toFixed(0)).join(', ')}]`);
  if (reference) {
    const ratio = ours / reference.median_ms;
    console.log(`  pytorch ${String(reference.threads)} thr ${reference.median_ms.toFixed(0).padStart(6)} ms/step median, ${Math.min(...reference.runs_ms).toFixed(0)} best  (torch ${String(reference.torch)})`);
    console.log(`  ratio   ${ratio.toFixed(2)}× PyTorch (best/best ${(Math.min(...times) / Math.min(...reference.runs_ms)).toFixed(2)}×; target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'ok' : 'OVER TARGET'}`);
  }
}

await main();
