/**
 * Sampling whole pieces from a generator:
 *
 *   plan (meter, key, tempo, bars, primer) ─► leftToRight.session ─► primer pushed as is
 *   ─► for each further position: logits ─ temperature / top-k / top-p ─ steers (melodies: the restatement
 *      hold, the cadence's constraint on the last beat) ─ draw ─ push ─► notes finished (onNotes)
 *   (`startSampling(…).piece()` gives the same, a step at a time: the notes each step ends and begins)
 *   ─► session.score() ─► Score (tempo, meter, key kept)
 *
 * The feature channels the model was trained with (beat, fermata, key…) are
 * fed from the plan's context at every position by the session.
 *
 * @example
 *   const { generator } = await loadGenerator(folderSource(bundledModelPath()));
 *   const [piece] = samplePieces(generator, { bars: 16, temperature: 0.9, key: parseKey('G'), seed: 7 });
 *   writeMidi(piece.score);
 */
import { createRng, randomSeed, type Rng, type Seed } from '../engine/index.js';
import { layoutFor, type TrackNote } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { Generator, LeftToRight } from '../generators/index.js';
import type { Score, Steps } from '../score/index.js';
import { cadenceFor } from './cadence.js';
import { DEFAULT_RESTATEMENT_BOOST, checkRestatementBoost, restatementFor } from './restatement.js';
import type { Steer } from './steer.js';
import { planPiece, type PieceShape, type PiecePlan } from './context.js';
import { gibbsPiece } from './gibbs-piece.js';
import { DEFAULT_KEY_TRIES, checkedRun, keyCheck, type DrawnPiece, type PieceCheck } from './checked-run.js';
import { latentPiece } from './latent.js';
import { checkSamplingOptions, drawIndex, drawRow, eventDistribution, type SamplingOptions } from './distribution.js';

export interface SampleOptions extends Partial<SamplingOptions>, Partial<PieceShape> {
  /** Pieces to make (default 1). */
  count?: number;
  /** Makes the pieces reproducible; default: from the clock (see `seed` in the result). */
  seed?: Seed;
  /** Music to continue: its notes start the piece, `bars` more follow. */
  primer?: Score;
  /** Called with the notes each step finishes, in order, once the piece is kept (the primer's too), and the piece's number. */
  onNotes?: (notes: TrackNote[], piece: number) => void;
  /** Latent models: attribute vectors added to every latent (['density', 1.5]). */
  attributes?: [string, number][];
  /** Melody models, in a key: end on the tonic, held through the last beat (cadence.ts; default true). */
  cadence?: boolean;
  /** Melody models: once a beat of what was played 2, 4 or 8 bars before has come back, its next token's probability × this (restatement.ts; 1: off). */
  restatement?: number;
  /** With `key` asked: draw a piece again, up to this many times, while its notes read in another key (Krumhansl–Kessler, `keyMisfit`); the closest is kept. 1: no check. */
  keyTries?: number;
}

export const SAMPLE_DEFAULTS = { count: 1, bars: 16, cadence: true, restatement: DEFAULT_RESTATEMENT_BOOST, keyTries: DEFAULT_KEY_TRIES } as const;

export interface SampledPiece {
  score: Score;
  /** The seed of the whole run. */
  seed: Seed;
  steps: Steps;
  primerSteps: Steps;
}

/** One piece generated a step at a time, the primer's steps first: what `samplePieces` runs to the end, and what live output paces. */
export interface PieceStepper {
  /** Steps generated so far (primer included): the next `next()` makes this one. */
  readonly step: Steps;
  /** Generate the next step (a primer step is taken as it is): the notes it ended, and the notes it began (duration so far). */
  next(): { ended: TrackNote[]; started: TrackNote[] };
  /** End the piece: the notes still sounding, closed at the last step. */
  finish(): TrackNote[];
  /** The piece so far (after `finish`, the whole piece). */
  score(): Score;
}

/** A sampling run checked and planned: `piece()` gives pieces 0, 1, … a step at a time (no checks: live output cannot take a step back); `draw()` whole ones, checked, as `samplePieces` makes them. */
export interface SamplingRun {
  seed: Seed;
  plan: PiecePlan;
  piece(): PieceStepper;
  /** The next whole piece, drawn again while it fails the key check (a key asked) or `check`; `onStep` after every step of every draw. */
  draw(options?: { check?: PieceCheck; onStep?: (step: Steps) => void }): DrawnPiece;
}

/** Check the options and plan the run. Throws MusegenError('BAD_ARGUMENT') for options that make no sense, ('UNSUPPORTED') for a model that cannot generate left to right. */
export function startSampling(generator: Generator, options: Omit<SampleOptions, 'count' | 'onNotes'> = {}): SamplingRun {
  const sampling = checkSamplingOptions(options);
  const model = generator.leftToRight;
  const latent = !model && !generator.infill ? generator.latent : undefined;
  if (!model && !generator.infill && !latent) throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model neither generates left to right nor fills in music, so it cannot sample a piece`);
  if (options.attributes && options.attributes.length > 0 && !latent) throw new MusegenError('BAD_ARGUMENT', `attributes steer latent (VAE) models; a '${generator.kind}' model has none`);
  if (latent) {
    if (sampling.topK !== null || sampling.topP !== null) throw new MusegenError('BAD_ARGUMENT', 'top-k and top-p are not offered for latent (VAE) models: use the temperature alone');
    const plan = planPiece(generator.encoder, { ...options, meter: options.meter ?? latent.window.meter, bars: options.bars ?? SAMPLE_DEFAULTS.bars }, options.primer);
    const seed = options.seed ?? randomSeed();
    const rng = createRng(seed);
    return checkedRun(seed, plan, () => latentPiece(generator, plan, sampling.temperature, rng.fork(), options.attributes ?? []), keyCheck(generator, options));
  }
  if ((!model || layoutFor(generator.encoder).output === 'roll') && (sampling.topK !== null || sampling.topP !== null)) {
    throw new MusegenError('BAD_ARGUMENT', `top-k and top-p choose among tokens; this model ${model ? 'makes piano rolls' : 'fills cells by Gibbs sampling'} (use the temperature alone)`);
  }
  const plan = planPiece(generator.encoder, { ...options, bars: options.bars ?? SAMPLE_DEFAULTS.bars }, options.primer);
  const seed = options.seed ?? randomSeed();
  const rng = createRng(seed);
  const boost = checkRestatementBoost(options.restatement ?? SAMPLE_DEFAULTS.restatement);
  const cadence = options.cadence ?? SAMPLE_DEFAULTS.cadence;
  // each piece its own steers: they follow the piece's tokens
  const steers = (): Steer[] => [restatementFor(generator.encoder, plan, boost), cadence ? cadenceFor(generator.encoder, plan) : null].filter((s) => s !== null);
  return checkedRun(seed, plan, () => (model ? stepPiece(model, plan, sampling, rng.fork(), steers()) : gibbsPiece(generator, plan, sampling.temperature, rng.fork())), keyCheck(generator, options));
}

/** Generate `count` pieces (each drawn again while it fails the key check, as `SamplingRun.draw`; `onNotes` hears the piece kept). Throws MusegenError('BAD_ARGUMENT') for options that make no sense. */
export function samplePieces(generator: Generator, options: SampleOptions = {}): SampledPiece[] {
  const count = options.count ?? SAMPLE_DEFAULTS.count;
  if (!(Number.isInteger(count) && count >= 1)) throw new MusegenError('BAD_ARGUMENT', `the number of pieces must be a whole number of at least 1, not ${String(count)}`);
  const run = startSampling(generator, options);
  const { steps, primerSteps } = run.plan;
  return Array.from({ length: count }, (_, i) => {
    const { score, batches } = run.draw();
    for (const notes of batches) options.onNotes?.(notes, i);
    return { score, seed: run.seed, steps, primerSteps };
  });
}

function stepPiece(model: LeftToRight, plan: PiecePlan, sampling: SamplingOptions, rng: Rng, steers: Steer[]): PieceStepper {
  const { context, primerSteps, primer } = plan;
  const session = model.session(context);
  let step = 0;
  const generate = (): TrackNote[] => {
    if (session.output === 'roll') {
      const width = session.width;
      const primed = primer && 'roll' in primer ? primer.roll : null;
      return session.push(step < primerSteps ? primed!.subarray(step * width, (step + 1) * width) : drawRow(session.row(), sampling.temperature, rng));
    }
    const primed = primer && 'tokens' in primer ? primer.tokens : null;
    const ended: TrackNote[] = [];
    for (let v = 0; v < session.tracks; v++) {
      const token = step < primerSteps ? primed![v * primerSteps + step]! : drawIndex(steers.reduce((p, s) => s.constrain(step, p), eventDistribution(session.logits(), sampling)), rng);
      for (const s of steers) s.observe(token);
      ended.push(...session.push(token));
    }
    return ended;
  };
  return {
    get step() {
      return step;
    },
    next: () => {
      const ended = generate();
      step++;
      return { ended, started: session.started() };
    },
    finish: () => session.finish(),
    score: () => session.score(),
  };
}
