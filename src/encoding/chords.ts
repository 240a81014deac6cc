/**
 * Chord symbols as the `chord` feature reads them: root pitch class, one of
 * five qualities, and whether a seventh (or 9th, 11th, 13th) is added.
 * Understands the usual spellings ("Am7", "Bbmaj7", "F#dim", "C+", "Gsus4",
 * "Bø", "D7/F#") and the Nottingham ABC ones ("Cd" diminished, "Ca" augmented).
 */
import { midiOf, type Step } from '../score/index.js';

export const CHORD_QUALITIES = ['major', 'minor', 'diminished', 'augmented', 'suspended'] as const;
export type ChordQuality = (typeof CHORD_QUALITIES)[number];

export interface ChordReading {
  /** Pitch class of the root, 0 = C. */
  root: number;
  quality: ChordQuality;
  seventh: boolean;
}

const CHORD_RE = /^([A-G])(##?|bb?|x)?([^/]*)/;

function qualityOf(rest: string): ChordQuality {
  if (/^(maj|M|Δ)/.test(rest)) return 'major';
  if (/^(m7b5|ø)/.test(rest)) return 'diminished';
  if (/^(min|m|-)/.test(rest)) return 'minor';
  if (/^(dim|o|°|d)/.test(rest)) return 'diminished';
  if (/^(aug|\+|a)/.test(rest)) return 'augmented';
  if (/sus/.test(rest)) return 'suspended';
  return 'major';
}

/** Read a chord symbol; undefined for "N.C." and for text that names no chord. */
export function readChordSymbol(text: string): ChordReading | undefined {
  const m = CHORD_RE.exec(text.trim());
  if (!m) return undefined;
  const acc = m[2] ?? '';
  const alter = acc === 'x' ? 2 : acc.startsWith('#') ? acc.length : -acc.length;
  const rest = m[3]!;
  return {
    root: (midiOf({ step: m[1] as Step, alter, octave: 4 }) + 120) % 12,
    quality: qualityOf(rest),
    seventh: /(7|9|11|13|ø)/.test(rest),
  };
}
