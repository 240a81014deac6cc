/** Keys: the signature of a tonic and mode, mode names, and key estimation (Krumhansl–Kessler profiles) for sources that give no key signature. */
import { fifthsOf, midiOf, type Mode, type Pitch } from './pitch.js';
import type { Key, Score } from './score.js';
import type { Fifths, Midi, Ticks } from './units.js';

const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / 12;
  const mb = b.reduce((s, x) => s + x, 0) / 12;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < 12; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

/** The notes of every part but drums as MIDI numbers and durations: what key estimation weighs. */
export function weightedPitches(score: Pick<Score, 'parts'>): { midi: Midi; duration: Ticks }[] {
  return score.parts.flatMap((p) => (p.isDrum ? [] : p.notes.map((n) => ({ midi: midiOf(n.pitch), duration: n.duration }))));
}

/** The duration-weighted pitch-class histogram's Krumhansl–Kessler correlation with each tonic's major and minor profile. */
function keyFits(notes: Iterable<{ midi: Midi; duration: Ticks }>): { tonic: number; mode: 'major' | 'minor'; r: number }[] {
  const hist = new Array<number>(12).fill(0);
  for (const n of notes) hist[((n.midi % 12) + 12) % 12]! += n.duration;
  const fits: { tonic: number; mode: 'major' | 'minor'; r: number }[] = [];
  for (let tonic = 0; tonic < 12; tonic++) {
    const rotated = hist.map((_, i) => hist[(i + tonic) % 12]!);
    for (const [mode, profile] of [['major', MAJOR], ['minor', MINOR]] as const) fits.push({ tonic, mode, r: correlation(rotated, profile) });
  }
  return fits;
}

/**
 * The most likely key of a set of notes, weighted by duration, as a key
 * signature (fifths of the major key or its relative) and mode. C major for no notes.
 */
export function estimateKey(notes: Iterable<{ midi: Midi; duration: Ticks }>): Key {
  const best = keyFits(notes).reduce((a, b) => (b.r > a.r ? b : a));
  // key signature: tonic's fifths position (minor: that of its relative major), within -6..+5
  const tonicFifths = (((best.tonic * 7) % 12) + 12) % 12;
  const sig = best.mode === 'major' ? tonicFifths : tonicFifths - 3;
  return { fifths: ((((sig + 6) % 12) + 12) % 12) - 6, mode: best.mode };
}

/**
 * How much better than `key` the likeliest key fits the notes: 0 when `key`
 * is the likeliest, else the difference of their correlations (0..2). A
 * mode with a major third (lydian, mixolydian) is read with the major
 * profile on its tonic, one with a minor third (dorian, phrygian, locrian) with the minor.
 */
export function keyMisfit(notes: Iterable<{ midi: Midi; duration: Ticks }>, key: Key): number {
  const fits = keyFits(notes);
  const tonic = keyTonic(key);
  const mode = hasMinorThird(key.mode) ? 'minor' : 'major';
  const asked = fits.find((f) => f.tonic === tonic && f.mode === mode)!;
  return Math.max(...fits.map((f) => f.r)) - asked.r;
}

/** Whether the mode's third is minor (minor, aeolian, dorian, phrygian, locrian). */
export function hasMinorThird(mode: Mode): boolean {
  return MODE_FIFTHS[mode] < -1;
}

/** The key's tonic on the line of fifths (C = 0, G = 1): E minor (one sharp) is 4, D dorian (no sharps) 2. */
export function tonicFifths(key: Key): Fifths {
  return key.fifths - MODE_FIFTHS[key.mode];
}

/** The pitch class of the key's tonic (C = 0): E minor is 4, D dorian 2. */
export function keyTonic(key: Key): number {
  return (((tonicFifths(key) * 7) % 12) + 12) % 12;
}

/** How far each mode's signature lies from the major key on the same tonic, in fifths (D dorian = D major − 2 = C). */
const MODE_FIFTHS: Record<Mode, Fifths> = {
  major: 0, ionian: 0, lydian: 1, mixolydian: -1, dorian: -2, minor: -3, aeolian: -3, phrygian: -4, locrian: -5,
};

/** The key signature of a tonic and mode: G major = 1, G minor = -2, G dorian = -1. */
export function keySignatureFifths(tonic: Pick<Pitch, 'step' | 'alter'>, mode: Mode): Fifths {
  return fifthsOf(tonic) + MODE_FIFTHS[mode];
}

/**
 * A mode from the way kern and ABC write it: its first three letters in any case
 * ("dor", "Mix", "minor"), "m" / "min" for minor, "maj" or "" for major; undefined otherwise.
 */
export function modeFromName(name: string): Mode | undefined {
  const n = name.toLowerCase();
  if (n === '' || n.startsWith('maj')) return 'major';
  if (n === 'm' || n.startsWith('min')) return 'minor';
  return (Object.keys(MODE_FIFTHS) as Mode[]).find((m) => m !== 'major' && m !== 'minor' && n.length >= 3 && m.startsWith(n.slice(0, 3)));
}
