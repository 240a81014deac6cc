/**
 * An ending that lands: constrained decoding of a melody's last beat, so
 * the piece ends on its key's tonic, held through the last beat of the bar.
 *
 *   steps before the cadence step       drawn as the model likes
 *   the cadence step (the last beat)    a note-on of the tonic (any octave), or a hold
 *                                       when a tonic is sounding already — drawn among
 *                                       those by the model's own probabilities
 *   every step after it                 hold
 *
 * Only for melody models (one token stream) whose piece has a key; a primer
 * that reaches the last beat is left as it is.
 */
import { FIRST_PITCH_TOKEN, HOLD, REST, lastAtOrBefore, layoutFor, scoreShell, tonicPitchClass, type AnyEncoder } from '../encoding/index.js';
import { barLength, barPosition, midiOf, ticksPerStep, type Steps } from '../score/index.js';
import type { PiecePlan } from './context.js';

export interface Cadence {
  /** The step from which the last note must be a tonic (the last beat's start). */
  readonly step: Steps;
  /** The tonic's pitch class (C = 0). */
  readonly tonic: number;
  /** The probabilities of `step`'s token under the constraint (unchanged before the cadence step). */
  constrain(step: Steps, probabilities: Float64Array): Float64Array;
  /** Record the token taken at the next step (primer tokens too), to know what is sounding. */
  observe(token: number): void;
}

/** The cadence of a planned piece, or null when it has none (not a melody model, no key, the primer reaches its last beat). */
export function cadenceFor(encoder: AnyEncoder, plan: PiecePlan): Cadence | null {
  if (layoutFor(encoder).output !== 'events' || encoder.tracks !== 1) return null;
  const { context, steps, primerSteps } = plan;
  const key = lastAtOrBefore(context.keySignatures, steps - 1);
  if (!key || steps < 1) return null;
  const q = ticksPerStep(context.stepsPerQuarter);
  const shell = scoreShell(context, steps);
  const { timeSignature, barStart } = barPosition(shell, (steps - 1) * q);
  const compound = timeSignature.numerator % 3 === 0 && timeSignature.numerator > 3;
  const beat = barLength(timeSignature) / (compound ? timeSignature.numerator / 3 : timeSignature.numerator);
  const step = Math.max(Math.ceil(barStart / q), steps - Math.max(1, Math.round(beat / q)));
  if (step < primerSteps) return null;
  const vocabulary = encoder.vocabulary;
  const tonic = tonicPitchClass(key)!;
  const isTonic = (token: number): boolean => token >= FIRST_PITCH_TOKEN && midiOf(vocabulary.pitchOf(token, key)) % 12 === tonic;
  let sounding = REST;
  return {
    step,
    tonic,
    constrain(at, probabilities) {
      if (at < step) return probabilities;
      const allowed = (token: number): boolean => (at > step ? token === HOLD : isTonic(token) || (token === HOLD && isTonic(sounding)));
      const out = new Float64Array(probabilities.length);
      let mass = 0;
      for (let t = 0; t < out.length; t++) if (allowed(t)) mass += out[t] = probabilities[t]!;
      // top-k / top-p may have cut every allowed token: then they are equally likely
      if (mass === 0) for (let t = 0; t < out.length; t++) if (allowed(t)) mass += out[t] = 1;
      for (let t = 0; t < out.length; t++) out[t]! /= mass;
      return out;
    },
    observe(token) {
      if (token !== HOLD) sounding = token;
    },
  };
}
