/**
 * A seeded fuzz suite through the CLI: mutants of small real files of each
 * format (kern, MusicXML, ABC, benchmark JSON, MIDI — byte flips,
 * truncations, lines, tokens and byte runs (inside a MIDI track) deleted or
 * duplicated, absurd numbers) given to `musegen sample --prime` (the bundled model) and to
 * `musegen train` (a tiny n-gram model, and now and then a tiny LSTM). The
 * program runs in-process, as its main does. Each mutant gives a result
 * (exit 0) or one clear line naming the file (exit 1 or 2): no internal
 * error (exit 70), no stack trace, no second line. Time and memory are
 * bounded by the score limits and a long primer's refusal; a hang fails the
 * test by its timeout. The counts per format are printed.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { musegenInProcess } from './helpers/cli-in-process.js';
import { mutateMidi, mutateText } from './helpers/mutate.js';
import { rng } from './helpers/random.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('fuzz-cli');
/** Mutants per format through --prime, and through train. */
const PRIMED = 50;
const TRAINED = 12;

const kern = corpusPath('bach-370-chorales-kern', 'kern');
const bach = corpusPath('bach-chorales-music21', 'music21', 'corpus', 'bach');
const abc = corpusPath('nottingham-jukedeck', 'ABC_cleaned', 'ashover.abc');
const jsb = corpusPath('jsb-chorales', 'jsb-chorales-quarter.json');
const midi = corpusPath('nottingham-jukedeck', 'MIDI');

/** A small real source per format (file name, bytes) and how it is mutated. */
const FORMATS: Record<string, { source: () => [string, Uint8Array]; mutate: (b: Uint8Array, rnd: () => number) => Uint8Array }> = {
  kern: { source: () => ['chor040.krn', readFileSync(`${kern}/chor040.krn`)], mutate: text },
  musicxml: { source: () => { const f = readdirSync(bach).filter((n) => n.endsWith('.xml'))[0]!; return [f, readFileSync(`${bach}/${f}`)]; }, mutate: text },
  abc: { source: () => ['ashover.abc', Buffer.from(readFileSync(abc, 'utf8').split(/\n(?=X:)/).slice(0, 2).join('\n'))], mutate: text },
  'jsb-json': {
    source: () => {
      const all = JSON.parse(readFileSync(jsb, 'utf8')) as Record<string, unknown[]>;
      return ['jsb-chorales-quarter.json', Buffer.from(JSON.stringify({ train: all.train!.slice(0, 2), valid: all.valid!.slice(0, 1), test: [] }, null, 1))] // a line per value: lines to delete and repeat;
    },
    mutate: text,
  },
  midi: { source: () => ['ashover1.mid', readFileSync(`${midi}/ashover1.mid`)], mutate: mutateMidi },
};

function text(bytes: Uint8Array, rnd: () => number): Uint8Array {
  return new TextEncoder().encode(mutateText(new TextDecoder().decode(bytes), rnd));
}

/** The outcome of one run: a result, or one clear line naming `file`; anything else fails the test. */
function outcome(r: { code: number; stderr: string }, file: string, what: string): 'result' | 'refused' {
  expect(r.code, `${what}: ${r.stderr}`).not.toBe(70);
  expect(r.stderr, what).not.toMatch(/^\s+at /m);
  expect(r.stderr, what).not.toMatch(/internal error|Maximum call stack|Invalid (string|array) length/);
  if (r.code === 0) return 'result';
  expect([1, 2], `${what}: ${r.stderr}`).toContain(r.code);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('musegen: ') && !/^musegen: (warning|note): /.test(l));
  expect(errors, `${what}: ${r.stderr}`).toHaveLength(1);
  expect(errors[0], what).toContain(basename(file));
  return 'refused';
}

describe.skipIf(!haveCorpus('CLI fuzz', kern, bach, abc, jsb, midi))('--prime and train under seeded mutants, at the CLI', () => {
  it.each(Object.keys(FORMATS))('%s: each mutant a result or one line naming the file', async (format) => {
    const { source, mutate } = FORMATS[format]!;
    const [name, bytes] = source();
    const rnd = rng(23);
    const counts = { prime: { result: 0, refused: 0 }, train: { result: 0, refused: 0 } };
    for (let i = 0; i < PRIMED + TRAINED; i++) {
      const file = tmp.join(`${format}-${i}-${name}`);
      writeFileSync(file, mutate(bytes, rnd));
      if (i < PRIMED) {
        const r = await musegenInProcess(['sample', '--prime', file, '--bars', '1', '--seed', '1', '-q', '-o', tmp.join(`${format}-${i}.mid`)]);
        counts.prime[outcome(r, file, `${format} primer mutant ${i}`)]++;
      } else {
        const lstm = i % 4 === 0;
        const kind = lstm ? ['--units', '4', '--seq-len', '8', '--batch', '4'] : ['--kind', 'ngram'];
        const r = await musegenInProcess(['train', file, '-o', tmp.join(`${format}-model`), '--force', '--epochs', '1', '--seed', '1', '-q', ...kind]);
        counts.train[outcome(r, file, `${format} training mutant ${i}`)]++;
      }
    }
    console.log(`CLI fuzz ${format}: --prime ${PRIMED} mutants: ${counts.prime.result} sampled, ${counts.prime.refused} refused in one line; train ${TRAINED}: ${counts.train.result} trained, ${counts.train.refused} refused in one line; 0 other`);
  });
});
