/**
 * What a piece is like, in numbers — the features of MGEval (Yang & Lerch
 * 2019, "On the evaluation of generative models in music"), MuseGAN's bar
 * metrics (Dong et al. 2018) and a few of form, computed on a Score's pitched
 * notes (drums left out):
 *
 *   notes ─► pitch count · pitch-class histogram · pitch-class transitions · pitch range · average interval
 *         ─► note count · average inter-onset interval · note-length histogram · note-length transitions
 *   bars  ─► empty-bar ratio · pitch classes per bar · in-scale ratio (the key signature's, else the estimated key)
 *   form  ─► ends on the tonic · some 2-bar unit comes back · bars 5–7 restate bars 1–3
 *
 * Histograms are normalised to sum to 1; transitions to sum to 1 overall.
 * Lengths are counted in 12 classes of a quarter's 480 ticks: whole,
 * half, quarter, eighth, sixteenth, each plain, dotted and as a triplet
 * (the nearest class).
 */
import {
  TICKS_PER_QUARTER, barLength, estimateKey, keyTonic, midiOf, timeSignatureAt, type Key, type Note, type Score,
} from '../score/index.js';

export interface PieceFeatures {
  pitchCount: number;
  pitchClassHistogram: number[];
  /** 12 × 12, row = from, column = to. */
  pitchClassTransitions: number[];
  pitchRange: number;
  /** Mean absolute interval between successive notes (semitones). */
  averageInterval: number;
  noteCount: number;
  /** Mean time between successive onsets, in quarter notes. */
  averageIoi: number;
  noteLengthHistogram: number[];
  /** 12 × 12. */
  noteLengthTransitions: number[];
  emptyBarRatio: number;
  pitchClassesPerBar: number;
  inScaleRatio: number;
  endsOnTonic: boolean;
  repeatsTwoBars: boolean;
  restatesOpening: boolean;
}

/** The feature names MGEval compares sets by, each a number or a vector. */
export const MGEVAL_FEATURES = [
  'pitchCount', 'pitchClassHistogram', 'pitchClassTransitions', 'pitchRange', 'averageInterval',
  'noteCount', 'averageIoi', 'noteLengthHistogram', 'noteLengthTransitions',
] as const satisfies readonly (keyof PieceFeatures)[];

const Q = TICKS_PER_QUARTER;
/** Note-length classes in ticks: whole … sixteenth, plain, dotted, triplet. */
const LENGTHS = [4, 2, 1, 0.5, 0.25].flatMap((q) => [q * Q, q * Q * 1.5, (q * Q * 2) / 3]).slice(0, 12);
const MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11];

const pc = (midi: number): number => ((midi % 12) + 12) % 12;

function normalised(v: number[]): number[] {
  const total = v.reduce((a, b) => a + b, 0);
  return total > 0 ? v.map((x) => x / total) : v;
}

function lengthClass(duration: number): number {
  let best = 0;
  for (let i = 1; i < LENGTHS.length; i++) if (Math.abs(LENGTHS[i]! - duration) < Math.abs(LENGTHS[best]! - duration)) best = i;
  return best;
}

/** The pitched notes of a score in time order (ties in time by pitch). */
export function pitchedNotes(score: Score): Note[] {
  return score.parts.filter((p) => !p.isDrum).flatMap((p) => p.notes).sort((a, b) => a.onset - b.onset || midiOf(a.pitch) - midiOf(b.pitch));
}

/** The tonic's pitch class and the pitch classes of a key's scale (its signature's seven). */
export function keyPitchClasses(key: Key): { tonic: number; scale: Set<number> } {
  const home = pc(key.fifths * 7);
  return { tonic: keyTonic(key), scale: new Set(MAJOR_SCALE.map((d) => pc(home + d))) };
}

/** The notes of each bar (by onset), bars counted from 0 with the meter at the score's start. */
function bars(score: Score, notes: readonly Note[]): Note[][] {
  const bar = barLength(timeSignatureAt(score, 0));
  const count = Math.max(1, Math.ceil(Math.max(score.end, ...notes.map((n) => n.onset + n.duration)) / bar));
  const out: Note[][] = Array.from({ length: count }, () => []);
  for (const n of notes) out[Math.min(count - 1, Math.floor(n.onset / bar))]!.push(n);
  return out;
}

/** A bar's notes as a shape that ignores where it is: onsets within the bar, durations and pitches. */
function barShape(notes: readonly Note[], start: number): string {
  return notes.map((n) => `${n.onset - start}:${n.duration}:${midiOf(n.pitch)}`).join(' ');
}

/** Every feature of one piece. */
export function pieceFeatures(score: Score): PieceFeatures {
  const notes = pitchedNotes(score);
  const midis = notes.map((n) => midiOf(n.pitch));
  const pcHist = new Array<number>(12).fill(0);
  const pcTrans = new Array<number>(144).fill(0);
  const lenHist = new Array<number>(12).fill(0);
  const lenTrans = new Array<number>(144).fill(0);
  let intervals = 0;
  let iois = 0;
  notes.forEach((n, i) => {
    const c = lengthClass(n.duration);
    pcHist[pc(midis[i]!)]!++;
    lenHist[c]!++;
    if (i > 0) {
      pcTrans[pc(midis[i - 1]!) * 12 + pc(midis[i]!)]!++;
      lenTrans[lengthClass(notes[i - 1]!.duration) * 12 + c]!++;
      intervals += Math.abs(midis[i]! - midis[i - 1]!);
      iois += n.onset - notes[i - 1]!.onset;
    }
  });
  const key = score.keySignatures[0] ?? estimateKey(notes.map((n) => ({ midi: midiOf(n.pitch), duration: n.duration })));
  const { tonic, scale } = keyPitchClasses(key);
  const perBar = bars(score, notes);
  const barLen = barLength(timeSignatureAt(score, 0));
  const shapes = perBar.map((ns, b) => barShape(ns, b * barLen));
  const twoBar = new Set<string>();
  let repeatsTwoBars = false;
  for (let b = 0; b + 1 < shapes.length; b += 2) {
    if (perBar[b]!.length + perBar[b + 1]!.length === 0) continue;
    const unit = `${shapes[b]}|${shapes[b + 1]}`;
    if (twoBar.has(unit)) repeatsTwoBars = true;
    twoBar.add(unit);
  }
  const last = notes.filter((n) => n.onset === Math.max(...notes.map((m) => m.onset)));
  return {
    pitchCount: new Set(midis).size,
    pitchClassHistogram: normalised(pcHist),
    pitchClassTransitions: normalised(pcTrans),
    pitchRange: midis.length > 0 ? Math.max(...midis) - Math.min(...midis) : 0,
    averageInterval: notes.length > 1 ? intervals / (notes.length - 1) : 0,
    noteCount: notes.length,
    averageIoi: notes.length > 1 ? iois / (notes.length - 1) / Q : 0,
    noteLengthHistogram: normalised(lenHist),
    noteLengthTransitions: normalised(lenTrans),
    emptyBarRatio: perBar.filter((ns) => ns.length === 0).length / perBar.length,
    pitchClassesPerBar: perBar.reduce((s, ns) => s + new Set(ns.map((n) => pc(midiOf(n.pitch)))).size, 0) / perBar.length,
    inScaleRatio: midis.length > 0 ? midis.filter((m) => scale.has(pc(m))).length / midis.length : 1,
    endsOnTonic: last.some((n) => pc(midiOf(n.pitch)) === tonic),
    repeatsTwoBars,
    restatesOpening: shapes.length >= 7 && perBar[0]!.length > 0 && [0, 1, 2].every((b) => shapes[b] === shapes[b + 4]),
  };
}
