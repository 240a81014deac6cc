/**
 * Chord symbols as the `chord` feature reads them: root pitch class, one of
 * five qualities, and whether a seventh (or 9th, 11th, 13th) is added. The
 * text is parsed by the score's chord-symbol reader (score/chord-symbol.ts),
 * which knows the usual spellings ("Am7", "Bbmaj7", "F#dim", "C+", "Gsus4",
 * "Bø", "D7/F#") and the Nottingham ABC ones ("Cd" diminished, "Ca" augmented).
 */
import { midiOf, parseChordSymbol } from '../score/index.js';

export const CHORD_QUALITIES = ['major', 'minor', 'diminished', 'augmented', 'suspended'] as const;
export type ChordQuality = (typeof CHORD_QUALITIES)[number];

export interface ChordReading {
  /** Pitch class of the root, 0 = C. */
  root: number;
  quality: ChordQuality;
  seventh: boolean;
}

/** The quality of each MusicXML <kind>; kinds not listed ("other", power chords) read as major. */
const QUALITY_OF_KIND: Record<string, ChordQuality> = {
  minor: 'minor', 'minor-seventh': 'minor', 'minor-sixth': 'minor', 'minor-ninth': 'minor', 'minor-11th': 'minor', 'minor-13th': 'minor',
  'major-minor': 'minor',
  diminished: 'diminished', 'diminished-seventh': 'diminished', 'half-diminished': 'diminished',
  augmented: 'augmented', 'augmented-seventh': 'augmented',
  'suspended-second': 'suspended', 'suspended-fourth': 'suspended',
};

/** Read a chord symbol; undefined for "N.C." and for text that names no chord. */
export function readChordSymbol(text: string): ChordReading | undefined {
  const chord = parseChordSymbol(text);
  if (!chord || chord.kind === 'none') return undefined;
  return {
    root: (midiOf({ ...chord.root, octave: 4 }) + 120) % 12,
    quality: QUALITY_OF_KIND[chord.kind] ?? 'major',
    seventh: /(seventh|ninth|11th|13th|dominant|half-diminished|major-minor)/.test(chord.kind) || (chord.kind === 'other' && /(7|9|11|13)/.test(chord.suffix)),
  };
}
