/**
 * Benchmark JSON (Boulanger-Lewandowski piano rolls: JSB Chorales,
 * Nottingham, and the SATB "Jsb16thSeparated" form) → one Score per piece.
 *
 *   {"train": [piece…], "valid": […], "test": […]}
 *   piece = [step…]    step = [MIDI pitch…]     (separated: [S, A, T, B], -1 = silent)
 *
 * Each piece becomes a Score on the file's grid — one step is a quarter
 * (`*-quarter.json`, JSB), an eighth (`*-8th.json`, Nottingham) or a
 * sixteenth (`*-16th.json`, `Jsb16thSeparated.json`) — told by the file name
 * unless `stepsPerQuarter` is given. The files do not tell held notes from
 * repeated ones: a pitch sounding on consecutive steps becomes ONE held
 * note. A pitch listed twice in a step (a unison) sounds once. Separated
 * files give four parts (Soprano, Alto, Tenor, Bass), the others one part.
 * The files have no key: pitches are spelled in a key estimated per piece.
 * Each piece keeps its split; `score.end` covers every step, silent ones too.
 */
import { MusegenError, errorMessage, shownValue } from '../errors.js';
import {
  createPart, createScore, DEFAULT_VELOCITY, ticksPerStep,
  type Midi, type Part, type Score, type Steps, type Ticks, type Velocity,
} from '../score/index.js';
import { spellNotes, spellingKeys, type MidiNote } from './midi-spelling.js';
import { registerReader, type FormatReader, type ReadPiece, type Split } from './registry.js';

export interface BenchmarkJsonOptions {
  /** Grid steps per quarter note; by default told by `fileName`. */
  stepsPerQuarter?: Steps;
  /** Four voices per step (S, A, T, B; -1 = silent) → four parts. Default: the file name says "separated" or a step holds -1. */
  separateVoices?: boolean;
  /** The file's name, to tell the grid and the layout. */
  fileName?: string;
  /** Velocity of every note (the files have none). */
  velocity?: Velocity;
}

export const BENCHMARK_JSON_DEFAULTS = { velocity: DEFAULT_VELOCITY } satisfies BenchmarkJsonOptions;

const SPLITS: readonly Split[] = ['train', 'valid', 'test'];
const VOICE_NAMES = ['Soprano', 'Alto', 'Tenor', 'Bass'];
const SILENT = -1;

/** Steps per quarter note that a benchmark file's name implies, or undefined when it does not say. */
export function benchmarkStepsPerQuarter(fileName: string): Steps | undefined {
  const name = fileName.toLowerCase();
  if (name.includes('16th') || name.includes('sixteenth')) return 4;
  if (name.includes('8th') || name.includes('eighth')) return 2;
  if (name.includes('quarter')) return 1;
  if (name.includes('nottingham')) return 2;
  if (name.includes('jsb') || name.includes('chorale')) return 1;
  return undefined;
}

type Piece = number[][];

/** Read a benchmark JSON file: one ReadPiece (with its split) per sequence. */
export function readBenchmarkJson(bytes: Uint8Array, options: BenchmarkJsonOptions = {}): ReadPiece[] {
  const fileName = options.fileName ?? '';
  const velocity = options.velocity ?? BENCHMARK_JSON_DEFAULTS.velocity;
  const splits = parseSplits(bytes);
  const stepsPerQuarter = options.stepsPerQuarter ?? benchmarkStepsPerQuarter(fileName);
  if (stepsPerQuarter === undefined) {
    throw new MusegenError('BAD_ARGUMENT', 'cannot tell the grid of this benchmark file from its name (expected "quarter", "8th" or "16th" in it); pass stepsPerQuarter');
  }
  const step = ticksPerStep(stepsPerQuarter);
  const separate = options.separateVoices
    ?? (/separated/i.test(fileName) || splits.some(([, pieces]) => pieces.some((p) => p.some((s) => s.includes(SILENT)))));

  return splits.flatMap(([split, pieces]) => pieces.map((piece, i): ReadPiece => {
    const where = `${split} piece ${i + 1}`;
    checkPiece(piece, separate, where);
    const parts = separate
      ? VOICE_NAMES.map((name, v) => voicePart(piece.map((s) => (s[v] === SILENT ? [] : [s[v]!])), step, velocity, name))
      : [voicePart(piece, step, velocity, '')];
    const sounding = parts.filter((p) => p.notes.length > 0);
    const key = spellingKeys([], sounding.flatMap((p) => p.notes));
    const score: Score = createScore({
      title: where,
      parts: sounding.map((p) => ({ ...p.part, notes: spellNotes(p.notes, key) })),
      end: piece.length * step,
    });
    return { score, split };
  }));
}

function parseSplits(bytes: Uint8Array): [Split, Piece[]][] {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new MusegenError('BAD_FORMAT', `not valid JSON (${errorMessage(e)})`);
  }
  const shape = 'expected {"train": [...], "valid": [...], "test": [...]}: pieces of steps of MIDI pitches';
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new MusegenError('BAD_FORMAT', `not a benchmark JSON file (${shape})`);
  const record = data as Record<string, unknown>;
  const present = SPLITS.filter((s) => s in record);
  if (present.length === 0) throw new MusegenError('BAD_FORMAT', `not a benchmark JSON file (${shape})`);
  return present.map((split) => {
    const pieces = record[split];
    if (!Array.isArray(pieces) || !pieces.every((p) => Array.isArray(p) && p.every((s) => Array.isArray(s)))) {
      throw new MusegenError('BAD_FORMAT', `"${split}" is not a list of pieces (${shape})`);
    }
    return [split, pieces as Piece[]];
  });
}

function checkPiece(piece: Piece, separate: boolean, where: string): void {
  piece.forEach((step, j) => {
    if (separate && step.length !== VOICE_NAMES.length) {
      throw new MusegenError('BAD_FORMAT', `${where}, step ${j + 1}: ${step.length} voices where a separated file has 4`);
    }
    for (const m of step) {
      const ok = Number.isInteger(m) && ((m >= 0 && m <= 127) || (separate && m === SILENT));
      if (!ok) throw new MusegenError('BAD_FORMAT', `${where}, step ${j + 1}: ${shownValue(m)} is not a MIDI pitch`);
    }
  });
}

/** One part from steps of sounding pitches: a pitch on consecutive steps is one held note. */
function voicePart(steps: Piece, step: Ticks, velocity: Velocity, name: string): { part: Part; notes: MidiNote[] } {
  const notes: MidiNote[] = [];
  const open = new Map<Midi, Ticks>();
  const close = (midi: Midi, at: Ticks): void => {
    notes.push({ midi, onset: open.get(midi)!, duration: at - open.get(midi)!, velocity });
    open.delete(midi);
  };
  steps.forEach((pitches, i) => {
    const now = new Set(pitches);
    for (const midi of [...open.keys()]) if (!now.has(midi)) close(midi, i * step);
    for (const midi of now) if (!open.has(midi)) open.set(midi, i * step);
  });
  for (const midi of [...open.keys()]) close(midi, steps.length * step);
  return { part: createPart({ name }), notes };
}

export const benchmarkJsonReader: FormatReader = {
  name: 'jsb-json',
  version: 2,
  extensions: ['.json'],
  read: (bytes, fileName) => readBenchmarkJson(bytes, { fileName }),
};

registerReader(benchmarkJsonReader);
