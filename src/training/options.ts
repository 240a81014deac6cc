/**
 * What a training run is asked to do, with its defaults and checks. The
 * options are plain JSON: they are saved in the model (`hyper.training`) and
 * in its checkpoint, so `resume` continues with exactly the same ones.
 */
import { DEFAULT_VALID_FRACTION } from '../corpus/index.js';
import { encoderFromSpec, normalizeSpec, type EncoderSpec, type SemitoneRange } from '../encoding/index.js';
import { randomSeed, type Seed } from '../engine/index.js';
import { MusegenError, shownValue } from '../errors.js';
import { kindOptions, modelKind, modelKinds, type KindOptions } from '../generators/index.js';
import type { Steps } from '../score/index.js';

export interface TrainOptions {
  /** The encoder's spec (see encoding/spec.ts). */
  encoder: EncoderSpec;
  /** The model kind (generators' registry: 'lstm', 'ngram'…). */
  kind: string;
  /** The kind's own options (an LSTM's units, layers, dropout; an n-gram's order…), complete. */
  model: KindOptions;
  /** Steps per training sequence (voice streams: steps, each holding one token per stream). */
  seqLen: Steps;
  /** Steps between the starts of two sequences of a piece (default: seqLen ÷ 4, so each step is seen in 4 contexts an epoch). */
  hop: Steps;
  /** Passes over the training sequences, at most. */
  epochs: number;
  /** Sequences per training step. */
  batch: number;
  learningRate: number;
  /** The learning rate is multiplied by this after an epoch that does not improve the validation loss (1: constant). */
  lrDecay: number;
  /** Stop after this many epochs in a row without a better validation loss. */
  patience: number;
  /** Gradients are scaled down to this global norm at most. */
  clipNorm: number;
  /** Augmentation: each sequence, each epoch, moved by a random interval from this range (semitones) that fits the encoder; [0, 0]: none. */
  transpose: [number, number];
  /** Fraction of the pieces held out for validation when the corpus marks none as 'valid'. */
  validFraction: number;
  /** Seeds initial weights, order, transpositions and dropout (reproducible on the CPU backends). */
  seed: Seed;
}

export type TrainOptionsInput = Partial<Omit<TrainOptions, 'model' | 'encoder' | 'transpose'>> & {
  model?: Record<string, number | undefined>;
  encoder?: unknown;
  transpose?: SemitoneRange;
};

export const TRAIN_DEFAULTS = {
  seqLen: 64, epochs: 20, batch: 64, learningRate: 1e-3, lrDecay: 0.5, patience: 3, clipNorm: 5, validFraction: DEFAULT_VALID_FRACTION,
} as const;

/** The least learning rate the schedule decays to. */
export const MIN_LEARNING_RATE = 1e-5;

const bad = (message: string): MusegenError => new MusegenError('BAD_ARGUMENT', message);

function whole(x: number, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!(Number.isInteger(x) && x >= min && x <= max)) throw bad(`${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, not ${String(x)}`);
  return x;
}

/** A learning rate checked: above 0, at most 1. */
export function checkLearningRate(x: number): number {
  return within(x, 'learning rate', 0, 1);
}

function within(x: number, what: string, low: number, high: number): number {
  if (!(typeof x === 'number' && x > low && x <= high)) throw bad(`${what} must be above ${low} and at most ${high}, not ${String(x)}`);
  return x;
}

/** Fill in the defaults and check every option; throws MusegenError('BAD_ARGUMENT') naming the option. */
export function trainOptions(input: TrainOptionsInput = {}): TrainOptions {
  const kind = modelKind(input.kind ?? modelKinds()[0]!.name);
  const encoder = normalizeSpec(input.encoder ?? kind.encoder);
  const model = kindOptions(kind, input.model ?? (input as { lstm?: Record<string, number> }).lstm); // runs saved before kinds held `lstm`
  const unsupported = kind.unsupported(encoderFromSpec(encoder));
  if (unsupported) throw bad(unsupported);
  const seqLen = whole(input.seqLen ?? TRAIN_DEFAULTS.seqLen, 'sequence length', 1, 100_000);
  const t = input.transpose ?? 0;
  const transpose: [number, number] = typeof t === 'number' ? [-Math.abs(t), Math.abs(t)] : [t[0], t[1]];
  if (!(Number.isInteger(transpose[0]) && Number.isInteger(transpose[1]) && transpose[0] <= 0 && transpose[1] >= 0 && transpose[1] - transpose[0] <= 48)) {
    throw bad(`transpose must be a range of whole semitones around 0 such as -5..6 (or 0 for none), not ${shownValue(t)}`);
  }
  return {
    encoder,
    kind: kind.name,
    model,
    seqLen,
    hop: whole(input.hop ?? Math.max(1, Math.round(seqLen / 4)), 'hop', 1, 100_000),
    epochs: whole(input.epochs ?? TRAIN_DEFAULTS.epochs, 'epochs', 1, 100_000),
    batch: whole(input.batch ?? TRAIN_DEFAULTS.batch, 'batch size', 1, 100_000),
    learningRate: checkLearningRate(input.learningRate ?? TRAIN_DEFAULTS.learningRate),
    lrDecay: within(input.lrDecay ?? TRAIN_DEFAULTS.lrDecay, 'learning-rate decay', 0, 1),
    patience: whole(input.patience ?? TRAIN_DEFAULTS.patience, 'patience', 1),
    clipNorm: within(input.clipNorm ?? TRAIN_DEFAULTS.clipNorm, 'clip norm', 0, 1e6),
    transpose,
    validFraction: within(input.validFraction ?? TRAIN_DEFAULTS.validFraction, 'validation fraction', 0, 0.5),
    seed: whole(input.seed ?? randomSeed(), 'seed', 0, 2 ** 32 - 1),
  };
}

/** A stream seed for one purpose of a run (initial weights, an epoch's order, a step's dropout…). */
export function mixSeed(seed: Seed, ...parts: number[]): Seed {
  let h = seed >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}
