import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { midiOf, MusegenError, readMidi } from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const midiDir = corpusPath('midi-test-files/tonejs-midi/test/midi');
const exists = haveCorpus('midi-fuzz', midiDir);

/** Small files, so thousands of cases run in seconds. */
const SOURCES = ['pitchBendTest.mid', 'beat.mid', 'bach/bach_format0.mid', 'bach/bach_850.mid', 'tchaikovsky_seasons.mid'];
const CASES = 3000;

/** A seeded generator (LCG), so a failing case can be replayed by its number. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One corrupted copy: bytes overwritten, a cut end, a hole, or a repeated stretch. */
function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const at = (): number => Math.floor(rnd() * src.length);
  const kind = rnd();
  if (kind < 0.15) return src.slice(0, at());
  if (kind < 0.25) {
    const a = at();
    return Uint8Array.from([...src.subarray(0, a), ...src.subarray(a + 1 + Math.floor(rnd() * 16))]);
  }
  if (kind < 0.35) {
    const a = at();
    const piece = src.subarray(a, a + 1 + Math.floor(rnd() * 16));
    return Uint8Array.from([...src.subarray(0, a), ...piece, ...src.subarray(a)]);
  }
  const out = src.slice();
  const n = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < n; i++) out[at()] = Math.floor(rnd() * 256);
  return out;
}

describe.skipIf(!exists)('MIDI reader under corrupted input', () => {
  it(`gives a Score or a MusegenError for ${CASES} seeded mutations and truncations, never anything else`, () => {
    const sources = SOURCES.map((f) => new Uint8Array(readFileSync(join(midiDir, f))));
    const rnd = random(20240607);
    let read = 0;
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const bytes = mutate(sources[i % sources.length]!, rnd);
      let score;
      try {
        score = readMidi(bytes);
      } catch (e) {
        if (!(e instanceof MusegenError)) throw new Error(`case ${i}: ${String(e)}`);
        expect(e.message).not.toContain('\n');
        refused++;
        continue;
      }
      read++;
      for (const p of score.parts) for (const n of p.notes) {
        const ok = midiOf(n.pitch) >= 0 && midiOf(n.pitch) <= 127 && Number.isInteger(n.onset) && n.onset >= 0 && n.duration >= 1
          && n.velocity >= 1 && n.velocity <= 127;
        if (!ok) throw new Error(`case ${i}: an impossible note ${JSON.stringify(n)}`);
      }
      expect(score.tempos[0]!.tick).toBe(0);
      expect(score.timeSignatures.every((t) => t.numerator >= 1 && t.denominator >= 1)).toBe(true);
    }
    // both outcomes happen: the harness really corrupts, and not every change is fatal
    expect(read).toBeGreaterThan(CASES / 20);
    expect(refused).toBeGreaterThan(CASES / 2);
  });
});
