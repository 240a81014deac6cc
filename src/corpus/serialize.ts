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
 * read back as absent. `unpackPieces` throws on anything malformed, so a
 * corrupt cache entry is noticed and read again from its source.
 */
import type { ReadPiece } from '../io/index.js';
import { STEPS, type Note, type Part, type Pitch, type Score } from '../score/index.js';

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

/** A file's content back from `packFile` text; throws when the text is not such a packing. */
export function unpackFile(text: string): FileContent {
  const packed = JSON.parse(text) as PackedFile;
  if (packed?.v !== PACK_VERSION || !Array.isArray(packed.pieces)) throw new Error('not a packed corpus entry');
  const pitch = pitchPool();
  const pieces = packed.pieces.map(({ split, score }) => {
    if (!Array.isArray(score?.parts)) throw new Error('bad packed score');
    const parts = score.parts.map((p) => ({ ...p, notes: unpackNotes(p.notes, pitch) }));
    return { ...(split !== undefined ? { split } : {}), score: { ...score, parts } };
  });
  return { pieces, warnings: packed.warnings ?? [] };
}
