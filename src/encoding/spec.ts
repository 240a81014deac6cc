/**
 * Encoder specs: the plain-JSON description saved inside every model, from
 * which `encoderFromSpec` rebuilds the same encoder. Here: the spec types,
 * their defaults, and validation that names what is wrong and what would do.
 */
import { MusegenError, shownValue } from '../errors.js';
import { pitchName, spellMidi, ticksPerStep, type Fifths, type Midi, type Steps } from '../score/index.js';
import { DEFAULT_LOOKBACK_BARS } from './form-features.js';

/**
 * Which part of a score a melody is read from: an index, a part's name
 * (matched without regard to case), every part merged, or 'top' — the part
 * named like a melody (soprano, melody, tune, lead, vocal), else the one
 * whose notes lie highest on average (kern lists the bass first).
 */
export type PartChoice = number | { name: string } | 'merged' | 'top';

/** A feature channel and its options; see features.ts for what each holds and its width. */
export type FeatureSpec =
  | { name: 'beat'; maxBarSteps: Steps }
  | { name: 'fermata' }
  | { name: 'spelling' }
  | { name: 'key'; lowestFifths: Fifths; highestFifths: Fifths }
  | { name: 'chord' }
  | { name: 'melody'; part: PartChoice }
  | { name: 'bar' }
  | { name: 'remaining' }
  | { name: 'lookback'; bars: number[] };

export type FeatureName = FeatureSpec['name'];
export const FEATURE_NAMES: readonly FeatureName[] = ['beat', 'fermata', 'spelling', 'key', 'chord', 'melody', 'bar', 'remaining', 'lookback'];

/** A feature as written by hand: its name alone takes the defaults. */
export type FeatureInput = FeatureName | ({ name: FeatureName } & Record<string, unknown>);

interface CommonSpec {
  /** Grid resolution; must divide 480. */
  stepsPerQuarter: Steps;
  /** Lowest and highest MIDI pitch kept (inclusive). */
  lowest: Midi;
  highest: Midi;
  /** Feature channels, in the order their columns appear. */
  features: FeatureSpec[];
}

/** Piano roll (steps × pitches), a sustain channel and optionally an onset channel, per track. */
export interface PianoRollSpec extends CommonSpec {
  encoding: 'pianoroll';
  /** 'merged': one roll of all non-drum parts; or part indices, one roll each (Coconet-like). */
  parts: 'merged' | number[];
  /** Add the onset channel, so a repeated note differs from a held one. */
  onsets: boolean;
}

/** One-hot melody events (MelodyRNN-like): per step note-on(pitch) / hold / rest. */
export interface MelodySpec extends CommonSpec {
  encoding: 'melody';
  /** The part whose top voice (skyline) is the melody. */
  part: PartChoice;
  /** Tokens are spelled pitches (C#4 ≠ Db4) rather than MIDI numbers. */
  spelled: boolean;
  /** Alterations the spelled vocabulary holds (−2 = 𝄫 … +2 = 𝄪). */
  alters: number[];
}

/** One token stream per part (DeepBach-like); each token a (spelled) pitch, hold or rest. */
export interface VoicesSpec extends CommonSpec {
  encoding: 'voices';
  /** Part indices, one stream each, in this order. */
  parts: number[];
  spelled: boolean;
  alters: number[];
}

export type EncoderSpec = PianoRollSpec | MelodySpec | VoicesSpec;
export type EncodingName = EncoderSpec['encoding'];
export const ENCODING_NAMES: readonly EncodingName[] = ['pianoroll', 'melody', 'voices'];

/** Options as a caller writes them: every field but the encoding may be left out. */
export type EncoderOptions<S extends EncoderSpec> = Partial<Omit<S, 'encoding' | 'features'>> & { features?: FeatureInput[] };

const ALL_ALTERS = [-2, -1, 0, 1, 2];

const DEFAULTS = {
  pianoroll: { stepsPerQuarter: 4, lowest: 36, highest: 96, parts: 'merged', onsets: true },
  melody: { stepsPerQuarter: 4, lowest: 48, highest: 96, part: 'top', spelled: false, alters: ALL_ALTERS },
  voices: { stepsPerQuarter: 4, lowest: 36, highest: 84, parts: [0, 1, 2, 3], spelled: true, alters: ALL_ALTERS },
} as const;

const bad = (message: string): MusegenError => new MusegenError('BAD_ARGUMENT', `encoder spec: ${message}`);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkKeys(obj: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw bad(`unknown option "${k}" for ${what} (known: ${known.join(', ')})`);
  }
}

function integer(x: unknown, what: string, min: number, max: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    throw bad(`${what} must be a whole number from ${min} to ${max}, not ${shownValue(x)}`);
  }
  return x;
}

function boolean(x: unknown, what: string): boolean {
  if (typeof x !== 'boolean') throw bad(`${what} must be true or false, not ${shownValue(x)}`);
  return x;
}

function partChoice(x: unknown, what: string): PartChoice {
  if (x === 'merged' || x === 'top') return x;
  if (isRecord(x)) {
    checkKeys(x, ['name'], what);
    if (typeof x.name !== 'string' || x.name.trim() === '') throw bad(`${what}.name must be a part's name, not ${shownValue(x.name)}`);
    return { name: x.name };
  }
  return integer(x, `${what} (a part index, {"name": …}, "top" or "merged")`, 0, 1023);
}

function partList(x: unknown, what: string): number[] {
  if (!Array.isArray(x) || x.length === 0) throw bad(`${what} must be a non-empty list of part indices, not ${shownValue(x)}`);
  return x.map((p, i) => integer(p, `${what}[${i}]`, 0, 1023));
}

function alterList(x: unknown): number[] {
  if (!Array.isArray(x) || x.length === 0) throw bad(`alters must be a non-empty list drawn from -2..2, not ${shownValue(x)}`);
  const set = new Set(x.map((a, i) => integer(a, `alters[${i}]`, -2, 2)));
  return [...set].sort((a, b) => a - b);
}

function feature(input: unknown, stepsPerQuarter: Steps): FeatureSpec {
  const obj: Record<string, unknown> = typeof input === 'string' ? { name: input } : isRecord(input) ? input : {};
  const name = obj.name;
  if (typeof name !== 'string' || !(FEATURE_NAMES as readonly string[]).includes(name)) {
    throw bad(`unknown feature ${shownValue(name ?? input)} (known: ${FEATURE_NAMES.join(', ')})`);
  }
  switch (name as FeatureName) {
    case 'beat':
      checkKeys(obj, ['name', 'maxBarSteps'], 'feature "beat"');
      return { name: 'beat', maxBarSteps: integer(obj.maxBarSteps ?? 6 * stepsPerQuarter, 'beat.maxBarSteps', 1, 4096) };
    case 'key': {
      checkKeys(obj, ['name', 'lowestFifths', 'highestFifths'], 'feature "key"');
      const lowestFifths = integer(obj.lowestFifths ?? -7, 'key.lowestFifths', -35, 35);
      const highestFifths = integer(obj.highestFifths ?? 10, 'key.highestFifths', lowestFifths, 35);
      return { name: 'key', lowestFifths, highestFifths };
    }
    case 'lookback': {
      checkKeys(obj, ['name', 'bars'], 'feature "lookback"');
      const bars = obj.bars ?? DEFAULT_LOOKBACK_BARS;
      if (!Array.isArray(bars) || bars.length === 0) throw bad(`lookback.bars must be a non-empty list of distances in bars, e.g. [1, 2, 4, 8]`);
      const distances = bars.map((b, i) => integer(b, `lookback.bars[${i}]`, 1, 64));
      if (new Set(distances).size !== distances.length) throw bad(`lookback.bars lists a distance twice: ${distances.join(', ')}`);
      return { name: 'lookback', bars: distances };
    }
    case 'melody':
      checkKeys(obj, ['name', 'part'], 'feature "melody"');
      return { name: 'melody', part: partChoice(obj.part ?? 'top', 'melody.part') };
    default:
      checkKeys(obj, ['name'], `feature "${name}"`);
      return { name } as FeatureSpec;
  }
}

/**
 * Check a spec (from a model file or a caller) and fill in defaults. Throws
 * MusegenError('BAD_ARGUMENT') naming the field, what it holds and what would do.
 */
export function normalizeSpec(input: unknown): EncoderSpec {
  if (!isRecord(input)) throw bad(`expected an object with an "encoding" field, not ${shownValue(input)}`);
  const encoding = input.encoding;
  if (typeof encoding !== 'string' || !(ENCODING_NAMES as readonly string[]).includes(encoding)) {
    throw bad(`unknown encoding ${shownValue(encoding)} (known: ${ENCODING_NAMES.join(', ')})`);
  }
  const enc = encoding as EncodingName;
  const defaults: Record<string, unknown> = DEFAULTS[enc];
  checkKeys(input, ['encoding', 'features', ...Object.keys(defaults)], `encoding "${enc}"`);
  const get = (k: string): unknown => input[k] ?? defaults[k];

  const stepsPerQuarter = integer(get('stepsPerQuarter'), 'stepsPerQuarter', 1, 480);
  try {
    ticksPerStep(stepsPerQuarter);
  } catch {
    throw bad(`stepsPerQuarter ${stepsPerQuarter} does not divide the 480 ticks of a quarter (try 2, 3, 4, 6, 8, 12 or 24)`);
  }
  const lowest = integer(get('lowest'), 'lowest (a MIDI note number)', 0, 127);
  const highest = integer(get('highest'), 'highest (a MIDI note number)', 0, 127);
  if (highest < lowest) {
    throw bad(`highest (${highest}, ${pitchName(spellMidi(highest))}) is below lowest (${lowest}, ${pitchName(spellMidi(lowest))})`);
  }
  const rawFeatures = input.features ?? [];
  if (!Array.isArray(rawFeatures)) throw bad(`features must be a list, not ${shownValue(rawFeatures)}`);
  const features = rawFeatures.map((f) => feature(f, stepsPerQuarter));
  const names = features.map((f) => f.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw bad(`feature "${twice}" is listed twice`);
  const common = { stepsPerQuarter, lowest, highest, features };

  let spec: EncoderSpec;
  if (enc === 'pianoroll') {
    const parts = get('parts');
    spec = { encoding: enc, ...common, parts: parts === 'merged' ? 'merged' : partList(parts, 'parts (or "merged")'), onsets: boolean(get('onsets'), 'onsets') };
  } else if (enc === 'melody') {
    spec = { encoding: enc, ...common, part: partChoice(get('part'), 'part'), spelled: boolean(get('spelled'), 'spelled'), alters: alterList(get('alters')) };
  } else {
    spec = { encoding: enc, ...common, parts: partList(get('parts'), 'parts'), spelled: boolean(get('spelled'), 'spelled'), alters: alterList(get('alters')) };
  }
  if (names.includes('spelling') && !(spec.encoding !== 'pianoroll' && spec.spelled)) {
    throw bad(`feature "spelling" needs a spelled encoding (melody or voices with spelled: true)`);
  }
  return spec;
}

/** A complete spec of one encoding from a caller's options (defaults filled in, everything checked). */
export function specOf<N extends EncodingName>(encoding: N, options: object = {}): Extract<EncoderSpec, { encoding: N }> {
  return normalizeSpec({ ...options, encoding }) as Extract<EncoderSpec, { encoding: N }>;
}

/** Values per step of a piano roll: tracks × channels (sustain, and onset when kept) × pitches. */
export function rollRowWidth(spec: PianoRollSpec): number {
  return trackCount(spec) * (spec.onsets ? 2 : 1) * (spec.highest - spec.lowest + 1);
}

/** Number of tracks (token streams or rolls) the spec makes. */
export function trackCount(spec: EncoderSpec): number {
  if (spec.encoding === 'melody') return 1;
  return spec.parts === 'merged' ? 1 : spec.parts.length;
}
