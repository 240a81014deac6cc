/**
 * Deterministic train / valid / test split: a file's split follows from a
 * hash of its name without its folders ("jigs12.mid"; "tunes.abc#3" for the
 * fourth piece of a file of many), so it stays put when files are added,
 * removed or loaded on another machine, and files of the same name in
 * parallel folders (melody/jigs12.mid, chords/jigs12.mid: the same tune)
 * fall in the same split, so no tune leaks from training into validation.
 * A split the source gives (benchmark JSON) is kept as given.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { MusegenError } from '../errors.js';
import type { Split } from '../io/index.js';
import type { Probability } from '../score/index.js';
import type { CorpusPiece } from './load.js';

export interface SplitFractions {
  train: Probability;
  valid: Probability;
  test: Probability;
}

export const DEFAULT_SPLIT: Readonly<SplitFractions> = { train: 0.8, valid: 0.1, test: 0.1 };

/** Throws BAD_ARGUMENT unless the fractions are non-negative and add up to 1. */
export function checkSplitFractions(f: SplitFractions): SplitFractions {
  const values = [f.train, f.valid, f.test];
  const sum = values.reduce((s, x) => s + x, 0);
  if (values.some((x) => !Number.isFinite(x) || x < 0) || Math.abs(sum - 1) > 1e-6) {
    throw new MusegenError('BAD_ARGUMENT', `split fractions must be three numbers from 0 to 1 adding up to 1 (got ${values.join(', ')})`);
  }
  return f;
}

/** Parse "0.8,0.1,0.1" (train, valid, test). */
export function parseSplitFractions(text: string): SplitFractions {
  const parts = text.split(',').map((x) => x.trim());
  if (parts.length !== 3 || parts.some((x) => x === '')) {
    throw new MusegenError('BAD_ARGUMENT', `split "${text}" is not three fractions train,valid,test (e.g. 0.8,0.1,0.1)`);
  }
  const [train, valid, test] = parts.map(Number) as [number, number, number];
  return checkSplitFractions({ train, valid, test });
}

/** The split of a file, from its relative path ("melody/jigs12.mid" → "jigs12.mid"), or of a piece in a file of many ("tunes.abc#3"). */
export function splitOf(relPath: string, fractions: SplitFractions = DEFAULT_SPLIT): Split {
  const u = createHash('sha1').update(basename(relPath)).digest().readUInt32BE(0) / 2 ** 32;
  if (u < fractions.train) return 'train';
  if (u < fractions.train + fractions.valid) return 'valid';
  return 'test';
}

/** The fraction of the training pieces held out for validation when a corpus marks none as valid. */
export const DEFAULT_VALID_FRACTION = 0.1;

/** The pieces a model trains and validates on, the rest, and where the validation pieces come from. */
export interface WorkingSplit {
  train: CorpusPiece[];
  valid: CorpusPiece[];
  /** 'split': the corpus's own valid pieces; 'held-out': every ~1/fraction-th training piece; 'none': too few pieces. */
  validSource: 'split' | 'held-out' | 'none';
  /** Pieces neither trained nor validated on (the test split). */
  unused: number;
}

/**
 * How a corpus is used — the one split `train` trains on and `corpus info`
 * reports: its 'train' pieces (all pieces when it marks none: a file or two
 * given alone), validated on its 'valid' ones, else on every ~1/fraction-th
 * training piece held out (none when there is only one).
 */
export function workingSplit(pieces: readonly CorpusPiece[], validFraction = DEFAULT_VALID_FRACTION): WorkingSplit {
  const marked = pieces.filter((p) => p.split === 'train');
  const train = marked.length > 0 ? marked : [...pieces];
  const valid = marked.length > 0 ? pieces.filter((p) => p.split === 'valid') : [];
  const unused = pieces.length - train.length - valid.length;
  if (valid.length > 0) return { train, valid, validSource: 'split', unused };
  if (train.length < 2) return { train, valid, validSource: 'none', unused };
  const every = Math.max(2, Math.round(1 / validFraction));
  return {
    train: train.filter((_, i) => i % every !== every - 1),
    valid: train.filter((_, i) => i % every === every - 1),
    validSource: 'held-out',
    unused,
  };
}
