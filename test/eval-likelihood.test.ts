/**
 * Likelihood evaluation (src/eval/likelihood.ts):
 * - the per-position measures against figures worked out by hand;
 * - a whole evaluation of a real LSTM whose output layer is set by hand
 *   (zero kernel, so every frame's probabilities are sigmoid(bias)) on a
 *   three-frame roll: the Bai et al. per-frame NLL over frames 2..T and the
 *   frame accuracy, worked out by hand;
 * - for event models, the session-driven evaluation equals the training
 *   loop's batched validation NLL on the same pieces.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EventLayout, PianoRollEncoder, TICKS_PER_QUARTER as Q, createPart, createScore, encodeModelFolder, evaluateLikelihood, folderSource,
  frameCounts, frameNll, initBackend, loadCorpus, loadGenerator, parsePitch, readModelFolder, standardEvaluation, tokenNll, train, windowOrigins,
  LstmGenerator, windowsLoss, type ModelSource,
} from '../src/index.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('eval');
const ln = Math.log;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('per-position measures', () => {
  it('match figures worked out by hand', () => {
    expect(tokenNll([0, ln(3)], 1)).toBeCloseTo(-ln(3 / 4), 12);
    expect(tokenNll([1, 1, 1], 0)).toBeCloseTo(ln(3), 12);
    expect(tokenNll([1000, 0], 0)).toBeCloseTo(0, 12); // stable for large logits
    // p = ½ for value 0 (truth 0), ¾ for value 1 (truth 1)
    expect(frameNll([0, ln(3)], [0, 1])).toBeCloseTo(ln(2) + ln(4 / 3), 12);
    expect(frameNll([-800, 800], [0, 1])).toBeCloseTo(0, 12);
    expect(frameCounts([0, ln(3), -1, 2], [0, 1, 1, 0])).toEqual({ tp: 1, fp: 2, fn: 1 });
  });
});

describe('a whole evaluation', () => {
  it('of a piano-roll model with known probabilities: NLL per frame over frames 2..T, and frame accuracy', async () => {
    const encoder = new PianoRollEncoder({ stepsPerQuarter: 1, lowest: 60, highest: 61, onsets: false, features: [] });
    expect(encoder.width).toBe(2);
    const made = LstmGenerator.create(encoder, { units: 4, layers: 1 }, { seed: 1 });
    const contents = made.trainable.contents();
    contents.weights.set('output/kernel', { shape: [4, 2], values: new Float32Array(8) });
    contents.weights.set('output/bias', { shape: [2], values: Float32Array.of(0, ln(3)) });
    const files = encodeModelFolder({ meta: { kind: 'lstm', encoder: encoder.spec, hyper: contents.hyper }, ...contents });
    const memory: ModelSource = { location: 'memory', read: async (f) => files.get(f) ?? null };
    const { generator } = await loadGenerator(memory);
    // frames: C4, C4 (held), C#4
    const note = (name: string, at: number, beats: number) => ({ pitch: parsePitch(name), onset: at * Q, duration: beats * Q, velocity: 80 });
    const score = createScore({ end: 3 * Q, parts: [createPart({ notes: [note('C4', 0, 2), note('C#4', 2, 1)] })] });
    const report = evaluateLikelihood(generator.leftToRight!, generator.encoder, [score]);
    // frame 2 = [1, 0]: −ln ½ − ln ¼; frame 3 = [0, 1]: −ln ½ − ln ¾ (frame 1 is not predicted)
    expect(report).toMatchObject({ output: 'roll', pieces: 1, positions: 2, frameWidth: 2, notes: null, nllPerNote: null });
    expect(report.nll).toBeCloseTo((ln(2) + ln(4) + ln(2) + ln(4 / 3)) / 2, 5);
    // both values predicted on in every frame: TP 2, FP 2, FN 0
    expect(report.frameAccuracy).toBeCloseTo(0.5, 12);
    made.dispose();
  });

  it('of an event model: the same NLL as the training loop\'s batched validation on the same pieces', async () => {
    const corpus = await loadCorpus([FOLK_DEMO], { cacheDir: tmp.join('cache') });
    const output = tmp.join('model');
    await train(corpus, {
      output, evaluation: standardEvaluation,
      options: { encoder: { encoding: 'melody', features: ['beat', 'key'] }, model: { units: 16, layers: 1 }, seqLen: 64, batch: 8, epochs: 1, seed: 2 },
    });
    const { generator } = await loadGenerator(folderSource(output), { train: true, seed: 1 });
    const scores = corpus.pieces.slice(0, 5).map((p) => p.score);
    const report = evaluateLikelihood(generator.leftToRight!, generator.encoder, scores);
    const layout = new EventLayout(generator.encoder);
    const pieces = scores.map((s) => layout.prepare(generator.encoder.encode(s)));
    const longest = Math.max(...pieces.map((p) => p.length));
    const windows = windowOrigins(pieces.map((p) => ({ steps: p.length })), { length: longest, pad: true }).map((o) => ({ piece: o.piece, start: o.step }));
    expect(windows).toHaveLength(5); // one window per piece, each from its start: the session's view
    const batched = windowsLoss(generator.trainable!, layout, pieces, windows, { batch: 5, length: longest })!;
    expect(report.positions).toBe(pieces.reduce((n, p) => n + p.length, 0));
    expect(report.nll).toBeCloseTo(batched, 4);
    expect(report.nllPerNote).toBeGreaterThan(report.nll); // fewer notes than tokens
    expect((await readModelFolder(folderSource(output))).meta.kind).toBe('lstm');
    generator.dispose();
  });
});
