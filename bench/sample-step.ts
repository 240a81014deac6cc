/**
 * Sampling speed at batch 1: one step of a 2 × 256 LSTM over 130 classes
 * (feed a token, get logits, softmax at temperature 0.8, draw the next token),
 * 256 steps per run, against PyTorch doing the same in the same run.
 *
 *   node --import tsx bench/sample-step.ts [--runs 5] [--length 256] [--no-reference]
 *
 * Target (issue 5): at most 0.5 ms per step.
 */
import { LstmModel, LstmStepper, createRng, initBackend } from '../src/index.js';
import { reportRow } from './lib/results.js';
import { median, numberArg, torchReference } from './lib/torch-reference.js';

const [runs, length] = [numberArg('runs', 5), numberArg('length', 256)];
const [VOCAB, HIDDEN, LAYERS, TEMPERATURE] = [130, 256, 2, 0.8];
const TARGET_MS = 0.5;

async function main(): Promise<void> {
  const reference = process.argv.includes('--no-reference')
    ? null
    : torchReference('sample', ['--repeat', String(runs), '--length', String(length), '--vocab', String(VOCAB), '--hidden', String(HIDDEN), '--layers', String(LAYERS)]);
  await initBackend({ backend: 'cpu' }); // the stepper runs outside TensorFlow.js; the backend only builds the weights
  const model = LstmModel.create({ inputSize: VOCAB, outputSize: VOCAB, units: HIDDEN, layers: LAYERS }, { seed: 1 });
  const stepper = LstmStepper.fromModel(model);
  model.dispose();
  const rng = createRng(3);
  const probs = new Float64Array(VOCAB);
  const generate = () => {
    stepper.reset();
    let token = 0;
    for (let i = 0; i < length; i++) {
      const logits = stepper.step(token);
      let max = -Infinity;
      for (const l of logits) max = Math.max(max, l / TEMPERATURE);
      let sum = 0;
      for (let c = 0; c < VOCAB; c++) sum += probs[c] = Math.exp(logits[c]! / TEMPERATURE - max);
      let u = rng.next() * sum;
      token = 0;
      while (token < VOCAB - 1 && (u -= probs[token]!) > 0) token++;
    }
  };
  generate();
  const perStep: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    generate();
    perStep.push((performance.now() - t0) / length);
  }
  const ours = median(perStep);
  console.log(`lstm sample step (${LAYERS}×${HIDDEN} LSTM, ${VOCAB} classes, batch 1, ${length} steps per run)`);
  console.log(`  musegen ${stepper.simd ? 'wasm-simd' : 'js'}  ${ours.toFixed(3)} ms/step median, ${Math.min(...perStep).toFixed(3)} best (target ≤ ${TARGET_MS} ms) ${ours <= TARGET_MS ? 'ok' : 'OVER TARGET'}`);
  if (reference) {
    const theirs = reference.per_step_ms as number;
    console.log(`  pytorch 1 thr    ${theirs.toFixed(3)} ms/step median  (torch ${String(reference.torch)})`);
    console.log(`  ratio   ${(ours / theirs).toFixed(2)}× PyTorch`);
  }
  reportRow({
    benchmark: 'LSTM sampling step, batch 1', musegen: stepper.simd ? 'WebAssembly SIMD mat-vec' : 'JavaScript', musegenMs: ours, unit: 'ms/step',
    torch: reference ? `PyTorch ${String(reference.torch)}, 1 thread` : null, torchMs: reference ? (reference.per_step_ms as number) : null, target: `≤ ${TARGET_MS} ms`,
  });
}

await main();
