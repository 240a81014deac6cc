/**
 * How well a chord model puts chords under tunes it did not train on,
 * beat by beat, against the tunes' own chord symbols — beside two baselines
 * on the same beats:
 *
 *   key      the most frequent chord of the key (relative to the tonic, per
 *            mode, counted on the training tunes: I in major, i in minor)
 *   melody   the chord whose tones cover most of the beat's melody (duration),
 *            among the chords (relative to the key) that make up at least 0.5 %
 *            of the training beats; ties to the more frequent; a beat of rest
 *            gets the key baseline's chord
 *
 *   tunes ─ encoder ─ beat slots (chord-layout) ─┬ real chord classes
 *                                                ├ model: the likeliest chord per beat (temperature 0), left to right
 *                                                ├ key baseline · melody baseline
 *                                                └─► accuracy (same class), root accuracy, chord tones on the strong beats
 *
 * Counted on every beat with a real chord (not before a tune's first symbol).
 * Chord tones: the share of the melody notes that start on a beat (the
 * strong beats) whose pitch class is a tone of the chord of that beat — for
 * the model, the baselines and the real chords alike, each chord read as its
 * class (chord-vocabulary: triad and seventh).
 */
import {
  CHORD_CLASSES, NO_CHORD, chordClassTones, lastAtOrBefore, melodyPitchClasses, readingOfClass, tonicPitchClass, transposeClass,
  ChordLayout, type ChordSlot, type EncodedEvents,
} from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { Generator } from '../generators/index.js';
import { hasMinorThird, type Score } from '../score/index.js';

/** One system's figures. */
export interface ChordFigures {
  /** Share of the beats whose chord is the real one (root, quality and seventh). */
  accuracy: number;
  /** Share of the beats whose chord has the real one's root. */
  rootAccuracy: number;
  /** Share of the strong-beat melody notes that are tones of the chord. */
  chordTones: number;
}

export interface ChordAccuracyReport {
  pieces: number;
  /** Beats with a real chord: what accuracy is over. */
  beats: number;
  /** Melody notes starting on such beats: what the chord-tone share is over. */
  strongBeatNotes: number;
  /** The model's likeliest chords. */
  chordModel: ChordFigures;
  keyBaseline: ChordFigures;
  melodyBaseline: ChordFigures;
  /** The real chords' share of chord tones (accuracy 1 by definition). */
  real: Pick<ChordFigures, 'chordTones'>;
  /** The key baseline's chords, as fitted (relative to C: "C" in major, "Cm" in minor). */
  keyChords: { major: number; minor: number };
  /** Pieces left out: no chord symbol, or no notes. */
  skipped: number;
}

export interface ChordAccuracyOptions {
  /** Called after each piece with the pieces done. */
  onPiece?: (done: number) => void;
}

interface Beat {
  slot: ChordSlot;
  real: number;
  tonic: number;
  minor: boolean;
  /** Steps of each pitch class in the beat. */
  cover: Float64Array;
  /** Pitch class of the note starting on the beat, or −1. */
  strong: number;
}

/** The beats of one tune, with their real chords, key and melody; null for a tune without chords or notes. */
function beatsOf(layout: ChordLayout, encoded: EncodedEvents): { beats: Beat[] } | null {
  if (encoded.steps === 0 || encoded.context.chords.length === 0) return null;
  const { slots, classes } = layout.read(encoded);
  const { pc, onset } = melodyPitchClasses(layout.encoder, encoded.tokens.subarray(0, encoded.steps), encoded.steps);
  const beats = slots.map((slot, i): Beat => {
    const key = lastAtOrBefore(encoded.context.keySignatures, slot.step);
    const cover = new Float64Array(12);
    for (let s = slot.step; s < slot.end; s++) if (pc[s]! >= 0) cover[pc[s]!]++;
    return {
      slot, real: classes[i]!, tonic: tonicPitchClass(key) ?? 0, minor: key ? hasMinorThird(key.mode) : false,
      cover, strong: onset[slot.step] ? pc[slot.step]! : -1,
    };
  });
  return { beats };
}

/** Key-relative chord counts per mode over training tunes. */
function fitBaselines(layout: ChordLayout, train: readonly Score[]): { counts: [Float64Array, Float64Array] } {
  const counts: [Float64Array, Float64Array] = [new Float64Array(CHORD_CLASSES), new Float64Array(CHORD_CLASSES)];
  for (const score of train) {
    const read = beatsOf(layout, layout.encoder.encode(score) as EncodedEvents);
    if (!read) continue;
    for (const b of read.beats) if (b.real !== NO_CHORD) counts[b.minor ? 1 : 0][transposeClass(b.real, -b.tonic)]++;
  }
  return { counts };
}

function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

class Tally {
  hits = 0;
  roots = 0;
  tones = 0;

  add(beat: Beat, chord: number): void {
    if (chord === beat.real) this.hits++;
    const a = readingOfClass(chord);
    const b = readingOfClass(beat.real);
    if (a && b && a.root === b.root) this.roots++;
    if (beat.strong >= 0 && chordClassTones(chord).includes(beat.strong)) this.tones++;
  }

  figures(beats: number, notes: number): ChordFigures {
    return { accuracy: beats > 0 ? this.hits / beats : 0, rootAccuracy: beats > 0 ? this.roots / beats : 0, chordTones: notes > 0 ? this.tones / notes : 0 };
  }
}

/**
 * The figures of a chord model on `pieces` (tunes with chord symbols it did
 * not train on), the baselines fitted on `train`. Throws
 * MusegenError('UNSUPPORTED') for a model that writes no chords, ('EMPTY')
 * when no piece has chords.
 */
export function chordAccuracy(generator: Generator, pieces: readonly Score[], train: readonly Score[], options: ChordAccuracyOptions = {}): ChordAccuracyReport {
  const writer = generator.chords;
  if (!writer) throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model writes no chords`);
  const layout = new ChordLayout(generator.encoder);
  const { counts } = fitBaselines(layout, train);
  const keyChord = counts.map((c) => argmax(c));
  const candidates = counts.map((c) => {
    const total = c.reduce((a, b) => a + b, 0);
    return [...c.keys()].filter((k) => k !== NO_CHORD && c[k]! >= 0.005 * total);
  });
  const model = new Tally();
  const key = new Tally();
  const melody = new Tally();
  const real = new Tally();
  let beats = 0;
  let notes = 0;
  let skipped = 0;
  pieces.forEach((score, i) => {
    const encoded = generator.encoder.encode(score) as EncodedEvents;
    const read = beatsOf(layout, encoded);
    if (!read) {
      skipped++;
      options.onPiece?.(i + 1);
      return;
    }
    const session = writer.session(encoded);
    for (const beat of read.beats) {
      const choice = argmax(session.logits());
      session.push(choice);
      if (beat.real === NO_CHORD) continue;
      beats++;
      if (beat.strong >= 0) notes++;
      const mode = beat.minor ? 1 : 0;
      const keyGuess = transposeClass(keyChord[mode]!, beat.tonic);
      let best = keyGuess;
      let bestCover = 0;
      let bestCount = -1;
      for (const rel of candidates[mode]!) {
        const cls = transposeClass(rel, beat.tonic);
        const cover = chordClassTones(cls).reduce((s, pc) => s + beat.cover[pc]!, 0);
        const count = counts[mode]![rel]!;
        if (cover > bestCover || (cover === bestCover && cover > 0 && count > bestCount)) {
          best = cls;
          bestCover = cover;
          bestCount = count;
        }
      }
      model.add(beat, choice);
      key.add(beat, keyGuess);
      melody.add(beat, best);
      real.add(beat, beat.real);
    }
    options.onPiece?.(i + 1);
  });
  if (beats === 0) throw new MusegenError('EMPTY', 'no tune among these has chord symbols to compare with');
  return {
    pieces: pieces.length - skipped, beats, strongBeatNotes: notes,
    chordModel: model.figures(beats, notes), keyBaseline: key.figures(beats, notes), melodyBaseline: melody.figures(beats, notes),
    real: { chordTones: real.figures(beats, notes).chordTones },
    keyChords: { major: keyChord[0]!, minor: keyChord[1]! },
    skipped,
  };
}
