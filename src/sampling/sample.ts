/**
 * Sampling whole pieces from a generator:
 *
 *   plan (meter, key, tempo, bars, primer) ─► session ─► primer pushed as is
 *   ─► for each further position: logits ─ temperature / top-k / top-p ─ draw ─ push
 *   ─► tokens (streams de-interleaved) or roll ─► encoder.decode ─► Score (tempo, meter, key kept)
 *
 * The feature channels the model was trained with (beat, fermata, key…) are
 * fed from the plan's context at every position by the session.
 *
 * @example
 *   const { generator } = await loadGenerator('models/default');
 *   const [piece] = samplePieces(generator, { bars: 16, temperature: 0.9, key: parseKey('G'), seed: 7 });
 *   writeMidi(piece.score);
 */
import { createRng, randomSeed, type Rng, type Seed } from '../engine/index.js';
import { PianoRollEncoder } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { Generator } from '../generators/index.js';
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
  const roll = generator.encoder instanceof PianoRollEncoder;
  if (roll && (sampling.topK !== null || sampling.topP !== null)) {
    throw new MusegenError('BAD_ARGUMENT', 'top-k and top-p choose among tokens; this model makes piano rolls (use the temperature alone)');
  }
  const plan = planPiece(generator.encoder, { ...options, bars: options.bars ?? SAMPLE_DEFAULTS.bars }, options.primer);
  const seed = options.seed ?? randomSeed();
  const rng = createRng(seed);
  return Array.from({ length: count }, () => ({
    score: samplePiece(generator, plan, sampling, rng.fork()),
    seed, steps: plan.steps, primerSteps: plan.primerSteps,
  }));
}

function samplePiece(generator: Generator, plan: PiecePlan, sampling: SamplingOptions, rng: Rng): Score {
  const { encoder } = generator;
  const { context, steps, primerSteps, primer } = plan;
  const session = generator.session(context);
  if (session.output === 'roll') {
    const width = session.width;
    const roll = new Float32Array(steps * width);
    const primed = primer && 'roll' in primer ? primer.roll : null;
    for (let t = 0; t < steps; t++) {
      const row = t < primerSteps ? primed!.subarray(t * width, (t + 1) * width) : drawRow(session.logits(), sampling.temperature, rng);
      session.push(row);
      roll.set(row, t * width);
    }
    return (encoder as PianoRollEncoder).decode({ roll, context });
  }
  const tracks = session.tracks;
  const tokens = new Int32Array(tracks * steps); // [tracks, steps]
  const primed = primer && 'tokens' in primer ? primer.tokens : null;
  for (let s = 0; s < steps; s++) {
    for (let v = 0; v < tracks; v++) {
      const token = s < primerSteps ? primed![v * primerSteps + s]! : drawIndex(eventDistribution(session.logits(), sampling), rng);
      session.push(token);
      tokens[v * steps + s] = token;
    }
  }
  return (encoder as Exclude<typeof encoder, PianoRollEncoder>).decode({ tokens, context });
}
