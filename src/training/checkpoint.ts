/**
 * The output folder of a training run, written after every epoch (and on
 * Ctrl-C) in ONE atomic replacement, so it is always whole:
 *
 *   out/                the model: the best epoch's weights (model.json, weights.bin),
 *     musegen.json      encoder, hyper-parameters, corpus digest, metrics
 *     loss.svg          the loss curves
 *     checkpoint/       the run as it stands: the last weights, Adam's state
 *       musegen.json    (weights.bin: model + optimizer/*), the options and
 *       …               the run state (metrics.checkpoint) to resume from
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readModelFolder, decodeWeightArrays, type NamedWeight } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import { LstmGenerator } from '../generators/index.js';
import type { EpochRecord } from './loss-plot.js';
import { trainOptions, type TrainOptions } from './options.js';

export const CHECKPOINT_DIR = 'checkpoint';
export const LOSS_PLOT_FILE = 'loss.svg';
const OPTIMIZER_PREFIX = 'optimizer/';
/** Bump when RunState changes meaning. */
const STATE_VERSION = 1;

/** Where a run stands: everything besides weights and optimizer that resuming needs. */
export interface RunState {
  version: number;
  /** Epochs completed. */
  epoch: number;
  /** Batches of the epoch in progress already trained (0 at an epoch boundary). */
  batch: number;
  /** Training steps taken in all. */
  step: number;
  /** The epoch in progress so far: Σ loss × targets, and targets. */
  partial: { lossSum: number; targets: number };
  learningRate: number;
  /** Best validation loss (training loss without validation) and its epoch. */
  bestLoss: number | null;
  bestEpoch: number | null;
  /** Epochs in a row without a better loss. */
  badEpochs: number;
  history: EpochRecord[];
  /** Why training ended; null while it may go on. */
  finished: null | 'epochs' | 'early-stop';
  /** Seconds spent training so far, over all sessions. */
  seconds: number;
  /** The 3-gram Markov NLL on the validation windows; null when there is none. */
  markov: number | null;
}

export function initialState(options: TrainOptions): RunState {
  return {
    version: STATE_VERSION, epoch: 0, batch: 0, step: 0, partial: { lossSum: 0, targets: 0 }, learningRate: options.learningRate,
    bestLoss: null, bestEpoch: null, badEpochs: 0, history: [], finished: null, seconds: 0, markov: null,
  };
}

export interface TrainingSnapshot {
  generator: LstmGenerator;
  /** Adam's state (from Trainer.getState); disposed by the caller. */
  optimizer: NamedWeight[];
  /** The best epoch's weights; null before the first epoch ends (the current weights stand in). */
  best: Map<string, Float32Array> | null;
  state: RunState;
  options: TrainOptions;
  corpus: { digest: string } & Record<string, unknown>;
  /** musegen.json metrics of the model. */
  metrics: Record<string, unknown>;
  lossPlot: string;
}

/** Write the model, its loss plot and the checkpoint, replacing the folder atomically. */
export async function writeSnapshot(dir: string, s: TrainingSnapshot): Promise<void> {
  const hyper = { training: s.options };
  await s.generator.save(dir, { corpus: s.corpus, metrics: s.metrics, hyper }, {
    ...(s.best ? { weights: s.best } : {}),
    extra: async (temp) => {
      await writeFile(join(temp, LOSS_PLOT_FILE), s.lossPlot);
      await s.generator.save(join(temp, CHECKPOINT_DIR), { corpus: s.corpus, metrics: { checkpoint: s.state }, hyper }, {
        extraWeights: s.optimizer.map(({ name, tensor }) => ({ name: OPTIMIZER_PREFIX + name, tensor })),
      });
    },
  });
}

export interface Resumed {
  generator: LstmGenerator;
  /** For Trainer.setState; the caller disposes the tensors. */
  optimizer: NamedWeight[];
  best: Map<string, Float32Array> | null;
  state: RunState;
  options: TrainOptions;
  digest: string;
}

/** Read the checkpoint of an output folder to resume; throws MusegenError naming what is missing or wrong. */
export async function readSnapshot(dir: string): Promise<Resumed> {
  const checkpoint = join(dir, CHECKPOINT_DIR);
  const { generator, meta, extraWeights } = await LstmGenerator.loadTrainable(checkpoint).catch((e: unknown) => {
    if (e instanceof MusegenError && e.code === 'NOT_FOUND') {
      throw new MusegenError('NOT_FOUND', 'no checkpoint to resume from (train without --resume to start)', dir);
    }
    throw e;
  });
  try {
    const state = (meta.metrics as { checkpoint?: RunState }).checkpoint;
    if (!state || state.version !== STATE_VERSION) throw new MusegenError('BAD_MODEL', 'the checkpoint holds no run state this musegen reads', checkpoint);
    const options = trainOptions((meta.hyper as { training?: TrainOptions }).training);
    const names = ['iterations', ...['m', 'v'].flatMap((k) => generator.trainable.variables.map((_, i) => `${k}/${i}`))];
    const optimizer = names.map((name) => {
      const stored = extraWeights.get(OPTIMIZER_PREFIX + name);
      if (!stored) throw new MusegenError('BAD_MODEL', `the checkpoint lacks the optimizer's ${name}`, checkpoint);
      return { name, tensor: tf.tensor(stored.values, stored.shape) };
    });
    const best = state.bestEpoch === null ? null : await bestWeights(dir);
    return { generator, optimizer, best, state, options, digest: meta.corpus?.digest ?? '' };
  } catch (e) {
    generator.dispose();
    throw e;
  }
}

/** The corpus paths a run in `dir` started on (to resume without naming them again). */
export async function savedCorpusPaths(dir: string): Promise<string[]> {
  const { meta } = await readModelFolder(join(dir, CHECKPOINT_DIR)).catch(() => {
    throw new MusegenError('NOT_FOUND', 'no checkpoint to resume from (train without --resume to start)', dir);
  });
  const paths = meta.corpus?.paths;
  return Array.isArray(paths) && paths.every((p) => typeof p === 'string') ? paths : [];
}

async function bestWeights(dir: string): Promise<Map<string, Float32Array>> {
  const arrays = decodeWeightArrays(await readModelFolder(dir), dir);
  return new Map([...arrays].map(([name, a]) => [name, a.values]));
}
