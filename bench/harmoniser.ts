/**
 * The harmoniser, measured on the 77 JSB test chorales (16th notes, S A T B
 * apart; the model never trained on them):
 * - voice leading of its alto, tenor and bass written under each chorale's
 *   soprano, beside Bach's own voices (crossing, parallel fifths and octaves,
 *   out of the training chorales' 1st–99th percentile ranges);
 * - likelihood under Coconet's framewise protocol (frames in order, voices
 *   in a seeded random order, the voices already done in the frame filled
 *   with the model's argmax, as Coconet's evaluation code does) on the first
 *   --framewise N chorales, and the notewise estimate on all of them;
 * - the time to harmonise a 16-bar melody.
 *
 *   node --import tsx bench/harmoniser.ts [--model models/chorale] [--steps 32] [--temp 0.9] [--pieces 77] [--framewise 10] [--context 16]
 */
import {
  COCONET_PUBLISHED, folderSource, formatVoiceLeading, framewiseLikelihood, harmonise, harmoniserLeading, initBackend,
  kernels, loadGenerator, notewiseLikelihood, readSatbPieces, sliceBars, sopranoOf, voiceRanges,
} from '../src/index.js';
import { reportRow } from './lib/results.js';
import { numberArg, stringArg } from './lib/torch-reference.js';

const modelDir = stringArg('model', 'models/chorale');
const steps = numberArg('steps', 32);
const temperature = numberArg('temp', 0.9);
const framewisePieces = numberArg('framewise', 10);
const harmonised = numberArg('pieces', Infinity);
const context = numberArg('context', 16);

await initBackend();
const { generator } = await loadGenerator(folderSource(modelDir));
const infill = generator.infill!;
const [train, test] = await Promise.all([readSatbPieces('train'), readSatbPieces('test')]);
const ranges = voiceRanges(train.map((p) => p.cells));
console.log(`harmoniser ${modelDir} (${String(generator.hyper.layers)}×${String(generator.hyper.filters)}), kernels ${kernels().name}, ${steps} Gibbs steps at temperature ${temperature}`);

const leading = harmoniserLeading((melody, i) => harmonise(generator, melody, { steps, temperature, seed: i + 1 }).score, test.slice(0, harmonised), ranges, (done) => {
  if (done % 10 === 0) process.stderr.write(`  harmonised ${done}/${test.length}\n`);
});
console.log(formatVoiceLeading(`musegen over the first ${leading.pieces} test sopranos`, leading.model, ranges));
console.log(formatVoiceLeading(`Bach, the same ${leading.pieces} chorales`, leading.bach, ranges));
console.log(`  ${(leading.seconds / leading.pieces).toFixed(2)} s a chorale on average`);

const notewise = notewiseLikelihood(infill, test, { samples: 8, seed: 1 });
console.log(`notewise (${notewise.protocol}): ${notewise.nllPerCell.toFixed(3)} nats per cell, ${notewise.nllPerFrame.toFixed(3)} per frame (${notewise.calls} calls)`);
const frames = framewiseLikelihood(infill, test.slice(0, framewisePieces), { withinFrame: 'argmax', voices: 'random', context, seed: 1 });
console.log(`framewise (${frames.protocol}) on ${frames.pieces} chorales: ${frames.nllPerFrame.toFixed(3)} nats per frame, ${frames.nllPerCell.toFixed(3)} per cell (${frames.calls} calls)`);
for (const p of COCONET_PUBLISHED) console.log(`  published: ${JSON.stringify(p)}`);

// a 16-bar melody: the first 16 bars of the first test chorale's soprano
const tune = sliceBars(sopranoOf(test[0]!), 0, 16);
harmonise(generator, tune, { steps: 2, seed: 1 });
const t0 = performance.now();
const h = harmonise(generator, tune, { steps, temperature, seed: 1 });
const harmoniseMs = performance.now() - t0;
reportRow({ benchmark: 'harmonising a 16-bar melody', musegen: `${modelDir}, ${h.steps} Gibbs steps, ${kernels().name}`, musegenMs: harmoniseMs, unit: 'ms', torch: null, torchMs: null, target: '≤ 10 s' });
console.log(`a 16-bar melody harmonised in ${(harmoniseMs / 1000).toFixed(2)} s (${h.steps} Gibbs steps; the Bach Doodle's Coconet: about 2 s in a browser; target at most 10 s)`);
generator.dispose();
