/**
 * Form of a melody model's tunes (issue "Tunes with form"): every figure of
 * its "Must show", for one model.
 *
 *   node --import tsx bench/form.ts [--model models/default] [--count 200] [--seed 2026] [--temp 0.8]
 *                                   [--corpus ../shared/corpora/nottingham-jukedeck/ABC_cleaned] [--key-count 100] [--json out.json]
 *   npm run bench -- form
 *
 * The real tunes are the corpus's tunes no model trained on: musegen's
 * valid and test splits (98 + 90 of Nottingham's 1,034). Piece i of the
 * `--count` samples (16 bars, --temp) gets the key and meter of real tune
 * i mod their number. Each set is measured alike:
 *
 *   ends on the tonic, an aligned 2-bar unit comes back, bars 5–7 restate bars 1–3 (src/eval's pieceFeatures)
 *   bars 5–7 restate bars 1–3 exactly or transposed (same rhythm, every pitch moved by one interval)
 *   notes per bar in the first four and the last four bars (a pickup bar left out)
 *   MGEval overlapping area of every feature against the real tunes (src/eval's compareSets)
 *   copies: pieces with a run of ≥ 2 bars, and of ≥ 4, found in the training split (src/eval's CopyIndex)
 *   validation NLL per token: whole validation tunes through the sampler's session (src/eval's evaluateLikelihood, as `musegen eval --split valid`)
 *   --key "E minor": the share of --key-count samples whose estimated key is E minor
 *
 * The samples are made with the cadence on (the default) and again with it
 * off, so the model's own endings are seen apart from the constraint's.
 */
import { writeFileSync } from 'node:fs';
import {
  CopyIndex, barStarts, compareSets, errorMessage, estimateKey, evaluateLikelihood, folderSource, initBackend, loadCorpus, loadGenerator, midiOf,
  parseKey, pieceFeatures, pitchedNotes, samplePieces, workingSplit, type Generator, type Key, type Meter, type Note, type Score,
} from '../src/index.js';
import { numberArg, stringArg } from './lib/torch-reference.js';

const modelDir = stringArg('model', 'models/default');
const count = numberArg('count', 200);
const seed = numberArg('seed', 2026);
const temperature = numberArg('temp', 0.8);
const keyCount = numberArg('key-count', 100);
const corpusDir = stringArg('corpus', '../shared/corpora/nottingham-jukedeck/ABC_cleaned');
const jsonOut = stringArg('json', '');
const BARS = 16;
const PITCH_FEATURES = ['pitchCount', 'pitchClassHistogram', 'pitchClassTransitions', 'pitchRange', 'averageInterval'];

/** The notes of each full bar of a score by onset (a pickup bar left out). */
function fullBars(score: Score): Note[][] {
  const starts = barStarts(score);
  const first = score.pickup > 0 ? 1 : 0;
  const bars: Note[][] = starts.slice(first).map(() => []);
  for (const n of pitchedNotes(score)) {
    let b = starts.length - 1;
    while (b > 0 && starts[b]! > n.onset) b--;
    if (b >= first) bars[b - first]!.push(n);
  }
  return bars.map((notes, i) => notes.map((n) => ({ ...n, onset: n.onset - starts[i + first]! })));
}

/** Bars 5–7 restate bars 1–3 with the same rhythm and every pitch moved by one interval (0: exactly). */
function restatesTransposed(bars: Note[][]): boolean {
  if (bars.length < 7 || bars.slice(0, 3).every((b) => b.length === 0)) return false;
  let shift: number | undefined;
  for (let b = 0; b < 3; b++) {
    const [a, c] = [bars[b]!, bars[b + 4]!];
    if (a.length !== c.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (a[i]!.onset !== c[i]!.onset || a[i]!.duration !== c[i]!.duration) return false;
      const d = midiOf(c[i]!.pitch) - midiOf(a[i]!.pitch);
      if (shift !== undefined && d !== shift) return false;
      shift = d;
    }
  }
  return true;
}

interface SetFigures {
  pieces: number;
  endsOnTonic: number;
  repeatsTwoBars: number;
  restatesExactly: number;
  restatesExactlyOrTransposed: number;
  notesPerBarFirstFour: number;
  notesPerBarLastFour: number;
}

const share = (xs: boolean[]): number => xs.filter(Boolean).length / Math.max(1, xs.length);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function figures(scores: readonly Score[]): SetFigures {
  const features = scores.map(pieceFeatures);
  const bars = scores.map(fullBars).filter((b) => b.length >= 8);
  return {
    pieces: scores.length,
    endsOnTonic: share(features.map((f) => f.endsOnTonic)),
    repeatsTwoBars: share(features.map((f) => f.repeatsTwoBars)),
    restatesExactly: share(features.map((f) => f.restatesOpening)),
    restatesExactlyOrTransposed: share(scores.map((s) => restatesTransposed(fullBars(s)))),
    notesPerBarFirstFour: mean(bars.flatMap((b) => b.slice(0, 4).map((n) => n.length))),
    notesPerBarLastFour: mean(bars.flatMap((b) => b.slice(-4).map((n) => n.length))),
  };
}

function sampleSet(generator: Generator, shapes: readonly { key: Key; meter: Meter }[], cadence: boolean): Score[] {
  return shapes.map((shape, i) => samplePieces(generator, { bars: BARS, temperature, key: shape.key, meter: shape.meter, seed: seed + i, cadence })[0]!.score);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

async function main(): Promise<void> {
  const t0 = performance.now();
  await initBackend({ backend: 'wasm' });
  const corpus = await loadCorpus([corpusDir]);
  const working = workingSplit(corpus.pieces);
  const unseen = corpus.pieces.filter((p) => p.split === 'valid' || p.split === 'test').map((p) => p.score);
  const shapes = Array.from({ length: count }, (_, i) => {
    const real = unseen[i % unseen.length]!;
    const ts = real.timeSignatures[0]!;
    const key = real.keySignatures[0];
    return { key: key ? { fifths: key.fifths, mode: key.mode } : { fifths: 0, mode: 'major' as const }, meter: { numerator: ts.numerator, denominator: ts.denominator } };
  });
  const { generator } = await loadGenerator(folderSource(modelDir));
  try {
    const withCadence = sampleSet(generator, shapes, true);
    const without = sampleSet(generator, shapes, false);
    const real = figures(unseen);
    const sampled = figures(withCadence);
    const own = figures(without);
    const oa = compareSets(withCadence.map(pieceFeatures), unseen.map(pieceFeatures));
    const copies = new CopyIndex(working.train.map((p) => p.score));
    const checks = withCadence.map((s) => copies.check(s));
    const eMinor = parseKey('E minor');
    const agree = (cadence: boolean): number => share(Array.from({ length: keyCount }, (_, i) => {
      const score = samplePieces(generator, { bars: BARS, temperature, key: eMinor, seed: seed + 10_000 + i, cadence })[0]!.score;
      const k = estimateKey(pitchedNotes(score).map((n) => ({ midi: midiOf(n.pitch), duration: n.duration })));
      return k.fifths === eMinor.fifths && k.mode === 'minor';
    }));
    const keyAgreement = { cadence: agree(true), noCadence: agree(false) };
    const nll = evaluateLikelihood(generator.leftToRight!, generator.encoder, working.valid.map((p) => p.score));
    const result = {
      model: modelDir, corpus: corpusDir, realTunes: unseen.length, samples: count, bars: BARS, temperature, seed,
      real, sampled, sampledWithoutCadence: own,
      mgeval: oa.map((c) => ({ feature: c.feature, overlap: c.overlap, kl: c.kl, pitch: PITCH_FEATURES.includes(c.feature) })),
      copies: {
        trainingTunes: working.train.length,
        atLeastTwoBars: share(checks.map((c) => c.longestBars >= 2)),
        atLeastFourBars: share(checks.map((c) => c.longestBars >= 4)),
        longestBars: Math.max(...checks.map((c) => c.longestBars)),
      },
      validNll: { pieces: nll.pieces, tokens: nll.positions, perToken: nll.nll, perNote: nll.nllPerNote },
      keyAgreement: { asked: 'E minor', samples: keyCount, ...keyAgreement },
      seconds: (performance.now() - t0) / 1000,
    };
    const row = (label: string, get: (f: SetFigures) => number, fmt: (x: number) => string = pct): void =>
      console.log(`  ${label.padEnd(44)} ${fmt(get(sampled)).padStart(9)} ${fmt(get(own)).padStart(12)} ${fmt(get(real)).padStart(9)}`);
    console.log(`form: ${modelDir}, ${count} samples of ${BARS} bars at --temp ${temperature} (seeds ${seed}…), keys and meters of the ${unseen.length} valid + test tunes of ${corpusDir}`);
    console.log(`  ${''.padEnd(44)} ${'sampled'.padStart(9)} ${'no cadence'.padStart(12)} ${'real'.padStart(9)}`);
    row('ends on the tonic (≥ 70 %)', (f) => f.endsOnTonic);
    row('an aligned 2-bar unit comes back (≥ 50 %)', (f) => f.repeatsTwoBars);
    row('bars 5–7 restate 1–3 exactly', (f) => f.restatesExactly);
    row('… exactly or transposed (≥ 25 %)', (f) => f.restatesExactlyOrTransposed);
    row('notes per bar, bars 1–4 (within 10 %)', (f) => f.notesPerBarFirstFour, (x) => x.toFixed(2));
    row('notes per bar, last 4 bars (within 10 %)', (f) => f.notesPerBarLastFour, (x) => x.toFixed(2));
    console.log(`  MGEval overlapping area (pitch features ≥ 0.9): ${oa.map((c) => `${c.feature}${PITCH_FEATURES.includes(c.feature) ? '*' : ''} ${c.overlap.toFixed(3)}`).join(', ')}`);
    console.log(`  copies against the ${working.train.length} training tunes: ${pct(result.copies.atLeastTwoBars)} with a run of ≥ 2 bars (≤ 10 %), ${pct(result.copies.atLeastFourBars)} of ≥ 4 (none), longest ${result.copies.longestBars.toFixed(2)} bars`);
    console.log(`  validation NLL (${nll.pieces} whole tunes, ${nll.positions} tokens): ${nll.nll.toFixed(4)} nats per token, ${nll.nllPerNote?.toFixed(3)} per note`);
    console.log(`  --key "E minor", ${keyCount} samples: estimated E minor ${pct(keyAgreement.cadence)} (without the cadence ${pct(keyAgreement.noCadence)}; ≥ 75 %)`);
    console.log(`  ${result.seconds.toFixed(0)} s`);
    if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    generator.dispose();
  }
}

await main().catch((e: unknown) => {
  console.error(`form: ${errorMessage(e)}`);
  process.exit(1);
});
