/**
 * Sampling whole pieces from a generator:
 *
 *   plan (meter, key, tempo, bars, primer) ─► leftToRight.session ─► primer pushed as is
 *   ─► for each further position: logits ─ temperature / top-k / top-p ─ draw ─ push ─► notes finished (onNotes)
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
import { planPiece, type PieceShape, type PiecePlan } from './context.js';
import { checkSamplingOptions, drawIndex, drawRow, eventDistribution, type SamplingOptions } from './distribution.js';

export interface SampleOptions extends Partial<SamplingOptions>, Partial<PieceShape> {
  /** Pieces to make (default 1). */
  count?: number;
  /** Makes the pieces reproducible; default: from the clock (see `seed` in the result). */
  seed?: Seed;
  /** Music to continue: its notes start the piece, `bars` more follow. */
  primer?: Score;
  /** Called with the notes each step finishes, as they are generated (the primer's too), and the piece's number. */
  onNotes?: (notes: TrackNote[], piece: number) => void;
}

export const SAMPLE_DEFAULTS = { count: 1, bars: 16 } as const;

export interface SampledPiece {
  score: Score;
  /** The seed of the whole run. */
  seed: Seed;
  steps: Steps;
  primerSteps: Steps;
}

/** Generate `count` pieces. Throws MusegenError('BAD_ARGUMENT') for options that make no sense. */
export function samplePieces(generator: Generator, options: SampleOptions = {}): SampledPiece[] {
  const sampling = checkSamplingOptions(options);
  const count = options.count ?? SAMPLE_DEFAULTS.count;
  if (!(Number.isInteger(count) && count >= 1)) throw new MusegenError('BAD_ARGUMENT', `the number of pieces must be a whole number of at least 1, not ${String(count)}`);
  const model = generator.leftToRight;
  if (!model) throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model does not generate left to right, so it cannot sample a piece this way`);
  if (layoutFor(generator.encoder).output === 'roll' && (sampling.topK !== null || sampling.topP !== null)) {
    throw new MusegenError('BAD_ARGUMENT', 'top-k and top-p choose among tokens; this model makes piano rolls (use the temperature alone)');
  }
  const plan = planPiece(generator.encoder, { ...options, bars: options.bars ?? SAMPLE_DEFAULTS.bars }, options.primer);
  const seed = options.seed ?? randomSeed();
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => ({
    score: samplePiece(model, plan, sampling, rng.fork(), (notes) => options.onNotes?.(notes, i)),
    seed, steps: plan.steps, primerSteps: plan.primerSteps,
  }));
}

function samplePiece(model: LeftToRight, plan: PiecePlan, sampling: SamplingOptions, rng: Rng, onNotes: (notes: TrackNote[]) => void): Score {
  const { context, steps, primerSteps, primer } = plan;
  const session = model.session(context);
  const heard = (notes: TrackNote[]): void => {
    if (notes.length > 0) onNotes(notes);
  };
  if (session.output === 'roll') {
    const width = session.width;
    const primed = primer && 'roll' in primer ? primer.roll : null;
    for (let t = 0; t < steps; t++) {
      heard(session.push(t < primerSteps ? primed!.subarray(t * width, (t + 1) * width) : drawRow(session.logits(), sampling.temperature, rng)));
    }
  } else {
    const tracks = session.tracks;
    const primed = primer && 'tokens' in primer ? primer.tokens : null;
    for (let s = 0; s < steps; s++) {
      for (let v = 0; v < tracks; v++) {
        heard(session.push(s < primerSteps ? primed![v * primerSteps + s]! : drawIndex(eventDistribution(session.logits(), sampling), rng)));
      }
    }
  }
  heard(session.finish());
  return session.score();
}
