/**
 * The cadence (src/sampling/cadence.ts): the constraint on the last beat
 * worked out on hand-made probabilities, and pieces of the bundled model in
 * several keys and meters that all end on their tonic, held through the last beat.
 */
import { describe, expect, it } from 'vitest';
import {
  HOLD, MelodyEncoder, VoiceStreamEncoder, TICKS_PER_QUARTER as Q, barLength, cadenceFor, folderSource, initBackend, loadGenerator, midiOf, parseKey, parseMeter,
  planPiece, samplePieces, type Score,
} from '../src/index.js';
import { BUNDLED_MODEL } from './helpers/paths.js';

// C4..C5 at one step per eighth: 2 + 13 tokens; C4 = 2, E4 = 6, G4 = 9, C5 = 14
const enc = new MelodyEncoder({ stepsPerQuarter: 2, lowest: 60, highest: 72, features: ['beat', 'key'] });
const uniform = (): Float64Array => new Float64Array(enc.vocabulary.size).fill(1 / enc.vocabulary.size);
const nonZero = (p: Float64Array): number[] => Array.from(p).flatMap((x, i) => (x > 0 ? [i] : []));

describe('the cadence constraint', () => {
  it('is the last beat: from the last quarter of 4/4, the last dotted quarter of 6/8', () => {
    expect(cadenceFor(enc, planPiece(enc, { bars: 2, key: parseKey('C') }))!.step).toBe(14);
    expect(cadenceFor(enc, planPiece(enc, { bars: 2, meter: parseMeter('6/8'), key: parseKey('C') }))!.step).toBe(9);
  });

  it('leaves earlier steps alone, asks for a tonic at the last beat, holds after it', () => {
    const cadence = cadenceFor(enc, planPiece(enc, { bars: 2, key: parseKey('C') }))!;
    const p = uniform();
    p[HOLD] = 0.3;
    expect(cadence.constrain(13, p)).toBe(p);
    cadence.observe(9); // G4 sounding
    const at = cadence.constrain(14, p);
    expect(nonZero(at)).toEqual([2, 14]); // C4, C5: no hold of the G
    expect(at[2]).toBeCloseTo(0.5, 12);
    expect(nonZero(cadence.constrain(15, p))).toEqual([HOLD]);
  });

  it('lets a tonic already sounding be held, in proportion to the model', () => {
    const cadence = cadenceFor(enc, planPiece(enc, { bars: 2, key: parseKey('C') }))!;
    cadence.observe(14); // C5
    cadence.observe(HOLD);
    const p = uniform();
    p[HOLD] = 2 / enc.vocabulary.size; // twice a C's probability
    const at = cadence.constrain(14, p);
    expect(nonZero(at)).toEqual([HOLD, 2, 14]);
    expect(at[HOLD]).toBeCloseTo(0.5, 12);
  });

  it('finds the tonic of the mode: A in A minor, D in D dorian', () => {
    expect(cadenceFor(enc, planPiece(enc, { bars: 1, key: parseKey('A minor') }))!.tonic).toBe(9);
    expect(cadenceFor(enc, planPiece(enc, { bars: 1, key: parseKey('D dorian') }))!.tonic).toBe(2);
  });

  it('is absent without a key, for several streams, and when the primer reaches the last beat', () => {
    const keyless = new MelodyEncoder({ stepsPerQuarter: 2, lowest: 60, highest: 72 });
    expect(cadenceFor(keyless, planPiece(keyless, { bars: 2 }))).toBeNull();
    const voices = new VoiceStreamEncoder({ parts: [0, 1], stepsPerQuarter: 2, lowest: 48, highest: 72, features: ['key'] });
    expect(cadenceFor(voices, planPiece(voices, { bars: 2, key: parseKey('C') }))).toBeNull();
    expect(cadenceFor(enc, { ...planPiece(enc, { bars: 1, key: parseKey('C') }), primerSteps: 16 })).toBeNull();
  });
});

/** The pitch class and length of a piece's last note. */
function lastNote(score: Score): { pc: number; duration: number; end: number } {
  const notes = score.parts.flatMap((p) => p.notes);
  const last = notes.reduce((a, b) => (b.onset > a.onset ? b : a));
  return { pc: midiOf(last.pitch) % 12, duration: last.duration, end: last.onset + last.duration };
}

describe('pieces of the bundled model, with the cadence on (the default)', () => {
  const cases = [
    { key: 'G', meter: '4/4', tonic: 7, beat: Q },
    { key: 'E minor', meter: '6/8', tonic: 4, beat: 1.5 * Q },
    { key: 'D dorian', meter: '3/4', tonic: 2, beat: Q },
    { key: 'Bb', meter: '2/4', tonic: 10, beat: Q },
  ];
  it.each(cases)('end on the tonic of $key in $meter, held through the last beat', async ({ key, meter, tonic, beat }) => {
    await initBackend({ backend: 'wasm' });
    const { generator } = await loadGenerator(folderSource(BUNDLED_MODEL));
    const m = parseMeter(meter);
    const pieces = samplePieces(generator, { count: 5, bars: 4, key: parseKey(key), meter: m, temperature: 1.2, seed: 11 });
    generator.dispose();
    for (const { score } of pieces) {
      const last = lastNote(score);
      expect(last.pc).toBe(tonic);
      expect(last.end).toBe(4 * barLength(m));
      expect(last.duration).toBeGreaterThanOrEqual(beat);
    }
  });
});
