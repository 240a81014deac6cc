/**
 * The contract every generator kind that makes pieces keeps (left to right,
 * or by filling cells), each on music its own encoder reads (melodies: the
 * demo corpus; four voices: pieces made in code):
 * - it trains through the one trainer (`train`) on the demo corpus, and the
 *   folder it writes loads back through `loadGenerator` by its kind;
 * - save → load is a round trip: the contents of the loaded model, written
 *   again, sample the same bytes for the same seed;
 * - sampling is deterministic for a seed, hands each note over as it is
 *   finished, and leaves no tensor behind;
 * - bad input gets a clear MusegenError: a bad token, a misshapen folder, an
 *   encoding the kind cannot model;
 * and through the CLI, with no special case: `musegen train --kind <kind>`
 * then `musegen sample -m` gives MIDI that midicsv reads.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MelodyEncoder, MusegenError, PianoRollEncoder, createStepContext, encodeModelFolder, folderSource, initBackend, loadCorpus, loadGenerator,
  modelKind, modelKinds, samplePieces, standardEvaluation, train, writeMidi, writeModelFolder,
  type Corpus, type Generator, type KindOptions,
} from '../src/index.js';
import { fourPartPieces, writeFourPartFolder } from './helpers/chorales.js';
import { musegen } from './helpers/cli.js';
import { hasMidicsv, midicsvSummary } from './helpers/midicsv.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('contract');
/** Four-part pieces made in code (written to the temporary folder first thing). */
const FOUR_PARTS = 'four-parts';
const corpora = new Map<string, Corpus>();

/** Per kind that makes pieces: small options (a run takes seconds), the music its encoder reads, the CLI flags of those options. */
const SETUP: Record<string, { model: KindOptions; music: string; encoder?: object; flags: string[]; quartersPerBar?: number }> = {
  lstm: { model: { units: 16, layers: 1, dropout: 0 }, music: FOLK_DEMO, encoder: { encoding: 'melody', features: ['beat'] }, flags: ['--units', '16'] },
  ngram: { model: { order: 3 }, music: FOLK_DEMO, encoder: { encoding: 'melody', features: ['beat'] }, flags: ['--order', '4'] },
  conv: { model: { filters: 8, layers: 3 }, music: FOUR_PARTS, flags: ['--filters', '8', '--layers', '3'] },
  // windows of 2 bars of 2/4: the demo corpus's validation pieces hold some
  vae: { model: { units: 16, latent: 4, beats: 2 }, music: FOLK_DEMO, flags: ['--units', '16', '--latent', '4', '--beats', '2'], quartersPerBar: 2 },
  nade: { model: { units: 16, hidden: 8 }, music: FOLK_DEMO, flags: ['--units', '16', '--hidden', '8'] },
};
const musicOf = (name: string): string => (SETUP[name]!.music === FOUR_PARTS ? tmp.join(FOUR_PARTS) : SETUP[name]!.music);
const corpusOf = (name: string): Corpus => corpora.get(musicOf(name))!;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  writeFourPartFolder(tmp.join(FOUR_PARTS), fourPartPieces(12, 5));
  for (const path of new Set(Object.keys(SETUP).map(musicOf))) corpora.set(path, await loadCorpus([path], { cacheDir: tmp.join('cache') }));
});

const midiOf = (g: Generator, seed: number): Uint8Array => writeMidi(samplePieces(g, { bars: 4, seed, temperature: 0.9 })[0]!.score);

async function failure(p: Promise<unknown> | (() => unknown)): Promise<MusegenError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(MusegenError);
  return e as MusegenError;
}

/** The kinds that make pieces (other kinds — chords — keep contracts of their own). */
const MAKERS = modelKinds().map((k) => k.name).filter((name) => name in SETUP);

it('registers the LSTM, the n-gram model and the LSTM-NADE as left-to-right kinds, the conv model as one that fills cells, the VAE as a latent one', () => {
  expect(MAKERS).toEqual(['lstm', 'ngram', 'conv', 'vae', 'nade']);
});

describe.each(MAKERS)('generator kind %s', (name) => {
  const dir = (what: string) => tmp.join(`${name}-${what}`);

  beforeAll(async () => {
    const { model, encoder } = SETUP[name]!;
    const result = await train(corpusOf(name), {
      output: dir('model'), evaluation: standardEvaluation,
      options: { kind: name, model, ...(encoder ? { encoder } : {}), seqLen: 32, batch: 16, epochs: 2, seed: 3 },
    });
    expect(result.validNll).toBeGreaterThan(0);
  });

  it.skipIf(!hasMidicsv)('loads by its kind, generates (left to right, or by filling cells), and samples the same bytes for the same seed', async () => {
    const { generator, meta } = await loadGenerator(folderSource(dir('model')));
    expect(meta.kind).toBe(name);
    expect(generator.kind).toBe(name);
    expect(generator.leftToRight ?? generator.infill ?? generator.latent).toBeDefined();
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

  it('leaves no tensor behind while sampling, and refuses a token or cell value outside its vocabulary', async () => {
    const { generator } = await loadGenerator(folderSource(dir('model')));
    midiOf(generator, 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) midiOf(generator, i);
    expect(tf.memory().numTensors).toBe(before);
    const context = createStepContext({ stepsPerQuarter: 4 });
    if (generator.leftToRight) {
      const session = generator.leftToRight.session(context);
      const bad = session.output === 'events' ? 10_000 : new Float32Array(session.width + 1);
      expect((await failure(() => session.push(bad as never))).code).toBe('BAD_ARGUMENT');
    } else if (generator.latent) {
      const window = new Int32Array(generator.latent.window.steps).fill(10_000);
      expect((await failure(() => generator.latent!.encode([window]))).code).toBe('BAD_ARGUMENT');
      expect((await failure(() => generator.latent!.decode(new Float32Array(generator.latent!.size + 1)))).code).toBe('BAD_ARGUMENT');
    } else {
      const tracks = generator.infill!.voices.length;
      const cells = new Int32Array(tracks * 8).fill(10_000);
      expect((await failure(() => generator.infill!.distributions({ piece: { tracks, steps: 8, cells }, context, mask: new Uint8Array(tracks * 8) }))).code).toBe('BAD_ARGUMENT');
    }
    generator.dispose();
  });

  it('says clearly what is wrong with a damaged model folder', async () => {
    const file = join(dir('model'), 'musegen.json');
    const good = await readFile(file, 'utf8');
    try {
      const meta = JSON.parse(good);
      await writeFile(file, JSON.stringify({ ...meta, kind: 'transformer' }));
      expect((await failure(loadGenerator(folderSource(dir('model'))))).message).toMatch(/unknown model kind 'transformer' \(this musegen knows lstm, ngram, conv/);
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
    const run = (options: object) => train(corpusOf('lstm'), { output: tmp.join('refused'), evaluation: standardEvaluation, options: { seqLen: 32, ...options } });
    expect((await failure(run({ kind: 'ngram', model: { units: 64 } }))).message).toMatch(/^--units is an option of lstm(, \w+)* models, not of ngram models$/);
    expect((await failure(run({ kind: 'ngram', encoder: { encoding: 'pianoroll' } }))).message).toMatch(/n-gram models predict event tokens, not piano-roll rows/);
    expect((await failure(run({ kind: 'lstm', model: { layers: 0 } }))).message).toBe('layers must be a whole number from 1 to 16, not 0');
    expect((await failure(run({ kind: 'gan' }))).code).toBe('UNSUPPORTED');
    expect(modelKind('ngram').unsupported(new PianoRollEncoder())).not.toBeNull();
    expect(modelKind('ngram').unsupported(new MelodyEncoder())).toBeNull();
    expect(modelKind('conv').unsupported(new MelodyEncoder())).toMatch(/conv models fill voice cells: voice cells are read from piano rolls/);
    expect(modelKind('conv').unsupported(new PianoRollEncoder({ parts: [0, 1, 2, 3], onsets: false }))).toBeNull();
    expect(modelKind('conv').unsupported(new PianoRollEncoder({ parts: [0, 1, 2, 3], onsets: true }))).toMatch(/without an onset channel/);
    expect(modelKind('conv').unsupported(new PianoRollEncoder({ parts: [0, 1, 2, 3], onsets: false, features: ['lookback'] }))).toMatch(/cannot read the lookback feature/);
  });
});

describe('the CLI, for every kind', () => {
  it.skipIf(!hasMidicsv).each(MAKERS)('trains a %s model and samples from it', (name) => {
    const cwd = tmp.join(`cli-${name}`);
    mkdirSync(cwd);
    const { flags } = SETUP[name]!;
    const music = musicOf(name);
    const t = musegen(['train', music, '--kind', name, '-o', 'model', '--epochs', '1', '--seq-len', '32', '--seed', '2', '-q', '--json', ...flags], { cwd });
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(JSON.parse(t.text)).toMatchObject({ epochs: 1, interrupted: false });
    // no --encoding or --features: the kind's own encoder, features included (else --features' default, beat)
    const saved = JSON.parse(readFileSync(join(cwd, 'model', 'musegen.json'), 'utf8')) as { encoder: { features: { name: string }[] } };
    expect(saved.encoder.features.map((f) => f.name)).toEqual((modelKind(name).encoder.features as string[] | undefined) ?? ['beat']);
    const s = musegen(['sample', '-m', 'model', '--seed', '4', '--bars', '8', '-q'], { cwd });
    expect(s.code).toBe(0);
    const summary = midicsvSummary(s.stdout);
    expect(summary.notes.length).toBeGreaterThan(4);
    expect(summary.end).toBe(8 * (SETUP[name]!.quartersPerBar ?? 4) * summary.division);
    const usage = musegen(['train', music, '--kind', name, '-o', 'other', name === 'ngram' ? '--filters' : '--order', '4'], { cwd });
    expect(usage.code).toBe(2); // an option of another kind is a usage error, in one line
    expect(usage.stderr).toMatch(/^musegen: --(order|filters) is an option of (ngram|conv) models, not of (lstm|ngram|conv|vae|nade) models\n$/);
    const doctor = musegen(['doctor', '--json'], { cwd });
    expect(JSON.parse(doctor.text).kernels).toMatch(process.env.MUSEGEN_NATIVE === '0' ? /^javascript/ : /^native/); // CI builds the addon
  });
});
