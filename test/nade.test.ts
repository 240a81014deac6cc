/**
 * The LSTM-NADE (kind 'nade', src/generators/nade*.ts):
 * - a 3-key NADE with weights set by hand: the probabilities of all 8 rows
 *   sum to 1 and each matches the product of conditionals worked out by hand,
 *   in the key-by-key chain (sampling, evaluation) and in the batched path
 *   (training) alike;
 * - the fused op training runs gives the logits and gradients of the same
 *   maths written as TensorFlow.js ops (autodiff);
 * - `musegen eval`'s likelihood of a piece (a loaded model's chains) is the
 *   exact joint −ln p of its frames 2..T as the training path computes it;
 * - training steps lower the loss; sampling gives rows of 0s and 1s, drawn
 *   key after key (a key's logit depends on the keys drawn before it);
 * - bad input (an event encoder, a row of the wrong width) is refused in one line;
 * - through the CLI: `musegen train --kind nade` on the JSB benchmark, then
 *   `musegen eval --data jsb` reports the library's exact joint figure.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { musegen } from './helpers/cli.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { useTempDir } from './helpers/temp.js';
import {
  MelodyEncoder, MusegenError, NadeGenerator, NadeModel, NadeRows, PianoRollEncoder, TICKS_PER_QUARTER as Q, createPart, createRng, createScore,
  createStepContext, drawRow, encodeModelFolder, evaluateLikelihood, folderSource, initBackend, loadCorpus, loadGenerator, modelKind, nadeConditionals, parsePitch, rowNll, samplePieces,
  type ModelSource, type NadeModelConfig, type RowChain,
} from '../src/index.js';

const tmp = useTempDir('nade');
const σ = (x: number): number => 1 / (1 + Math.exp(-x));
const ln = Math.log;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/**
 * Three keys, one hidden unit: b_h = 0, W = [ln 3, −ln 3, 0], V = [2, 4, −4], b_v = [−1, 0, 0].
 * Hidden activation before key i: σ(Σ_{k<i} W_k v_k) → ½ (nothing on), ¾ (key 0 on), ¼ (key 1 on), ½ (both).
 */
const HAND = { W: Float32Array.of(ln(3), -ln(3), 0), V: Float32Array.of(2, 4, -4), biases: Float32Array.of(-1, 0, 0, 0) };

/** p(row) worked out by hand from the weights above, the conditionals written out. */
function handProbability([v0, v1, v2]: number[]): number {
  const bern = (p: number, v: number) => (v === 1 ? p : 1 - p);
  const p0 = σ(-1 + 2 * 0.5); // = ½
  const p1 = σ(4 * (v0 === 1 ? 0.75 : 0.5)); // σ(3) or σ(2)
  const h2 = v0 === 1 ? (v1 === 1 ? 0.5 : 0.75) : v1 === 1 ? 0.25 : 0.5;
  const p2 = σ(-4 * h2);
  return bern(p0, v0!) * bern(p1, v1!) * bern(p2, v2!);
}

const ALL_ROWS = Array.from({ length: 8 }, (_, n) => [n & 1, (n >> 1) & 1, (n >> 2) & 1]);

describe('a 3-key NADE with weights set by hand', () => {
  it('gives each of the 8 rows the probability worked out by hand, and they sum to 1 (the key-by-key chain)', () => {
    const rows = new NadeRows(3, 1, HAND.W, HAND.V);
    let total = 0;
    for (const row of ALL_ROWS) {
      const p = Math.exp(-rowNll(rows.chain(HAND.biases), row));
      expect(p).toBeCloseTo(handProbability(row), 6);
      total += p;
    }
    expect(total).toBeCloseTo(1, 6);
    expect(handProbability([1, 1, 0])).toBeCloseTo(0.5 * σ(3) * (1 - σ(-2)), 12); // the hand formula itself, one case spelled out
  });

  it('gives the same probabilities through the batched tensor path training uses (exclusive cumulative sum over keys)', () => {
    // an LSTM whose output layer has a zero kernel: the biases of every row are output/bias = [b_v | b_h]
    const made = NadeModel.create({ keys: 3, hidden: 1, lstm: { inputSize: 2, units: 2, layers: 1, dropout: 0 } }, { seed: 1 });
    const weights = new Map(made.namedWeights().map(({ name, tensor }) => [name, Float32Array.from(tensor.dataSync() as Float32Array)]));
    made.dispose();
    weights.set('output/kernel', new Float32Array(2 * 4));
    weights.set('output/bias', HAND.biases);
    weights.set('nade/W', HAND.W);
    weights.set('nade/V', HAND.V);
    const model = NadeModel.fromWeights(made.config, weights);
    const before = tf.memory().numTensors;
    const batch = { batch: 8, steps: 1, inputs: new Float32Array(8 * 2), rows: Float32Array.from(ALL_ROWS.flat()), weights: new Float32Array(8).fill(1) };
    const tensor = model.conditionalLogits(batch);
    const logits = tensor.arraySync();
    tensor.dispose();
    logits.forEach((row, n) => {
      const truth = ALL_ROWS[n]!;
      const logP = row.reduce((s, x, i) => s + ln(truth[i] === 1 ? σ(x) : 1 - σ(x)), 0);
      expect(Math.exp(logP)).toBeCloseTo(handProbability(truth), 5);
    });
    // the loss is the mean −ln p(row) over the rows ÷ 3 keys
    const expected = ALL_ROWS.reduce((s, row) => s - ln(handProbability(row)), 0) / 8 / 3;
    const loss = model.loss(batch);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before); // nothing kept by the forward pass or the loss
    model.dispose();
  });
});

describe('the fused NADE op training runs', () => {
  it('gives the logits and gradients of the same maths written as TensorFlow.js ops (an exclusive cumulative sum over keys)', () => {
    const [N, K, Hn] = [5, 6, 4];
    const rng = createRng(11);
    const values = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * scale);
    const biases = tf.tensor2d(values(N * (K + Hn)), [N, K + Hn]);
    const W = tf.tensor2d(values(Hn * K, 2), [Hn, K]);
    const V = tf.tensor2d(values(Hn * K, 2), [Hn, K]);
    const rows = Float32Array.from({ length: N * K }, () => (rng.next() < 0.4 ? 1 : 0));
    const R = tf.tensor2d(values(N * K), [N, K]); // a random cotangent
    // the reference: a[n, :, i] = b_h + Σ_{k<i} W_:,k v_k; logit = b_v + Σ_j V_j,i σ(a_j,i)
    const reference = (b: tf.Tensor2D, w: tf.Tensor2D, v: tf.Tensor2D): tf.Tensor2D => {
      const bv = tf.slice(b, [0, 0], [N, K]);
      const bh = tf.slice(b, [0, K], [N, Hn]);
      const a = tf.add(tf.cumsum(tf.mul(tf.tensor3d(rows, [N, 1, K]), tf.reshape(w, [1, Hn, K])), 2, true), tf.reshape(bh, [N, Hn, 1]));
      return tf.add(tf.sum(tf.mul(tf.sigmoid(a), tf.reshape(v, [1, Hn, K])), 1), bv);
    };
    const fused = (b: tf.Tensor2D, w: tf.Tensor2D, v: tf.Tensor2D): tf.Tensor2D => nadeConditionals(b, w, v, rows, { keys: K, hidden: Hn });
    const close = (t: tf.Tensor) => [...t.dataSync()].map((x) => expect.closeTo(x, 5));
    const [got, want] = [fused(biases, W, V), reference(biases, W, V)];
    expect([...got.dataSync()]).toEqual(close(want));
    const grads = (f: typeof fused) => tf.grads((b: tf.Tensor, w: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(f(b as tf.Tensor2D, w as tf.Tensor2D, v as tf.Tensor2D), R)))([biases, W, V]);
    const [g, r] = [grads(fused), grads(reference)];
    for (let k = 0; k < 3; k++) expect([...g[k]!.dataSync()]).toEqual(close(r[k]!));
    expect(Math.max(...r.map((t) => tf.max(tf.abs(t)).dataSync()[0]!))).toBeGreaterThan(0.01); // gradients that say something
    tf.dispose([got, want, ...g, ...r, biases, W, V, R]);
  });
});

/** Four bars of a little chorale-like roll over MIDI 60–71: chords that move. */
function piece(): ReturnType<typeof createScore> {
  const chords = [['C4', 'E4', 'G4'], ['D4', 'F4', 'A4'], ['E4', 'G4', 'B4'], ['C4', 'F4', 'A4'], ['D4', 'G4', 'B4'], ['C4', 'E4', 'G4']];
  const notes = chords.flatMap((names, i) => names.map((n) => ({ pitch: parsePitch(n), onset: i * Q, duration: Q, velocity: 80 })));
  return createScore({ end: chords.length * Q, parts: [createPart({ notes })] });
}

const ROLL = { stepsPerQuarter: 1, lowest: 60, highest: 71, onsets: false, features: [] };

describe('the LSTM-NADE generator', () => {
  it('scores a piece in evaluation with the exact joint likelihood: the tensor path\'s conditionals over frames 2..T', async () => {
    const encoder = new PianoRollEncoder(ROLL);
    const gen = NadeGenerator.create(encoder, { units: 8, hidden: 5 }, { seed: 4 });
    // through a model folder, as `musegen eval -m` loads it (the chain in plain JavaScript)
    const contents = gen.trainable.contents();
    const files = encodeModelFolder({ meta: { kind: 'nade', encoder: encoder.spec, hyper: contents.hyper }, ...contents });
    const memory: ModelSource = { location: 'memory', read: async (f) => files.get(f) ?? null };
    const { generator: loaded } = await loadGenerator(memory);
    const score = piece();
    const report = evaluateLikelihood(loaded.leftToRight!, loaded.encoder, [score]);
    const encoded = encoder.encode(score);
    const prepared = gen.layout.prepare(encoded);
    const batch = gen.layout.batch([{ piece: prepared, start: 0 }], prepared.length);
    const model = (gen as unknown as { model: NadeModel }).model;
    const tensor = model.conditionalLogits({ batch: 1, steps: batch.steps, inputs: batch.features, rows: batch.multiHot!, weights: batch.weights });
    const logits = tensor.arraySync();
    tensor.dispose();
    const W = encoder.width;
    let nll = 0;
    for (let t = 1; t < prepared.length; t++) {
      for (let i = 0; i < W; i++) {
        const p = σ(logits[t]![i]!);
        nll -= ln(encoded.roll[t * W + i] === 1 ? p : 1 - p);
      }
    }
    expect(report).toMatchObject({ output: 'roll', pieces: 1, positions: prepared.length - 1, frameWidth: W });
    expect(report.nll).toBeCloseTo(nll / (prepared.length - 1), 4);
    expect(report.frameAccuracy).toBeGreaterThanOrEqual(0);
    loaded.dispose();
    gen.dispose();
  });

  it('learns: training steps lower the loss on a batch', () => {
    const encoder = new PianoRollEncoder(ROLL);
    const gen = NadeGenerator.create(encoder, { units: 16, hidden: 8, dropout: 0 }, { seed: 2 });
    const prepared = gen.layout.prepare(encoder.encode(piece()));
    const batch = gen.layout.batch([{ piece: prepared, start: 0 }], prepared.length);
    const first = gen.trainable.loss(batch);
    const learner = gen.trainable.learner({ learningRate: 0.01, clipNorm: 5 });
    for (let i = 0; i < 40; i++) learner.step(batch, { seed: i });
    const last = gen.trainable.loss(batch);
    expect(last).toBeLessThan(first * 0.5);
    learner.dispose();
    gen.dispose();
  });

  it('samples rows of 0s and 1s, key after key: a key\'s logit depends on the keys drawn before it', () => {
    const encoder = new PianoRollEncoder(ROLL);
    const gen = NadeGenerator.create(encoder, { units: 8, hidden: 6 }, { seed: 5 });
    const session = gen.leftToRight.session(createStepContext({ stepsPerQuarter: 1 }));
    if (session.output !== 'roll') throw new Error('a NADE session makes rolls');
    const rng = createRng(3);
    for (let t = 0; t < 6; t++) {
      const row = drawRow(session.row(), 1, rng);
      expect(row.length).toBe(12);
      expect([...row].every((v) => v === 0 || v === 1)).toBe(true);
      session.push(row);
    }
    // the conditionals of the last key given different earlier keys differ (a joint model)
    const lastLogit = (on: number): number => {
      const chain: RowChain = session.row();
      for (let i = 0; i < 11; i++) chain.set(on);
      return chain.logit();
    };
    expect(Math.abs(lastLogit(1) - lastLogit(0))).toBeGreaterThan(1e-3);
    // the session's logits are those of the likeliest row, key after key
    const logits = session.logits();
    const chain = session.row();
    for (let i = 0; i < 12; i++) {
      expect(chain.logit()).toBeCloseTo(logits[i]!, 5);
      chain.set(logits[i]! >= 0 ? 1 : 0);
    }
    const [sampled] = samplePieces(gen, { bars: 2, seed: 1, temperature: 1 });
    expect(sampled!.steps).toBe(8);
    gen.dispose();
  });

  it('refuses an event encoder and a row of the wrong width, in one line', () => {
    expect(modelKind('nade').unsupported(new MelodyEncoder())).toMatch(/^NADE models predict piano-roll rows, not melody tokens: choose --encoding pianoroll/);
    expect(modelKind('nade').unsupported(new PianoRollEncoder())).toBeNull();
    expect(() => NadeGenerator.create(new MelodyEncoder())).toThrow(MusegenError);
    const gen = NadeGenerator.create(new PianoRollEncoder(ROLL), { units: 4, hidden: 2 }, { seed: 1 });
    const session = gen.leftToRight.session(createStepContext({ stepsPerQuarter: 1 }));
    if (session.output !== 'roll') throw new Error('a NADE session makes rolls');
    expect(() => session.push(new Float32Array(13))).toThrow(/a roll row has 12 values, not 13/);
    const chain = session.row();
    expect(() => chain.set(0.5)).toThrow(/a roll value is 0 or 1/);
    gen.dispose();
  });

  it('records its architecture in the model folder and says what it is', () => {
    const gen = NadeGenerator.create(new PianoRollEncoder(ROLL), { units: 4, hidden: 3, layers: 2 }, { seed: 1 });
    const hyper = gen.trainable.contents().hyper;
    expect(hyper).toMatchObject({ sequence: 'roll/previous-row+next-features/1', units: 4, layers: 2, hidden: 3 });
    expect((hyper.nade as NadeModelConfig).lstm.outputSize).toBe(12 + 3);
    expect(modelKind('nade').describe(hyper)).toBe('LSTM-NADE 2×4, 3 hidden');
    gen.dispose();
  });
});

const JSB = corpusPath('jsb-chorales', 'jsb-chorales-quarter.json');

describe('through the CLI', () => {
  it.skipIf(!haveCorpus('the NADE on the JSB benchmark', JSB))('trains on JSB and `musegen eval` scores its test split with the exact joint likelihood', async () => {
    const t = musegen(['train', JSB, '--kind', 'nade', '--steps-per-quarter', '1', '--units', '16', '--hidden', '8', '--epochs', '1', '--seq-len', '32', '--batch', '16', '--seed', '1', '-o', 'jsb-nade', '-q'], { cwd: tmp.path });
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const r = musegen(['eval', '-m', 'jsb-nade', '--data', 'jsb', '--json', '-q'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.text);
    expect(out).toMatchObject({ kind: 'nade', output: 'roll', split: 'test', pieces: 77, positions: 4725 - 77, frameWidth: 88 });
    expect(out.comparable).toMatch(/Bai et al. 2018's convention .* RNN-NADE 5.56/);
    const corpus = await loadCorpus([JSB], { cacheDir: tmp.join('cache') });
    const { generator } = await loadGenerator(folderSource(tmp.join('jsb-nade')));
    const report = evaluateLikelihood(generator.leftToRight!, generator.encoder, corpus.pieces.filter((p) => p.split === 'test').map((p) => p.score));
    expect(out.nll).toBeCloseTo(report.nll, 6);
    expect(out.nll).toBeLessThan(88 * Math.LN2); // below a coin per key, after one epoch
  });
});
