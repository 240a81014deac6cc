/**
 * Whole pieces drawn until they pass their checks: the key asked (a piece
 * whose notes read in another key, by `keyMisfit`, is drawn again) and a
 * caller's measure (copies of a corpus), up to a number of draws, the
 * closest kept when none passes. What `SamplingRun.draw` and so
 * `samplePieces` and `musegen sample` do; live output, which cannot take a
 * step back, runs `piece()` unchecked.
 */
import type { TrackNote } from '../encoding/index.js';
import type { Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import type { Generator } from '../generators/index.js';
import { keyMisfit, weightedPitches, type Score, type Steps } from '../score/index.js';
import { usesKey, type PiecePlan } from './context.js';
import { resampleUntil } from './resample.js';
import type { PieceStepper, SampleOptions, SamplingRun } from './sample.js';

/** Draws a piece asked in a key may take when none is said (the model alone reads in E minor in about 4 draws of 10: models/README.md). */
export const DEFAULT_KEY_TRIES = 10;

/** A check a whole piece must pass, else it is drawn again: its measure at most `limit`, in at most `tries` draws. */
export interface PieceCheck {
  measure(score: Score): number;
  limit: number;
  tries: number;
}

/** A whole piece, drawn until it passed its checks. */
export interface DrawnPiece {
  score: Score;
  /** Draws it took. */
  tries: number;
  /** False when no draw passed every check: the closest is kept. */
  passed: boolean;
  /** With a key asked and checked: how much better another key fits its notes (0: it reads in the asked key). */
  keyMisfit: number | null;
  /** The measure of the caller's check, when there is one. */
  measure: number | null;
  /** The notes as each step finished them (`onNotes`' batches). */
  batches: TrackNote[][];
}

/** The key check of a run: the key asked, for a model that learned the key feature. */
export function keyCheck(generator: Generator, options: Pick<SampleOptions, 'key' | 'keyTries'>): Pick<SampleOptions, 'key' | 'keyTries'> {
  return { ...(options.key && usesKey(generator.encoder) ? { key: options.key } : {}), ...(options.keyTries !== undefined ? { keyTries: options.keyTries } : {}) };
}

/** A run whose `draw()` runs `piece()` to the end, again while the piece fails its checks. */
export function checkedRun(seed: Seed, plan: PiecePlan, piece: () => PieceStepper, options: Pick<SampleOptions, 'key' | 'keyTries'>): SamplingRun {
  const keyTries = options.keyTries ?? DEFAULT_KEY_TRIES;
  if (!(Number.isInteger(keyTries) && keyTries >= 1 && keyTries <= 1000)) throw new MusegenError('BAD_ARGUMENT', `key tries must be a whole number from 1 (no check) to 1000, not ${String(keyTries)}`);
  const key = keyTries > 1 ? options.key : undefined;
  const whole = (onStep?: (step: Steps) => void): { score: Score; batches: TrackNote[][] } => {
    const stepper = piece();
    const batches: TrackNote[][] = [];
    const keep = (notes: TrackNote[]): void => {
      if (notes.length > 0) batches.push(notes);
    };
    while (stepper.step < plan.steps) {
      keep(stepper.next().ended);
      onStep?.(stepper.step);
    }
    keep(stepper.finish());
    return { score: stepper.score(), batches };
  };
  return {
    seed,
    plan,
    piece,
    draw({ check, onStep } = {}) {
      const tries = Math.max(key ? keyTries : 1, check?.tries ?? 1);
      const drawn = resampleUntil(
        () => {
          const { score, batches } = whole(onStep);
          return { score, batches, keyMisfit: key ? keyMisfit(weightedPitches(score), key) : null, measure: check ? check.measure(score) : null };
        },
        (d) => (d.keyMisfit ?? 0) + Math.max(0, (d.measure ?? 0) - (check?.limit ?? 0)),
        0,
        tries,
      );
      return { ...drawn.piece, tries: drawn.tries, passed: drawn.passed };
    },
  };
}
