/**
 * Incremental decoding (src/encoding/stream.ts): feeding an encoding step by
 * step gives exactly the notes `decode` gives, each reported at the step
 * where it ends (not later), the rest at `finish()`; `score()` after k steps
 * is the decode of the first k steps. Over synthetic pieces (key changes,
 * fermatas, chords), arrays no encoder would write (holds after rests,
 * probabilities in a roll), the demo corpus and Bach chorales.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAbc, readKern } from '../src/io/index.js';
import {
  createPart, createScore, midiOf, pitchName, sortNotes, spellMidi, ticksPerStep, TICKS_PER_QUARTER as Q,
  type Mode, type Note, type Pitch, type Score, type Step,
} from '../src/score/index.js';
import {
  createStepContext, HOLD, lastAtOrBefore, MelodyEncoder, PianoRollEncoder, REST, VoiceStreamEncoder,
  type AnyEncoder, type DecodableEvents, type DecodableRoll, type StepContext, type TrackNote,
} from '../src/encoding/index.js';
import { isMusegenError } from '../src/errors.js';
import { rng } from './helpers/random.js';

// ---- pieces ---------------------------------------------------------------------------------------


const MODES: Mode[] = ['major', 'minor', 'dorian'];
const STEPS: Step[] = ['C', 'D', 'E', 'F', 'G', 'A', 'B'];

/** A random Score on a 4-per-quarter grid: `parts` parts (chords inside a part when asked), a key change, fermatas. */
function randomScore(seed: number, parts: number, chords = false): Score {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const step = Q / 4;
  const randomPitch = (): Pitch => {
    for (;;) {
      const p: Pitch = { step: pick(STEPS), alter: pick([-1, 0, 0, 1]), octave: 3 + Math.floor(r() * 3) };
      if (midiOf(p) >= 48 && midiOf(p) <= 84) return p;
    }
  };
  const length = 4 * Q * (2 + Math.floor(r() * 4));
  const score = createScore({
    title: `random ${seed}`,
    parts: Array.from({ length: parts }, (_, i) => {
      const notes: Note[] = [];
      for (let t = 0; t < length; ) {
        const d = step * (1 + Math.floor(r() * 6));
        if (r() < 0.8) {
          const used = new Set<number>();
          for (let c = chords ? 1 + Math.floor(r() * 3) : 1; c > 0; c--) {
            const p = randomPitch();
            if (used.has(midiOf(p))) continue;
            used.add(midiOf(p));
            notes.push({ pitch: p, onset: t, duration: Math.min(d, length - t), velocity: 80, ...(r() < 0.1 ? { fermata: true } : {}) });
          }
        }
        t += d;
      }
      return createPart({ name: `part ${i}`, program: i, channel: i, notes: sortNotes(notes) });
    }),
    keySignatures: [
      { tick: 0, fifths: Math.floor(r() * 13) - 6, mode: pick(MODES) },
      { tick: 4 * Q, fifths: Math.floor(r() * 13) - 6, mode: pick(MODES) },
    ],
    end: length,
  });
  return score;
}

/** A context with a key change and fermatas at random steps (fermatas the notes need not match). */
function randomContext(r: () => number, steps: number, tracks: number): StepContext {
  const fermatas: StepContext['fermatas'] = [];
  for (let s = 0; s < steps; s++) if (r() < 0.08) fermatas.push({ step: s, end: s + 1 + Math.floor(r() * 4) });
  return createStepContext({
    keySignatures: [{ step: 0, fifths: -3, mode: 'minor' }, { step: Math.floor(steps / 2), fifths: 4, mode: 'major' }],
    fermatas,
    tracks: Array.from({ length: tracks }, (_, i) => ({ name: `t${i}`, program: i, channel: i })),
  });
}

/** Tokens no encoder writes: holds at the start and after rests, repeated note-ons. */
function randomTokens(r: () => number, encoder: AnyEncoder, steps: number): DecodableEvents {
  const tokens = new Int32Array(encoder.tracks * steps);
  for (let i = 0; i < tokens.length; i++) {
    const x = r();
    tokens[i] = x < 0.2 ? REST : x < 0.6 ? HOLD : 2 + Math.floor(r() * (encoder.vocabulary.size - 2));
  }
  return { tokens, context: randomContext(r, steps, encoder.tracks) };
}

/** A roll of probabilities, sparse enough to hold notes of several lengths; onsets without sustain too. */
function randomRoll(r: () => number, encoder: PianoRollEncoder, steps: number): DecodableRoll {
  const roll = new Float32Array(encoder.width * steps);
  const { pitches } = encoder.rollShape;
  for (let t = 0; t < encoder.tracks; t++) {
    for (let p = 0; p < pitches; p += 1 + Math.floor(r() * 4)) {
      const midi = encoder.spec.lowest + p;
      for (let s = 0; s < steps; s++) {
        const on = r() < 0.5;
        roll[s * encoder.width + encoder.column(t, 0, midi)] = on ? 0.5 + r() / 2 : r() / 2;
        if (encoder.spec.onsets) roll[s * encoder.width + encoder.column(t, 1, midi)] = r() < 0.3 ? 0.5 + r() / 2 : r() / 2;
      }
    }
  }
  return { roll, context: randomContext(r, steps, encoder.tracks) };
}

// ---- feeding step by step -------------------------------------------------------------------------

type Arrays = DecodableEvents | DecodableRoll;

/** Steps of the arrays, and the values of step s as `push` takes them (read here from the layouts in types.ts). */
function stepsOf(encoder: AnyEncoder, arrays: Arrays): { steps: number; row: (s: number) => ArrayLike<number> } {
  if ('roll' in arrays) {
    const width = (encoder as PianoRollEncoder).width;
    return { steps: arrays.roll.length / width, row: (s) => arrays.roll.slice(s * width, (s + 1) * width) };
  }
  const steps = arrays.tokens.length / encoder.tracks;
  return { steps, row: (s) => Array.from({ length: encoder.tracks }, (_, t) => arrays.tokens[t * steps + s]!) };
}

/** The first k steps of the arrays. */
function prefix(encoder: AnyEncoder, arrays: Arrays, k: number): Arrays {
  if ('roll' in arrays) return { roll: arrays.roll.slice(0, k * (encoder as PianoRollEncoder).width), context: arrays.context };
  const steps = arrays.tokens.length / encoder.tracks;
  const tokens = new Int32Array(encoder.tracks * k);
  for (let t = 0; t < encoder.tracks; t++) tokens.set(arrays.tokens.subarray(t * steps, t * steps + k), t * k);
  return { tokens, context: arrays.context };
}

const decodeAny = (encoder: AnyEncoder, arrays: Arrays): Score =>
  'roll' in arrays ? (encoder as PianoRollEncoder).decode(arrays) : (encoder as MelodyEncoder).decode(arrays);

type Row = [string, number, number, number, boolean];
const row = (n: Note): Row => [pitchName(n.pitch), n.onset, n.duration, n.velocity, n.fermata === true];

/**
 * Feed the arrays step by step and check everything the stream decoder
 * promises against `decode`; returns how many notes came out before the end.
 */
function checkStream(encoder: AnyEncoder, arrays: Arrays, label: string): { early: number; late: number } {
  const decoded = decodeAny(encoder, arrays);
  const { steps, row: rowAt } = stepsOf(encoder, arrays);
  const q = ticksPerStep(encoder.spec.stepsPerQuarter);
  const decoder = encoder.streamDecoder(arrays.context);
  const got: Note[][] = Array.from({ length: encoder.tracks }, () => []);
  const sorted = (ns: TrackNote[]): boolean =>
    ns.every((n, i) => i === 0 || ns[i - 1]!.track < n.track || (ns[i - 1]!.track === n.track && (ns[i - 1]!.note.onset < n.note.onset || (ns[i - 1]!.note.onset === n.note.onset && midiOf(ns[i - 1]!.note.pitch) < midiOf(n.note.pitch)))));
  const checkpoints = new Set([0, 1, Math.floor(steps / 3), Math.floor(steps / 2), steps - 1]);
  let early = 0;
  for (let s = 0; s < steps; s++) {
    if (checkpoints.has(s)) expect(decoder.score(), `${label}: score() after ${s} steps`).toEqual(decodeAny(encoder, prefix(encoder, arrays, s)));
    const finished = decoder.push(rowAt(s));
    expect(sorted(finished), `${label}: step ${s} sorted`).toBe(true);
    for (const { track, note } of finished) {
      // reported at the step where it ends: not later
      expect(note.onset + note.duration, `${label}: ${pitchName(note.pitch)} at ${note.onset} reported at step ${s}`).toBe(s * q);
      got[track]!.push(note);
      early++;
    }
    const sounding = decoder.sounding();
    expect(sorted(sounding)).toBe(true);
    for (const { track, note } of sounding) {
      // known from its first step: pitch, spelling, onset, fermata; duration so far
      expect(note.onset + note.duration).toBe((s + 1) * q);
      const later = decoded.parts[track]!.notes.find((n) => n.onset === note.onset && midiOf(n.pitch) === midiOf(note.pitch))!;
      expect(later, `${label}: sounding ${pitchName(note.pitch)} at ${note.onset}`).toBeDefined();
      expect([pitchName(later.pitch), later.fermata === true, later.duration >= note.duration]).toEqual([pitchName(note.pitch), note.fermata === true, true]);
    }
  }
  expect(decoder.steps).toBe(steps);
  const last = decoder.finish();
  expect(sorted(last)).toBe(true);
  for (const { track, note } of last) {
    expect(note.onset + note.duration, `${label}: closed at the end`).toBe(steps * q);
    got[track]!.push(note);
  }
  expect(decoder.finish()).toEqual([]);
  expect(decoder.sounding()).toEqual([]);
  expect(() => decoder.push(rowAt(0))).toThrow(/finished/);
  // exactly decode's notes, each once
  expect(got.map((ns) => sortNotes(ns).map(row)), label).toEqual(decoded.parts.map((p) => p.notes.map(row)));
  expect(got.map((ns) => sortNotes(ns)), label).toEqual(decoded.parts.map((p) => p.notes));
  expect(decoder.score(), label).toEqual(decoded);
  return { early, late: last.length };
}

// ---- an independent reading of whole arrays (what decode did before it was built on the stream) ----

function referenceNotes(encoder: AnyEncoder, arrays: Arrays): Row[][] {
  const { steps, row: rowAt } = stepsOf(encoder, arrays);
  const { context } = arrays;
  const q = ticksPerStep(context.stepsPerQuarter);
  const fermataAt = new Set(context.fermatas.map((f) => f.step));
  const tracks: { pitch: Pitch; step: number; end: number }[][] = Array.from({ length: encoder.tracks }, () => []);
  if ('roll' in arrays) {
    const enc = encoder as PianoRollEncoder;
    for (let t = 0; t < enc.tracks; t++) {
      for (let midi = enc.spec.lowest; midi <= enc.spec.highest; midi++) {
        let open: { pitch: Pitch; step: number; end: number } | undefined;
        for (let s = 0; s < steps; s++) {
          const r = rowAt(s);
          if (r[enc.column(t, 0, midi)]! < 0.5) open = undefined;
          else if (open && !(enc.spec.onsets && r[enc.column(t, 1, midi)]! >= 0.5)) open.end = s + 1;
          else {
            const key = lastAtOrBefore(context.keySignatures, s);
            tracks[t]!.push((open = { pitch: spellMidi(midi, key?.fifths, key?.mode), step: s, end: s + 1 }));
          }
        }
      }
    }
  } else {
    for (let t = 0; t < encoder.tracks; t++) {
      let open: { pitch: Pitch; step: number; end: number } | undefined;
      for (let s = 0; s < steps; s++) {
        const token = rowAt(s)[t]!;
        if (token === HOLD) {
          if (open) open.end = s + 1;
        } else if (token === REST) open = undefined;
        else tracks[t]!.push((open = { pitch: encoder.vocabulary.pitchOf(token, lastAtOrBefore(context.keySignatures, s)), step: s, end: s + 1 }));
      }
    }
  }
  return tracks.map((notes) =>
    notes
      .sort((a, b) => a.step - b.step || midiOf(a.pitch) - midiOf(b.pitch))
      .map((n): Row => [pitchName(n.pitch), n.step * q, (n.end - n.step) * q, 80, fermataAt.has(n.step)]),
  );
}

// ---- the encoders ---------------------------------------------------------------------------------

const melody = new MelodyEncoder({ lowest: 48, highest: 84, features: ['fermata', 'beat'] });
const melodySpelled = new MelodyEncoder({ lowest: 48, highest: 84, spelled: true, features: ['fermata'] });
const melodyMerged = new MelodyEncoder({ lowest: 48, highest: 84, part: 'merged' });
const voices = new VoiceStreamEncoder({ parts: [0, 1, 2, 3], lowest: 36, highest: 84, features: ['fermata'] });
const voicesMidi = new VoiceStreamEncoder({ parts: [0, 1, 2], lowest: 36, highest: 84, spelled: false });
const rollParts = new PianoRollEncoder({ parts: [0, 1, 2], lowest: 48, highest: 84 });
const rollMerged = new PianoRollEncoder({ parts: 'merged', lowest: 48, highest: 84 });
const rollNoOnsets = new PianoRollEncoder({ parts: [0, 1], lowest: 48, highest: 84, onsets: false });
const ENCODERS: [string, AnyEncoder][] = [
  ['melody', melody], ['melody-spelled', melodySpelled], ['melody-merged', melodyMerged],
  ['voices', voices], ['voices-midi', voicesMidi],
  ['pianoroll', rollParts], ['pianoroll-merged', rollMerged], ['pianoroll-no-onsets', rollNoOnsets],
];

describe('stream decoder = decode, step by step', () => {
  it.each(ENCODERS)('%s: encoded random pieces (key changes, fermatas, chords)', (name, encoder) => {
    let early = 0;
    let late = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const e = encoder.encode(randomScore(seed, 4, seed % 2 === 0));
      const n = checkStream(encoder, e, `${name} seed ${seed}`);
      early += n.early;
      late += n.late;
      expect(decodeAny(encoder, e).parts.map((p) => p.notes.map(row)), `${name} seed ${seed}: reference`).toEqual(referenceNotes(encoder, e));
    }
    expect(early).toBeGreaterThan(50);
    expect(late).toBeGreaterThan(0);
    expect(encoder.encode(randomScore(3, 4)).context.fermatas.length + encoder.encode(randomScore(4, 4)).context.fermatas.length).toBeGreaterThan(0);
  });

  it.each(ENCODERS)('%s: arrays no encoder writes (holds after rests, probabilities), context fermatas', (name, encoder) => {
    const r = rng(name.length * 1000 + 7);
    for (let i = 0; i < 8; i++) {
      const steps = 1 + Math.floor(r() * 60);
      const arrays = encoder instanceof PianoRollEncoder ? randomRoll(r, encoder, steps) : randomTokens(r, encoder, steps);
      checkStream(encoder, arrays, `${name} random arrays ${i}`);
      expect(decodeAny(encoder, arrays).parts.map((p) => p.notes.map(row)), `${name} random arrays ${i}: reference`).toEqual(referenceNotes(encoder, arrays));
    }
  });

  it('an empty piece: no step, no note, the Score of 0 steps', () => {
    for (const [, encoder] of ENCODERS) {
      const context = createStepContext();
      const decoder = encoder.streamDecoder(context);
      expect(decoder.finish()).toEqual([]);
      const empty = encoder instanceof PianoRollEncoder ? encoder.decode({ roll: new Float32Array(0), context }) : (encoder as MelodyEncoder).decode({ tokens: new Int32Array(0), context });
      expect(decoder.score()).toEqual(empty);
      expect(empty.parts.length).toBe(encoder.tracks);
    }
  });

  it('a note comes out at the step that ends it, with its spelling and fermata from its onset', () => {
    const enc = new MelodyEncoder({ lowest: 48, highest: 84, stepsPerQuarter: 1 });
    const C4 = enc.vocabulary.tokenOf({ step: 'C', alter: 0, octave: 4 })!;
    const Fs4 = enc.vocabulary.tokenOf({ step: 'F', alter: 1, octave: 4 })!;
    // F#4 at step 2 is in Db major there: spelled Gb4
    const context = createStepContext({ stepsPerQuarter: 1, keySignatures: [{ step: 0, fifths: 0, mode: 'major' }, { step: 2, fifths: -5, mode: 'major' }], fermatas: [{ step: 2, end: 4 }] });
    const d = enc.streamDecoder(context);
    const names = (ns: TrackNote[]): string[] => ns.map(({ note }) => `${pitchName(note.pitch)}@${note.onset / Q}+${note.duration / Q}${note.fermata ? 'F' : ''}`);
    expect(names(d.push([C4]))).toEqual([]);
    expect(names(d.sounding())).toEqual(['C4@0+1']);
    expect(names(d.push([HOLD]))).toEqual([]);
    expect(names(d.sounding())).toEqual(['C4@0+2']);
    expect(names(d.push([Fs4]))).toEqual(['C4@0+2']);
    expect(names(d.sounding())).toEqual(['Gb4@2+1F']);
    expect(names(d.push([HOLD]))).toEqual([]);
    expect(names(d.push([REST]))).toEqual(['Gb4@2+2F']);
    expect(names(d.push([HOLD]))).toEqual([]); // a hold after a rest: the rest goes on
    expect(names(d.push([C4]))).toEqual([]);
    expect(names(d.finish())).toEqual(['C4@6+1']);
    expect(d.score().end).toBe(7 * Q);
  });

  it('a roll: notes of several lengths end in one row, sorted by track, onset, pitch; a struck-again pitch ends the one before', () => {
    const enc = new PianoRollEncoder({ parts: [0, 1], lowest: 60, highest: 64, stepsPerQuarter: 1 });
    const rowOf = (sus: [number, number][], ons: [number, number][]): Float32Array => {
      const r = new Float32Array(enc.width);
      for (const [t, m] of sus) r[enc.column(t, 0, m)] = 1;
      for (const [t, m] of ons) r[enc.column(t, 1, m)] = 1;
      return r;
    };
    const d = enc.streamDecoder(createStepContext({ stepsPerQuarter: 1 }));
    const names = (ns: TrackNote[]): string[] => ns.map(({ track, note }) => `${track}:${midiOf(note.pitch)}@${note.onset / Q}+${note.duration / Q}`);
    expect(names(d.push(rowOf([[1, 64], [0, 62]], [[1, 64], [0, 62]])))).toEqual([]);
    expect(names(d.push(rowOf([[1, 64], [0, 62], [0, 60], [1, 60]], [[0, 60], [1, 60]])))).toEqual([]);
    expect(names(d.push(rowOf([[1, 60]], [])))).toEqual(['0:62@0+2', '0:60@1+1', '1:64@0+2']);
    expect(names(d.push(rowOf([[1, 60]], [[1, 60]])))).toEqual(['1:60@1+2']);
    expect(names(d.finish())).toEqual(['1:60@3+1']);
  });

  it('says what is wrong: a step of the wrong size, another grid, a token outside the vocabulary, a push after finish', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isMusegenError(e) ? `${e.code}: ${e.message}` : String(e);
      }
      return undefined;
    };
    expect(code(() => voices.streamDecoder(createStepContext()).push([REST]))).toMatch(/^BAD_ARGUMENT: a step of this encoding holds 4 values, not 1/);
    expect(code(() => rollParts.streamDecoder(createStepContext()).push(new Float32Array(3)))).toMatch(/holds 222 values, not 3/);
    expect(code(() => melody.streamDecoder(createStepContext({ stepsPerQuarter: 2 })))).toMatch(/^BAD_ARGUMENT: the context's grid \(2 steps per quarter\)/);
    expect(code(() => melody.streamDecoder(createStepContext()).push([melody.vocabulary.size]))).toMatch(/^BAD_ARGUMENT: token \d+ is outside the vocabulary/);
    const d = melody.streamDecoder(createStepContext());
    d.finish();
    expect(code(() => d.push([REST]))).toMatch(/^BAD_ARGUMENT: this piece was finished at step 0/);
  });
});

// ---- real pieces ----------------------------------------------------------------------------------

const DEMO = fileURLToPath(new URL('../corpora/folk-demo/tunes.abc', import.meta.url));
const KERN = fileURLToPath(new URL('../../shared/corpora/bach-370-chorales-kern/kern/', import.meta.url));

describe('stream decoder on real pieces', () => {
  it('the demo corpus (ABC tunes): melody, spelled melody, merged roll', () => {
    const tunes = readAbc(readFileSync(DEMO, 'utf8')).map((t) => t.score);
    expect(tunes.length).toBeGreaterThan(10);
    for (const [i, score] of tunes.entries()) {
      for (const [name, encoder] of [['melody', melody], ['melody-spelled', melodySpelled], ['pianoroll-merged', rollMerged]] as const) {
        checkStream(encoder, encoder.encode(score), `tune ${i + 1} ${name}`);
      }
    }
  });

  it.skipIf(!existsSync(KERN))('Bach chorales (kern, fermatas, spelled): voices and rolls', () => {
    const files = readdirSync(KERN).filter((f) => f.endsWith('.krn')).sort().slice(0, 6);
    const voices8 = new VoiceStreamEncoder({ parts: [0, 1, 2, 3], stepsPerQuarter: 8, lowest: 36, highest: 84, features: ['fermata', 'beat'] });
    const roll4 = new PianoRollEncoder({ parts: [0, 1, 2, 3], lowest: 36, highest: 84 });
    let fermatas = 0;
    for (const file of files) {
      for (const score of readKern(readFileSync(KERN + file, 'utf8'))) {
        for (const [name, encoder] of [['voices', voices8], ['pianoroll', roll4]] as const) {
          const e = encoder.encode(score);
          fermatas += e.context.fermatas.length;
          checkStream(encoder, e, `${file} ${name}`);
        }
      }
    }
    expect(fermatas).toBeGreaterThan(20);
  });
});
