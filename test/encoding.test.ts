import { describe, expect, it } from 'vitest';
import {
  createPart, createScore, midiOf, parsePitch, pitchName, quantize, spellMidi, TICKS_PER_QUARTER as Q,
  type Mode, type Note, type Pitch, type Score, type Step,
} from '../src/score/index.js';
import {
  createStepContext, encoderFromSpec, EventVocabulary, HOLD, MelodyEncoder, metricalStrength, PianoRollEncoder,
  readChordSymbol, REST, VoiceStreamEncoder, windowOrigins, EventLayout,
} from '../src/encoding/index.js';
import { isMusegenError } from '../src/errors.js';
import { rng } from './helpers/random.js';
import { fermataByOnset } from './helpers/scores.js';

// ---- a seeded random Score generator --------------------------------------------------------------


const METERS = [[4, 4], [3, 4], [6, 8], [2, 4], [3, 2]] as const;
const MODES: Mode[] = ['major', 'minor', 'dorian'];

interface RandomOptions {
  parts: number;
  /** Several notes at once inside a part (never two of one pitch). */
  chords?: boolean;
  stepsPerQuarter?: number;
  lowest?: number;
  highest?: number;
}

/** A random Score on the grid, pitches in range and spelled with any alter −2..2. */
function randomScore(seed: number, o: RandomOptions): Score {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const step = Q / (o.stepsPerQuarter ?? 4);
  const lowest = o.lowest ?? 48;
  const highest = o.highest ?? 84;
  const randomPitch = (): Pitch => {
    for (;;) {
      const p: Pitch = { step: pick(['C', 'D', 'E', 'F', 'G', 'A', 'B'] as Step[]), alter: r() < 0.1 ? pick([-2, 2]) : pick([-1, 0, 0, 0, 1]), octave: 2 + Math.floor(r() * 5) };
      if (midiOf(p) >= lowest && midiOf(p) <= highest) return p;
    }
  };
  const [num, den] = pick(METERS);
  const bar = (num * 4 * Q) / den;
  const length = bar * (2 + Math.floor(r() * 6));
  const parts = Array.from({ length: o.parts }, (_, i) => {
    const notes: Note[] = [];
    for (let t = 0; t < length; ) {
      const d = step * (1 + Math.floor(r() * 8));
      if (r() < 0.8) {
        const chord = o.chords ? 1 + Math.floor(r() * 3) : 1;
        const used = new Set<number>();
        for (let c = 0; c < chord; c++) {
          const p = randomPitch();
          if (used.has(midiOf(p))) continue;
          used.add(midiOf(p));
          notes.push({ pitch: p, onset: t, duration: Math.min(d, length - t), velocity: 80, ...(r() < 0.05 ? { fermata: true } : {}) });
        }
      }
      t += d;
    }
    return createPart({ name: `part ${i}`, program: i, channel: i, notes: notes.sort((a, b) => a.onset - b.onset || midiOf(a.pitch) - midiOf(b.pitch)) });
  });
  const fifths = Math.floor(r() * 13) - 6;
  return createScore({
    title: `random ${seed}`,
    parts,
    timeSignatures: [{ tick: 0, numerator: num, denominator: den }],
    keySignatures: [{ tick: 0, fifths, mode: pick(MODES) }],
    tempos: [{ tick: 0, bpm: 60 + Math.floor(r() * 100) }],
    chordSymbols: r() < 0.5 ? [{ tick: 0, text: 'G7' }, { tick: bar, text: 'Am' }] : [],
    pickup: r() < 0.3 ? step * 4 : 0,
    end: length,
  });
}

type NoteRow = [string, number, number, boolean];
const rows = (notes: readonly Note[], name: (p: Pitch) => string = pitchName): NoteRow[] =>
  notes.map((n) => [name(n.pitch), n.onset, n.duration, n.fermata === true]);
const maps = (s: Score) => ({
  timeSignatures: s.timeSignatures, keySignatures: s.keySignatures, tempos: s.tempos, chordSymbols: s.chordSymbols,
  pickup: s.pickup, end: s.end, title: s.title,
});
const midiName = (p: Pitch): string => String(midiOf(p));
function expectMusegenError(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(isMusegenError(e)).toBe(true);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected a MusegenError matching ${pattern}`);
}

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

// ---- round trips ---------------------------------------------------------------------------------

describe('round trip on random scores: decode(encode(s)) = quantize(s)', () => {
  it('spelled melody keeps pitches with spelling, onsets, durations, fermatas and the maps', () => {
    const enc = new MelodyEncoder({ spelled: true, lowest: 48, highest: 84 });
    for (const seed of SEEDS) {
      const s = randomScore(seed, { parts: 1 });
      const e = enc.encode(s);
      expect(e.report).toMatchObject({ outOfRange: 0, offGrid: 0, polyphonyDropped: 0, respelled: 0, messages: [] });
      expect(e.tokens.length).toBe(e.steps);
      const back = enc.decode(e);
      const q = quantize(s, 4);
      expect(rows(back.parts[0]!.notes)).toEqual(rows(q.parts[0]!.notes));
      expect(maps(back)).toEqual(maps(q));
      expect(back.parts[0]!.name).toBe('part 0');
    }
  });

  it('unspelled melody keeps MIDI pitches and spells them in the key', () => {
    const enc = new MelodyEncoder({ lowest: 48, highest: 84 });
    for (const seed of SEEDS) {
      const s = randomScore(seed, { parts: 1 });
      const back = enc.decode(enc.encode(s));
      expect(rows(back.parts[0]!.notes, midiName)).toEqual(rows(s.parts[0]!.notes, midiName));
      const key = s.keySignatures[0]!;
      for (const n of back.parts[0]!.notes) expect(n.pitch).toEqual(spellMidi(midiOf(n.pitch), key.fifths, key.mode));
    }
  });

  it('voice streams keep every part, spelled, with fermatas per onset step', () => {
    const enc = new VoiceStreamEncoder({ parts: [0, 1, 2], lowest: 48, highest: 84, stepsPerQuarter: 2 });
    for (const seed of SEEDS) {
      const s = randomScore(seed, { parts: 3, stepsPerQuarter: 2 });
      const e = enc.encode(s);
      expect(e.tokens.length).toBe(3 * e.steps);
      expect(e.report.messages).toEqual([]);
      const back = enc.decode(e);
      expect(back.parts.map((p) => rows(p.notes))).toEqual(fermataByOnset(s).map((n) => rows(n)));
      expect(maps(back)).toEqual(maps(s));
    }
  });

  it('piano roll per part keeps chords; merged keeps the union', () => {
    const perPart = new PianoRollEncoder({ parts: [0, 1], lowest: 48, highest: 84 });
    const merged = new PianoRollEncoder({ lowest: 48, highest: 84, stepsPerQuarter: 4 });
    for (const seed of SEEDS) {
      const s = randomScore(seed, { parts: 2, chords: true });
      const e = perPart.encode(s);
      expect(e.roll.length).toBe(e.steps * perPart.width);
      expect(e.report.polyphonyDropped).toBe(0);
      expect(perPart.decode(e).parts.map((p) => rows(p.notes, midiName))).toEqual(fermataByOnset(s).map((n) => rows(n, midiName)));
      const one = createScore({ ...s, parts: [s.parts[0]!] });
      expect(rows(merged.decode(merged.encode(one)).parts[0]!.notes, midiName)).toEqual(rows(fermataByOnset(one)[0]!, midiName));
    }
  });

  it('the onset channel tells a repeated note from a held one', () => {
    const c4 = parsePitch('C4');
    const repeated = createScore({ parts: [createPart({ notes: [0, Q].map((onset) => ({ pitch: c4, onset, duration: Q, velocity: 80 })) })] });
    const held = createScore({ parts: [createPart({ notes: [{ pitch: c4, onset: 0, duration: 2 * Q, velocity: 80 }] })] });
    const enc = new PianoRollEncoder();
    const a = enc.encode(repeated);
    const b = enc.encode(held);
    expect(Array.from(a.roll)).not.toEqual(Array.from(b.roll));
    expect(enc.decode(a).parts[0]!.notes).toHaveLength(2);
    expect(enc.decode(b).parts[0]!.notes).toHaveLength(1);
    const noOnsets = new PianoRollEncoder({ onsets: false });
    expect(noOnsets.width).toBe(enc.width / 2);
    expect(noOnsets.decode(noOnsets.encode(repeated)).parts[0]!.notes.map((n) => n.duration)).toEqual([2 * Q]);
  });

  it('melody tokens read as note-on / hold / rest', () => {
    const enc = new MelodyEncoder({ stepsPerQuarter: 1, spelled: true });
    const notes = [['C4', 0, 1], ['C4', 1, 1], ['D4', 2, 2]].map(([p, o, d]) => ({ pitch: parsePitch(p as string), onset: (o as number) * Q, duration: (d as number) * Q, velocity: 80 }));
    const e = enc.encode(createScore({ parts: [createPart({ notes })], end: 5 * Q }));
    expect(Array.from(e.tokens).map((t) => enc.vocabulary.name(t))).toEqual(['C4', 'C4', 'D4', 'hold', 'rest']);
    // a generator's stray hold after a rest extends the rest
    const back = enc.decode({ tokens: Int32Array.from([REST, HOLD, enc.vocabulary.tokenOf(parsePitch('E4'))!, HOLD]), context: createStepContext({ stepsPerQuarter: 1 }) });
    expect(rows(back.parts[0]!.notes)).toEqual([['E4', 2 * Q, 2 * Q, false]]);
    expect(back.end).toBe(4 * Q);
  });
});

// ---- vocabularies --------------------------------------------------------------------------------

describe('vocabularies', () => {
  it('the spelled vocabulary tells enharmonics apart; the unspelled one maps them together', () => {
    const spelled = new EventVocabulary({ lowest: 36, highest: 84, spelled: true, alters: [-2, -1, 0, 1, 2] });
    const plain = new EventVocabulary({ lowest: 36, highest: 84, spelled: false, alters: [] });
    const groups = [['C#4', 'Db4', 'B##3'], ['B#3', 'C4', 'Dbb4'], ['E4', 'Fb4', 'D##4'], ['G#4', 'Ab4']];
    for (const g of groups) {
      const tokens = g.map((n) => spelled.tokenOf(parsePitch(n)));
      expect(new Set(tokens).size).toBe(g.length);
      expect(new Set(g.map((n) => plain.tokenOf(parsePitch(n)))).size).toBe(1);
    }
    expect(plain.size).toBe(2 + 49);
    // every pitch of the vocabulary comes back from its token, spelled as it was
    for (let t = 2; t < spelled.size; t++) expect(spelled.tokenOf(spelled.pitchOf(t))).toBe(t);
    expect(spelled.size).toBeGreaterThan(2 + 2 * 49);
    // the low edge: C2 (MIDI 36, the lowest) has a token that maps back to C2, after the flatter Dbb2 and before B#1;
    // nothing below MIDI 36 has one
    const c2 = spelled.tokenOf(parsePitch('C2'));
    expect(c2).toBeDefined();
    expect(pitchName(spelled.pitchOf(c2!))).toBe('C2');
    expect([2, 3, 4].map((t) => spelled.name(t))).toEqual(['Dbb2', 'C2', 'B#1']);
    expect(Math.min(...spelled.pitches.map(midiOf))).toBe(36);
    expect(spelled.tokenOf(parsePitch('B1'))).toBeUndefined();
    expect(spelled.tokenOf(parsePitch('Cb2'))).toBeUndefined(); // MIDI 35
    expect(plain.tokenOf(parsePitch('C2'))).toBe(2); // the unspelled vocabulary's lowest pitch token
    expect(plain.tokenOf(parsePitch('B#1'))).toBe(2);
  });

  it('respells pitches whose alteration the vocabulary lacks, and reports them', () => {
    const enc = new MelodyEncoder({ spelled: true, alters: [-1, 0, 1] });
    const s = createScore({ parts: [createPart({ notes: [{ pitch: parsePitch('F##4'), onset: 0, duration: Q, velocity: 80 }] })] });
    const e = enc.encode(s);
    expect(e.report.respelled).toBe(1);
    expect(e.report.messages[0]).toMatch(/1 note respelled, as the vocabulary holds only the alterations -1, 0, 1.*F##4 as G4, bar 1/);
    expect(pitchName(enc.decode(e).parts[0]!.notes[0]!.pitch)).toBe('G4');
  });
});

// ---- features ------------------------------------------------------------------------------------

/** The beat feature's one-hot index and strength at each step of an encoding. */
function beats(score: Score, spq = 4, maxBarSteps = 24): { index: number[]; strength: number[] } {
  const enc = new MelodyEncoder({ stepsPerQuarter: spq, features: [{ name: 'beat', maxBarSteps }] });
  const e = enc.encode(score);
  const w = e.featureWidth;
  const index: number[] = [];
  const strength: number[] = [];
  for (let s = 0; s < e.steps; s++) {
    const row = Array.from(e.features.subarray(s * w, (s + 1) * w));
    expect(row.slice(0, maxBarSteps).filter((x) => x === 1)).toHaveLength(1);
    index.push(row.indexOf(1));
    strength.push(row[maxBarSteps]!);
    // the row a sampler asks for without the Score is the same
    expect(Array.from(enc.featureRow(e.context, s))).toEqual(row);
  }
  return { index, strength };
}

const silence = (num: number, den: number, end: number, init: Partial<Score> = {}): Score =>
  createScore({ timeSignatures: [{ tick: 0, numerator: num, denominator: den }], end, ...init });

describe('beat features', () => {
  it('4/4: steps within the bar and strengths', () => {
    const b = beats(silence(4, 4, 8 * Q));
    expect(b.index).toEqual([...Array(16).keys(), ...Array(16).keys()]);
    expect(b.strength.slice(0, 16)).toEqual([1, 1 / 16, 1 / 8, 1 / 16, 1 / 4, 1 / 16, 1 / 8, 1 / 16, 1 / 2, 1 / 16, 1 / 8, 1 / 16, 1 / 4, 1 / 16, 1 / 8, 1 / 16]);
  });
  it('3/4: three beats, each a level below the bar', () => {
    const b = beats(silence(3, 4, 6 * Q));
    expect(b.index).toEqual([...Array(12).keys(), ...Array(12).keys()]);
    expect([0, 4, 8, 2].map((s) => b.strength[s])).toEqual([1, 1 / 2, 1 / 2, 1 / 4]);
  });
  it('6/8: two dotted-quarter beats, eighths below them', () => {
    const b = beats(silence(6, 8, 6 * Q));
    expect(b.index).toEqual([...Array(12).keys(), ...Array(12).keys()]);
    expect([0, 6, 2, 4, 1].map((s) => b.strength[s])).toEqual([1, 1 / 2, 1 / 4, 1 / 4, 1 / 8]);
  });
  it('a meter change starts a new bar', () => {
    const s = createScore({ timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }, { tick: 4 * Q, numerator: 3, denominator: 4 }], end: 10 * Q });
    const b = beats(s);
    expect(b.index).toEqual([...Array(16).keys(), ...Array(12).keys(), ...Array(12).keys()]);
    expect(b.strength[16 + 4]).toBe(1 / 2); // beat 2 of a 3/4 bar
  });
  it('a pickup counts from its full bar', () => {
    const b = beats(silence(4, 4, 5 * Q, { pickup: Q }));
    expect(b.index).toEqual([12, 13, 14, 15, ...Array(16).keys()]);
    expect(b.strength[0]).toBe(1 / 4);
    expect(b.strength[4]).toBe(1);
  });
  it('rows for steps past the end of a context follow its meter', () => {
    const enc = new MelodyEncoder({ features: ['beat'] });
    const ctx = createStepContext({ timeSignatures: [{ step: 0, numerator: 3, denominator: 4 }], pickup: 4 });
    const row = enc.featureRow(ctx, 4 + 12 * 100 + 8);
    expect(row.indexOf(1)).toBe(8);
    expect(metricalStrength(8 * 120, { numerator: 3, denominator: 4 })).toBe(row[24]);
  });
});

describe('other features', () => {
  const melody = (notes: [string, number, number, boolean?][], init: Partial<Score> = {}): Score =>
    createScore({
      parts: [createPart({ notes: notes.map(([p, o, d, f]) => ({ pitch: parsePitch(p), onset: o * Q, duration: d * Q, velocity: 80, ...(f ? { fermata: true } : {}) })) })],
      ...init,
    });
  const column = (e: { features: Float32Array; featureWidth: number; steps: number }, col: number): number[] =>
    Array.from({ length: e.steps }, (_, s) => e.features[s * e.featureWidth + col]!);

  it('fermata: a start bit on the fermata note\'s first step, an under bit while it lasts', () => {
    const enc = new MelodyEncoder({ stepsPerQuarter: 1, features: ['fermata'] });
    const e = enc.encode(melody([['C4', 0, 1], ['D4', 1, 2, true], ['E4', 3, 1]]));
    expect(enc.featureLayout.width).toBe(2);
    expect(column(e, 0)).toEqual([0, 1, 0, 0]);
    expect(column(e, 1)).toEqual([0, 1, 1, 0]);
    expect(enc.decode(e).parts[0]!.notes.map((n) => n.fermata === true)).toEqual([false, true, false]);
  });

  it('spelling: accidental one-hot and line-of-fifths position of the sounding pitch', () => {
    const enc = new MelodyEncoder({ stepsPerQuarter: 1, spelled: true, features: ['spelling'] });
    const e = enc.encode(melody([['C#4', 0, 1], ['Db4', 1, 1], ['F##4', 3, 1]]));
    const row = (s: number) => Array.from(e.features.subarray(s * 6, s * 6 + 6));
    expect(row(0).map((x) => +x.toFixed(4))).toEqual([0, 0, 0, 1, 0, +((7 - 2) / 17).toFixed(4)]);
    expect(row(1).map((x) => +x.toFixed(4))).toEqual([0, 1, 0, 0, 0, +((-5 - 2) / 17).toFixed(4)]);
    expect(row(2)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(row(3)[4]).toBe(1);
    expectMusegenError(() => new PianoRollEncoder({ features: ['spelling'] }), /needs a spelled encoding/);
  });

  it('key: tonic on the line of fifths and a minor bit', () => {
    const enc = new MelodyEncoder({ stepsPerQuarter: 1, features: [{ name: 'key', lowestFifths: -7, highestFifths: 10 }] });
    expect(enc.featureLayout.width).toBe(19);
    const keys = [[1, 'major', 1, 0], [0, 'minor', 3, 1], [-2, 'dorian', 0, 1], [0, 'mixolydian', 1, 0]] as const;
    for (const [fifths, mode, tonic, minor] of keys) {
      const e = enc.encode(melody([['C4', 0, 1]], { keySignatures: [{ tick: 0, fifths, mode }] }));
      expect(Array.from(e.features).indexOf(1)).toBe(tonic + 7);
      expect(e.features[18]).toBe(minor);
    }
    expect(Array.from(enc.encode(melody([['C4', 0, 1]])).features).every((x) => x === 0)).toBe(true);
  });

  it('chord: root, quality, seventh and no-chord from chord symbols', () => {
    expect(readChordSymbol('Am7')).toEqual({ root: 9, quality: 'minor', seventh: true });
    expect(readChordSymbol('Bbmaj7')).toEqual({ root: 10, quality: 'major', seventh: true });
    expect(readChordSymbol('Cd')).toEqual({ root: 0, quality: 'diminished', seventh: false });
    expect(readChordSymbol('Ca')).toEqual({ root: 0, quality: 'augmented', seventh: false });
    expect(readChordSymbol('D7/f#')).toEqual({ root: 2, quality: 'major', seventh: true });
    expect(readChordSymbol('F#m7b5')).toEqual({ root: 6, quality: 'diminished', seventh: true });
    expect(readChordSymbol('Gsus4')?.quality).toBe('suspended');
    expect(readChordSymbol('N.C.')).toBeUndefined();
    const enc = new MelodyEncoder({ stepsPerQuarter: 1, features: ['chord'] });
    const e = enc.encode(melody([['C4', 0, 3]], { chordSymbols: [{ tick: Q, text: 'Em' }] }));
    expect(e.featureWidth).toBe(19);
    const row = (s: number) => Array.from(e.features.subarray(s * 19, s * 19 + 19));
    expect(row(0)[18]).toBe(1); // no chord yet
    expect(row(1)[4]).toBe(1); // E
    expect(row(1)[13]).toBe(1); // minor
    expect(row(2)).toEqual(row(1));
  });

  it('melody: a conditioning channel from another part, for accompaniment', () => {
    const s = createScore({
      parts: [
        createPart({ name: 'S', notes: [{ pitch: parsePitch('E5'), onset: 0, duration: Q, velocity: 80 }, { pitch: parsePitch('D5'), onset: 2 * Q, duration: Q, velocity: 80 }] }),
        createPart({ name: 'B', notes: [{ pitch: parsePitch('C3'), onset: 0, duration: 3 * Q, velocity: 80 }] }),
      ],
    });
    const enc = new VoiceStreamEncoder({ parts: [1], stepsPerQuarter: 1, features: [{ name: 'melody', part: 0 }] });
    const e = enc.encode(s);
    expect(e.context.melody).toEqual([{ step: 0, end: 1, midi: 76 }, { step: 2, end: 3, midi: 74 }]);
    expect([0, 1, 2].map((st) => Array.from(e.features.subarray(st * 13, st * 13 + 13)).indexOf(1))).toEqual([4, 12, 2]);
    expect(enc.decode(e).parts.map((p) => p.name)).toEqual(['B']);
    // accompanying a melody alone: its fermatas and pitches are the context to generate in
    s.parts[0]!.notes[1]!.fermata = true;
    const given = enc.encode(createScore({ ...s, parts: [s.parts[0]!] })).context;
    expect(given.fermatas).toEqual([{ step: 2, end: 3 }]);
    expect(Array.from(enc.featureRow(given, 2)).indexOf(1)).toBe(2);
  });

  it('feature columns follow the spec\'s order', () => {
    const enc = new VoiceStreamEncoder({ parts: [0, 1], features: ['fermata', { name: 'beat', maxBarSteps: 16 }, 'spelling'] });
    expect(enc.featureLayout.columns).toEqual([
      { name: 'fermata', offset: 0, width: 2 },
      { name: 'beat', offset: 2, width: 17 },
      { name: 'spelling', offset: 19, width: 12 },
    ]);
  });
});

// ---- reports -------------------------------------------------------------------------------------

describe('reports', () => {
  const note = (p: string, onset: number, duration: number): Note => ({ pitch: parsePitch(p), onset, duration, velocity: 80 });

  it('an empty Score encodes to 0 steps and decodes to an empty Score', () => {
    for (const enc of [new MelodyEncoder({ features: ['beat', 'fermata'] }), new VoiceStreamEncoder(), new PianoRollEncoder({ parts: [0, 1] })]) {
      const e = enc.encode(createScore());
      expect(e.steps).toBe(0);
      expect(e.features.length).toBe(0);
      expect(e.kind === 'roll' ? e.roll.length : e.tokens.length).toBe(0);
      const back = enc.decode(e as never);
      expect(back.end).toBe(0);
      expect(back.parts.every((p) => p.notes.length === 0)).toBe(true);
    }
  });

  it('counts notes outside the range, naming the first and its bar', () => {
    const enc = new MelodyEncoder({ lowest: 60, highest: 72 });
    const s = createScore({ parts: [createPart({ notes: [note('C4', 0, Q), note('A2', Q, Q), note('D6', 5 * Q, Q)] })] });
    const e = enc.encode(s);
    expect(e.report.outOfRange).toBe(2);
    expect(e.report.messages).toEqual(['2 notes outside the range C4–C5 left out (first: A2, bar 1)']);
    expect(Array.from(e.tokens.subarray(0, 8))).toEqual([enc.vocabulary.tokenOf(parsePitch('C4')), HOLD, HOLD, HOLD, REST, REST, REST, REST]);
  });

  it('counts notes off the grid and moves them to the nearest step', () => {
    const enc = new MelodyEncoder({ stepsPerQuarter: 2 });
    const triplets = [0, 1, 2].map((i) => note('C4', Q + (i * Q) / 3, Q / 3));
    const e = enc.encode(createScore({ parts: [createPart({ notes: [note('D4', 0, Q), ...triplets] })] }));
    expect(e.report.offGrid).toBe(3); // every triplet lasts a third of a quarter
    expect(e.report.messages.join('\n')).toMatch(/3 notes starting or ending between steps of the grid \(2 per quarter\).*bar 1/);
    expect(e.report.polyphonyDropped).toBeGreaterThan(0); // two triplet notes land on one step
  });

  it('counts chord tones and overlaps in a monophonic track, keeping the top note', () => {
    const enc = new MelodyEncoder();
    const s = createScore({ parts: [createPart({ notes: [note('C4', 0, 2 * Q), note('E4', 0, Q), note('G4', 0, Q), note('A4', Q, Q)] })] });
    const e = enc.encode(s);
    expect(e.report.polyphonyDropped).toBe(2); // C4 and E4 under G4
    expect(e.report.messages[0]).toMatch(/^2 notes overlapping another note of a monophonic track left out/);
    const back = enc.decode(e).parts[0]!.notes;
    expect(rows(back)).toEqual([['G4', 0, Q, false], ['A4', Q, Q, false]]);
  });

  it('merges unisons of two parts in one roll, and takes the skyline of merged parts for a melody', () => {
    const s = createScore({ parts: [createPart({ notes: [note('E4', 0, Q), note('G4', Q, Q)] }), createPart({ notes: [note('E4', 0, 2 * Q), note('C5', Q, Q / 2)] })] });
    const roll = new PianoRollEncoder();
    const e = roll.encode(s);
    expect(e.report.polyphonyDropped).toBe(1);
    expect(e.report.messages).toEqual(['1 note starting while the same pitch sounds in their track: the earlier note cut short, or at the same step merged with it (first: bar 1)']);
    expect(rows(roll.decode(e).parts[0]!.notes)).toEqual([['E4', 0, 2 * Q, false], ['G4', Q, Q, false], ['C5', Q, Q / 2, false]]);
    const top = new MelodyEncoder({ part: 'merged' });
    expect(rows(top.decode(top.encode(s)).parts[0]!.notes)).toEqual([['E4', 0, Q, false], ['C5', Q, Q / 2, false]]);
  });

  it('says when a part is missing or a drum part', () => {
    const s = createScore({ parts: [createPart({ notes: [note('C4', 0, Q)] }), createPart({ name: 'kit', isDrum: true, channel: 9, notes: [note('C2', 0, Q)] })] });
    const e = new VoiceStreamEncoder({ parts: [0, 1, 2] }).encode(s);
    expect(e.report.messages).toEqual([
      'part 1 ("kit") is a drum part: its track is left silent',
      'the score has 2 parts, so part 2 is missing: its track is left silent',
    ]);
    expect(Array.from(e.tokens.subarray(e.steps, 3 * e.steps)).every((t) => t === REST)).toBe(true);
  });

  it('rejects tokens outside the vocabulary and arrays of the wrong shape', () => {
    const enc = new VoiceStreamEncoder({ parts: [0, 1] });
    const context = createStepContext();
    expectMusegenError(() => enc.decode({ tokens: Int32Array.from([0, 1, 2]), context }), /not a whole number of steps/);
    expectMusegenError(() => enc.decode({ tokens: Int32Array.from([0, 9999]), context }), /outside the vocabulary/);
    expectMusegenError(() => enc.decode({ tokens: Int32Array.from([0, 0]), context: createStepContext({ stepsPerQuarter: 2 }) }), /grid/);
    expectMusegenError(() => new PianoRollEncoder().decode({ roll: new Float32Array(5), context }), /roll has 5 values/);
  });
});

// ---- specs ---------------------------------------------------------------------------------------

describe('specs', () => {
  it('rebuild the same encoder from plain JSON', () => {
    const s = randomScore(7, { parts: 4 });
    const encoders = [
      new PianoRollEncoder({ parts: [0, 1, 2, 3], features: ['beat', 'key'] }),
      new MelodyEncoder({ spelled: true, part: 'merged', features: ['fermata', 'spelling', 'chord'] }),
      new VoiceStreamEncoder({ features: [{ name: 'melody', part: 3 }, 'beat'] }),
    ];
    for (const enc of encoders) {
      const json = JSON.parse(JSON.stringify(enc.spec)) as unknown;
      const again = encoderFromSpec(json);
      expect(again.spec).toEqual(enc.spec);
      expect(again.constructor).toBe(enc.constructor);
      const [a, b] = [enc.encode(s), again.encode(s)];
      expect(Array.from(b.features)).toEqual(Array.from(a.features));
      expect(a.kind === 'roll' ? Array.from(a.roll) : Array.from(a.tokens)).toEqual(b.kind === 'roll' ? Array.from(b.roll) : Array.from(b.tokens));
    }
    expect(MelodyEncoder.getDefaults()).toMatchObject({ encoding: 'melody', stepsPerQuarter: 4, lowest: 48, highest: 96, part: 'top', spelled: false, features: [] });
  });

  it('read a melody from the part named like one, else the highest, by default; an index when asked', () => {
    const part = (name: string, pitch: string) => createPart({ name, notes: [{ pitch: parsePitch(pitch), onset: 0, duration: Q, velocity: 80 }] });
    const melodyOf = (score: Score, enc = new MelodyEncoder()) => pitchName(enc.decode(enc.encode(score)).parts[0]!.notes[0]!.pitch);
    // kern's order: bass first
    const chorale = createScore({ parts: [part('Bass', 'C3'), part('Tenor', 'G3'), part('Alto', 'E4'), part('Soprano', 'C5')] });
    expect(melodyOf(chorale)).toBe('C5');
    expect(melodyOf(chorale, new MelodyEncoder({ part: 0 }))).toBe('C3');
    const unnamed = createScore({ parts: [part('Piano left', 'C3'), part('Piano right', 'E5'), part('Strings', 'G4')] });
    expect(melodyOf(unnamed)).toBe('E5');
    const named = createScore({ parts: [part('Descant', 'G5'), part('Tune', 'D4')] });
    expect(melodyOf(named)).toBe('D4');
  });

  it('name what is wrong with a bad spec', () => {
    const cases: [unknown, RegExp][] = [
      [{ encoding: 'midi-like' }, /unknown encoding "midi-like" \(known: pianoroll, melody, voices\)/],
      [{ encoding: 'melody', features: ['beat', 'tempo'] }, /unknown feature "tempo" \(known: beat, fermata, spelling, key, chord, melody, bar, remaining, lookback\)/],
      [{ encoding: 'melody', features: [{ name: 'beat', size: 3 }] }, /unknown option "size" for feature "beat"/],
      [{ encoding: 'melody', stepsPerQuarter: 7 }, /stepsPerQuarter 7 does not divide/],
      [{ encoding: 'voices', lowest: 80, highest: 40 }, /highest \(40, E2\) is below lowest \(80, Ab5\)/],
      [{ encoding: 'voices', alters: [3] }, /alters\[0\] must be a whole number from -2 to 2/],
      [{ encoding: 'pianoroll', voices: 4 }, /unknown option "voices" for encoding "pianoroll"/],
      [{ encoding: 'melody', features: ['beat', 'beat'] }, /listed twice/],
      ['melody', /expected an object/],
    ];
    for (const [spec, pattern] of cases) {
      expectMusegenError(() => encoderFromSpec(spec), pattern);
      try {
        encoderFromSpec(spec);
      } catch (e) {
        expect((e as { code: string }).code).toBe('BAD_ARGUMENT');
      }
    }
  });
});

// ---- augmentation and windows --------------------------------------------------------------------

describe('augmentation', () => {
  it('returns only the transpositions that fit the range, spelled in a plain key', () => {
    const enc = new MelodyEncoder({ spelled: true, lowest: 60, highest: 84 });
    const s = createScore({
      parts: [createPart({ notes: [['F4', 0], ['Bb4', Q], ['C6', 2 * Q]].map(([p, o]) => ({ pitch: parsePitch(p as string), onset: o as number, duration: Q, velocity: 80 })) })],
      keySignatures: [{ tick: 0, fifths: -1, mode: 'major' }],
    });
    const out = enc.augment(s, 6);
    expect(out.map((t) => t.semitones)).toEqual([-5, -4, -3, -2, -1, 0]);
    const up = enc.augment(s, [-1, -1])[0]!;
    expect(up.score.parts[0]!.notes.map((n) => pitchName(n.pitch))).toEqual(['E4', 'A4', 'B5']);
    expect(up.score.keySignatures[0]!.fifths).toBe(4); // F major down a semitone is E major, not Fb
    expect(enc.augment(s, [7, 9])).toEqual([]);
    expectMusegenError(() => enc.augment(s, [2, 1]), /transposition range/);
  });
});

describe('windows', () => {
  const enc = new VoiceStreamEncoder({ parts: [0, 1], stepsPerQuarter: 1, features: ['beat'] });
  const pieces = [3, 4].map((seed) => enc.encode(randomScore(seed, { parts: 2, stepsPerQuarter: 1 })));

  it('start every hop steps, piece by piece, with the last partial window kept when padding', () => {
    const length = 8;
    const hop = 3;
    const all = windowOrigins(pieces, { length, hop });
    const expected = pieces.reduce((n, e) => n + (e.steps >= length ? Math.floor((e.steps - length) / hop) + 1 : 0), 0);
    expect(all).toHaveLength(expected);
    for (const { piece, step } of all) expect(step + length).toBeLessThanOrEqual(pieces[piece]!.steps);
    const e = pieces[0]!;
    expect(windowOrigins([e], { length: e.steps + 1 })).toEqual([]);
    expect(windowOrigins([e], { length: e.steps - 1, pad: true })).toEqual([{ piece: 0, step: 0 }, { piece: 0, step: e.steps - 1 }]);
    expectMusegenError(() => windowOrigins([e], { length: 0 }), /window length/);
    expectMusegenError(() => windowOrigins([e], { length: 4, hop: 1.5 }), /window hop/);
  });

  it('are packed into batches by the sequence layout, as training reads them, padding weighted 0', () => {
    const layout = new EventLayout(enc);
    const prepared = pieces.map((p) => layout.prepare(p));
    const length = 6 * 2; // 6 steps of 2 interleaved streams
    const all = windowOrigins(prepared.map((p) => ({ steps: p.length })), { length, hop: 4, pad: true });
    const chosen = [all[3]!, all.at(-1)!];
    const batch = layout.batch(chosen.map((o) => ({ piece: prepared[o.piece]!, start: o.step })), length);
    chosen.forEach(({ piece, step }, b) => {
      const tokens = prepared[piece]!.tokens!;
      const real = Math.min(length, tokens.length - step);
      expect(Array.from(batch.classes!.subarray(b * length, b * length + real))).toEqual(Array.from(tokens.subarray(step, step + real)));
      expect(Array.from(batch.weights.subarray(b * length, (b + 1) * length))).toEqual([...new Array(real).fill(1), ...new Array(length - real).fill(0)]);
    });
    expect(batch.targets).toBe(chosen.reduce((n, { piece, step }) => n + Math.min(length, prepared[piece]!.length - step), 0));
  });
});
