import { describe, expect, it } from 'vitest';
import {
  barPosition, barStarts, createPart, createScore, estimateKey, intervalForSemitones, midiOf, parseInterval,
  parsePitch, pitchName, quantize, sliceBars, spellMidi, transpose, transposeChordSymbol, transposePitch,
  TICKS_PER_QUARTER as Q, fifthsOf, accidentalText, alterOfAccidental,
} from '../src/index.js';

describe('spelled pitch', () => {
  it('derives MIDI numbers and keeps enharmonics apart', () => {
    expect(midiOf(parsePitch('C4'))).toBe(60);
    expect(midiOf(parsePitch('C#4'))).toBe(61);
    expect(midiOf(parsePitch('Db4'))).toBe(61);
    expect(pitchName(parsePitch('Db4'))).not.toBe(pitchName(parsePitch('C#4')));
    expect(midiOf(parsePitch('B#3'))).toBe(60);
    expect(midiOf(parsePitch('Cb4'))).toBe(59);
    expect(midiOf(parsePitch('Fx2'))).toBe(43);
    expect(() => parsePitch('H4')).toThrow(/not a pitch name/);
    expect(Object.is(parsePitch('C4').alter, 0)).toBe(true); // never -0
    expect(['bb', 'b', '', '#', '##', 'x'].map(alterOfAccidental)).toEqual([-2, -1, 0, 1, 2, 2]);
    expect([-2, -1, 0, 1, 2].map(accidentalText)).toEqual(['bb', 'b', '', '#', '##']);
  });
  it('spells MIDI numbers from the key', () => {
    expect(pitchName(spellMidi(61, 0))).toBe('C#4');
    expect(pitchName(spellMidi(61, -4))).toBe('Db4'); // Ab major
    expect(pitchName(spellMidi(68, 0, 'minor'))).toBe('G#4'); // A minor leading tone
    expect(pitchName(spellMidi(70, 0))).toBe('Bb4');
    expect(pitchName(spellMidi(65, 6))).toBe('E#4'); // F# major
    for (let m = 0; m < 128; m++) for (let k = -7; k <= 7; k++) expect(midiOf(spellMidi(m, k))).toBe(m);
  });
  it('transposes by spelled intervals', () => {
    expect(pitchName(transposePitch(parsePitch('C4'), parseInterval('M3')))).toBe('E4');
    expect(pitchName(transposePitch(parsePitch('Db4'), parseInterval('m3')))).toBe('Fb4');
    expect(pitchName(transposePitch(parsePitch('C#4'), parseInterval('m3')))).toBe('E4');
    expect(pitchName(transposePitch(parsePitch('B3'), parseInterval('m2')))).toBe('C4');
    expect(pitchName(transposePitch(parsePitch('E4'), parseInterval('-P5')))).toBe('A3');
  });
  it('chooses intervals that keep keys plain', () => {
    for (let n = -12; n <= 12; n++) {
      for (let k = -6; k <= 6; k++) {
        const iv = intervalForSemitones(n, k);
        expect(iv.semitones).toBe(n);
        const newKey = fifthsOf(transposePitch({ step: 'C', alter: 0, octave: 4 }, iv)) + k;
        expect(newKey).toBeGreaterThanOrEqual(-5);
        expect(newKey).toBeLessThanOrEqual(6);
      }
    }
  });
  it('transposes chord symbols', () => {
    expect(transposeChordSymbol('Am7/G', parseInterval('M2'))).toBe('Bm7/A');
    expect(transposeChordSymbol('F', parseInterval('m2'))).toBe('Gb');
  });
});

describe('score', () => {
  const mk = () =>
    createScore({
      parts: [createPart({ notes: [
        { pitch: parsePitch('D4'), onset: 0, duration: Q / 2 + 7, velocity: 80 },
        { pitch: parsePitch('F#4'), onset: Q / 2 + 5, duration: Q * 4, velocity: 80, fermata: true },
      ] })],
      keySignatures: [{ tick: 0, fifths: 2, mode: 'major' }],
      timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }],
      pickup: Q,
    });
  it('finds barlines with a pickup', () => {
    const s = mk();
    expect(s.end).toBe(Q / 2 + 5 + 4 * Q);
    expect(barStarts(s)).toEqual([0, Q, 4 * Q]);
    expect(barPosition(s, 0).offset).toBe(2 * Q); // pickup is the last beat of a 3/4 bar
    expect(barPosition(s, Q + Q).bar).toBe(1);
    expect(barPosition(s, Q + Q).offset).toBe(Q);
  });
  it('starts a new bar at a meter change', () => {
    const s = createScore({ timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }, { tick: 4 * Q, numerator: 6, denominator: 8 }], end: 10 * Q });
    expect(barStarts(s)).toEqual([0, 4 * Q, 7 * Q]);
  });
  it('quantizes to a grid, keeping at least one step', () => {
    const q = quantize(mk(), 2);
    expect(q.parts[0]!.notes.map((n) => [n.onset, n.duration])).toEqual([[0, Q / 2], [Q / 2, 4 * Q]]);
    expect(() => quantize(mk(), 7)).toThrow(/does not divide/);
  });
  it('transposes notes and key signature together', () => {
    const t = transpose(mk(), parseInterval('m3'));
    expect(t.parts[0]!.notes.map((n) => pitchName(n.pitch))).toEqual(['F4', 'A4']);
    expect(t.keySignatures[0]!.fifths).toBe(-1);
  });
  it('slices bars', () => {
    const s = sliceBars(mk(), 1, 2);
    expect(s.end).toBe(3 * Q);
    expect(s.parts[0]!.notes).toHaveLength(1);
    expect(s.parts[0]!.notes[0]!.onset).toBe(0);
    expect(s.parts[0]!.notes[0]!.duration).toBe(3 * Q);
    expect(() => sliceBars(mk(), 5, 6)).toThrow(/not inside/);
  });
  it('estimates keys', () => {
    const scale = (tonic: number, steps: number[]) => steps.map((s) => ({ midi: tonic + s, duration: s === 0 ? 4 : 1 }));
    expect(estimateKey(scale(67, [0, 2, 4, 5, 7, 9, 11, 0, 7, 4]))).toEqual({ fifths: 1, mode: 'major' });
    expect(estimateKey(scale(57, [0, 2, 3, 5, 7, 8, 11, 0, 3, 7]))).toEqual({ fifths: 0, mode: 'minor' });
  });
});
