/**
 * The output folder of a training run, written after every epoch
 * (and on Ctrl-C) in ONE atomic replacement, so it is always whole:
 *
 *   out/                the model: the best epoch's weights (model.json, weights.bin),
 *     musegen.json      kind, encoder, hyper-parameters, corpus digest, metrics
 *     loss.svg          the loss curves
 *     checkpoint/       the run as it stands: the last weights and the learner's
 *       musegen.json    state (weights.bin: model + optimizer/*), the options and
 *       …               the run state (metrics.checkpoint) to resume from
 *
 * Any kind of model: what is written comes from its `trainable` capability.
 */
import { join } from 'node:path';
import { encodeModelFolder, readModelFolder, type ModelMetaInput, type NamedArrays } from '../engine/index.js';
import { folderSource, writeModelFolder } from '../engine/node.js';
import { MusegenError } from '../errors.js';
import { generatorOf, type Generator, type Trainable } from '../generators/index.js';
import type { LayoutBatch } from '../encoding/index.js';
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
  /** The baseline's NLL on the validation windows; null when there is none. */
  markov: number | null;
}

export function initialState(options: TrainOptions): RunState {
  return {
    version: STATE_VERSION, epoch: 0, batch: 0, step: 0, partial: { lossSum: 0, targets: 0 }, learningRate: options.learningRate,
    bestLoss: null, bestEpoch: null, badEpochs: 0, history: [], finished: null, seconds: 0, markov: null,
  };
}

export interface TrainingSnapshot {
  generator: Generator & { trainable: Trainable<LayoutBatch> };
  /** The learner's state (Adam's moments). */
  optimizer: NamedArrays;
  /** The best epoch's weights; null before the first epoch ends (the current weights stand in). */
  best: NamedArrays | null;
  state: RunState;
  options: TrainOptions;
  corpus: { digest: string } & Record<string, unknown>;
  /** musegen.json metrics of the model. */
  metrics: Record<string, unknown>;
  lossPlot: string;
}

/** The files of a model folder holding the generator with these weights (and extra arrays beside them). */
function folderFiles(
  generator: Generator & { trainable: Trainable<LayoutBatch> }, meta: Pick<ModelMetaInput, 'corpus' | 'metrics'> & { hyper: Record<string, unknown> },
  weights: NamedArrays | undefined, extra: NamedArrays = new Map(),
): Map<string, Uint8Array> {
  const contents = generator.trainable.contents(weights);
  return encodeModelFolder({
    meta: { kind: generator.kind, encoder: generator.encoder.spec, hyper: { ...contents.hyper, ...meta.hyper }, corpus: meta.corpus ?? null, metrics: meta.metrics ?? {} },
    topology: contents.topology,
    weights: new Map([...contents.weights, ...extra]),
  });
}

/** Write the model, its loss plot and the checkpoint, replacing the folder atomically. */
export async function writeSnapshot(dir: string, s: TrainingSnapshot): Promise<void> {
  const hyper = { training: s.options };
  const optimizer: NamedArrays = new Map([...s.optimizer].map(([name, a]) => [OPTIMIZER_PREFIX + name, a]));
  const model = folderFiles(s.generator, { corpus: s.corpus, metrics: s.metrics, hyper }, s.best ?? undefined);
  model.set(LOSS_PLOT_FILE, new TextEncoder().encode(s.lossPlot));
  await writeModelFolder(dir, model, {
    extra: (temp) => writeModelFolder(join(temp, CHECKPOINT_DIR), folderFiles(s.generator, { corpus: s.corpus, metrics: { checkpoint: s.state }, hyper }, undefined, optimizer)),
  });
}

export interface Resumed {
  generator: Generator & { trainable: Trainable<LayoutBatch> };
  /** For the learner's `restore`. */
  optimizer: NamedArrays;
  best: NamedArrays | null;
  state: RunState;
  options: TrainOptions;
  digest: string;
}

const noCheckpoint = (dir: string): MusegenError => new MusegenError('NOT_FOUND', 'no checkpoint to resume from (train without --resume to start)', dir);

/** Read the checkpoint of an output folder to resume; throws MusegenError naming what is missing or wrong. */
export async function readSnapshot(dir: string): Promise<Resumed> {
  const checkpoint = join(dir, CHECKPOINT_DIR);
  const folder = await readModelFolder(folderSource(checkpoint)).catch((e: unknown) => {
    throw e instanceof MusegenError && e.code === 'NOT_FOUND' ? noCheckpoint(dir) : e;
  });
  const state = (folder.meta.metrics as { checkpoint?: RunState }).checkpoint;
  if (!state || state.version !== STATE_VERSION) throw new MusegenError('BAD_MODEL', 'the checkpoint holds no run state this musegen reads', checkpoint);
  const options = trainOptions((folder.meta.hyper as { training?: TrainOptions }).training);
  const generator = generatorOf(folder, { train: true, seed: options.seed });
  if (!generator.trainable) {
    generator.dispose();
    throw new MusegenError('BAD_MODEL', `a '${generator.kind}' model cannot go on training`, checkpoint);
  }
  const optimizer: NamedArrays = new Map(
    [...folder.weights].filter(([name]) => name.startsWith(OPTIMIZER_PREFIX)).map(([name, a]) => [name.slice(OPTIMIZER_PREFIX.length), a]),
  );
  const best = state.bestEpoch === null ? null : (await readModelFolder(folderSource(dir))).weights;
  return { generator: generator as Generator & { trainable: Trainable<LayoutBatch> }, optimizer, best, state, options, digest: folder.meta.corpus?.digest ?? '' };
}

/** The corpus paths a run in `dir` started on (to resume without naming them again). */
export async function savedCorpusPaths(dir: string): Promise<string[]> {
  const { meta } = await readModelFolder(folderSource(join(dir, CHECKPOINT_DIR))).catch((e: unknown) => {
    throw e instanceof MusegenError && e.code === 'NOT_FOUND' ? noCheckpoint(dir) : e; // a damaged checkpoint says so
  });
  const paths = meta.corpus?.paths;
  return Array.isArray(paths) && paths.every((p) => typeof p === 'string') ? paths : [];
}
