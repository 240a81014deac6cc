/**
 * The training loop, for any model kind whose generator is `trainable`:
 *
 *   corpus ─ prepareData (once) ─┐   kind (registry) ─ create / resume ─ trainable.learner
 *   for each epoch: seeded order of windows (+ a transposition each)
 *     for each batch: learner.step (Adam, clipped; or counting) with a step seed ─ progress event ─ yield
 *     validation loss ─ schedule (learning rate × decay on a plateau, early stop after `patience`)
 *     ─ best weights kept ─ model + loss.svg + checkpoint written atomically
 *
 * Everything random derives from the seed and the epoch or step number, so a
 * run resumed from its checkpoint (at an epoch or a batch boundary) takes
 * exactly the steps the uninterrupted run would have. An abort signal
 * (Ctrl-C, SIGTERM, SIGHUP) is honoured between batches: the checkpoint is
 * written and the result says `interrupted`. The output folder is locked for
 * the run and checked before any training (output.ts).
 *
 * The validation loss and the baseline come from the evaluation the caller
 * gives (eval's `standardEvaluation`).
 *
 * @example
 *   const result = await train(corpus, { output: 'my-model', options: { epochs: 10 }, evaluation: standardEvaluation, onEvent: console.error });
 */
import { join } from 'node:path';
import type { Corpus } from '../corpus/index.js';
import { encoderFromSpec, RollLayout, type BatchLayout, type BatchWindow, type LayoutBatch, type PreparedPiece, type WindowStart } from '../encoding/index.js';
import { createRng, type NamedArrays } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import { modelKind, type Generator, type Trainable } from '../generators/index.js';
import { CHECKPOINT_DIR, initialState, readSnapshot, writeSnapshot, type Resumed, type RunState } from './checkpoint.js';
import { claimOutput, type ClaimedOutput } from './output.js';
import { prepareData, type DataDescription, type TrainingData } from './data.js';
import { lossPlotSvg } from './loss-plot.js';
import { MIN_LEARNING_RATE, checkLearningRate, mixSeed, trainOptions, type TrainOptions, type TrainOptionsInput } from './options.js';

/** What the loop reports as it goes (the CLI draws progress bars from these). */
export type TrainEvent =
  | { type: 'encoding'; done: number; total: number }
  | { type: 'data'; description: DataDescription; warnings: string[]; parts: string | null; resumedAt: { epoch: number; batch: number } | null; seed: number }
  | { type: 'epoch-start'; epoch: number; epochs: number; batches: number }
  | {
    type: 'step'; epoch: number; epochs: number; batch: number; batches: number; step: number;
    /** Mean training loss of the epoch so far. */
    loss: number;
    stepsPerSecond: number;
    /** Seconds until the last epoch ends, if none stops early. */
    etaSeconds: number;
    learningRate: number;
  }
  | { type: 'validation'; epoch: number; done: number; total: number }
  | { type: 'epoch-end'; epoch: number; epochs: number; trainLoss: number; validLoss: number | null; improved: boolean; learningRate: number; seconds: number }
  | { type: 'checkpoint'; epoch: number; batch: number; path: string }
  /** Something put right before the run (a model a killed write had left aside, restored). */
  | { type: 'note'; message: string };

/** What the validation windows are scored with (eval's `standardEvaluation` is one). */
export interface TrainingEvaluation {
  /** Mean loss per target of the model on the validation windows; null without any. */
  validLoss(
    model: Pick<Trainable<LayoutBatch>, 'loss'>, layout: BatchLayout,
    data: { train: readonly PreparedPiece[]; valid: readonly PreparedPiece[]; validWindows: readonly WindowStart[]; windowLength: number },
    options: { batch: number; length: number; onBatch?: (done: number) => void },
  ): number | null;
  /** A baseline's figure on the same windows (fitted on the training pieces as written), with its name; null for none. */
  baseline(
    data: { train: readonly PreparedPiece[]; valid: readonly PreparedPiece[]; validWindows: readonly WindowStart[]; windowLength: number },
    layout: BatchLayout,
  ): { label: string; value: number } | null;
}

export interface TrainRun {
  /** The model folder to write (and to resume from). */
  output: string;
  /** For a fresh run; a resumed run takes its options from the checkpoint. */
  options?: TrainOptionsInput;
  /** Continue the run whose checkpoint is in `output`. */
  resume?: boolean;
  /** Resuming: train up to this many epochs / with this patience instead of the saved ones. */
  epochs?: number;
  patience?: number;
  /** Resuming: go on at this learning rate instead of where the schedule left it (a run on a plateau, at a lower one). */
  learningRate?: number;
  /** Replace a model already in `output` (fresh runs). */
  force?: boolean;
  /** How each epoch is validated and the baseline it is shown beside. */
  evaluation: TrainingEvaluation;
  onEvent?: (e: TrainEvent) => void;
  /** Abort between batches (Ctrl-C): the checkpoint is written and the result is `interrupted`. */
  signal?: AbortSignal;
  /** `output` as the caller already claimed it (claimOutput), to check it before loading the corpus; the caller releases it. Default: claimed and released here. */
  claimed?: ClaimedOutput;
}

export interface TrainResult {
  output: string;
  interrupted: boolean;
  /** Why it ended when not interrupted. */
  finished: RunState['finished'];
  epochs: number;
  bestEpoch: number | null;
  /** Mean loss per target: nats per `target` (a token, a roll value — see `frameWidth` —, a hidden cell, a beat). */
  validNll: number | null;
  trainNll: number | null;
  /** Rolls: values per frame, so that validNll × frameWidth is nats per frame summed over them; null for events. */
  frameWidth: number | null;
  /** What one target is, in the model's layout ('token', 'roll value', 'hidden cell', 'beat'). */
  target: string;
  markov3ValidNll: number | null;
  steps: number;
  seconds: number;
  seed: number;
  digest: string;
  data: DataDescription;
  warnings: string[];
}

/** Yield to the event loop so that signal handlers (Ctrl-C) run between batches. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The windows of one epoch in their seeded order, each with the transposition it is trained in. */
function epochPlan(data: TrainingData, seed: number, epoch: number): { window: WindowStart; version: number }[] {
  const order = Array.from(data.trainWindows.keys());
  const shuffle = createRng(mixSeed(seed, 1, epoch));
  for (let i = order.length - 1; i > 0; i--) {
    const j = shuffle.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const pick = createRng(mixSeed(seed, 2, epoch));
  return order.map((w) => {
    const window = data.trainWindows[w]!;
    return { window, version: pick.int(data.train[window.piece]!.length) };
  });
}

/** Train (or resume) and write the model folder; see TrainRun. */
export async function train(corpus: Corpus, run: TrainRun): Promise<TrainResult> {
  const emit = run.onEvent ?? (() => {});
  const options = run.resume ? null : trainOptions(run.options);
  const output = run.claimed ?? await claimOutput(run.output, { resume: run.resume ?? false, force: run.force ?? false });
  if (output.note && !run.claimed) emit({ type: 'note', message: output.note });
  let resumed: Resumed | null = null;
  let owned = false; // once the loop runs, it disposes the generator
  try {
    resumed = run.resume ? await readSnapshot(run.output) : null;
    const opts: TrainOptions = options
      ?? trainOptions({ ...resumed!.options, epochs: run.epochs ?? resumed!.options.epochs, patience: run.patience ?? resumed!.options.patience });
    const encoder = encoderFromSpec(opts.encoder);
    const kind = modelKind(opts.kind);
    const layout = kind.layout(encoder, opts.model);
    const data = prepareData(corpus, encoder, layout, opts, (p) => emit({ type: 'encoding', ...p }));
    if (resumed && resumed.digest !== data.digest) {
      throw new MusegenError('BAD_ARGUMENT', 'the corpus (or its encoding) differs from the one this run started on; resume needs the same files', run.output);
    }
    const state = resumed?.state ?? initialState(opts);
    if (resumed && run.learningRate !== undefined) state.learningRate = checkLearningRate(run.learningRate);
    // resuming with more epochs or more patience may take up a finished run
    state.finished = state.badEpochs >= opts.patience ? 'early-stop' : state.epoch >= epochLimit(opts, resumed?.generator.trainable) ? 'epochs' : null;
    if (resumed && state.finished) {
      const why = state.finished === 'early-stop' ? `stopped early (${state.badEpochs} epochs without a better loss): give a larger --patience` : 'ran all its epochs: give a larger --epochs';
      throw new MusegenError('BAD_ARGUMENT', `nothing to resume: the run ${why} to go on`, run.output);
    }
    const baseline = run.evaluation.baseline(evaluationData(data), layout);
    if (!resumed) state.markov = baseline?.value ?? null;
    emit({ type: 'data', description: data.description, warnings: data.warnings, parts: data.parts, resumedAt: resumed ? { epoch: state.epoch, batch: state.batch } : null, seed: opts.seed });
    const generator = resumed?.generator ?? kind.create(encoder, opts.model, { seed: mixSeed(opts.seed, 0) });
    owned = true;
    return await loop(run, opts, generator, layout, data, state, resumed?.optimizer ?? null, resumed?.best ?? null, baseline?.label ?? null, emit);
  } catch (e) {
    if (!owned) resumed?.generator.dispose();
    throw e;
  } finally {
    if (!run.claimed) await output.release();
  }
}

/** Epochs a run takes at most: the options', or fewer for a model that learns all in fewer passes. */
function epochLimit(options: TrainOptions, trainable?: Trainable<LayoutBatch>): number {
  return Math.min(options.epochs, trainable?.passes ?? Infinity);
}

/** The data as the evaluation reads it: the training pieces as written, the validation pieces and windows. */
function evaluationData(data: TrainingData): Parameters<TrainingEvaluation['baseline']>[0] {
  return { train: data.train.map((v) => v[0]!), valid: data.valid, validWindows: data.validWindows, windowLength: data.windowLength };
}

async function loop(
  run: TrainRun, options: TrainOptions, generator: Generator & { trainable: Trainable<LayoutBatch> }, layout: BatchLayout, data: TrainingData, state: RunState,
  learnerState: NamedArrays | null, bestAtStart: NamedArrays | null, baselineLabel: string | null, emit: (e: TrainEvent) => void,
): Promise<TrainResult> {
  const { trainable } = generator;
  const learner = trainable.learner({ learningRate: state.learningRate, clipNorm: options.clipNorm });
  const epochs = epochLimit(options, trainable);
  let best = bestAtStart;
  try {
    if (learnerState) await learner.restore(learnerState);
    const batches = Math.ceil(data.trainWindows.length / options.batch);
    const validBatches = Math.ceil(data.validWindows.length / options.batch);
    const started = performance.now();
    const secondsBefore = state.seconds;
    const timing = { steps: 0, seconds: 0 }; // training steps of this session and their time
    let validSeconds = 0;
    let interrupted = false;

    const save = async (): Promise<void> => {
      state.seconds = secondsBefore + (performance.now() - started) / 1000;
      await writeSnapshot(run.output, {
        generator, optimizer: await learner.state(), best, state, options,
        corpus: { digest: data.digest, ...data.description, transpose: options.transpose },
        metrics: modelMetrics(state, data, options, layout),
        lossPlot: lossPlotSvg(state.history, {
          baseline: state.markov === null || baselineLabel === null ? null : { label: baselineLabel, value: state.markov },
          bestEpoch: state.bestEpoch,
          title: trainable.title,
          target: layout.target,
        }),
      });
      emit({ type: 'checkpoint', epoch: state.epoch, batch: state.batch, path: join(run.output, CHECKPOINT_DIR) });
    };

    while (!state.finished && state.epoch < epochs) {
      const epoch = state.epoch;
      const plan = epochPlan(data, options.seed, epoch);
      const epochStart = performance.now();
      emit({ type: 'epoch-start', epoch: epoch + 1, epochs, batches });
      for (; state.batch < batches; state.batch++) {
        if (run.signal?.aborted) {
          interrupted = true;
          break;
        }
        const stepStart = performance.now();
        const windows: BatchWindow[] = plan.slice(state.batch * options.batch, (state.batch + 1) * options.batch)
          .map(({ window, version }) => ({ piece: data.train[window.piece]![version]!, start: window.start }));
        const batch = layout.batch(windows, data.windowLength);
        const loss = learner.step(batch, { seed: mixSeed(options.seed, 3, state.step) });
        state.partial.lossSum += loss * batch.targets;
        state.partial.targets += batch.targets;
        state.step++;
        timing.steps++;
        timing.seconds += (performance.now() - stepStart) / 1000;
        const rate = timing.steps / timing.seconds;
        const left = (epochs - epoch - 1) * batches + (batches - state.batch - 1);
        emit({
          type: 'step', epoch: epoch + 1, epochs, batch: state.batch + 1, batches, step: state.step,
          loss: state.partial.lossSum / state.partial.targets, stepsPerSecond: rate,
          etaSeconds: left / rate + validSeconds * (epochs - epoch), learningRate: learner.learningRate,
        });
        await breathe();
      }
      if (interrupted) break;
      const validStart = performance.now();
      const validLoss = run.evaluation.validLoss(trainable, layout, evaluationData(data), {
        batch: options.batch, length: data.windowLength, onBatch: (done) => emit({ type: 'validation', epoch: epoch + 1, done, total: validBatches }),
      });
      validSeconds = (performance.now() - validStart) / 1000;
      const trainLoss = state.partial.lossSum / state.partial.targets;
      const score = validLoss ?? trainLoss;
      const improved = state.bestLoss === null || score < state.bestLoss - 1e-4;
      if (improved) {
        state.bestLoss = score;
        state.bestEpoch = epoch + 1;
        state.badEpochs = 0;
        best = trainable.weights();
      } else {
        state.badEpochs++;
        learner.learningRate = Math.max(MIN_LEARNING_RATE, learner.learningRate * options.lrDecay);
      }
      state.history.push({ epoch: epoch + 1, trainLoss, validLoss, learningRate: state.learningRate, seconds: (performance.now() - epochStart) / 1000 });
      state.learningRate = learner.learningRate;
      state.epoch = epoch + 1;
      state.batch = 0;
      state.partial = { lossSum: 0, targets: 0 };
      if (state.badEpochs >= options.patience) state.finished = 'early-stop';
      else if (state.epoch >= epochs) state.finished = 'epochs';
      await save();
      emit({ type: 'epoch-end', epoch: epoch + 1, epochs, trainLoss, validLoss, improved, learningRate: state.learningRate, seconds: state.history.at(-1)!.seconds });
    }
    if (interrupted) await save();
    const bestRecord = state.history.find((h) => h.epoch === state.bestEpoch);
    return {
      output: run.output, interrupted, finished: state.finished, epochs: state.epoch, bestEpoch: state.bestEpoch,
      validNll: bestRecord?.validLoss ?? null, trainNll: bestRecord?.trainLoss ?? null, frameWidth: frameWidth(layout), target: layout.target, markov3ValidNll: state.markov,
      steps: state.step, seconds: state.seconds, seed: options.seed, digest: data.digest, data: data.description, warnings: data.warnings,
    };
  } finally {
    learner.dispose();
    generator.dispose();
  }
}

/** Values per frame of a roll layout (its loss is their mean); null for event layouts. */
function frameWidth(layout: BatchLayout): number | null {
  return layout instanceof RollLayout ? layout.width : null;
}

/** musegen.json metrics of the model in the folder (the best epoch's). */
function modelMetrics(state: RunState, data: TrainingData, options: TrainOptions, layout: BatchLayout): Record<string, unknown> {
  const bestRecord = state.history.find((h) => h.epoch === state.bestEpoch);
  const width = frameWidth(layout);
  return {
    validNll: bestRecord?.validLoss ?? null,
    trainNll: bestRecord?.trainLoss ?? null,
    markov3ValidNll: state.markov,
    nllUnit: width === null ? `nats per ${layout.target}` : `nats per roll value (mean of ${width}; × ${width} for nats per frame)`,
    ...(width === null ? {} : { frameWidth: width, validFrameNll: bestRecord?.validLoss == null ? null : bestRecord.validLoss * width }),
    tokensPerStep: layout.window ? layout.perStep : data.windowLength / options.seqLen,
    validSource: data.validSource,
    epochs: state.epoch,
    bestEpoch: state.bestEpoch,
    finished: state.finished,
    steps: state.step,
    seconds: Math.round(state.seconds),
    history: state.history,
  };
}
