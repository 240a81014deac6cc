/**
 * The contract every registered generator kind keeps, run for each kind the
 * registry holds (a new kind is tested by being registered):
 * - it trains through the one trainer (`train`) on the demo corpus, and the
 *   folder it writes loads back through `loadGenerator` by its kind;
 * - save → load is a round trip: the contents of the loaded model, written
 *   again, sample the same bytes for the same seed;
 * - sampling is deterministic for a seed, and leaves no tensor behind;
 * - bad input gets a clear MusegenError: a bad token, a misshapen folder, an
 *   encoding the kind cannot model;
 * and through the CLI, with no special case: `musegen train --kind <kind>`
 * then `musegen sample -m` gives MIDI that midicsv reads.
 */
import { mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MelodyEncoder, MusegenError, PianoRollEncoder, createStepContext, encodeModelFolder, folderSource, initBackend, loadCorpus, loadGenerator,
  modelKind, modelKinds, samplePieces, standardEvaluation, train, writeMidi, writeModelFolder,
  type Corpus, type Generator, type KindOptions,
} from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { midicsvSummary } from './helpers/midicsv.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('contract');
let corpus: Corpus;

/** Small options per kind, so that a run takes a second. */
const SMALL: Record<string, KindOptions> = { lstm: { units: 16, layers: 1, dropout: 0 }, ngram: { order: 3 } };

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  corpus = await loadCorpus([FOLK_DEMO], { cacheDir: tmp.join('cache') });
});

const midiOf = (g: Generator, seed: number): Uint8Array => writeMidi(samplePieces(g, { bars: 4, seed, temperature: 0.9 })[0]!.score);

async function failure(p: Promise<unknown> | (() => unknown)): Promise<MusegenError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(MusegenError);
  return e as MusegenError;
}

it('registers the LSTM and the n-gram model as left-to-right kinds', () => {
  expect(modelKinds().map((k) => k.name)).toEqual(['lstm', 'ngram']);
});

describe.each(modelKinds().map((k) => k.name))('generator kind %s', (name) => {
  const dir = (what: string) => tmp.join(`${name}-${what}`);

  beforeAll(async () => {
    const result = await train(corpus, {
      output: dir('model'), evaluation: standardEvaluation,
      options: { kind: name, model: SMALL[name], encoder: { encoding: 'melody', features: ['beat'] }, seqLen: 32, batch: 16, epochs: 2, seed: 3 },
    });
    expect(result.validNll).toBeGreaterThan(0);
  });

  it('loads by its kind, generates left to right, and samples the same bytes for the same seed', async () => {
    const { generator, meta } = await loadGenerator(folderSource(dir('model')));
    expect(meta.kind).toBe(name);
    expect(generator.kind).toBe(name);
    expect(generator.leftToRight).toBeDefined();
    expect(generator.trainable).toBeUndefined(); // loaded to sample
    const a = midiOf(generator, 11);
    expect(Buffer.compare(a, midiOf(generator, 11))).toBe(0);
    expect(Buffer.compare(a, midiOf(generator, 12))).not.toBe(0);
    expect(midicsvSummary(a).notes.length).toBeGreaterThan(0);
    generator.dispose();
  });

  it('hands over each note as soon as it is finished: the very notes of the piece', async () => {
    const { generator } = await loadGenerator(folderSource(dir('model')));
    const streamed: { track: number; onset: number; end: number; pitch: string }[] = [];
    const [piece] = samplePieces(generator, {
      bars: 4, seed: 9, onNotes: (notes) => streamed.push(...notes.map(({ track, note }) => ({ track, onset: note.onset, end: note.onset + note.duration, pitch: JSON.stringify(note.pitch) }))),
    });
    const inScore = piece!.score.parts.flatMap((p, track) => p.notes.map((n) => ({ track, onset: n.onset, end: n.onset + n.duration, pitch: JSON.stringify(n.pitch) })));
    expect(streamed.length).toBeGreaterThan(0);
    const key = (n: (typeof streamed)[number]) => `${n.track} ${n.onset} ${n.pitch}`;
    expect(streamed.map(key).sort()).toEqual(inScore.map(key).sort());
    // handed over in the order they end
    for (let i = 1; i < streamed.length; i++) expect(streamed[i]!.end).toBeGreaterThanOrEqual(streamed[i - 1]!.end);
    generator.dispose();
  });

  it('round-trips: the loaded model, saved again, samples the same bytes', async () => {
    const { generator: trained } = await loadGenerator(folderSource(dir('model')), { train: true, seed: 1 });
    expect(trained.trainable).toBeDefined();
    const contents = trained.trainable!.contents();
    await writeModelFolder(dir('again'), encodeModelFolder({ meta: { kind: trained.kind, encoder: trained.encoder.spec, hyper: contents.hyper }, ...contents }));
    const { generator: original } = await loadGenerator(folderSource(dir('model')));
    const { generator: again } = await loadGenerator(folderSource(dir('again')));
    for (const seed of [1, 2, 3]) expect(Buffer.compare(midiOf(again, seed), midiOf(original, seed))).toBe(0);
    for (const g of [trained, original, again]) g.dispose();
  });

  it('leaves no tensor behind while sampling, and refuses a token outside its vocabulary', async () => {
    const { generator } = await loadGenerator(folderSource(dir('model')));
    midiOf(generator, 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) midiOf(generator, i);
    expect(tf.memory().numTensors).toBe(before);
    const session = generator.leftToRight!.session(createStepContext({ stepsPerQuarter: 4 }));
    expect(session.output).toBe('events');
    expect((await failure(() => session.push(10_000 as never))).code).toBe('BAD_ARGUMENT');
    generator.dispose();
  });

  it('says clearly what is wrong with a damaged model folder', async () => {
    const file = join(dir('model'), 'musegen.json');
    const good = await readFile(file, 'utf8');
    try {
      const meta = JSON.parse(good);
      await writeFile(file, JSON.stringify({ ...meta, kind: 'transformer' }));
      expect((await failure(loadGenerator(folderSource(dir('model'))))).message).toMatch(/unknown model kind 'transformer' \(this musegen knows lstm, ngram/);
      await writeFile(file, JSON.stringify({ ...meta, hyper: { ...meta.hyper, sequence: 'events/other/9' } }));
      const e = await failure(loadGenerator(folderSource(dir('model'))));
      expect(e.code).toBe('INCOMPATIBLE_MODEL');
      expect(e.message).toMatch(/trained on sequences 'events\/other\/9'/);
    } finally {
      await writeFile(file, good);
    }
  });
});

describe('kind options and encodings', () => {
  it('refuses an option of another kind, and an encoding the kind cannot model, in one line', async () => {
    const run = (options: object) => train(corpus, { output: tmp.join('refused'), evaluation: standardEvaluation, options: { seqLen: 32, ...options } });
    expect((await failure(run({ kind: 'ngram', model: { units: 64 } }))).message).toBe('--units is an option of lstm models, not of ngram models');
    expect((await failure(run({ kind: 'ngram', encoder: { encoding: 'pianoroll' } }))).message).toMatch(/n-gram models predict event tokens, not piano-roll rows/);
    expect((await failure(run({ kind: 'lstm', model: { layers: 0 } }))).message).toBe('layers must be a whole number from 1 to 16, not 0');
    expect((await failure(run({ kind: 'gan' }))).code).toBe('UNSUPPORTED');
    expect(modelKind('ngram').unsupported(new PianoRollEncoder())).not.toBeNull();
    expect(modelKind('ngram').unsupported(new MelodyEncoder())).toBeNull();
  });
});

describe('the CLI, for every kind', () => {
  it.each(modelKinds().map((k) => k.name))('trains a %s model and samples from it', (name) => {
    const cwd = tmp.join(`cli-${name}`);
    mkdirSync(cwd);
    const t = musegen(['train', FOLK_DEMO, '--kind', name, '-o', 'model', '--epochs', '1', '--seq-len', '32', '--seed', '2', '-q', '--json', ...(name === 'lstm' ? ['--units', '16'] : ['--order', '4'])], { cwd });
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(JSON.parse(t.text)).toMatchObject({ epochs: 1, interrupted: false });
    const s = musegen(['sample', '-m', 'model', '--seed', '4', '--bars', '8', '-q'], { cwd });
    expect(s.code).toBe(0);
    const summary = midicsvSummary(s.stdout);
    expect(summary.notes.length).toBeGreaterThan(4);
    expect(summary.end).toBe(8 * 4 * summary.division);
    const usage = musegen(['train', FOLK_DEMO, '--kind', name, '-o', 'other', name === 'lstm' ? '--order' : '--units', '4'], { cwd });
    expect(usage.code).toBe(2); // an option of another kind is a usage error, in one line
    expect(usage.stderr).toMatch(/^musegen: --(order|units) is an option of (ngram|lstm) models, not of (lstm|ngram) models\n$/);
    const doctor = musegen(['doctor', '--json'], { cwd });
    expect(JSON.parse(doctor.text).kernels).toMatch(process.env.MUSEGEN_NATIVE === '0' ? /^javascript/ : /^native/); // CI builds the addon
  });
});
