/**
 * A loaded corpus made ready for training, once, before the first step:
 *
 *   pieces ─ split (valid: the corpus's 'valid' pieces, else ~10% held out) ─ encode
 *          ─ transpositions that fit (augmentation) ─ prepared sequences ─ window starts
 *
 * Every piece is encoded once per transposition and kept as compact arrays
 * (feature rows shared between transpositions when equal); batches are cut
 * from them lazily, window by window. What an encoding could not keep is
 * reported per piece as a warning. The digest names the data exactly, so a
 * resumed run can check it trains on the same.
 */
import { createHash } from 'node:crypto';
import { workingSplit, type Corpus, type CorpusPiece } from '../corpus/index.js';
import { melodyPartsLine, windowOrigins, type AnyEncoder, type Encoded, type BatchLayout, type PreparedPiece, type WindowStart } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { TrainOptions } from './options.js';

export interface TrainingData {
  /** Per training piece, its prepared transpositions; index 0 is the piece as written. */
  train: PreparedPiece[][];
  /** Validation pieces as written. */
  valid: PreparedPiece[];
  /** Where the validation pieces come from. */
  validSource: 'split' | 'held-out' | 'none';
  /** Training windows (over the pieces as written; transpositions have the same length). */
  trainWindows: WindowStart[];
  validWindows: WindowStart[];
  /** Positions in a window (sequence length × positions per step). */
  windowLength: number;
  /** One line per piece that lost something in encoding ("file: 2 notes outside …"), and pieces left out. */
  warnings: string[];
  /** Which part the melody comes from in the pieces of several parts ("melody from part 'Soprano' (named like a melody) in 370 pieces"), for a melody encoding. */
  parts: string | null;
  /** SHA-256 of the encoder spec and every piece's encoding, as written. */
  digest: string;
  /** For musegen.json: what was trained on. */
  description: DataDescription;
}

export interface DataDescription {
  paths: string[];
  files: number;
  failedFiles: number;
  pieces: { train: number; valid: number; unused: number };
  validSource: TrainingData['validSource'];
  /** Positions (tokens or roll rows) of the training and validation pieces as written. */
  positions: { train: number; valid: number };
  windows: { train: number; valid: number };
  /** Transpositions kept per training piece, on average (1: none). */
  transpositionsPerPiece: number;
  piecesWithEncodingLosses: number;
}

export interface PrepareProgress {
  done: number;
  total: number;
}

/** How a piece is named in warnings: its file, and its number in a file of many ("tunes.abc#3"). */
function pieceNamer(corpus: Corpus): (p: CorpusPiece) => string {
  const perFile = new Map<string, number>();
  for (const p of corpus.pieces) perFile.set(p.file, (perFile.get(p.file) ?? 0) + 1);
  return (p) => (perFile.get(p.file)! > 1 ? `${p.relPath}#${p.index + 1}` : p.relPath);
}

function sameArray(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A line for each feature whose columns are zero in every training piece: asked for, it can teach the model nothing. */
function silentFeatures(encoder: AnyEncoder, pieces: readonly PreparedPiece[]): string[] {
  const { width, columns } = encoder.featureLayout;
  return columns.filter((c) => c.width > 0 && !pieces.some((p) => {
    for (let r = 0; r < p.cond.length / width; r++) for (let j = 0; j < c.width; j++) if (p.cond[r * width + c.offset + j] !== 0) return true;
    return false;
  })).map((c) => `the ${c.name} feature is zero in every training piece (the music holds none of it), so it cannot steer the model`);
}

/** Encode and prepare every piece; throws MusegenError('EMPTY') when there is too little to train on. */
export function prepareData(
  corpus: Corpus, encoder: AnyEncoder, layout: BatchLayout, options: TrainOptions,
  onProgress?: (p: PrepareProgress) => void,
): TrainingData {
  const { train: trainPieces, valid: validPieces, validSource: source, unused } = workingSplit(corpus.pieces, options.validFraction);
  const parts = melodyPartsLine(encoder.spec, [...trainPieces, ...validPieces].map((p) => p.score)) ?? null; // a part no piece has: refused before encoding
  const warnings: string[] = [];
  const pieceName = pieceNamer(corpus);
  const hash = createHash('sha256').update(JSON.stringify(encoder.spec));
  const total = trainPieces.length + validPieces.length;
  let done = 0;
  let losses = 0;

  const encodeBase = (p: CorpusPiece): Encoded | null => {
    const e = encoder.encode(p.score);
    const name = pieceName(p);
    if (e.report.messages.length > 0) {
      losses++;
      warnings.push(`${name}: ${e.report.messages.join('; ')}`);
    }
    hash.update(`${name}\0${p.split}\0`);
    hash.update(e.kind === 'events' ? new Uint8Array(e.tokens.buffer, e.tokens.byteOffset, e.tokens.byteLength) : new Uint8Array(e.roll.buffer, e.roll.byteOffset, e.roll.byteLength));
    hash.update(new Uint8Array(e.features.buffer, e.features.byteOffset, e.features.byteLength));
    if (e.steps === 0) {
      warnings.push(`${name}: no notes the encoder keeps; left out`);
      return null;
    }
    return e;
  };

  const train: PreparedPiece[][] = [];
  let transpositions = 0;
  for (const p of trainPieces) {
    const base = encodeBase(p);
    onProgress?.({ done: ++done, total });
    if (!base) continue;
    const first = layout.prepare(base);
    const versions = [first];
    if (options.transpose[0] !== 0 || options.transpose[1] !== 0) {
      for (const t of encoder.augment(p.score, options.transpose)) {
        if (t.semitones === 0) continue;
        const prepared = layout.prepare(encoder.encode(t.score)); // same length: moving pitches keeps the time line
        versions.push(sameArray(prepared.cond, first.cond) ? { ...prepared, cond: first.cond } : prepared);
      }
    }
    transpositions += versions.length;
    train.push(versions);
  }
  const valid: PreparedPiece[] = [];
  for (const p of validPieces) {
    const base = encodeBase(p);
    onProgress?.({ done: ++done, total });
    if (base) valid.push(layout.prepare(base));
  }

  const windowLength = layout.window?.length ?? options.seqLen * layout.perStep;
  const trainPositions = train.reduce((n, v) => n + v[0]!.length, 0);
  if (train.length === 0) {
    throw new MusegenError('EMPTY', `no piece to train on: ${corpus.pieces.length === 0 ? 'the corpus holds no pieces' : 'every training piece is empty once encoded'}`, corpus.paths.join(', '));
  }
  if (trainPositions < windowLength) {
    throw new MusegenError('EMPTY', layout.window
      ? `the training pieces hold no window the model learns from (${layout.window.length} steps of whole bars in its meter, with notes): add music in that meter`
      : `the training pieces hold ${trainPositions / layout.perStep} steps in all, fewer than one sequence of ${options.seqLen} (--seq-len): add music or shorten the sequences`, corpus.paths.join(', '));
  }
  warnings.unshift(...silentFeatures(encoder, train.map((v) => v[0]!)));
  const windowsOf = (pieces: PreparedPiece[], hop: number): WindowStart[] =>
    windowOrigins(pieces.map((p) => ({ steps: p.length })), { length: windowLength, hop, pad: true }).map((o) => ({ piece: o.piece, start: o.step }));
  const trainWindows = windowsOf(train.map((v) => v[0]!), layout.window?.hop ?? options.hop * layout.perStep);
  const validWindows = windowsOf(valid, windowLength);
  const validPositions = valid.reduce((n, p) => n + p.length, 0);
  return {
    train, valid, validSource: valid.length > 0 ? source : 'none', trainWindows, validWindows, windowLength, warnings, parts,
    digest: hash.digest('hex'),
    description: {
      paths: corpus.paths,
      files: corpus.files,
      failedFiles: corpus.failures.length,
      pieces: { train: train.length, valid: valid.length, unused },
      validSource: valid.length > 0 ? source : 'none',
      positions: { train: trainPositions, valid: validPositions },
      windows: { train: trainWindows.length, valid: validWindows.length },
      transpositionsPerPiece: Math.round((transpositions / train.length) * 100) / 100,
      piecesWithEncodingLosses: losses,
    },
  };
}
