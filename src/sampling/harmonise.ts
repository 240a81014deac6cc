/**
 * Harmonising a melody with a model that fills cells (the conv kind): the
 * melody becomes the top voice, the other voices are written by annealed
 * Gibbs sampling under it.
 *
 *   melody Score ─ top line of its melody part (chords: warned) ─ moved by octaves into the soprano's range
 *   ─ encoder (voice cells, the melody's meter, key, pickup, fermatas as features) ─ mask: every other voice
 *   ─ gibbsInfill (voices kept in their ranges) ─ decode ─ moved back, spelled in the key
 *   ─► Score: the melody part note for note as given, then one part per voice written
 *
 * @example
 *   const { score } = harmonise(generator, melody, { voices: ['alto', 'tenor', 'bass'], temperature: 0.9, seed: 1 });
 */
import {
  REST_CELL, cellsOfRoll, rollOfCells, type PianoRollEncoder, type StepContext, type VoiceCells,
} from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { Generator, Infill } from '../generators/index.js';
import {
  createPart, createScore, estimateKey, keyAt, midiOf, spellMidi, ticksPerStep,
  type Midi, type Note, type Part, type Score,
} from '../score/index.js';
import { melodyLine } from './accompany.js';
import { gibbsInfill, type GibbsOptions } from './gibbs.js';

/**
 * The range each voice sings in the Bach chorales (MIDI, lowest and highest
 * note of the JSB training split, Jsb16thSeparated.json): generated voices
 * stay inside them.
 */
export const CHORALE_RANGES: Readonly<Record<string, { low: Midi; high: Midi }>> = {
  soprano: { low: 60, high: 81 },
  alto: { low: 52, high: 74 },
  tenor: { low: 46, high: 69 },
  bass: { low: 36, high: 66 },
};

export interface HarmoniseOptions extends Partial<Omit<GibbsOptions, 'ranges'>> {
  /** The voices to write, by the model's names; default every voice under the melody. */
  voices?: readonly string[];
}

export interface Harmonisation {
  score: Score;
  /** Semitones the melody was moved to fit the top voice's range (and the voices moved back); 0 when it fit. */
  transposedBy: number;
  /** What was changed in the input or could not be kept, one line each. */
  warnings: string[];
  /** Gibbs steps run. */
  steps: number;
  seed: number;
}

/** The model's cell-filling capability, or a clear error naming what the model can do instead. */
export function infillOf(generator: Generator): Infill {
  if (!generator.infill) {
    throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model cannot harmonise or fill in music: give a conv model (musegen train --kind conv), or use the bundled harmoniser`);
  }
  return generator.infill;
}

/** The voices named, checked against the model's; every one but the first when none are. */
export function chosenVoices(infill: Infill, names: readonly string[] | undefined, melodyVoice: number | null): number[] {
  if (!names || names.length === 0) return infill.voices.map((_, i) => i).filter((i) => i !== melodyVoice);
  return names.map((raw) => {
    const name = raw.trim().toLowerCase();
    const i = infill.voices.indexOf(name);
    if (i < 0) throw new MusegenError('BAD_ARGUMENT', `the model has no voice '${raw}' (it has ${infill.voices.join(', ')})`);
    if (i === melodyVoice) throw new MusegenError('BAD_ARGUMENT', `the ${name} is the melody; choose among ${infill.voices.filter((_, j) => j !== melodyVoice).join(', ')}`);
    return i;
  });
}

/** Per track, the cell values a voice may take (its chorale range), or null for voices without one. */
export function cellRanges(infill: Infill): ({ low: number; high: number } | null)[] {
  return infill.voices.map((v) => {
    const r = CHORALE_RANGES[v];
    return r ? { low: r.low - infill.lowest + 1, high: r.high - infill.lowest + 1 } : null;
  });
}

/** Semitones (whole octaves when they do) moving [low, high] into `range`; 0 when it fits. */
export function shiftInto(low: Midi, high: Midi, range: { low: Midi; high: Midi }): number {
  if (low >= range.low && high <= range.high) return 0;
  const candidates = [-36, -24, -12, 12, 24, 36];
  const fits = candidates.filter((s) => low + s >= range.low && high + s <= range.high).sort((a, b) => Math.abs(a) - Math.abs(b));
  if (fits.length > 0) return fits[0]!;
  // wider than the range: centre it, by semitones
  return Math.round((range.low + range.high) / 2 - (low + high) / 2);
}

/** Harmonise `melody` (see the module comment). Throws MusegenError for a model that cannot, an empty melody, unknown voices. */
export function harmonise(generator: Generator, melody: Score, options: HarmoniseOptions = {}): Harmonisation {
  const infill = infillOf(generator);
  const encoder = generator.encoder as unknown as PianoRollEncoder;
  const voices = chosenVoices(infill, options.voices, 0);
  const { part: tune, warnings } = melodyLine(melody);
  const pitches = tune.notes.map((n) => midiOf(n.pitch));
  const topRange = CHORALE_RANGES[infill.voices[0]!] ?? { low: infill.lowest, high: infill.lowest + infill.values - 2 };
  const shift = shiftInto(Math.min(...pitches), Math.max(...pitches), topRange);
  if (shift !== 0) warnings.push(`the melody lies outside the ${infill.voices[0]}'s range (${topRange.low}–${topRange.high}): harmonised ${Math.abs(shift)} semitones ${shift > 0 ? 'higher' : 'lower'} and moved back`);

  // the melody as the top track of a score the encoder reads, the other tracks empty
  const moved: Part = { ...tune, notes: tune.notes.map((n) => ({ ...n, pitch: spellMidi(midiOf(n.pitch) + shift) })) };
  const frame = { ...melody, parts: [moved, ...infill.voices.slice(1).map(() => createPart())] };
  const encoded = encoder.encode(frame);
  if (encoded.steps === 0) throw new MusegenError('EMPTY', 'no melody to harmonise: no note fits the model\'s grid and range');
  for (const m of encoded.report.messages) warnings.push(`melody: ${m}`);
  const known = cellsOfRoll(encoder, encoded.roll);
  const mask = new Uint8Array(known.cells.length);
  for (let t = 1; t < known.tracks; t++) mask.fill(1, t * known.steps, (t + 1) * known.steps);
  const result = gibbsInfill(infill, { piece: known, context: encoded.context, mask }, { ...options, ranges: cellRanges(infill) });

  const written = writtenVoices(encoder, result.piece, encoded.context, voices, melody, -shift);
  const channels = [...Array(16).keys()].filter((c) => c !== 9 && c !== tune.channel);
  const parts = [tune, ...voices.map((v, i) => ({
    ...createPart({ name: capitalised(infill.voices[v]!), program: tune.program, channel: channels[i % channels.length]! }),
    notes: withFermatas(written[i]!, tune.notes),
  }))];
  const score = createScore({ ...melody, parts, end: Math.max(melody.end, encoded.steps * ticksPerStep(encoder.spec.stepsPerQuarter)) });
  return { score, transposedBy: shift, warnings, steps: result.steps, seed: result.seed };
}

/** The notes of some tracks of cells, moved by `shift` semitones and spelled in the score's key (estimated where it has none). */
export function writtenVoices(encoder: PianoRollEncoder, piece: VoiceCells, context: StepContext, tracks: readonly number[], score: Score, shift: number): Note[][] {
  const only: VoiceCells = { ...piece, cells: piece.cells.map((v, c) => (tracks.includes(Math.floor(c / piece.steps)) ? v : REST_CELL)) };
  const decoded = encoder.decode({ roll: rollOfCells(encoder, only), context });
  const fallback = estimateKey(score.parts.flatMap((p) => p.notes.map((n) => ({ midi: midiOf(n.pitch), duration: n.duration }))));
  return tracks.map((t) => decoded.parts[t]!.notes.map((n) => {
    const key = keyAt(score, n.onset) ?? fallback;
    return { ...n, pitch: spellMidi(midiOf(n.pitch) + shift, key.fifths, key.mode) };
  }));
}

/** A fermata on every note sounding where a melody note with a fermata starts. */
function withFermatas(notes: Note[], melody: readonly Note[]): Note[] {
  const held = melody.filter((n) => n.fermata).map((n) => n.onset);
  if (held.length === 0) return notes;
  return notes.map((n) => (held.some((t) => t >= n.onset && t < n.onset + n.duration) ? { ...n, fermata: true } : n));
}

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
