/**
 * Training and generation in-process, on the folk-demo corpus shipped in the
 * repository (corpora/folk-demo, 24 tunes) with tiny models:
 * - the sequence layout (interleaved streams, START, features of the step
 *   predicted, spelling from the step before, padding) on a hand-made piece;
 * - a generation session feeds the model exactly what training fed it (its
 *   logits equal the batch forward pass), for tokens and for piano rolls;
 * - the tensor count stays flat across training steps;
 * - a run aborted mid-epoch and resumed ends with the same weights, bit for
 *   bit, as the run left alone; the folder holds the model, loss.svg and the
 *   checkpoint, and musegen.json the metrics;
 * - too little music, and an existing model, are refused with one clear error.
 */
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EventLayout, LstmGenerator, corpusStats, MelodyEncoder, PianoRollEncoder, TICKS_PER_QUARTER as Q, VoiceStreamEncoder, createPart, createScore,
  folderSource, initBackend, loadCorpus, parsePitch, readModelFolder, savedCorpusPaths, standardEvaluation, spellMidi, train, type Corpus, type RollLayout, type TrainEvent,
  type TrainOptionsInput,
} from '../src/index.js';
import { FOLK_DEMO as folkDemo } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('training');
let corpus: Corpus;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  corpus = await loadCorpus([folkDemo], { cacheDir: tmp.join('cache') });
});

const note = (name: string, beat: number, beats = 1) => ({ pitch: parsePitch(name), onset: beat * Q, duration: beats * Q, velocity: 80, fermata: false });

describe('sequence layout', () => {
  it('interleaves streams after START, with the features of the step predicted and spelling from the step before', () => {
    const enc = new VoiceStreamEncoder({ parts: [0, 1], stepsPerQuarter: 1, features: ['beat', 'spelling'] });
    const score = createScore({
      end: 3 * Q,
      parts: [createPart({ notes: [note('C#5', 0), note('D5', 1, 2)] }), createPart({ notes: [note('A3', 0, 2), note('Bb3', 2)] })],
    });
    const encoded = enc.encode(score);
    const layout = new EventLayout(enc);
    const piece = layout.prepare(encoded);
    const tok = (n: string) => enc.vocabulary.tokenOf(parsePitch(n))!;
    expect(Array.from(piece.tokens!)).toEqual([tok('C#5'), tok('A3'), tok('D5'), 1, 1, tok('Bb3')]);
    const fw = encoded.featureWidth;
    const spelling = enc.featureLayout.columns.find((c) => c.name === 'spelling')!;
    const row = (a: Float32Array, s: number) => Array.from(a.subarray(s * fw, (s + 1) * fw));
    // beat columns as encoded; spelling columns one step later
    expect(row(piece.cond, 1).slice(0, spelling.offset)).toEqual(row(encoded.features, 1).slice(0, spelling.offset));
    expect(row(piece.cond, 1).slice(spelling.offset)).toEqual(row(encoded.features, 0).slice(spelling.offset));
    expect(row(piece.cond, 0).slice(spelling.offset).every((v) => v === 0)).toBe(true);

    const batch = layout.batch([{ piece, start: 0 }, { piece, start: 4 }], 4);
    expect(Array.from(batch.indices!)).toEqual([layout.start, tok('C#5'), tok('A3'), tok('D5'), 1, 1, layout.start, layout.start]);
    expect(Array.from(batch.classes!.subarray(0, 6))).toEqual([tok('C#5'), tok('A3'), tok('D5'), 1, 1, tok('Bb3')]);
    expect(Array.from(batch.weights)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(batch.targets).toBe(6);
    const cols = batch.featureColumns;
    expect(cols).toBe(fw + 2);
    // position 3 (step 1, voice 1): the feature row of step 1, then the voice one-hot
    const p3 = Array.from(batch.features.subarray(3 * cols, 4 * cols));
    expect(p3.slice(0, fw)).toEqual(row(piece.cond, 1));
    expect(p3.slice(fw)).toEqual([0, 1]);
  });

  it('generates with the very inputs training used: session logits = batch logits (tokens with features, rolls)', () => {
    const score = corpus.pieces[0]!.score;
    for (const enc of [new MelodyEncoder({ spelled: true, features: ['beat', 'key', 'spelling'] }), new PianoRollEncoder({ lowest: 48, highest: 84, features: ['beat'] })]) {
      const gen = LstmGenerator.create(enc, { units: 12, layers: 2 }, { seed: 3 });
      const encoded = enc.encode(score);
      const piece = gen.layout.prepare(encoded);
      const L = Math.min(40, piece.length);
      const batch = gen.layout.batch([{ piece, start: 0 }], L);
      const model = gen.model!;
      const logits = tf.tidy(() => model.logits({
        batch: 1, steps: L, ...(batch.indices ? { indices: batch.indices } : {}),
        ...(batch.featureColumns > 0 ? { features: tf.tensor3d(batch.features, [1, L, batch.featureColumns]) } : {}),
      }));
      const full = logits.dataSync();
      const C = model.config.outputSize;
      const session = gen.leftToRight.session(encoded.context);
      for (let p = 0; p < L; p++) {
        const got = session.logits();
        for (let c = 0; c < C; c++) expect(got[c]).toBeCloseTo(full[p * C + c]!, 4);
        if (session.output === 'events') session.push(piece.tokens![p]!);
        else session.push(piece.roll!.slice(p * (gen.layout as RollLayout).width, (p + 1) * (gen.layout as RollLayout).width));
      }
      logits.dispose();
      gen.dispose();
    }
  });
});

const tiny: TrainOptionsInput = {
  encoder: { encoding: 'melody', features: ['beat'] }, model: { units: 24, layers: 1, dropout: 0.1 }, seqLen: 32, batch: 16,
  learningRate: 0.01, epochs: 3, seed: 7,
};

describe('training', () => {
  /** One whole tiny run: the resumed run must end on its weights, and a second run must find it in place. */
  let whole: Awaited<ReturnType<typeof train>>;
  beforeAll(async () => {
    whole = await train(corpus, { evaluation: standardEvaluation, output: tmp.join('whole'), options: tiny });
  });

  it('trains and validates on the pieces corpus info reports (one split everywhere)', () => {
    const stats = corpusStats(corpus);
    expect(stats.training).toEqual({ train: whole.data.pieces.train, valid: whole.data.pieces.valid, unused: whole.data.pieces.unused, validSource: whole.data.validSource });
    expect(stats.training.validSource).toBe('held-out'); // the demo file marks no valid piece: train holds some out, and says so
  });

  it('keeps the tensor count flat across steps', async () => {
    const counts: number[] = [];
    await train(corpus, {
      evaluation: standardEvaluation, output: tmp.join('flat'), options: { ...tiny, epochs: 1 },
      onEvent: (e) => {
        if (e.type === 'step') counts.push(tf.memory().numTensors);
      },
    });
    expect(counts.length).toBeGreaterThan(10);
    expect(new Set(counts.slice(2)).size).toBe(1);
  });

  it('resumes a run stopped mid-epoch to the same weights as the run left alone', async () => {
    expect(whole).toMatchObject({ interrupted: false, finished: 'epochs', epochs: 3 });
    expect(whole.validNll).toBeGreaterThan(0);
    expect((await readdir(tmp.join('whole'))).sort()).toEqual(['checkpoint', 'loss.svg', 'model.json', 'musegen.json', 'weights.bin']);
    const { meta } = await readModelFolder(folderSource(tmp.join('whole')));
    expect(meta.kind).toBe('lstm');
    expect(meta.corpus?.digest).toBe(whole.digest);
    expect(meta.metrics).toMatchObject({ epochs: 3, nllUnit: 'nats per token' });
    expect(meta.metrics.markov3ValidNll).toBeGreaterThan(0);
    const history = meta.metrics.history as { trainLoss: number; validLoss: number }[];
    expect(history).toHaveLength(3);
    expect(history[2]!.trainLoss).toBeLessThan(history[0]!.trainLoss);
    const svg = await readFile(tmp.join('whole', 'loss.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml[^]*<svg [^]*<polyline[^]*training[^]*validation[^]*3-gram Markov[^]*<\/svg>\n$/);

    const abort = new AbortController();
    const stopAt = (e: TrainEvent) => {
      if (e.type === 'step' && e.epoch === 2 && e.batch === 3) abort.abort();
    };
    const cut = await train(corpus, { evaluation: standardEvaluation, output: tmp.join('cut'), options: tiny, onEvent: stopAt, signal: abort.signal });
    expect(cut).toMatchObject({ interrupted: true, epochs: 1 });
    const state = (await readModelFolder(folderSource(tmp.join('cut', 'checkpoint')))).meta.metrics.checkpoint as { epoch: number; batch: number };
    expect(state).toMatchObject({ epoch: 1, batch: 3 });
    const resumed = await train(corpus, { evaluation: standardEvaluation, output: tmp.join('cut'), resume: true });
    expect(resumed).toMatchObject({ interrupted: false, epochs: 3, steps: whole.steps, validNll: whole.validNll });
    for (const file of ['weights.bin', 'checkpoint/weights.bin']) {
      expect(Buffer.compare(await readFile(tmp.join('cut', file)), await readFile(tmp.join('whole', file))), file).toBe(0);
    }
  });

  it('resumes at a learning rate given, where a finished run is taken up with more epochs', async () => {
    const dir = tmp.join('slower');
    await cp(tmp.join('whole'), dir, { recursive: true });
    const rates: number[] = [];
    const onEvent = (e: TrainEvent): void => {
      if (e.type === 'epoch-end') rates.push(e.learningRate);
    };
    await expect(train(corpus, { evaluation: standardEvaluation, output: dir, resume: true, epochs: 4, learningRate: 0 })).rejects.toThrow(/learning rate must be above 0 and at most 1, not 0/);
    const slower = await train(corpus, { evaluation: standardEvaluation, output: dir, resume: true, epochs: 4, learningRate: 1e-4, onEvent });
    expect(slower).toMatchObject({ interrupted: false, epochs: 4 });
    expect(rates).toHaveLength(1);
    expect([1e-4, 0.5e-4]).toContain(rates[0]); // the given rate, halved when that epoch did not improve
    const { meta } = await readModelFolder(folderSource(dir));
    expect((meta.metrics.history as { learningRate: number }[]).map((h) => h.learningRate).at(-1)).toBe(1e-4); // the rate the epoch ran at
  });

  it('refuses too little music, and a folder that already holds a model', async () => {
    const short = createScore({ end: 4 * Q, parts: [createPart({ notes: [0, 1, 2, 3].map((i) => note(spellMidi(60 + i).step + '4', i)) })] });
    const small: Corpus = { ...corpus, pieces: [{ ...corpus.pieces[0]!, split: 'train', score: short }] };
    await expect(train(small, { evaluation: standardEvaluation, output: tmp.join('short'), options: tiny })).rejects.toThrow(/16 steps in all, fewer than one sequence of 32/);
    await expect(train({ ...corpus, pieces: [] }, { evaluation: standardEvaluation, output: tmp.join('none'), options: tiny })).rejects.toThrow(/no piece to train on/);
    await expect(train(corpus, { evaluation: standardEvaluation, output: tmp.join('whole'), options: tiny })).rejects.toThrow(/already holds a model; resume its training with --resume/);
    await expect(train(corpus, { evaluation: standardEvaluation, output: tmp.join('whole'), resume: true })).rejects.toThrow(/nothing to resume: the run ran all its epochs: give a larger --epochs/);
    const damaged = tmp.join('damaged');
    await cp(tmp.join('whole'), damaged, { recursive: true });
    await writeFile(join(damaged, 'checkpoint', 'musegen.json'), '{"format": 1, "ki');
    await expect(savedCorpusPaths(damaged)).rejects.toThrow(/checkpoint: musegen\.json is corrupt/);
    const other: Corpus = { ...corpus, pieces: corpus.pieces.slice(1) };
    await expect(train(other, { evaluation: standardEvaluation, output: tmp.join('whole'), resume: true, epochs: 4 })).rejects.toThrow(/differs from the one this run started on/);
  });
});
