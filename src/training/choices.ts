/**
 * The choices a user makes on the command line, in words, turned into specs:
 * an encoding name ("melody-spelled"), a feature list ("beat,key"), a pitch
 * range ("C3..C7" or "48..96"), a transposition range ("-5..6", "5", "0").
 */
import { FEATURE_NAMES, normalizeSpec, type EncoderSpec, type PartChoice } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import { midiOf, parsePitch, type Midi, type Steps } from '../score/index.js';

/** What `--encoding` accepts. */
export const ENCODING_CHOICES = ['melody', 'melody-spelled', 'voices', 'pianoroll'] as const;
export type EncodingChoice = (typeof ENCODING_CHOICES)[number];

export interface EncoderChoice {
  /** Absent: the base spec's (a model kind's own encoder). */
  encoding?: string;
  features?: string[];
  stepsPerQuarter?: Steps;
  range?: [Midi, Midi];
  /** melody: the part whose top voice is the melody. */
  part?: PartChoice;
  /** pianoroll: keep the onset channel (default true); without it a held note and a repeated one look alike. */
  onsets?: boolean;
  /** The `lookback` feature's distances in bars (default 1, 2, 4, 8). */
  lookbackBars?: number[];
}

/** An encoding name as `--encoding` takes it; an unknown one is refused, listing the known. */
export function parseEncodingChoice(text: string): EncodingChoice {
  if (!(ENCODING_CHOICES as readonly string[]).includes(text)) {
    throw new MusegenError('BAD_ARGUMENT', `unknown encoding "${text}" (known: ${ENCODING_CHOICES.join(', ')})`);
  }
  return text as EncodingChoice;
}

/**
 * The encoder spec of a user's choices over `base` (the model kind's own
 * encoder, used whole when no --encoding is chosen); throws
 * MusegenError('BAD_ARGUMENT') naming an unknown encoding or feature.
 */
export function encoderSpecFor(choice: EncoderChoice, base: Readonly<Record<string, unknown>> = { encoding: 'melody' }): EncoderSpec {
  const name = choice.encoding === undefined ? null : parseEncodingChoice(choice.encoding);
  const encoding = name === null ? String(base.encoding) : name === 'melody-spelled' ? 'melody' : name;
  return normalizeSpec({
    ...(name === null ? base : {}),
    encoding,
    ...(name?.startsWith('melody') ? { spelled: name === 'melody-spelled' } : {}),
    ...(choice.part !== undefined && encoding === 'melody' ? { part: choice.part } : {}),
    ...(choice.features ? { features: choice.features.map((f) => (f === 'lookback' && choice.lookbackBars ? { name: f, bars: choice.lookbackBars } : f)) } : {}),
    ...(choice.stepsPerQuarter !== undefined ? { stepsPerQuarter: choice.stepsPerQuarter } : {}),
    ...(choice.range ? { lowest: choice.range[0], highest: choice.range[1] } : {}),
    ...(choice.onsets !== undefined && encoding === 'pianoroll' ? { onsets: choice.onsets } : {}),
  });
}

/**
 * What a choice asks that the encoding chosen cannot act on, one line each:
 * a part for an encoding that reads every part, no onset channel for one
 * that has none.
 */
export function unheededChoices(choice: EncoderChoice, spec: EncoderSpec): string[] {
  const lines: string[] = [];
  if (choice.part !== undefined && spec.encoding !== 'melody') lines.push(`--part chooses the part a melody is read from: the ${spec.encoding} encoding reads its own parts, so --part does nothing`);
  if (choice.onsets !== undefined && spec.encoding !== 'pianoroll') lines.push(`--no-onsets drops a piano roll's onset channel: the ${spec.encoding} encoding has none, so it does nothing`);
  if (choice.lookbackBars && !spec.features.some((f) => f.name === 'lookback')) lines.push('--lookback-bars sets the distances of the lookback feature: --features has no lookback, so it does nothing');
  return lines;
}

/** "beat,key" → ['beat', 'key']; "none" or "" → []. Unknown names are refused, listing the known ones. */
export function parseFeatureList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
  const unknown = names.find((n) => !(FEATURE_NAMES as readonly string[]).includes(n));
  if (unknown !== undefined) throw new MusegenError('BAD_ARGUMENT', `unknown feature "${unknown}" (known: ${FEATURE_NAMES.join(', ')}, or none)`);
  return names;
}

/** "1,2,4,8" → [1, 2, 4, 8]: whole bars, each once (the spec checks their range). */
export function parseBarList(text: string): number[] {
  const bars = text.split(',').map((s) => s.trim());
  if (bars.some((b) => !/^\d+$/.test(b)) || new Set(bars.map(Number)).size !== bars.length) {
    throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a list of distances in whole bars, each once, like 1,2,4,8`);
  }
  return bars.map(Number);
}

/** "-5..6" → [-5, 6]; "5" → [-5, 5]; "0" → [0, 0]. */
export function parseSemitoneRange(text: string): [number, number] {
  const m = /^\s*(-?\d+)\s*(?:\.\.\s*(-?\d+)\s*)?$/.exec(text);
  if (!m) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a range of semitones like -5..6, 5 (meaning -5..5) or 0`);
  const a = Number(m[1]);
  return m[2] === undefined ? [-Math.abs(a), Math.abs(a)] : [a, Number(m[2])];
}

/** "C3..C7" or "48..96" → [48, 96] (MIDI numbers, both included). */
export function parsePitchRange(text: string): [Midi, Midi] {
  const parts = text.split('..').map((s) => s.trim());
  const midi = (s: string): Midi => (/^\d+$/.test(s) ? Number(s) : midiOf(parsePitch(s)));
  try {
    if (parts.length !== 2) throw new Error();
    const [low, high] = [midi(parts[0]!), midi(parts[1]!)];
    if (!(low >= 0 && high <= 127 && low <= high)) throw new Error();
    return [low, high];
  } catch {
    throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a pitch range low..high like C3..C7 or 48..96 (MIDI 0–127)`);
  }
}
