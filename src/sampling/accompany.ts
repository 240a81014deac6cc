/**
 * Accompanying a tune with chords: its melody (one line), chord symbols —
 * its own, or the chord model's — and a comping track played from them.
 *
 *   Score ─ melodyLine (the melody part, its top line; warnings) ─┐
 *         ├ its own chord symbols (kept unless `replace`) ─────────┤
 *         └ or chooseChords (the chord model) ─────────────────────┴─ compingPart ─► Score: melody + chords part, chord symbols
 *
 * The styles of `musegen accompany`: 'chords' (this file: chord symbols and
 * a comping track, for a folk tune) and 'chorale' (four-part harmony by a
 * convolutional model, for a chorale melody).
 *
 * @example
 *   const { score, warnings } = accompanyWithChords(generator, tune, { temperature: 0 });
 */
import { melodyPart } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { Generator } from '../generators/index.js';
import { createScore, lastNoteEnd, topLine, type Part, type Score } from '../score/index.js';
import { chooseChords, type ChordChoiceOptions } from './chords.js';
import { compingPart, type CompingOptions } from './comping.js';

/** How `musegen accompany` may accompany a tune. */
export const ACCOMPANIMENT_STYLES = ['chords', 'chorale'] as const;
export type AccompanimentStyle = (typeof ACCOMPANIMENT_STYLES)[number];

/**
 * The style a tune calls for: 'chorale' for a chorale melody (fermatas at its
 * phrase ends, or the four parts of a chorale, and no chord symbols),
 * 'chords' for any other single melody.
 */
export function defaultAccompanimentStyle(score: Score): AccompanimentStyle {
  if (score.chordSymbols.length > 0) return 'chords';
  const pitched = score.parts.filter((p) => !p.isDrum && p.notes.length > 0);
  const fermatas = pitched.some((p) => p.notes.some((n) => n.fermata));
  return fermatas || pitched.length === 4 ? 'chorale' : 'chords';
}

/**
 * The melody of a tune as one line: the part a melody is read from (named
 * soprano/melody/tune…, else the highest), its top line where it holds
 * chords; a warning for what is left out. Throws MusegenError('EMPTY') when
 * the tune has no notes.
 */
export function melodyLine(score: Score): { part: Part; warnings: string[] } {
  const pitched = score.parts.filter((p) => !p.isDrum && p.notes.length > 0);
  if (pitched.length === 0) throw new MusegenError('EMPTY', 'the tune has no notes to accompany');
  const index = melodyPart(score);
  const part = score.parts[index]!;
  const warnings: string[] = [];
  const { notes, changed } = topLine(part.notes);
  const name = part.name ? ` ("${part.name}")` : '';
  if (pitched.length > 1) {
    warnings.push(`the tune has ${pitched.length} parts: the melody is taken from part ${index + 1}${name}${changed > 0 ? ', its top line' : ''}, and the others are left out`);
  } else if (changed > 0) {
    warnings.push(`the melody is polyphonic (${changed} note${changed === 1 ? '' : 's'} under or overlapping another): its top line is taken`);
  }
  return { part: { ...part, notes }, warnings };
}

export interface ChordAccompanimentOptions extends ChordChoiceOptions, CompingOptions {
  /** Write the model's chords over a tune that has its own (default false: its own are kept). */
  replace?: boolean;
  /** Add the comping part (default true); without it, the melody with chord symbols (a lead sheet). */
  comping?: boolean;
}

export interface ChordAccompaniment {
  /** The melody, the comping part (unless left out) and the chord symbols. */
  score: Score;
  /** Where the chord symbols come from: the tune's own, or the model. */
  chords: 'kept' | 'written';
  /** Chord symbols in the result. */
  symbols: number;
  /** The seed of the draws when the model wrote them. */
  seed: number | null;
  warnings: string[];
}

/**
 * A tune with chords: its own chord symbols (unless `replace`), else the
 * chord model's; and a comping part played from them. `generator` may be
 * null when the tune has chords of its own and they are kept.
 */
export function accompanyWithChords(generator: Generator | null, score: Score, options: ChordAccompanimentOptions = {}): ChordAccompaniment {
  const { part, warnings } = melodyLine(score);
  const melody = createScore({
    ...score,
    parts: [part],
    end: Math.max(score.end, lastNoteEnd({ parts: [part] })),
  });
  const keep = score.chordSymbols.length > 0 && !options.replace;
  let chordSymbols = score.chordSymbols;
  let seed: number | null = null;
  if (!keep) {
    if (!generator) throw new MusegenError('INTERNAL', 'a chord model is needed to write chords');
    const chosen = chooseChords(generator, melody, options);
    chordSymbols = chosen.symbols;
    seed = chosen.seed;
  }
  const withChords: Score = { ...melody, chordSymbols };
  const parts = options.comping === false ? [part] : [part, compingPart(withChords, options)];
  return { score: { ...withChords, parts }, chords: keep ? 'kept' : 'written', symbols: chordSymbols.length, seed, warnings };
}
