/**
 * The latent melody model (kind 'vae'): windows of whole bars, the network
 * (KL, the batch-1 decoder against the batched one, gradients into z's
 * initial state), the generator (encode, decode, save and load with its
 * attribute vectors), the latent space (slerp, attribute vectors, pieces
 * strung from the prior), the measures of eval/vae.ts, melodies read for the
 * model (and refused), and `musegen interpolate` / `attributes` / `sample`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FIRST_PITCH_TOKEN, HOLD, LatentLayout, MelodyEncoder, MusegenError, REST, VaeDecoderStepper, VaeGenerator, VaeModel,
  betaAt, encodeModelFolder, evaluationWindows, fitAttributes, folderSource, initBackend, interpolateLatents, interpolationSmoothness, latentReconstruction,
  latentWindows, loadCorpus, loadGenerator, melodyWindowsFor, noteEditDistance, readAbc, samplePieces, samplingProbability, slerp,
  standardEvaluation, train, windowAttributes, withAttributes, workingSplit, writeModelFolder,
  type EncodedEvents, type Generator, type LatentBatch, type Score, type TrainEvent,
} from '../src/index.js';
import { musegen, expectOneLine } from './helpers/cli.js';
import { hasMidicsv, midicsvSummary } from './helpers/midicsv.js';
import { FOLK_DEMO, ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('vae');

/** A tune from ABC text. */
const abc = (text: string): Score => readAbc(text)[0]!.score;
const tune = (meter: string, body: string, key = 'G'): Score => abc(`X:1\nT:t\nM:${meter}\nL:1/8\nK:${key}\n${body}\n`);

const ENCODER = new MelodyEncoder({ features: [], lowest: 48, highest: 84 });
const SPEC = { bars: 2, meter: { numerator: 4, denominator: 4 }, stepsPerQuarter: 4 };

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('windows of whole bars', () => {
  it('start on barlines after a pickup, skip bars of another meter, and make a held-over note a note-on', () => {
    // pickup of one eighth; bar 2 ends on a D tied into bar 3; then a bar of 3/4, then 4/4 again
    const score = tune('4/4', 'D|GABc dedB|c2ec d4-|d2B2 G4|[M:3/4] G2A2B2|[M:4/4] A2B2 c2d2|e2d2 B4|]');
    const e = ENCODER.encode(score) as EncodedEvents;
    const { windows, otherMeters } = latentWindows(e, SPEC);
    expect(otherMeters).toEqual(['3/4']);
    // 4/4 bars: 1, 2, 3 (then 3/4), 5, 6 → windows at bars 1, 2 and 5 (bar indices count the pickup as bar 0)
    expect(windows.map((w) => w.bar)).toEqual([1, 2, 5]);
    expect(windows.map((w) => w.step)).toEqual([2, 18, 2 + 3 * 16 + 12]);
    for (const w of windows) expect(w.tokens.length).toBe(32);
    // the window at bar 3's first step would start in the held D: bar 2's window holds it whole, the one starting at bar 3 is not there,
    // but a window starting inside a held note gets the note-on: bar 2's window begins with c (a note-on), and its tokens are the piece's
    expect(windows[1]!.tokens[0]).toBeGreaterThanOrEqual(FIRST_PITCH_TOKEN);
    expect([...windows[1]!.tokens]).toEqual([...e.tokens.subarray(18, 50)]);
  });

  it('turn a note held over the window start into a note-on of its pitch, and a rest held over into rests', () => {
    const score = tune('2/4', 'G4-|G2A2|B4|z4|z2c2|d4|]');
    const e = ENCODER.encode(score) as EncodedEvents;
    const { windows } = latentWindows(e, { bars: 1, meter: { numerator: 2, denominator: 4 }, stepsPerQuarter: 4 });
    expect(windows).toHaveLength(6);
    const g = e.tokens[0]!;
    expect(e.tokens[8]).toBe(HOLD); // in the piece, bar 2 starts inside the tied G
    expect(windows[1]!.tokens[0]).toBe(g); // in its window, the G starts
    expect(windows[1]!.notes).toBe(2);
    expect([...windows[4]!.tokens.subarray(0, 4)]).toEqual([REST, REST, REST, REST]);
  });

  it('are what the layout trains on: windows with two notes or more, one after another, and batches of whole windows', () => {
    const score = tune('4/4', 'GABc dedB|c8|z8|A2B2 c2d2|]');
    const layout = new LatentLayout(ENCODER, SPEC);
    expect(layout.window).toEqual({ length: 32, hop: 32 });
    const piece = layout.prepare(ENCODER.encode(score));
    // windows at bars 1, 2, 3: bars 2–3 hold a single note (c8 then a rest) and are left out
    expect(piece.length).toBe(2 * 32);
    const batch: LatentBatch = layout.batch([{ piece, start: 32 }, { piece, start: 0 }], 32);
    expect(batch.targets).toBe(64);
    expect([...batch.tokens.subarray(0, 32)]).toEqual([...piece.tokens!.subarray(32, 64)]);
    expect([...batch.weights].every((w) => w === 1)).toBe(true);
  });

  it('are measured: notes per bar, range in semitones, and the share of notes that start off the beat and sound over it', () => {
    // bar 1: G A B c (quarters); bar 2: an eighth rest, then d held over beat 2, e, f#, rest
    const score = tune('4/4', 'G2A2B2c2|zd3e2^f2|]');
    const { windows } = latentWindows(ENCODER.encode(score) as EncodedEvents, SPEC);
    const a = windowAttributes(ENCODER, windows[0]!.tokens, SPEC);
    expect(a.density).toBe(7 / 2);
    expect(a.range).toBe(78 - 67); // G4 to F#5
    expect(a.syncopation).toBeCloseTo(1 / 7);
  });
});

describe('the network', () => {
  const config = { vocab: ENCODER.vocabulary.size, steps: 32, units: 8, latent: 4, beta: 0.2, betaRate: 0.9, freeBits: 0, sampling: 0 };

  it('computes the KL of a diagonal Gaussian against N(0, I) per window', () => {
    const mu = tf.tensor2d([[0, 0], [1, -2]]);
    const sigma = tf.tensor2d([[1, 1], [0.5, 2]]);
    const kl = VaeModel.kl(mu as tf.Tensor2D, sigma as tf.Tensor2D).arraySync() as number[];
    const by = (m: number, s: number) => 0.5 * (m * m + s * s - 1) - Math.log(s);
    expect(kl[0]).toBeCloseTo(0, 6);
    expect(kl[1]).toBeCloseTo(by(1, 0.5) + by(-2, 2), 5);
    tf.dispose([mu, sigma]);
  });

  it('anneals β from 0 towards its maximum, and schedules sampling from teacher forcing towards the model\'s own tokens', () => {
    expect(betaAt(config, 0)).toBe(0);
    expect(betaAt(config, 10)).toBeGreaterThan(betaAt(config, 1));
    expect(betaAt(config, 1e6)).toBeCloseTo(0.2, 10);
    expect(samplingProbability(0, 1e6)).toBe(0);
    expect(samplingProbability(100, 0)).toBeCloseTo(1 - 100 / 101, 10);
    expect(samplingProbability(100, 2000)).toBeGreaterThan(samplingProbability(100, 500));
  });

  it('holds no tensor once disposed, and computing a loss leaves none behind', () => {
    const before = tf.memory().numTensors;
    const model = VaeModel.create(config, { seed: 5 });
    const tokens = new Int32Array(2 * 32).fill(HOLD);
    tokens[0] = FIRST_PITCH_TOKEN;
    tokens[32] = FIRST_PITCH_TOKEN + 3;
    const during = tf.memory().numTensors;
    tf.tidy(() => {
      model.loss(tokens, new Float32Array(64).fill(1), 2, { step: 3, sample: true });
    });
    expect(tf.memory().numTensors).toBe(during);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('decodes step by step at batch 1 exactly as the batched decoder does under teacher forcing', () => {
    const model = VaeModel.create(config, { seed: 4 });
    const window = Int32Array.from({ length: 32 }, (_, t) => (t % 4 === 0 ? FIRST_PITCH_TOKEN + ((t * 5) % 30) : HOLD));
    const z = Float32Array.from([0.3, -1.2, 0.8, 0.05]);
    const batched = tf.tidy(() => model.decoderLogits(tf.tensor2d(z, [1, 4]), window, 1));
    const rows = batched.dataSync() as Float32Array;
    const stepper = new VaeDecoderStepper(model.config, model.weights(), z);
    const V = config.vocab;
    for (let t = 0; t < 32; t++) {
      const logits = stepper.step(t === 0 ? V : window[t - 1]!);
      for (let k = 0; k < V; k++) expect(logits[k]).toBeCloseTo(rows[t * V + k]!, 4);
    }
    tf.dispose(batched);
    model.dispose();
  });

  it('learns: steps lower the loss of a batch, and the gradient reaches the encoder and the decoder\'s z-made initial state', () => {
    const gen = VaeGenerator.create(ENCODER, { units: 16, latent: 4, anneal: 0.5 }, { seed: 2 });
    const layout = gen.layout;
    const piece = layout.prepare(ENCODER.encode(tune('4/4', 'GABc dedB|c2ec B2dB|A2FA dAFA|G2B2 G4|]', 'G')));
    const batch = layout.batch([0, 32, 64].map((start) => ({ piece, start })), 32);
    const before = gen.trainable.weights();
    const learner = gen.trainable.learner({ learningRate: 0.01, clipNorm: 5 });
    const first = gen.trainable.loss(batch);
    learner.step(batch, { seed: 1 });
    const after = gen.trainable.weights();
    const moved = (name: string) => before.get(name)!.values.some((v, i) => v !== after.get(name)!.values[i]);
    for (const name of ['initial_state/kernel', 'encoder_forward/kernel', 'encoder_backward/recurrent_kernel', 'mu/kernel', 'sigma/kernel', 'decoder/kernel']) expect(moved(name)).toBe(true);
    for (let i = 0; i < 60; i++) learner.step(batch, { seed: i + 2 });
    expect(gen.trainable.loss(batch)).toBeLessThan(first * 0.6);
    learner.dispose();
    gen.dispose();
  });
});

describe('a trained VAE', () => {
  let generator: Generator;
  let windows: Int32Array[];
  const dir = () => tmp.join('model');

  beforeAll(async () => {
    const corpus = await loadCorpus([FOLK_DEMO], { cacheDir: tmp.join('cache') });
    await train(corpus, {
      output: dir(), evaluation: standardEvaluation,
      options: { kind: 'vae', model: { units: 24, latent: 6, beats: 2 }, encoder: { encoding: 'melody', features: [] }, batch: 16, epochs: 3, seed: 5, learningRate: 0.005 },
    });
    generator = (await loadGenerator(folderSource(dir()))).generator;
    windows = evaluationWindows(generator, workingSplit(corpus.pieces).train.map((p) => p.score));
  }, 120_000);

  it('is a latent kind: windows of 2 bars of 2/4 encode to q(z) and decode back to tokens of its vocabulary', () => {
    expect(generator.kind).toBe('vae');
    expect(generator.leftToRight).toBeUndefined();
    const latent = generator.latent!;
    expect(latent.window).toMatchObject({ bars: 2, steps: 16, meter: { numerator: 2, denominator: 4 } });
    const [code] = latent.encode([windows[0]!]);
    expect(code!.mu).toHaveLength(6);
    expect([...code!.sigma].every((s) => s > 0)).toBe(true);
    expect([...latent.encode([windows[0]!])[0]!.mu]).toEqual([...code!.mu]);
    const decoded = latent.decode(code!.mu, { temperature: 0 });
    expect(decoded).toHaveLength(16);
    expect([...decoded].every((t) => t >= 0 && t < ENCODER.vocabulary.size)).toBe(true);
    expect([...latent.decode(code!.mu, { temperature: 1, seed: 3 })]).toEqual([...latent.decode(code!.mu, { temperature: 1, seed: 3 })]);
  });

  it('interpolates spherically: the ends are the two latents, the steps between keep the norm of equal-norm ends', () => {
    const a = Float32Array.from([3, 0, 0, 4, 0, 0]);
    const b = Float32Array.from([0, 5, 0, 0, 0, 0]);
    const mid = slerp(a, b, 0.5);
    expect(Math.hypot(...mid)).toBeCloseTo(5, 5);
    const { latents, windows: path } = interpolateLatents(generator, a, b, { steps: 5 });
    expect(latents).toHaveLength(5);
    expect([...latents[0]!]).toEqual([...a]);
    expect([...latents[4]!].map((x) => Math.round(x * 1e5) / 1e5)).toEqual([...b]);
    expect(path).toHaveLength(5);
    expect(noteEditDistance(path[0]!, path[0]!)).toBe(0);
  });

  it('fits attribute vectors that point from windows low in the attribute to windows high in it, and keeps them through save and load', async () => {
    const latent = generator.latent!;
    const vectors = fitAttributes(generator, windows);
    expect([...vectors.keys()]).toEqual(['density', 'range', 'syncopation']);
    const density = vectors.get('density')!;
    const measured = windows.map((w) => windowAttributes(generator.encoder, w, latent.window).density);
    const mus = latent.encode(windows).map((c) => c.mu);
    const projection = (i: number) => mus[i]!.reduce((s, x, j) => s + x * density[j]!, 0);
    const order = measured.map((d, i) => ({ d, i })).sort((x, y) => x.d - y.d);
    const q = Math.floor(order.length / 4);
    const mean = (list: { i: number }[]) => list.reduce((s, { i }) => s + projection(i), 0) / list.length;
    expect(mean(order.slice(-q))).toBeGreaterThan(mean(order.slice(0, q)));
    latent.setAttributes(vectors);
    const moved = withAttributes(latent, new Float32Array(6), [['density', 2]]);
    expect([...moved].map((x) => Math.round(x * 1e4))).toEqual([...density].map((x) => Math.round(2 * x * 1e4)));
    expect(() => withAttributes(latent, new Float32Array(6), [['loudness', 1]])).toThrow(/unknown attribute 'loudness' \(this model has density, range, syncopation\)/);
    // saved in musegen.json and read back
    const { generator: trained } = await loadGenerator(folderSource(dir()), { train: true, seed: 1 });
    trained.latent!.setAttributes(vectors);
    const contents = trained.trainable!.contents();
    expect((contents.hyper.attributes as Record<string, number[]>).range).toHaveLength(6);
    await writeModelFolder(tmp.join('with-attributes'), encodeModelFolder({ meta: { kind: 'vae', encoder: trained.encoder.spec, hyper: contents.hyper }, ...contents }));
    const { generator: again } = await loadGenerator(folderSource(tmp.join('with-attributes')));
    expect([...again.latent!.attributes.get('syncopation')!]).toEqual([...vectors.get('syncopation')!]);
    for (const g of [trained, again]) g.dispose();
  });

  it('strings decoded latents into a piece of the bars asked, the same for a seed, and refuses what it cannot do', () => {
    const [a] = samplePieces(generator, { bars: 5, seed: 7, temperature: 0.8 });
    const [b] = samplePieces(generator, { bars: 5, seed: 7, temperature: 0.8 });
    expect(a!.steps).toBe(5 * 8);
    expect(a!.score.timeSignatures[0]).toMatchObject({ numerator: 2, denominator: 4 });
    expect(JSON.stringify(a!.score.parts)).toBe(JSON.stringify(b!.score.parts));
    expect(a!.score.parts[0]!.notes.length).toBeGreaterThan(0);
    expect(() => samplePieces(generator, { bars: 4, meter: { numerator: 3, denominator: 4 } })).toThrow(/this model writes 2\/4 \(its windows are 2 bars of it\), not 3\/4/);
    expect(() => samplePieces(generator, { bars: 4, topK: 5 })).toThrow(/top-k and top-p are not offered for latent/);
    expect(() => samplePieces(generator, { bars: 4, primer: tune('2/4', 'GABc|dedB|]') })).toThrow(/does not continue a primer/);
  });

  it('is measured: reconstruction accuracies are shares of tokens, the active dimensions those with KL above the threshold', () => {
    const r = latentReconstruction(generator, windows.slice(0, 40), { threshold: 0.05 });
    expect(r.windows).toBe(40);
    expect(r.tokens).toBe(40 * 16);
    for (const x of [r.teacherForced, r.sampled]) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(r.activeDimensions).toBe(r.klPerDimension.filter((k) => k > 0.05).length);
    expect(r.kl).toBeCloseTo(r.klPerDimension.reduce((a, b) => a + b, 0), 6);
    // sampled accuracy: the decoder on its own likeliest tokens from μ
    const latent = generator.latent!;
    const codes = latent.encode(windows.slice(0, 40));
    let same = 0;
    windows.slice(0, 40).forEach((w, i) => latent.decode(codes[i]!.mu, { temperature: 0 }).forEach((t, s) => (same += t === w[s] ? 1 : 0)));
    expect(r.sampled).toBeCloseTo(same / (40 * 16), 10);
    const ons = windows.slice(0, 40).reduce((n, w) => n + w.filter((t) => t >= FIRST_PITCH_TOKEN).length, 0);
    expect(r.noteOns.tokens).toBe(ons);
    expect(r.noteOns.sampled * ons).toBeLessThanOrEqual(r.sampled * 40 * 16 + 1e-9);
    const s = interpolationSmoothness(generator, windows, { pairs: 5, steps: 4 });
    expect(s.pairs).toBe(5);
    expect(s.endAccuracy).toBeGreaterThan(0);
    expect(s.largestNeighbourDistance).toBeGreaterThanOrEqual(s.neighbourDistance);
  });
});

describe('training a VAE through the common trainer', () => {
  it('resumes a run stopped mid-epoch to the same weights: β\'s annealing and the sampling schedule go on from the step reached', async () => {
    const corpus = await loadCorpus([FOLK_DEMO], { cacheDir: tmp.join('cache') });
    // a fast schedule: β and the sampling probability change at every step, so a resumed run that restarted them would part ways
    const options = { kind: 'vae', model: { units: 8, latent: 3, beats: 2, anneal: 0.8, sampling: 3 }, encoder: { encoding: 'melody', features: [] }, batch: 8, epochs: 2, seed: 9 };
    const whole = await train(corpus, { output: tmp.join('resume-whole'), evaluation: standardEvaluation, options });
    const abort = new AbortController();
    const cut = await train(corpus, {
      output: tmp.join('resume-cut'), evaluation: standardEvaluation, options, signal: abort.signal,
      onEvent: (e: TrainEvent) => {
        if (e.type === 'step' && e.epoch === 2 && e.batch === 2) abort.abort();
      },
    });
    expect(cut).toMatchObject({ interrupted: true, epochs: 1 });
    const resumed = await train(corpus, { output: tmp.join('resume-cut'), evaluation: standardEvaluation, resume: true });
    expect(resumed).toMatchObject({ interrupted: false, epochs: 2, steps: whole.steps });
    expect(resumed.validNll).toBe(whole.validNll);
    expect(Buffer.compare(readFileSync(tmp.join('resume-cut', 'weights.bin')), readFileSync(tmp.join('resume-whole', 'weights.bin')))).toBe(0);
  }, 120_000);
});

describe('note edit distance', () => {
  const w = (...tokens: number[]) => Int32Array.from(tokens);
  it('counts notes inserted, deleted or changed (pitch, onset or length)', () => {
    const a = w(5, HOLD, 7, HOLD);
    expect(noteEditDistance(a, a)).toBe(0);
    expect(noteEditDistance(a, w(5, HOLD, 8, HOLD))).toBe(1); // a pitch changed
    expect(noteEditDistance(a, w(5, 6, 7, HOLD))).toBe(2); // the first note shortened, one added
    expect(noteEditDistance(a, w(REST, REST, REST, REST))).toBe(2);
  });
});

describe('melodies read for a latent model', () => {
  let generator: Generator;
  beforeAll(() => {
    generator = VaeGenerator.create(ENCODER, { units: 8, latent: 4 }, { seed: 1 });
  });

  it('take the top line of a polyphonic melody, saying so', () => {
    const { windows, warnings } = melodyWindowsFor(generator, tune('4/4', '[GB]ABc dedB|[ce]2ec B2dB|]'), 'chords.abc');
    expect(windows).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/^chords\.abc: the melody is polyphonic \(2 notes under or overlapping another\): its top line is taken/);
    expect(windows[0]!.tokens[0]).toBe(FIRST_PITCH_TOKEN + 71 - 48); // B4 over G4
    expect(windowAttributes(ENCODER, windows[0]!.tokens, SPEC).density).toBe((8 + 6) / 2);
  });

  it('move a melody outside the range by octaves into it, saying so', () => {
    const high = tune('4/4', "g'a'b'c'' d''e''d''b'|c''2e''c'' b'2d''b'|]"); // G6…E7, above C6
    const { windows, warnings, transposed } = melodyWindowsFor(generator, high, 'high.abc');
    expect(transposed).toBe(-24);
    expect(warnings.join('\n')).toMatch(/high\.abc \(G6–E7\) is outside the model's range C3–C6: moved down 2 octaves to fit/);
    expect(windows[0]!.notes).toBe(14);
  });

  it('refuse a melody of another meter, one shorter than a window, and one wider than the range, in one line each', () => {
    expect(() => melodyWindowsFor(generator, tune('3/4', 'G2A2B2|c6|d6|]'), 'waltz.abc')).toThrow(/^waltz\.abc is in 3\/4; this model reads 2 bars of 4\/4$/);
    expect(() => melodyWindowsFor(generator, tune('4/4', 'GABc dedB|]'), 'short.abc')).toThrow(/^short\.abc is shorter than the model's window: 1 whole bar of 4\/4, the model reads 2$/);
    expect(() => melodyWindowsFor(generator, tune('4/4', "C,,DEF GABc|c''8|]"), 'wide.abc')).toThrow(/^wide\.abc spans C2–C7, wider than the model's range C3–C6$/);
    const e = (() => {
      try {
        melodyWindowsFor(generator, tune('3/4', 'G2A2B2|c6|]'));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(MusegenError);
    expect((e as MusegenError).code).toBe('BAD_ARGUMENT');
  });
});

describe('musegen interpolate, attributes and sample -m <vae>', () => {
  const cwd = () => tmp.join('cli');
  beforeAll(async () => {
    // the model the commands read (trained in-process: the CLI's own training is the contract test's)
    const corpus = await loadCorpus([FOLK_DEMO], { cacheDir: tmp.join('cache') });
    await train(corpus, { output: tmp.join('vae'), evaluation: standardEvaluation, options: { kind: 'vae', model: { units: 16, latent: 4 }, epochs: 1, seed: 2 } });
    const files: Record<string, string> = {
      'a.abc': 'X:1\nT:a\nM:4/4\nL:1/8\nK:G\nGABc dedB|c2ec B2dB|A2FA dAFA|]\n',
      'b.abc': 'X:1\nT:b\nM:4/4\nL:1/8\nK:D\nf2fe d2d2|A4 F2A2|d2dc B2B2|]\n',
      'poly.abc': 'X:1\nT:p\nM:4/4\nL:1/8\nK:G\n[GB]ABc dedB|[ce]2ec B2dB|]\n',
      'waltz.abc': 'X:1\nT:w\nM:3/4\nL:1/8\nK:G\nG2A2B2|c6|d6|]\n',
      'short.abc': 'X:1\nT:s\nM:4/4\nL:1/8\nK:G\nGABc dedB|]\n',
    };
    mkdirSync(cwd(), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(tmp.join('cli', name), text);
  }, 120_000);
  const run = (args: string[]) => musegen(args, { cwd: cwd() });
  const model = () => tmp.join('vae');

  it.skipIf(!hasMidicsv)('writes the steps one after another in one file, and prints the latents with --json', () => {
    const r = run(['interpolate', 'a.abc', 'b.abc', '-m', model(), '--steps', '5', '-o', 'out.mid', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.text);
    expect(json.latents).toHaveLength(5);
    for (const z of json.latents) expect(z).toHaveLength(4);
    expect(json.bars).toBe(10);
    const summary = midicsvSummary(readFileSync(tmp.join('cli', 'out.mid')));
    expect(summary.end).toBeLessThanOrEqual(10 * 4 * summary.division);
    expect(summary.notes.length).toBeGreaterThan(0);
    expect(summary.notes.every((n) => n.on < 10 * 4 * summary.division)).toBe(true);
  });

  it('reads a polyphonic melody\'s top line with a warning, and refuses another meter or a short melody in one line', () => {
    const poly = run(['interpolate', 'poly.abc', 'b.abc', '-m', model(), '-o', 'p.mid']);
    expect(poly.code).toBe(0);
    expect(poly.stderr).toMatch(/^musegen: warning: poly\.abc: the melody is polyphonic \(2 notes under or overlapping another\): its top line is taken$/m);
    expectOneLine(run(['interpolate', 'a.abc', 'waltz.abc', '-m', model(), '-o', 'x.mid']), 1, /waltz\.abc is in 3\/4; this model reads 2 bars of 4\/4/);
    expectOneLine(run(['interpolate', 'short.abc', 'a.abc', '-m', model(), '-o', 'x.mid']), 1, /short\.abc is shorter than the model's window/);
    expectOneLine(run(['interpolate', 'a.abc', 'b.abc', '-m', model(), '--steps', '1']), 2, /--steps counts both ends: from 2 to 1000, not 1/);
    expectOneLine(run(['interpolate', 'a.abc', 'b.abc', '-m', model(), '--attribute', 'density+1']), 2, /"density\+1" is not an attribute change like density=\+1\.5/);
    expectOneLine(run(['interpolate', 'a.abc', 'b.abc', '-m', model(), '-o', 'x.mid', '--attribute', 'density=1']), 1, /this model has no attribute vectors yet: fit them with musegen attributes/);
  });

  it.skipIf(!hasMidicsv)('uses the bundled VAE when no model is given, with its attribute vectors', () => {
    const meta = JSON.parse(readFileSync(join(ROOT, 'models', 'vae', 'musegen.json'), 'utf8'));
    expect(meta.kind).toBe('vae');
    const r = run(['interpolate', 'a.abc', 'b.abc', '--steps', '3', '-o', 'bundled.mid', '--json', '--attribute', 'density=+1.5']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.text);
    expect(json.latents).toHaveLength(3);
    expect(json.latents[0]).toHaveLength(meta.hyper.vae.latent);
    expect(json.window).toEqual({ bars: meta.hyper.window.bars, meter: meta.hyper.window.meter });
    expect(midicsvSummary(readFileSync(tmp.join('cli', 'bundled.mid'))).notes.length).toBeGreaterThan(0);
  });

  it('fits attribute vectors into the model, which then steer interpolation and sampling', () => {
    const fit = run(['attributes', '-m', model(), FOLK_DEMO]);
    expect(fit.code).toBe(0);
    expect(fit.stderr).toMatch(/attribute vectors density, range, syncopation fitted \(regression\) on \d+ windows/);
    const meta = JSON.parse(readFileSync(tmp.join('vae', 'musegen.json'), 'utf8'));
    expect(Object.keys(meta.hyper.attributes)).toEqual(['density', 'range', 'syncopation']);
    expect(existsSync(tmp.join('vae', 'weights.bin'))).toBe(true);
    const plain = run(['interpolate', 'a.abc', 'b.abc', '-m', model(), '-o', 'plain.mid', '--json']);
    const dense = run(['interpolate', 'a.abc', 'b.abc', '-m', model(), '-o', 'dense.mid', '--json', '--attribute', 'density=+1.5']);
    expect(dense.code).toBe(0);
    const zp = JSON.parse(plain.text).latents[0];
    const zd = JSON.parse(dense.text).latents[0];
    expect(zd).not.toEqual(zp);
    const s = run(['sample', '-m', model(), '--bars', '4', '--seed', '3', '--attribute', 'range=-1', '-o', 's.mid']);
    expect(s.code).toBe(0);
    expectOneLine(run(['sample', '-m', model(), '--bars', '4', '--attribute', 'loudness=1', '-o', 's2.mid']), 1, /unknown attribute 'loudness'/);
  });

  it('fits them on decoded draws from the prior with --method decoder, and refuses a method or a count it does not know', () => {
    const before = JSON.parse(readFileSync(tmp.join('vae', 'musegen.json'), 'utf8')).hyper.attributes;
    const fit = run(['attributes', '-m', model(), FOLK_DEMO, '--method', 'decoder', '--draws', '40', '--seed', '2', '--temp', '0.5']);
    expect(fit.code).toBe(0);
    expect(fit.stderr).toMatch(/fitted \(decoder\) on 40 decoded draws from the prior, in sd of \d+ windows/);
    const after = JSON.parse(readFileSync(tmp.join('vae', 'musegen.json'), 'utf8')).hyper.attributes;
    expect(after.density).toHaveLength(4);
    expect(after.density).not.toEqual(before?.density);
    expect(JSON.parse(readFileSync(tmp.join('vae', 'musegen.json'), 'utf8')).hyper.attributeFit).toEqual({ method: 'decoder', windows: expect.any(Number), draws: 40, seed: 2, temperature: 0.5 });
    expectOneLine(run(['attributes', '-m', model(), FOLK_DEMO, '--method', 'quartiles']), 2, /unknown method "quartiles" \(choose regression, difference or decoder\)/);
    expectOneLine(run(['attributes', '-m', model(), FOLK_DEMO, '--method', 'decoder', '--draws', '3']), 2, /--draws must be from 8 to 1000000, not 3/);
  });
});
