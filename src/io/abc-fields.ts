/**
 * ABC information fields that shape the music: K: (key and mode), M: (meter),
 * L: (unit note length), Q: (tempo) and the play order (P: in the header;
 * Y: in the Jukedeck Nottingham files). Lengths are fractions of a whole note.
 */
import { MusegenError } from '../errors.js';
import { keySignatureFifths, modeFromName, stepAlterOfFifths, type BPM, type Fifths, type Key, type Meter, type Step } from '../score/index.js';

export interface AbcKey {
  /** The signature and mode for the key map; undefined for K:none / K:HP (no key signature). */
  signature?: Key;
  /** Alteration of each step outside accidentals written in the bar. */
  accidentals: Partial<Record<Step, number>>;
}

const ACCIDENTAL: Record<string, number> = { '^': 1, '^^': 2, _: -1, __: -2, '=': 0 };

/**
 * K: "G", "Am", "A min", "Ador", "D mixolydian", "Bb", "F#m", "D exp ^f ^c" (exactly
 * those accidentals), "G ^c" (the signature changed), "none", "HP" (no signature),
 * "Hp" (bagpipe: F#, C#, G natural). Clef and other settings after the key are ignored.
 */
export function parseAbcKey(value: string): AbcKey {
  const words = value.trim().split(/\s+/).filter((w) => w !== '');
  const first = words.shift() ?? 'none';
  let signature: AbcKey['signature'];
  if (first === 'Hp') signature = { fifths: 2, mode: 'mixolydian' };
  else {
    const m = /^([A-G])([#b]?)(.*)$/.exec(first);
    if (m) {
      let modeName = m[3]!;
      if (modeName === '' && words[0] !== undefined && /^[a-z]+$/i.test(words[0]) && modeFromName(words[0]) !== undefined) modeName = words.shift()!;
      const mode = modeFromName(modeName);
      if (mode === undefined) throw new MusegenError('BAD_FORMAT', `K:${value.trim()} — "${modeName}" is not a mode (expected e.g. m, dor, mix)`);
      const tonic = { step: m[1] as Step, alter: m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0 };
      signature = { fifths: keySignatureFifths(tonic, mode), mode };
    } else if (first !== 'none' && first !== 'HP' && !first.includes('=')) {
      throw new MusegenError('BAD_FORMAT', `K:${value.trim()} is not a key (expected e.g. G, Am, Ador, none)`);
    }
  }
  const explicit = words.includes('exp');
  const accidentals = signature && !explicit ? signatureAccidentals(signature.fifths) : {};
  for (const w of words) {
    const a = /^(\^{1,2}|_{1,2}|=)([a-gA-G])$/.exec(w);
    if (a) accidentals[a[2]!.toUpperCase() as Step] = ACCIDENTAL[a[1]!]!;
  }
  return signature ? { signature, accidentals } : { accidentals };
}

/** The altered steps of a key signature: 2 → F#, C#; -3 → Bb, Eb, Ab. */
function signatureAccidentals(fifths: Fifths): Partial<Record<Step, number>> {
  const out: Partial<Record<Step, number>> = {};
  // Sharps sit at F#=6, C#=7 … on the line of fifths; flats at Bb=-2, Eb=-3 ….
  const positions = fifths > 0 ? range(6, 5 + fifths) : range(-1 + fifths, -2).reverse();
  for (const f of positions) {
    const { step, alter } = stepAlterOfFifths(f);
    out[step] = alter;
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
}

/** M: "6/8", "C" (4/4), "C|" (2/2), "2+3/8", "(2+2+3)/8"; undefined for "none" (free meter). */
export function parseAbcMeter(value: string): Meter | undefined {
  const v = value.trim();
  if (v === '' || v === 'none') return undefined;
  if (v === 'C') return { numerator: 4, denominator: 4 };
  if (v === 'C|') return { numerator: 2, denominator: 2 };
  const m = /^\(?(\d+(?:\+\d+)*)\)?\/(\d+)$/.exec(v);
  if (!m) throw new MusegenError('BAD_FORMAT', `M:${v} is not a meter (expected e.g. 6/8, C, C|)`);
  const numerator = m[1]!.split('+').reduce((s, x) => s + Number(x), 0);
  return { numerator, denominator: Number(m[2]) };
}

/** The default unit length the ABC standard gives a meter: 1/16 below 3/4, else 1/8. */
export function defaultUnitLength(meter: Meter | undefined): number {
  return meter && meter.numerator / meter.denominator < 0.75 ? 1 / 16 : 1 / 8;
}

/** L: "1/8", "1/4", "1". */
export function parseAbcLength(value: string): number {
  const m = /^(\d+)(?:\/(\d+))?$/.exec(value.trim());
  if (!m || Number(m[1]) === 0 || Number(m[2] ?? 1) === 0) {
    throw new MusegenError('BAD_FORMAT', `L:${value.trim()} is not a note length (expected e.g. 1/8)`);
  }
  return Number(m[1]) / Number(m[2] ?? 1);
}

/**
 * Q: "1/4=120", "3/8=60", "1/8 1/8 1/8=40", `"Allegro" 1/4=120`, or an old-style
 * "120" (units of L). Quarter notes per minute; undefined when it gives no number.
 */
export function parseAbcTempo(value: string, unitLength: number): BPM | undefined {
  const v = value.replace(/"[^"]*"/g, ' ').trim();
  const m = /^((?:\d+\/\d+\s*)*)=?\s*(\d+(?:\.\d+)?)$/.exec(v);
  if (!m) return undefined;
  const beats = m[1]!.trim() === '' ? unitLength : m[1]!.trim().split(/\s+/).reduce((s, f) => s + parseAbcLength(f), 0);
  return Number(m[2]) * beats * 4;
}

/**
 * A play order: "AABABAC", "A(AB)2C", "A2B" — part labels (one letter each),
 * a count repeats the label or parenthesised group before it; dots and spaces are ignored.
 */
export function parsePlayOrder(value: string): string[] {
  let i = 0;
  const s = value.replace(/[.\s]/g, '');
  const group = (): string[] => {
    const out: string[] = [];
    while (i < s.length && s[i] !== ')') {
      let item: string[];
      if (s[i] === '(') {
        i++;
        item = group();
        i++; // ')'
      } else if (/[A-Za-z]/.test(s[i]!)) item = [s[i++]!];
      else throw new MusegenError('BAD_FORMAT', `play order "${value.trim()}": unexpected "${s[i]}"`);
      const count = /^\d+/.exec(s.slice(i))?.[0];
      i += count?.length ?? 0;
      for (let k = 0; k < Number(count ?? 1); k++) out.push(...item);
    }
    return out;
  };
  return group();
}
