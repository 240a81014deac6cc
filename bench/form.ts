/**
 * Form of a melody model's tunes (issue "Tunes with form"): every figure of
 * its "Must show", for one model.
 *
 *   node --import tsx bench/form.ts [--model models/default] [--count 200] [--seed 2026] [--temp 0.8] [--restate X]
 *                                   [--corpus ../shared/corpora/nottingham-jukedeck/ABC_cleaned] [--key-count 100] [--json out.json]
 *   npm run bench -- form
 *
 * The real tunes are the corpus's tunes no model trained on: musegen's
 * valid and test splits (98 + 90 of Nottingham's 1,034). Piece i of the
 * `--count` samples (16 bars, --temp) gets the key and meter of real tune
 * i mod their number. Each set is measured alike:
 *
 *   ends on the tonic, an aligned 2-bar unit comes back, bars 5–7 restate bars 1–3 (src/eval's pieceFeatures)
 *   bars 5–7 restate bars 1–3 exactly or transposed (same rhythm, every pitch moved by one interval),
 *     all three bars, or two of the three (the issue's measure: 43 % of the real tunes)
 *   notes per bar in the first four and the last four bars (a pickup bar left out)
 *   MGEval overlapping area of every feature against the real tunes, and against their first 16 bars
 *     (as long as a sample: note counts compare) (src/eval's compareSets)
 *   copies: pieces with a run of ≥ 2 bars, and of ≥ 4, found in the training split (src/eval's CopyIndex)
 *   validation NLL per token: whole validation tunes through the sampler's session (src/eval's evaluateLikelihood, as `musegen eval --split valid`)
 *   --key "E minor": the share of --key-count samples whose estimated key is E minor
 *
 * The sets: `sample`'s defaults (the restatement hold — --restate overrides
 * its boost —, the cadence, the key check), the same without the hold, and
 * the model alone (no hold, no cadence, no key check), so what the model
 * does is seen apart from what decoding adds.
 */
import { writeFileSync } from 'node:fs';
import {
  CopyIndex, SAMPLE_DEFAULTS, barStarts, compareSets, errorMessage, estimateKey, evaluateLikelihood, folderSource, initBackend, loadCorpus, loadGenerator, midiOf,
  parseKey, pieceFeatures, pitchedNotes, samplePieces, sliceBars, weightedPitches, workingSplit, type Generator, type Key, type Meter, type Note, type Score,
} from '../src/index.js';
import { numberArg, stringArg } from './lib/torch-reference.js';

const modelDir = stringArg('model', 'models/default');
const count = numberArg('count', 200);
const seed = numberArg('seed', 2026);
const temperature = numberArg('temp', 0.8);
const keyCount = numberArg('key-count', 100);
const corpusDir = stringArg('corpus', '../shared/corpora/nottingham-jukedeck/ABC_cleaned');
const jsonOut = stringArg('json', '');
const restateArg = stringArg('restate', '');
/** The restatement hold of the first set (default: sample's). */
const restate = restateArg === '' ? undefined : Number(restateArg);
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

/** The interval bar `c` moves bar `a` by, keeping its rhythm (0: the same bar), or null when it is not `a` moved. */
function barShift(a: Note[], c: Note[]): number | null {
  if (a.length !== c.length) return null;
  let shift: number | null = null;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.onset !== c[i]!.onset || a[i]!.duration !== c[i]!.duration) return null;
    const d = midiOf(c[i]!.pitch) - midiOf(a[i]!.pitch);
    if (shift !== null && d !== shift) return null;
    shift = d;
  }
  return shift ?? 0;
}

/**
 * Bars 5–7 restate bars 1–3, exactly or transposed (the same rhythm, the
 * pitches moved by one interval): at least `need` of the three bars (3: all,
 * 2: the issue's "restatement", an answering phrase whose third bar turns away).
 */
function restates(bars: Note[][], need: number): boolean {
  if (bars.length < 7 || bars.slice(0, 3).every((b) => b.length === 0)) return false;
  const shifts = [0, 1, 2].map((b) => barShift(bars[b]!, bars[b + 4]!)).filter((x) => x !== null);
  return [...new Set(shifts)].some((shift) => shifts.filter((x) => x === shift).length >= need);
}

interface SetFigures {
  pieces: number;
  endsOnTonic: number;
  repeatsTwoBars: number;
  restatesExactly: number;
  restatesExactlyOrTransposed: number;
  restatesTwoOfThree: number;
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
    restatesExactlyOrTransposed: share(scores.map((s) => restates(fullBars(s), 3))),
    restatesTwoOfThree: share(scores.map((s) => restates(fullBars(s), 2))),
    notesPerBarFirstFour: mean(bars.flatMap((b) => b.slice(0, 4).map((n) => n.length))),
    notesPerBarLastFour: mean(bars.flatMap((b) => b.slice(-4).map((n) => n.length))),
  };
}

/** How a set is sampled: musegen's defaults, or with some of its decoding turned off. */
interface Decoding {
  label: string;
  restatement?: number;
  cadence?: boolean;
  keyTries?: number;
}

/** The sets measured: `sample`'s defaults (hold, cadence, key check), without the restatement hold, and the model alone. */
const DECODINGS: Decoding[] = [
  { label: 'sampled', ...(restate !== undefined ? { restatement: restate } : {}) },
  { label: 'no hold', restatement: 1 },
  { label: 'model alone', restatement: 1, cadence: false, keyTries: 1 },
];

/** The sampling options of a decoding. */
function optionsOf(d: Decoding): Omit<Decoding, 'label'> {
  const { label: _label, ...options } = d;
  return options;
}

function sampleSet(generator: Generator, shapes: readonly { key: Key; meter: Meter }[], d: Decoding): Score[] {
  return shapes.map((shape, i) => samplePieces(generator, { bars: BARS, temperature, key: shape.key, meter: shape.meter, seed: seed + i, ...optionsOf(d) })[0]!.score);
}

/** The first 16 full bars of a tune (and its pickup): as long as a sample. */
function opening(score: Score): Score {
  const bars = barStarts(score).length;
  return sliceBars(score, 0, Math.min(bars, BARS + (score.pickup > 0 ? 1 : 0)));
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

async function main(): Promise<void> {
  const t0 = performance.now();
  await initBackend({ backend: 'wasm' });
  const corpus = await loadCorpus([corpusDir]);
  const working = workingSplit(corpus.pieces);
  const unseen = corpus.pieces.filter((p) => p.split === 'valid' || p.split === 'test').map((p) => p.score);
  const openings = unseen.map(opening);
  const shapes = Array.from({ length: count }, (_, i) => {
    const real = unseen[i % unseen.length]!;
    const ts = real.timeSignatures[0]!;
    const key = real.keySignatures[0];
    return { key: key ? { fifths: key.fifths, mode: key.mode } : { fifths: 0, mode: 'major' as const }, meter: { numerator: ts.numerator, denominator: ts.denominator } };
  });
  const { generator } = await loadGenerator(folderSource(modelDir));
  try {
    const sets = DECODINGS.map((d) => ({ decoding: d, scores: sampleSet(generator, shapes, d) }));
    const columns = [...sets.map((x) => ({ label: x.decoding.label, figures: figures(x.scores) })), { label: 'real', figures: figures(unseen) }, { label: 'real, 16 bars', figures: figures(openings) }];
    const sampled = sets[0]!.scores;
    const realFeatures = unseen.map(pieceFeatures);
    const openingFeatures = openings.map(pieceFeatures);
    const mgeval = sets.map((x) => {
      const features = x.scores.map(pieceFeatures);
      return { label: x.decoding.label, tunes: compareSets(features, realFeatures), openings: compareSets(features, openingFeatures) };
    });
    const copies = new CopyIndex(working.train.map((p) => p.score));
    const checks = sampled.map((s) => copies.check(s));
    const eMinor = parseKey('E minor');
    const agree = (d: Decoding): number => share(Array.from({ length: keyCount }, (_, i) => {
      const score = samplePieces(generator, { bars: BARS, temperature, key: eMinor, seed: seed + 10_000 + i, ...optionsOf(d) })[0]!.score;
      const k = estimateKey(weightedPitches(score));
      return k.fifths === eMinor.fifths && k.mode === 'minor';
    }));
    const keyAgreement = DECODINGS.map((d) => ({ label: d.label, share: agree(d) }));
    const nll = evaluateLikelihood(generator.leftToRight!, generator.encoder, working.valid.map((p) => p.score));
    const result = {
      model: modelDir, corpus: corpusDir, realTunes: unseen.length, samples: count, bars: BARS, temperature, seed,
      restatement: restate ?? SAMPLE_DEFAULTS.restatement,
      columns,
      mgeval: mgeval.map((m) => ({
        label: m.label,
        tunes: m.tunes.map((c) => ({ feature: c.feature, overlap: c.overlap, kl: c.kl, pitch: PITCH_FEATURES.includes(c.feature) })),
        openings: m.openings.map((c) => ({ feature: c.feature, overlap: c.overlap, kl: c.kl, pitch: PITCH_FEATURES.includes(c.feature) })),
      })),
      copies: {
        trainingTunes: working.train.length,
        atLeastTwoBars: share(checks.map((c) => c.longestBars >= 2)),
        atLeastFourBars: share(checks.map((c) => c.longestBars >= 4)),
        longestBars: Math.max(...checks.map((c) => c.longestBars)),
      },
      validNll: { pieces: nll.pieces, tokens: nll.positions, perToken: nll.nll, perNote: nll.nllPerNote },
      keyAgreement: { asked: 'E minor', samples: keyCount, sets: keyAgreement },
      seconds: (performance.now() - t0) / 1000,
    };
    const row = (label: string, get: (f: SetFigures) => number, fmt: (x: number) => string = pct): void =>
      console.log(`  ${label.padEnd(46)} ${columns.map((c) => fmt(get(c.figures)).padStart(14)).join('')}`);
    console.log(`form: ${modelDir}, ${count} samples of ${BARS} bars at --temp ${temperature} (seeds ${seed}…; restatement hold ${result.restatement}), keys and meters of the ${unseen.length} valid + test tunes of ${corpusDir}`);
    console.log(`  ${''.padEnd(46)} ${columns.map((c) => c.label.padStart(14)).join('')}`);
    row('ends on the tonic (≥ 70 %)', (f) => f.endsOnTonic);
    row('an aligned 2-bar unit comes back (≥ 50 %)', (f) => f.repeatsTwoBars);
    row('bars 5–7 restate 1–3 exactly', (f) => f.restatesExactly);
    row('… exactly or transposed', (f) => f.restatesExactlyOrTransposed);
    row('… 2 of the 3 bars, exactly or transp. (≥ 25 %)', (f) => f.restatesTwoOfThree);
    row('notes per bar, bars 1–4 (within 10 %)', (f) => f.notesPerBarFirstFour, (x) => x.toFixed(2));
    row('notes per bar, last 4 bars (within 10 %)', (f) => f.notesPerBarLastFour, (x) => x.toFixed(2));
    for (const m of mgeval) {
      for (const [against, list] of [['the real tunes', m.tunes], ['their first 16 bars', m.openings]] as const) {
        console.log(`  MGEval OA, ${m.label} against ${against} (pitch* ≥ 0.9): ${list.map((c) => `${c.feature}${PITCH_FEATURES.includes(c.feature) ? '*' : ''} ${c.overlap.toFixed(3)}`).join(', ')}`);
      }
    }
    console.log(`  copies against the ${working.train.length} training tunes: ${pct(result.copies.atLeastTwoBars)} with a run of ≥ 2 bars (≤ 10 %), ${pct(result.copies.atLeastFourBars)} of ≥ 4 (none), longest ${result.copies.longestBars.toFixed(2)} bars`);
    console.log(`  validation NLL (${nll.pieces} whole tunes, ${nll.positions} tokens): ${nll.nll.toFixed(4)} nats per token, ${nll.nllPerNote?.toFixed(3)} per note`);
    console.log(`  --key "E minor", ${keyCount} samples, estimated E minor (≥ 75 %): ${keyAgreement.map((k) => `${k.label} ${pct(k.share)}`).join(', ')}`);
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
