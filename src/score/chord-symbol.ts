/**
 * Chord-symbol text ⇄ its MusicXML <harmony> parts: root, <kind>, bass.
 *
 *   "Am7" → { root A, kind minor-seventh, suffix "m7" }
 *   "D/f+" (Nottingham ABC: lowercase bass, "+" sharp) → { root D, kind major, bass F# }
 *   "Cd" / "Ca" (Nottingham dim / aug) → kind diminished / augmented
 *   "(E7)" → alternate: true (an optional chord, <harmony type="alternate">)
 *   "N.C." → kind none;  "E7b9" (a quality not in the table) → kind other, suffix "7b9"
 *
 * Canonical text is what `formatChordSymbol` writes: root and bass in capitals
 * with # or b ("D/F#"), the table's first suffix for a known kind ("Cdim",
 * "Caug", "Bm7b5"), the written suffix for `other`. `normalizeChordSymbol`
 * maps any text to it; the MusicXML writer and reader both go through it, so a
 * chord symbol round-trips as its normalised text.
 */
import { accidentalText, type Step } from './pitch.js';

/** A chord root or bass note: a step and its sharps (+) or flats (−). */
export interface ChordNote {
  step: Step;
  alter: number;
}

/** A chord symbol as MusicXML holds it. */
export interface ParsedChordSymbol {
  /** Ignored when `kind` is "none". */
  root: ChordNote;
  /** A MusicXML <kind> value ("major", "minor-seventh", …, "none", "other"). */
  kind: string;
  /** What is printed after the root: the <kind text> (the whole text for "none"). */
  suffix: string;
  bass?: ChordNote;
  /** Written in parentheses: an optional chord. */
  alternate: boolean;
}

/** MusicXML kind → its canonical suffix first, then other spellings read as it. */
const KIND_SUFFIXES: Record<string, readonly string[]> = {
  major: ['', 'maj', 'M'],
  minor: ['m', 'min', '-'],
  augmented: ['aug', 'a', '+'],
  diminished: ['dim', 'd', 'o', '°'],
  dominant: ['7'],
  'major-seventh': ['maj7', 'M7', 'Maj7', 'Δ7', 'Δ'],
  'minor-seventh': ['m7', 'min7', '-7'],
  'diminished-seventh': ['dim7', 'd7', 'o7', '°7'],
  'augmented-seventh': ['aug7', 'a7', '+7', '7#5', '7+5'],
  'half-diminished': ['m7b5', 'ø', 'ø7', 'm7-5'],
  'major-minor': ['m(maj7)', 'mM7', 'mmaj7', 'mMaj7'],
  'major-sixth': ['6', 'maj6'],
  'minor-sixth': ['m6', 'min6'],
  'dominant-ninth': ['9'],
  'major-ninth': ['maj9', 'M9'],
  'minor-ninth': ['m9', 'min9'],
  'dominant-11th': ['11'],
  'major-11th': ['maj11', 'M11'],
  'minor-11th': ['m11', 'min11'],
  'dominant-13th': ['13'],
  'major-13th': ['maj13', 'M13'],
  'minor-13th': ['m13', 'min13'],
  'suspended-second': ['sus2'],
  'suspended-fourth': ['sus4', 'sus'],
  power: ['5'],
};

const KIND_OF_SUFFIX = new Map<string, string>(
  Object.entries(KIND_SUFFIXES).flatMap(([kind, suffixes]) => suffixes.map((s): [string, string] => [s, kind])),
);

const NO_CHORD = 'N.C.';

/** Alteration of accidental signs: # ♯ + sharpen, b ♭ - flatten; undefined for anything else. */
function alterOf(signs: string): number | undefined {
  let alter = 0;
  for (const c of signs) {
    if (c === '#' || c === '♯' || c === '+') alter++;
    else if (c === 'b' || c === '♭' || c === '-') alter--;
    else return undefined;
  }
  return alter;
}

const stepOf = (letter: string): Step => letter.toUpperCase() as Step;

/** The canonical suffix MusicXML's <kind> value prints as, if the table knows it. */
export const kindSuffix = (kind: string): string | undefined => KIND_SUFFIXES[kind]?.[0];

/**
 * The parts of a chord-symbol text; undefined for text that names no chord
 * (blank). Text without a root letter (other than "N.C.") is kept whole as
 * kind "none" with that text, so nothing is lost.
 */
export function parseChordSymbol(text: string): ParsedChordSymbol | undefined {
  let body = text.replace(/\s+/g, '');
  if (body === '') return undefined;
  const paren = /^\((.+)\)$/.exec(body);
  const alternate = paren !== null;
  if (paren) body = paren[1]!;
  const none = (suffix: string): ParsedChordSymbol => ({ root: { step: 'C', alter: 0 }, kind: 'none', suffix, alternate });
  if (/^N\.?C\.?$/i.test(body)) return none(NO_CHORD);
  const root = /^([A-G])([#♯b♭]*)(.*)$/.exec(body);
  if (!root) return none(body);
  let rest = root[3]!;
  let bass: ChordNote | undefined;
  const slash = /^(.*)\/([A-Ga-g])([#♯+b♭-]*)$/.exec(rest);
  if (slash) {
    bass = { step: stepOf(slash[2]!), alter: alterOf(slash[3]!)! };
    rest = slash[1]!;
  }
  const kind = KIND_OF_SUFFIX.get(rest) ?? 'other';
  return {
    root: { step: stepOf(root[1]!), alter: alterOf(root[2]!)! },
    kind,
    suffix: kindSuffix(kind) ?? rest,
    ...(bass ? { bass } : {}),
    alternate,
  };
}

/** "F#", "Bb", "C". */
export const chordNoteName = (n: ChordNote): string => n.step + accidentalText(n.alter);

/** Canonical text of chord-symbol parts. */
export function formatChordSymbol(c: ParsedChordSymbol): string {
  const text = c.kind === 'none' ? c.suffix : chordNoteName(c.root) + c.suffix + (c.bass ? '/' + chordNoteName(c.bass) : '');
  return c.alternate ? `(${text})` : text;
}

/** Canonical text of a chord symbol ("D/f+" → "D/F#", "Cd" → "Cdim"); undefined for blank text. */
export function normalizeChordSymbol(text: string): string | undefined {
  const parsed = parseChordSymbol(text);
  return parsed && formatChordSymbol(parsed);
}
