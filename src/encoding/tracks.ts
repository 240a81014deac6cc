/**
 * From a Score's parts to the tracks an encoder writes: choose the parts,
 * move notes onto the grid, keep the pitches the vocabulary holds, and make a
 * track monophonic (skyline) or free of repeated pitches (rolls) — counting
 * every note changed in the report. And back: grid notes to Score notes.
 */
import { DEFAULT_VELOCITY, midiOf, pitchName, samePitch, sortNotes, ticksPerStep, type Note, type Pitch, type Score, type Steps } from '../score/index.js';
import type { ReportBuilder } from './report.js';
import type { PartChoice } from './spec.js';
import type { StepContext, TrackInfo } from './types.js';
import type { EventVocabulary } from './vocabulary.js';

/** A note on the grid: [step, end) in steps. */
export interface GridNote {
  pitch: Pitch;
  step: Steps;
  end: Steps;
  fermata: boolean;
}

export interface Tracks {
  notes: Note[][];
  info: TrackInfo[];
}

const infoOf = (p: { name: string; program: number; channel: number }): TrackInfo => ({ name: p.name, program: p.program, channel: p.channel });

/**
 * The tracks that `parts` names: 'merged' is one track of every non-drum part;
 * a list is one track per index. A missing or drum part gives a silent track
 * (and a message when `report` is given).
 */
export function selectTracks(score: Score, parts: 'merged' | readonly number[], report?: ReportBuilder): Tracks {
  if (parts === 'merged') {
    const pitched = score.parts.filter((p) => !p.isDrum);
    return {
      notes: [pitched.length === 1 ? pitched[0]!.notes : sortNotes(pitched.flatMap((p) => p.notes))],
      info: [infoOf(pitched[0] ?? { name: '', program: 0, channel: 0 })],
    };
  }
  const notes: Note[][] = [];
  const info: TrackInfo[] = [];
  for (const i of parts) {
    const part = score.parts[i];
    if (!part || part.isDrum) {
      report?.note(
        part
          ? `part ${i} ("${part.name}") is a drum part: its track is left silent`
          : `the score has ${score.parts.length} part${score.parts.length === 1 ? '' : 's'}, so part ${i} is missing: its track is left silent`,
      );
      notes.push([]);
      info.push(infoOf(part ?? { name: '', program: 0, channel: 0 }));
    } else {
      notes.push(part.notes);
      info.push(infoOf(part));
    }
  }
  return { notes, info };
}

const MELODY_NAME = /soprano|melody|tune|lead|vocal|voice/i;

/** A part chosen from a score, and why: asked for (by index or name), named like a melody, the highest, or the only one. */
export interface ChosenPart {
  index: number;
  why: 'asked' | 'named' | 'highest' | 'only';
}

/** The part the 'top' choice reads a melody from (see PartChoice); part 0 when the score has no pitched part. */
function topPart(score: Score): ChosenPart {
  const pitched = score.parts.map((p, i) => ({ p, i })).filter(({ p }) => !p.isDrum && p.notes.length > 0);
  if (pitched.length <= 1) return { index: pitched[0]?.i ?? 0, why: 'only' };
  const named = pitched.find(({ p }) => MELODY_NAME.test(p.name));
  if (named) return { index: named.i, why: 'named' };
  const mean = (notes: readonly Note[]): number => notes.reduce((s, n) => s + midiOf(n.pitch), 0) / notes.length;
  const highest = pitched.reduce<{ i: number; m: number }>((best, { p, i }) => (mean(p.notes) > best.m ? { i, m: mean(p.notes) } : best), { i: 0, m: -Infinity });
  return { index: highest.i, why: 'highest' };
}

/** The part a melody is read from in `score` by the 'top' choice (see PartChoice); 0 when it has no pitched part. */
export const melodyPart = (score: Score): number => topPart(score).index;

/** The part `choice` picks in `score`; undefined when the score has no such part (an index past its last, a name none has). */
export function choosePart(choice: Exclude<PartChoice, 'merged'>, score: Score): ChosenPart | undefined {
  if (choice === 'top') return topPart(score);
  const index = typeof choice === 'number' ? choice : score.parts.findIndex((p) => p.name.trim().toLowerCase() === choice.name.trim().toLowerCase());
  return index >= 0 && index < score.parts.length ? { index, why: 'asked' } : undefined;
}

/** A part choice as the list `selectTracks` takes, for one score (a part it lacks: an index past its last, so its track is silent and said). */
export const partsOf = (choice: PartChoice, score: Score): 'merged' | number[] =>
  choice === 'merged' ? 'merged' : [choosePart(choice, score)?.index ?? (typeof choice === 'number' ? choice : score.parts.length)];

/** Count the notes whose onset or duration is not a whole number of steps. */
export function countOffGrid(notes: readonly Note[], stepsPerQuarter: Steps, report: ReportBuilder): void {
  const q = ticksPerStep(stepsPerQuarter);
  for (const n of notes) if (n.onset % q !== 0 || n.duration % q !== 0) report.count('offGrid', n.onset);
}

/** Notes of a quantized Score as grid notes. */
export function toGrid(notes: readonly Note[], stepsPerQuarter: Steps): GridNote[] {
  const q = ticksPerStep(stepsPerQuarter);
  return notes.map((n) => ({ pitch: n.pitch, step: n.onset / q, end: (n.onset + n.duration) / q, fermata: n.fermata === true }));
}

/** Keep the notes the vocabulary holds, respelled where it must; count the others. */
export function fitToVocabulary(notes: readonly GridNote[], vocabulary: EventVocabulary, q: number, report: ReportBuilder): GridNote[] {
  const out: GridNote[] = [];
  for (const n of notes) {
    const p = vocabulary.fit(n.pitch);
    if (!p) {
      report.count('outOfRange', n.step * q, pitchName(n.pitch));
      continue;
    }
    if (!samePitch(p, n.pitch)) report.count('respelled', n.step * q, `${pitchName(n.pitch)} as ${pitchName(p)}`);
    out.push(p === n.pitch ? n : { ...n, pitch: p });
  }
  return out;
}

/**
 * The top voice (skyline) of notes sorted by step then pitch: at each onset
 * the highest note; a later onset ends the note before. Every note left out
 * or cut short is counted when `report` is given.
 */
export function skyline(notes: readonly GridNote[], q: number, report?: ReportBuilder): GridNote[] {
  const out: GridNote[] = [];
  for (let i = 0; i < notes.length; ) {
    let j = i;
    while (j + 1 < notes.length && notes[j + 1]!.step === notes[i]!.step) j++;
    const top = notes.slice(i, j + 1).reduce((a, b) => (midiOf(b.pitch) >= midiOf(a.pitch) ? b : a));
    for (let k = i; k < j; k++) report?.count('polyphonyDropped', notes[k]!.step * q);
    const prev = out[out.length - 1];
    if (prev && prev.end > top.step) {
      report?.count('polyphonyDropped', prev.step * q);
      out[out.length - 1] = { ...prev, end: top.step };
    }
    out.push(top);
    i = j + 1;
  }
  return out;
}

/**
 * A roll track keeps one note per pitch at a time: a note that starts while
 * the same pitch sounds ends the one before (or, at the same step, is merged
 * into it). Each such note is counted. Returns notes sorted by step then pitch.
 */
export function oneNotePerPitch(notes: readonly GridNote[], q: number, report: ReportBuilder): GridNote[] {
  const byPitch = [...notes].sort((a, b) => midiOf(a.pitch) - midiOf(b.pitch) || a.step - b.step);
  const out: GridNote[] = [];
  for (const n of byPitch) {
    const prev = out[out.length - 1];
    if (prev && midiOf(prev.pitch) === midiOf(n.pitch) && prev.end > n.step) {
      report.count('polyphonyDropped', n.step * q);
      if (prev.step === n.step) {
        out[out.length - 1] = { ...prev, end: Math.max(prev.end, n.end), fermata: prev.fermata || n.fermata };
        continue;
      }
      out[out.length - 1] = { ...prev, end: n.step };
    }
    out.push(n);
  }
  return out.sort((a, b) => a.step - b.step || midiOf(a.pitch) - midiOf(b.pitch));
}

/** Fermata spans of the kept notes: one per start step (the longest), sorted. */
export function fermataSpans(tracks: readonly GridNote[][]): StepContext['fermatas'] {
  const ends = new Map<Steps, Steps>();
  for (const t of tracks) for (const n of t) if (n.fermata) ends.set(n.step, Math.max(ends.get(n.step) ?? 0, n.end));
  return [...ends].sort((a, b) => a[0] - b[0]).map(([step, end]) => ({ step, end }));
}

/** Score notes of grid notes, sorted; a note gets a fermata when one starts at its step in the context. */
export function fromGrid(notes: readonly GridNote[], context: StepContext): Note[] {
  return sortNotes(notes.map(gridToNote(context)));
}

/** The Score note of one grid note in a context: what `fromGrid` maps (the stream decoder too). */
export function gridToNote(context: StepContext): (n: GridNote) => Note {
  const q = ticksPerStep(context.stepsPerQuarter);
  const fermataAt = new Set(context.fermatas.map((f) => f.step));
  return (n) => ({
    pitch: n.pitch,
    onset: n.step * q,
    duration: (n.end - n.step) * q,
    velocity: DEFAULT_VELOCITY, // encodings keep no dynamics
    ...(fermataAt.has(n.step) ? { fermata: true } : {}),
  });
}
