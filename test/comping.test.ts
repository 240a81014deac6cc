/**
 * The comping track by meter (oom-pah, oom-pah-pah, jig), voiced below the
 * melody, from the chord symbols in force; and the accompaniment pipeline
 * around it: the melody line of a polyphonic tune, chords kept or replaced,
 * the style a tune calls for, an empty tune.
 */
import { describe, expect, it } from 'vitest';
import {
  MusegenError, accompanyWithChords, compingPart, compingPattern, createPart, createScore, defaultAccompanimentStyle, midiOf, parsePitch, readAbc,
  type Note, type Score,
} from '../src/index.js';

const Q = 480;
const E = Q / 2;

/** A one-part tune: notes as [pitch, onset, duration] in ticks. */
function tune(notes: [string, number, number][], init: Partial<Score> = {}): Score {
  const part = createPart({ name: 'Melody', notes: notes.map(([p, onset, duration]): Note => ({ pitch: parsePitch(p), onset, duration, velocity: 80 })) });
  return createScore({ parts: [part], ...init });
}

const pcs = (notes: readonly Note[]): number[] => [...new Set(notes.map((n) => midiOf(n.pitch) % 12))].sort((a, b) => a - b);
const at = (notes: readonly Note[], onset: number): Note[] => notes.filter((n) => n.onset === onset);

describe('the pattern of each meter', () => {
  it('is oom-pah in 2/4, oom-pah-oom-pah in 4/4, oom-pah-pah in 3/4 and a jig in 6/8', () => {
    const roles = (n: number, d: number) => compingPattern({ numerator: n, denominator: d }).map((h) => `${h.role}@${h.offset}/${h.duration}`);
    expect(roles(2, 4)).toEqual([`bass@0/${Q}`, `chord@${Q}/${Q}`]);
    expect(roles(4, 4)).toEqual([`bass@0/${Q}`, `chord@${Q}/${Q}`, `fifth@${2 * Q}/${Q}`, `chord@${3 * Q}/${Q}`]);
    expect(roles(3, 4)).toEqual([`bass@0/${Q}`, `chord@${Q}/${Q}`, `chord@${2 * Q}/${Q}`]);
    expect(roles(6, 8)).toEqual([`bass@0/${Q}`, `chord@${2 * E}/${E}`, `fifth@${3 * E}/${Q}`, `chord@${5 * E}/${E}`]);
    expect(roles(9, 8)).toHaveLength(6);
  });
});

describe('the comping part', () => {
  const reel = tune([['C5', 0, 2 * Q], ['E5', 2 * Q, 2 * Q], ['D5', 4 * Q, 4 * Q]], {
    chordSymbols: [{ tick: 0, text: 'C' }, { tick: 4 * Q, text: 'G7' }], end: 8 * Q,
  });

  it('plays the root and the fifth in the bass and the chord between, in 4/4', () => {
    const part = compingPart(reel);
    expect(part).toMatchObject({ name: 'Chords', program: 0, channel: 1, isDrum: false });
    const bass = part.notes.filter((n) => midiOf(n.pitch) < 52);
    expect(bass.map((n) => [n.onset, midiOf(n.pitch) % 12])).toEqual([[0, 0], [2 * Q, 7], [4 * Q, 7], [6 * Q, 2]]);
    expect(bass.every((n) => midiOf(n.pitch) >= 40)).toBe(true);
    expect(pcs(at(part.notes, Q))).toEqual([0, 4, 7]);
    expect(pcs(at(part.notes, 5 * Q))).toEqual([2, 5, 7, 11]);
    expect(part.notes.filter((n) => n.onset === Q || n.onset === 3 * Q).every((n) => n.duration === Q)).toBe(true);
  });

  it('keeps the chord below the melody, and each chord near the one before', () => {
    const low = tune([['A3', 0, 4 * Q], ['C6', 4 * Q, 4 * Q]], { chordSymbols: [{ tick: 0, text: 'F' }, { tick: 4 * Q, text: 'F' }], end: 8 * Q });
    const part = compingPart(low);
    for (const n of part.notes.filter((x) => x.onset < 4 * Q && x.onset % (2 * Q) === Q)) expect(midiOf(n.pitch)).toBeLessThan(57);
    const chordNotes = part.notes.filter((n) => n.onset % (2 * Q) === Q);
    expect(Math.max(...chordNotes.map((n) => midiOf(n.pitch)))).toBeLessThanOrEqual(67);
    const [a, b] = [at(part.notes, 3 * Q), at(part.notes, 5 * Q)].map((ns) => ns.map((n) => midiOf(n.pitch)).sort((x, y) => x - y));
    expect(a!.reduce((s, x, i) => s + Math.abs(x - b![i]!), 0)).toBeLessThanOrEqual(12); // no leap of the whole chord
  });

  it('plays oom-pah-pah in 3/4 and the jig pattern in 6/8, from the pickup\'s chord on', () => {
    const waltz = tune([['F5', 0, 3 * Q], ['A5', 3 * Q, 3 * Q]], { timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }], chordSymbols: [{ tick: 0, text: 'F' }], end: 6 * Q });
    expect([...new Set(compingPart(waltz).notes.map((n) => n.onset))]).toEqual([0, Q, 2 * Q, 3 * Q, 4 * Q, 5 * Q]);
    const jig = readAbc('X:1\nM:6/8\nL:1/8\nK:D\nA|"D"dfa "A"gfe|"D"d3 d2|]\n')[0]!.score;
    const part = compingPart(jig);
    const bar1 = E; // after the eighth-note pickup, which has no chord
    expect(part.notes.every((n) => n.onset >= bar1)).toBe(true);
    expect([...new Set(part.notes.map((n) => n.onset - bar1))].slice(0, 4)).toEqual([0, 2 * E, 3 * E, 5 * E]);
    expect(pcs(at(part.notes, bar1 + 3 * E))).toEqual([4]); // the second beat's chord is A: its fifth, E, in the bass
  });

  it('plays the written bass of a slash chord, and stops at N.C.', () => {
    const slash = tune([['A5', 0, 8 * Q]], { chordSymbols: [{ tick: 0, text: 'D/F#' }, { tick: 4 * Q, text: 'N.C.' }], end: 8 * Q });
    const part = compingPart(slash);
    expect(midiOf(at(part.notes, 0)[0]!.pitch) % 12).toBe(6);
    expect(part.notes.every((n) => n.onset < 4 * Q)).toBe(true);
  });
});

describe('accompanying a tune with chords', () => {
  it('keeps a tune\'s own chords without a model, and comps them', () => {
    const jig = readAbc('X:1\nM:6/8\nL:1/8\nK:D\n"D"dfa "A"gfe|"D"d3 d2|]\n')[0]!.score;
    const result = accompanyWithChords(null, jig);
    expect(result.chords).toBe('kept');
    expect(result.score.chordSymbols).toEqual(jig.chordSymbols);
    expect(result.score.parts.map((p) => p.name)).toEqual([jig.parts[0]!.name, 'Chords']);
    expect(accompanyWithChords(null, jig, { comping: false }).score.parts).toHaveLength(1);
    expect(() => accompanyWithChords(null, jig, { replace: true })).toThrow(MusegenError);
  });

  it('takes the top line of a polyphonic melody, with a warning', () => {
    const chords = tune([['C5', 0, Q], ['E4', 0, Q], ['G4', 0, 2 * Q], ['D5', Q, Q]], { chordSymbols: [{ tick: 0, text: 'C' }] });
    const result = accompanyWithChords(null, chords);
    expect(result.warnings).toEqual([expect.stringMatching(/polyphonic .* its top line is taken/)]);
    expect(result.score.parts[0]!.notes.map((n) => [midiOf(n.pitch), n.onset, n.duration])).toEqual([[72, 0, Q], [74, Q, Q]]);
    const two = { ...chords, parts: [createPart({ name: 'Bass', notes: [{ pitch: parsePitch('C3'), onset: 0, duration: Q, velocity: 80 }] }), chords.parts[0]!] };
    expect(accompanyWithChords(null, two).warnings[0]).toMatch(/2 parts: the melody is taken from part 2 \("Melody"\), its top line/);
  });

  it('refuses an empty tune, and tells a chorale from a folk tune', () => {
    const empty = createScore({ parts: [createPart()] });
    expect(() => accompanyWithChords(null, empty)).toThrow(/no notes to accompany/);
    expect(defaultAccompanimentStyle(tune([['C5', 0, Q]]))).toBe('chords');
    const fermata = tune([['C5', 0, Q]]);
    fermata.parts[0]!.notes[0]!.fermata = true;
    expect(defaultAccompanimentStyle(fermata)).toBe('chorale');
  });
});
