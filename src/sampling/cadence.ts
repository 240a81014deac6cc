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
import { barLength, barPosition, beatsInBar, midiOf, ticksPerStep, type Steps } from '../score/index.js';
import type { PiecePlan } from './context.js';
import { reweigh, type Steer } from './steer.js';

export interface Cadence extends Steer {
  /** The step from which the last note must be a tonic (the last beat's start). */
  readonly step: Steps;
  /** The tonic's pitch class (C = 0). */
  readonly tonic: number;
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
  const beat = barLength(timeSignature) / beatsInBar(timeSignature);
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
      return reweigh(probabilities, (token) => (at > step ? token === HOLD : isTonic(token) || (token === HOLD && isTonic(sounding))) ? 1 : 0);
    },
    observe(token) {
      if (token !== HOLD) sounding = token;
    },
  };
}
