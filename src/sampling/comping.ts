/**
 * A comping track from chord symbols: a bass note and a chord hit in a
 * pattern chosen by the meter, as a folk pianist or guitarist plays under a
 * tune, voiced below the melody.
 *
 *   2/4, 2/2       oom-pah            bass | chord
 *   4/4            oom-pah-oom-pah    bass | chord | bass (fifth) | chord
 *   3/4            oom-pah-pah        bass | chord | chord
 *   6/8, 9/8, 12/8 jig                 per dotted beat: bass (a quarter) then chord (an eighth); the fifth on every other beat
 *   other meters                      bass on the downbeat, a chord on every other beat
 *
 *   chord symbols + meter map ─ pattern per bar ─ the chord in force at each hit ─ voicing ─► Part
 *
 * Voicing: the bass is the chord's root (or its written bass, "D/F#"), or
 * its fifth, in E2–D#3; the chord is three or four of its tones in close
 * position between C3 and G4, below the lowest melody note sounding with
 * it, each chord voiced nearest the one before (smooth voice leading).
 * Nothing sounds where there is no chord (before the first symbol, "N.C.").
 *
 * @example
 *   const comping = compingPart(tune, { program: 0 });
 *   const arranged = { ...tune, parts: [...tune.parts, comping] };
 */
import { chordTones, readChordSymbol } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import {
  TICKS_PER_QUARTER, barStarts, createPart, eventAt, keyAt, midiOf, parseChordSymbol, sortNotes, spellMidi, timeSignatureAt,
  type Meter, type Midi, type Note, type Part, type Score, type Ticks, type Velocity,
} from '../score/index.js';

/** One note of a pattern: where in the bar, how long, and what it plays. */
export interface CompingHit {
  offset: Ticks;
  duration: Ticks;
  /** 'bass': the root (or written bass); 'fifth': the chord's fifth in the bass; 'chord': the chord's upper tones. */
  role: 'bass' | 'fifth' | 'chord';
}

export interface CompingOptions {
  /** General MIDI program of the part (default 0, a piano). */
  program?: number;
  /** MIDI channel 0–15, not 9 (default: the first one no part of the score uses). */
  channel?: number;
  bassVelocity?: Velocity;
  chordVelocity?: Velocity;
  /** The part's name (default "Chords"). */
  name?: string;
}

export const COMPING_DEFAULTS = { program: 0, bassVelocity: 72, chordVelocity: 58, name: 'Chords' } as const;

/** The lowest and highest bass notes (E2, D#3) and the chord's range (C3 … G4). */
const BASS_LOW = 40;
const CHORD_LOW = 48;
const CHORD_HIGH = 67;

/** The hits of one bar of a meter (see the file's comment). */
export function compingPattern(meter: Meter): CompingHit[] {
  const unit = (4 * TICKS_PER_QUARTER) / meter.denominator;
  const n = meter.numerator;
  if (n % 3 === 0 && n > 3) {
    return Array.from({ length: n / 3 }, (_, k): CompingHit[] => [
      { offset: 3 * k * unit, duration: 2 * unit, role: k % 2 === 0 ? 'bass' : 'fifth' },
      { offset: (3 * k + 2) * unit, duration: unit, role: 'chord' },
    ]).flat();
  }
  if (n === 4) {
    return [
      { offset: 0, duration: unit, role: 'bass' }, { offset: unit, duration: unit, role: 'chord' },
      { offset: 2 * unit, duration: unit, role: 'fifth' }, { offset: 3 * unit, duration: unit, role: 'chord' },
    ];
  }
  return Array.from({ length: n }, (_, k): CompingHit => ({ offset: k * unit, duration: unit, role: k === 0 ? 'bass' : 'chord' }));
}

const pcOf = (step: string, alter: number): number => ((({ C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 } as Record<string, number>)[step]! + alter) % 12 + 12) % 12;

/** What a chord symbol sounds as: its root, fifth and bass (the written one, "D/F#"), and up to four tones above. */
function chordSound(text: string): { root: number; fifth: number; bass: number; tones: number[] } | null {
  const reading = readChordSymbol(text);
  const parsed = parseChordSymbol(text);
  if (!reading || !parsed) return null;
  const tones = chordTones(text.split('/')[0]!).slice(0, 4);
  const bass = parsed.bass ? pcOf(parsed.bass.step, parsed.bass.alter) : reading.root;
  const fifth = tones.find((pc) => [6, 7, 8].includes((pc - reading.root + 12) % 12)) ?? (reading.root + 7) % 12;
  return { root: reading.root, fifth, bass, tones };
}

/** A pitch class as the bass note in E2–D#3. */
const bassNote = (pc: number): Midi => BASS_LOW + ((pc - (BASS_LOW % 12) + 12) % 12);

/** Close-position voicings of the tones with every note in [low, high]. */
function voicings(tones: readonly number[], low: Midi, high: Midi): Midi[][] {
  const out: Midi[][] = [];
  const n = tones.length;
  for (let inversion = 0; inversion < n; inversion++) {
    const order = [...tones.slice(inversion), ...tones.slice(0, inversion)];
    for (let base = low; base < low + 12; base++) {
      if (base % 12 !== order[0]) continue;
      const notes = [base];
      for (let i = 1; i < n; i++) {
        let m = notes[i - 1]! + 1;
        while (m % 12 !== order[i]) m++;
        notes.push(m);
      }
      for (let shift = 0; notes.at(-1)! + shift <= high; shift += 12) out.push(notes.map((x) => x + shift));
    }
  }
  return out;
}

/** The voicing of `tones` under `ceiling`, nearest `previous` (or around E4 for the first). */
function voice(tones: readonly number[], ceiling: Midi, previous: Midi[] | null): Midi[] {
  const high = Math.min(CHORD_HIGH, ceiling);
  const candidates = [
    ...voicings(tones, CHORD_LOW, high),
    ...(high - CHORD_LOW < 12 ? voicings(tones, BASS_LOW + 4, high) : []),
  ];
  const pool = candidates.length > 0 ? candidates : voicings(tones, CHORD_LOW, CHORD_HIGH);
  const mean = (v: readonly Midi[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const cost = (v: Midi[]): number =>
    previous && previous.length === v.length ? v.reduce((s, x, i) => s + Math.abs(x - previous[i]!), 0) : Math.abs(mean(v) - (previous ? mean(previous) : 60)) * v.length;
  return pool.reduce((best, v) => (cost(v) < cost(best) ? v : best), pool[0]!);
}

/** The lowest melody note sounding in [from, to): what the chord must stay under; Infinity when none. */
function melodyFloor(melody: readonly Note[], from: Ticks, to: Ticks): number {
  let low = Infinity;
  for (const n of melody) {
    if (n.onset >= to) break;
    if (n.onset + n.duration > from) low = Math.min(low, midiOf(n.pitch));
  }
  return low;
}

/**
 * The comping part of a score from its chord symbols, under its pitched
 * parts (the melody). Throws MusegenError('BAD_ARGUMENT') for a program or
 * channel out of range.
 */
export function compingPart(score: Score, options: CompingOptions = {}): Part {
  const { program, bassVelocity, chordVelocity, name } = { ...COMPING_DEFAULTS, ...options };
  if (!(Number.isInteger(program) && program >= 0 && program <= 127)) throw new MusegenError('BAD_ARGUMENT', `program must be a General MIDI program from 0 to 127, not ${String(program)}`);
  const used = new Set(score.parts.map((p) => p.channel));
  const channel = options.channel ?? [...Array(16).keys()].find((c) => c !== 9 && !used.has(c)) ?? 1;
  if (!(Number.isInteger(channel) && channel >= 0 && channel <= 15 && channel !== 9)) throw new MusegenError('BAD_ARGUMENT', `the comping channel must be 0–15 and not 9 (drums), not ${String(channel)}`);
  const melody = sortNotes(score.parts.filter((p) => !p.isDrum).flatMap((p) => p.notes));
  const symbols = score.chordSymbols;
  const sounds = new Map<string, ReturnType<typeof chordSound>>();
  const soundOf = (text: string): ReturnType<typeof chordSound> => {
    if (!sounds.has(text)) sounds.set(text, chordSound(text));
    return sounds.get(text)!;
  };
  const end = Math.max(score.end, melody.reduce((e, n) => Math.max(e, n.onset + n.duration), 0));
  const starts = barStarts({ ...score, end });
  const notes: Note[] = [];
  let previous: Midi[] | null = null;
  starts.forEach((start, bar) => {
    const barEnd = starts[bar + 1] ?? end;
    const meter = timeSignatureAt(score, start);
    const length = (meter.numerator * 4 * TICKS_PER_QUARTER) / meter.denominator;
    const origin = bar === 0 && score.pickup > 0 ? start - (length - score.pickup) : start;
    for (const hit of compingPattern(meter)) {
      const onset = origin + hit.offset;
      if (onset < start || onset >= barEnd) continue;
      const chord = eventAt(symbols, onset);
      const sound = chord && soundOf(chord.text);
      if (!chord || !sound) continue;
      const nextChange = symbols.find((c) => c.tick > onset)?.tick ?? Infinity;
      const duration = Math.min(hit.duration, barEnd - onset, nextChange - onset);
      if (duration <= 0) continue;
      if (hit.role === 'chord') {
        const ceiling = melodyFloor(melody, onset, onset + duration) - 1;
        const pitches = voice(sound.tones, Number.isFinite(ceiling) ? ceiling : CHORD_HIGH, previous);
        previous = pitches;
        const fifths = keyAt(score, onset)?.fifths ?? 0;
        for (const m of pitches) notes.push({ pitch: spellMidi(m, fifths), onset, duration, velocity: chordVelocity });
      } else {
        const pc = hit.role === 'bass' ? sound.bass : sound.fifth;
        notes.push({ pitch: spellMidi(bassNote(pc), keyAt(score, onset)?.fifths ?? 0), onset, duration, velocity: bassVelocity });
      }
    }
  });
  return createPart({ name, program, channel, notes: sortNotes(notes) });
}
