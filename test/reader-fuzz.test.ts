/**
 * A seeded fuzz suite for every text reader (kern, MusicXML, ABC, benchmark
 * JSON; MIDI has test/midi-fuzz.test.ts): mutants of small real files — byte
 * flips, truncations, lines and tokens deleted or duplicated, numbers made
 * absurd (0, huge, 1e-300, negative) — each read through the registry as a
 * file is. Every mutant gives Scores within the limits or one clear line
 * (a MusegenError naming the file); nothing else. The counts are printed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MusegenError, readBytes, scoreLimitProblem } from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { mutateText } from './helpers/mutate.js';
import { rng } from './helpers/random.js';

const MUTANTS = 500;

const kern = corpusPath('bach-370-chorales-kern', 'kern');
const bach = corpusPath('bach-chorales-music21', 'music21', 'corpus', 'bach');
const abc = corpusPath('nottingham-jukedeck', 'ABC_cleaned', 'ashover.abc');
const jsb = corpusPath('jsb-chorales', 'jsb-chorales-quarter.json');

/** Small real sources per format: [file name to read as, text]. */
const FORMATS: Record<string, () => [string, string][]> = {
  kern: () => ['chor228.krn', 'chor040.krn'].map((f) => [f, readFileSync(`${kern}/${f}`, 'utf8')]),
  musicxml: () => readdirSync(bach).filter((f) => f.endsWith('.xml')).slice(0, 2).map((f) => [f, readFileSync(`${bach}/${f}`, 'utf8')]),
  abc: () => [['ashover.abc', readFileSync(abc, 'utf8').split(/\n(?=X:)/).slice(0, 3).join('\n')]],
  'jsb-json': () => {
    const all = JSON.parse(readFileSync(jsb, 'utf8')) as Record<string, unknown[]>;
    return [['jsb-chorales-quarter.json', JSON.stringify({ train: all.train!.slice(0, 2), valid: all.valid!.slice(0, 1), test: all.test!.slice(0, 1) })]];
  },
};

describe.skipIf(!haveCorpus('reader fuzz', kern, bach, abc, jsb))('every reader under seeded mutants', () => {
  it.each(Object.keys(FORMATS))(`%s: ${MUTANTS} mutants, each Scores within the limits or one clear line`, (format) => {
    const sources = FORMATS[format]!();
    const rnd = rng(19);
    const counts = { parsed: 0, refused: 0 };
    for (let i = 0; i < MUTANTS; i++) {
      const [name, text] = sources[i % sources.length]!;
      const bytes = new TextEncoder().encode(mutateText(text, rnd));
      try {
        const pieces = readBytes(bytes, name);
        for (const p of pieces) expect(scoreLimitProblem(p.score), `${format} mutant ${i}`).toBeUndefined();
        counts.parsed++;
      } catch (e) {
        if (!(e instanceof MusegenError)) throw new Error(`${format} mutant ${i}: ${String(e)}`);
        expect(e.message, `${format} mutant ${i}`).not.toContain('\n');
        expect(e.message.startsWith(`${name}: `), e.message).toBe(true);
        counts.refused++;
      }
    }
    console.log(`reader fuzz ${format}: ${MUTANTS} mutants, ${counts.parsed} parsed, ${counts.refused} refused with one line, 0 other`);
    expect(counts.parsed + counts.refused).toBe(MUTANTS);
  });
});
