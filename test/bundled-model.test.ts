/**
 * The main job on the bundled default, as the README tells a user to run it:
 * `musegen sample --temp 0.8 > out.mid`, with no other argument, from a
 * folder that is not the package's. Debian's midicsv (an independent MIDI
 * parser) reads the result: notes inside the bundled model's range, within
 * the 16 bars asked for by default (the file ends exactly there), in 4/4 at 120 BPM. models/README.md
 * states that the model beats the 3-gram Markov baseline: evaluated here, on
 * the Nottingham validation tunes it never trained on (when the corpora are
 * present), the model gives the figure its musegen.json records, below the
 * baseline's.
 */
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TICKS_PER_QUARTER as Q, encoderFromSpec, folderSource, initBackend, layoutFor, loadCorpus, loadGenerator, markovBaseline, prepareData, trainOptions,
  windowsLoss, type EventLayout,
} from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { hasMidicsv, midicsvSummary as midicsv } from './helpers/midicsv.js';
import { BUNDLED_MODEL as modelDir } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('bundled');

/** Run musegen with stdout redirected to a file, as `> out.mid` does, from a folder that is not the package's. */
function sampleTo(file: string, args: string[]): { code: number | null; stderr: string } {
  const fd = openSync(file, 'w');
  try {
    return musegen(['sample', ...args], { cwd: tmp.path, stdoutFd: fd, timeout: 60_000 });
  } finally {
    closeSync(fd);
  }
}

const nottingham = corpusPath('nottingham-jukedeck', 'ABC_cleaned');

describe.skipIf(!haveCorpus('the bundled model\'s evaluation on the Nottingham validation tunes', nottingham))('the bundled model, evaluated', () => {
  it('gives on the validation tunes it never trained on the NLL its musegen.json records, below the 3-gram baseline', async () => {
    await initBackend({ backend: 'wasm' });
    const { generator, meta } = await loadGenerator(folderSource(modelDir), { train: true, seed: 1 });
    const options = trainOptions(meta.hyper.training as object);
    const encoder = encoderFromSpec(options.encoder);
    const layout = layoutFor(encoder);
    const corpus = await loadCorpus([nottingham], { cacheDir: tmp.join('cache') });
    const data = prepareData(corpus, encoder, layout, { ...options, transpose: [0, 0] }); // the pieces as written: the digest does not cover transpositions
    expect(data.digest).toBe(meta.corpus?.digest); // the very tunes and encoding it was trained and validated on
    expect(data.validSource).toBe('split');
    const nll = windowsLoss(generator.trainable!, layout, data.valid, data.validWindows, { batch: 64, length: data.windowLength })!;
    const baseline = markovBaseline({ ...data, train: data.train.map((v) => v[0]!) }, layout as EventLayout)!;
    generator.dispose();
    expect(nll).toBeCloseTo(meta.metrics.validNll as number, 4);
    expect(baseline).toBeCloseTo(meta.metrics.markov3ValidNll as number, 6);
    expect(nll).toBeLessThan(baseline - 0.3);
  });
});

describe('the bundled model', () => {

  it.skipIf(!hasMidicsv)('samples a new tune with no argument but the temperature: MIDI that midicsv reads, in range and length', async () => {
    const meta = JSON.parse(await readFile(join(modelDir, 'musegen.json'), 'utf8'));
    const { lowest, highest } = meta.encoder;
    const out = tmp.join('out.mid');
    const r = sampleTo(out, ['--temp', '0.8']);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    const midi = midicsv(out);
    expect(midi.meter).toEqual(['4/4']);
    expect(midi.tempo).toEqual([500_000]);
    expect(midi.notes.length).toBeGreaterThanOrEqual(8);
    const bar = 4 * midi.division;
    for (const n of midi.notes) {
      expect(n.midi).toBeGreaterThanOrEqual(lowest);
      expect(n.midi).toBeLessThanOrEqual(highest);
      expect(n.off).toBeGreaterThan(n.on);
      expect(n.off).toBeLessThanOrEqual(16 * bar);
    }
    expect(midi.end).toBe(16 * bar);
  });

  it.skipIf(!hasMidicsv)('fills the bars asked for, and the same seed gives the same tune', async () => {
    const a = tmp.join('a.mid');
    const b = tmp.join('b.mid');
    expect(sampleTo(a, ['--temp', '0.8', '--bars', '8', '--seed', '11']).code).toBe(0);
    expect(sampleTo(b, ['--temp', '0.8', '--bars', '8', '--seed', '11']).code).toBe(0);
    expect(await readFile(a)).toEqual(await readFile(b));
    const { notes, division, end } = midicsv(a);
    expect(division).toBe(Q);
    expect(end).toBe(8 * 4 * division);
    const last = Math.max(...notes.map((n) => n.off));
    expect(last).toBeLessThanOrEqual(end);
    expect(last).toBeGreaterThan(7 * 4 * division);
  });
});
