/**
 * A compact text form of what was read from one file (its pieces, and
 * warnings about pieces skipped inside it), for the corpus cache.
 *
 * Everything of a Score is kept as JSON except the notes, which are the bulk:
 * each part's notes become one flat array of NOTE_FIELDS integers per note
 *
 *     [onset − previous onset, duration, step 0..6, alter, octave, velocity, flags]
 *
 * with flags = fermata | tied << 1 | voice << 2. A flag that is false is
 * read back as absent. `unpackFile` checks an entry as a fresh parse is
 * checked — every field of the right type, the score limits kept
 * (score/limits.ts), at least one piece — and throws with the reason on
 * anything else, so a corrupt or edited entry is noticed and read again
 * from its source.
 */
import type { ReadPiece } from '../io/index.js';
import { STEPS, scoreLimitProblem, type Note, type Part, type Pitch, type Score } from '../score/index.js';

/** Bump when the packed form (or the Score model it packs) changes. */
export const PACK_VERSION = 1;
const NOTE_FIELDS = 7;

interface PackedPart extends Omit<Part, 'notes'> {
  notes: number[];
}
interface PackedScore extends Omit<Score, 'parts'> {
  parts: PackedPart[];
}
interface PackedFile {
  v: number;
  pieces: { split?: ReadPiece['split']; score: PackedScore }[];
  warnings?: string[];
}

/** What reading one file gave: its pieces, and a line for each piece skipped inside it. */
export interface FileContent {
  pieces: ReadPiece[];
  warnings: string[];
}

function packNotes(notes: Note[]): number[] {
  const out = new Array<number>(notes.length * NOTE_FIELDS);
  let previous = 0;
  notes.forEach((n, i) => {
    const flags = (n.fermata ? 1 : 0) | (n.tied ? 2 : 0) | ((n.voice ?? 0) << 2);
    const o = i * NOTE_FIELDS;
    out[o] = n.onset - previous;
    out[o + 1] = n.duration;
    out[o + 2] = STEPS.indexOf(n.pitch.step);
    out[o + 3] = n.pitch.alter;
    out[o + 4] = n.pitch.octave;
    out[o + 5] = n.velocity;
    out[o + 6] = flags;
    previous = n.onset;
  });
  return out;
}

/** Pitches are immutable values, so equal ones are shared across a file. */
function pitchPool(): (stepIndex: number, alter: number, octave: number) => Pitch {
  const pool = new Map<number, Pitch>();
  return (stepIndex, alter, octave) => {
    const step = STEPS[stepIndex];
    if (step === undefined || !Number.isInteger(alter) || Math.abs(alter) > 31 || !Number.isInteger(octave)) {
      throw new Error(`bad packed pitch ${stepIndex} ${alter} ${octave}`);
    }
    const key = ((octave + 64) * 64 + alter + 32) * 8 + stepIndex;
    let p = pool.get(key);
    if (!p) pool.set(key, (p = { step, alter, octave }));
    return p;
  };
}

function unpackNotes(flat: unknown, pitch: ReturnType<typeof pitchPool>): Note[] {
  if (!Array.isArray(flat) || flat.length % NOTE_FIELDS !== 0) throw new Error('bad packed notes');
  const notes: Note[] = [];
  let onset = 0;
  for (let o = 0; o < flat.length; o += NOTE_FIELDS) {
    onset += flat[o] as number;
    const duration = flat[o + 1] as number;
    const flags = flat[o + 6] as number;
    if (!Number.isFinite(onset) || !Number.isFinite(duration) || !Number.isInteger(flags)) throw new Error('bad packed note');
    const note: Note = { pitch: pitch(flat[o + 2], flat[o + 3], flat[o + 4]), onset, duration, velocity: flat[o + 5] as number };
    if (flags & 1) note.fermata = true;
    if (flags & 2) note.tied = true;
    if (flags >> 2) note.voice = flags >> 2;
    notes.push(note);
  }
  return notes;
}

/** A file's content as compact JSON text. */
export function packFile({ pieces, warnings }: FileContent): string {
  const packed: PackedFile = {
    v: PACK_VERSION,
    pieces: pieces.map(({ score, split }) => ({
      ...(split !== undefined ? { split } : {}),
      score: { ...score, parts: score.parts.map((p) => ({ ...p, notes: packNotes(p.notes) })) },
    })),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  return JSON.stringify(packed);
}

const SPLITS: readonly unknown[] = ['train', 'valid', 'test'];
const isNumber = (x: unknown): x is number => typeof x === 'number';
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
/** An array of records whose fields named in `types` have those types ("number", "string", "boolean"). */
const isRecords = (x: unknown, types: Record<string, string>): boolean =>
  Array.isArray(x) && x.every((r) => isRecord(r) && Object.entries(types).every(([k, t]) => typeof r[k] === t));

/** Why a packed score is not one `packFile` could have written; undefined when its fields are all there and typed. */
function shapeProblem(score: unknown): string | undefined {
  if (!isRecord(score)) return 'a piece without a score';
  if (!isRecords(score.parts, { name: 'string', program: 'number', channel: 'number', isDrum: 'boolean' })) return 'bad parts';
  if (!isRecords(score.tempos, { tick: 'number', bpm: 'number' }) || (score.tempos as unknown[]).length === 0) return 'bad tempos';
  if (!isRecords(score.timeSignatures, { tick: 'number', numerator: 'number', denominator: 'number' }) || (score.timeSignatures as unknown[]).length === 0) return 'bad meters';
  if (!isRecords(score.keySignatures, { tick: 'number', fifths: 'number', mode: 'string' })) return 'bad keys';
  if (!isRecords(score.chordSymbols, { tick: 'number', text: 'string' })) return 'bad chord symbols';
  if (!isNumber(score.pickup) || !isNumber(score.end) || (score.title !== undefined && typeof score.title !== 'string')) return 'bad pickup, end or title';
  return undefined;
}

/** A file's content back from `packFile` text; throws, with the reason, when the text is not such a packing of valid scores. */
export function unpackFile(text: string): FileContent {
  const packed = JSON.parse(text) as PackedFile;
  if (packed?.v !== PACK_VERSION || !Array.isArray(packed.pieces)) throw new Error('not a packed corpus entry');
  if (packed.pieces.length === 0) throw new Error('no pieces');
  if (packed.warnings !== undefined && !(Array.isArray(packed.warnings) && packed.warnings.every((w) => typeof w === 'string'))) throw new Error('bad warnings');
  const pitch = pitchPool();
  const pieces = packed.pieces.map((piece) => {
    const problem = shapeProblem(piece?.score);
    if (problem) throw new Error(problem);
    const { split, score: packedScore } = piece;
    if (split !== undefined && !SPLITS.includes(split)) throw new Error('bad split');
    const score: Score = { ...packedScore, parts: packedScore.parts.map((p) => ({ ...p, notes: unpackNotes(p.notes, pitch) })) };
    const limit = scoreLimitProblem(score);
    if (limit) throw new Error(limit);
    return { ...(split !== undefined ? { split } : {}), score };
  });
  return { pieces, warnings: packed.warnings ?? [] };
}
