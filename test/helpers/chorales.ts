/**
 * Four-part pieces made in code, for tests of models that need four voices
 * when the real chorales (../shared/corpora) are not at hand: block chords
 * of a seeded progression in a key, each voice moving to the nearest chord
 * tone inside its SATB range, a fermata on the last chord of every phrase.
 *
 * @example
 *   const scores = fourPartPieces(8, 1);      // 8 pieces, seed 1
 *   writeFourPartFolder(tmp.join('satb'), scores);
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPart, createScore, spellMidi, writeMidi, type Note, type Score } from '../../src/index.js';
import { rng } from './random.js';

const RANGES = [[62, 79], [55, 72], [48, 67], [38, 60]] as const;
/** Scale degrees (semitones above the tonic) of the chords I, ii, IV, V, vi in a major key. */
const CHORDS = [[0, 4, 7], [2, 5, 9], [5, 9, 0], [7, 11, 2], [9, 0, 4]];
const PROGRESSIONS = [[0, 2, 3, 0], [0, 4, 1, 3], [0, 3, 4, 2], [0, 1, 3, 0]];

/** `count` pieces of `bars` bars of 4/4, one chord a beat (the bass in eighths now and then), seeded. */
export function fourPartPieces(count: number, seed: number, bars = 4): Score[] {
  const next = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const tonic = [0, 7, 5, 2, 10, 9][i % 6]!;
    const fifths = [0, 1, -1, 2, -2, 3][i % 6]!;
    const voices: Note[][] = [[], [], [], []];
    let previous = [72, 64, 55, 48];
    for (let beat = 0; beat < bars * 4; beat++) {
      const progression = PROGRESSIONS[Math.floor(next() * PROGRESSIONS.length)]!;
      const chord = CHORDS[progression[beat % 4]!]!.map((d) => (tonic + d) % 12);
      const chosen = previous.map((p, v) => {
        const [low, high] = RANGES[v]!;
        const pool = v === 3 ? [chord[0]!] : chord;
        let best = p;
        let distance = Infinity;
        for (let m = low; m <= high; m++) {
          if (pool.includes(m % 12) && Math.abs(m - p) < distance) [best, distance] = [m, Math.abs(m - p)];
        }
        return best;
      });
      const fermata = beat % 8 === 7;
      chosen.forEach((midi, v) => voices[v]!.push({ pitch: spellMidi(midi, fifths), onset: beat * 480, duration: 480, velocity: 80, ...(fermata ? { fermata } : {}) }));
      previous = chosen;
    }
    return createScore({
      title: `four parts ${i + 1}`,
      keySignatures: [{ tick: 0, fifths, mode: 'major' }],
      parts: ['Soprano', 'Alto', 'Tenor', 'Bass'].map((name, v) => createPart({ name, channel: v, notes: voices[v]! })),
    });
  });
}

/** Write pieces as MIDI files into `dir` (made if missing); returns `dir`. */
export function writeFourPartFolder(dir: string, scores: readonly Score[]): string {
  mkdirSync(dir, { recursive: true });
  scores.forEach((s, i) => writeFileSync(join(dir, `satb-${String(i + 1).padStart(2, '0')}.mid`), writeMidi(s)));
  return dir;
}
