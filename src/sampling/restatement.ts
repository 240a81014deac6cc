/**
 * The restatement hold: once a melody has begun to play again what it
 * played 2, 4 or 8 bars before, decoding leans towards going on with it, so
 * a phrase the model chose to restate comes back whole instead of slipping
 * a note at the temperature it was drawn at.
 *
 *   after each step, for each distance d of RESTATEMENT_BARS:
 *     run[d] = steps in a row, up to this one, whose token is the token d bars before it
 *   at the next step, for each d whose run is a beat long at least, reaches back to
 *   the bar's downbeat, and is not yet d bars long:
 *     the probability of the token d bars back × boost (once per token), then all shared out again
 *
 * So a bar restated from its downbeat is held, a figure that recurs in the
 * middle of a bar is not; and a restatement is held until it is whole (d
 * bars), not beyond: the same unit played a third time is the model's own doing.
 *
 * The model still decides: nothing leans until it has restated a whole beat
 * of its own accord, and a token it finds unlikely stays unlikely (a
 * probability of 0.02 becomes 0.08 at boost 4, one of 0.7 becomes 0.90).
 * Measured in bench/form.ts (models/README.md). Melody models (one token
 * stream) only; boost 1 turns it off.
 */
import { layoutFor, scoreShell, type AnyEncoder } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import { barLength, barPosition, barStarts, beatsInBar, ticksPerStep, type Steps } from '../score/index.js';
import type { PiecePlan } from './context.js';
import { reweigh, type Steer } from './steer.js';

/** The distances, in bars, whose restatement is held: a 2-bar unit, a 4-bar phrase, an 8-bar strain. */
export const RESTATEMENT_BARS: readonly number[] = [2, 4, 8];

/** The boost `sample` uses when none is asked (chosen by bench/form.ts; models/README.md). */
export const DEFAULT_RESTATEMENT_BOOST = 4;

/** A boost checked: from 1 (off) to 1000; throws MusegenError(BAD_ARGUMENT) otherwise. */
export function checkRestatementBoost(boost: number): number {
  if (!(Number.isFinite(boost) && boost >= 1 && boost <= 1000)) throw new MusegenError('BAD_ARGUMENT', `the restatement boost must be a number from 1 (off) to 1000, not ${String(boost)}`);
  return boost;
}

/** A fresh restatement hold for one piece of a planned run, or null when it cannot act (boost 1, not a melody model). */
export function restatementFor(encoder: AnyEncoder, plan: PiecePlan, boost: number): Steer | null {
  if (checkRestatementBoost(boost) === 1 || layoutFor(encoder).output !== 'events' || encoder.tracks !== 1) return null;
  const { context, steps } = plan;
  const q = ticksPerStep(context.stepsPerQuarter);
  const shell = scoreShell(context, steps);
  const starts = barStarts(shell);
  /** Steps in the bar and in a beat at `step` (the meter in force there), and steps from the bar's start to `step`. */
  const geometry = (step: Steps): { bar: Steps; beat: Steps; intoBar: Steps } => {
    const { timeSignature, barStart } = barPosition(shell, step * q, starts);
    const bar = barLength(timeSignature) / q;
    return { bar, beat: bar / beatsInBar(timeSignature), intoBar: step - barStart / q };
  };
  const tokens: number[] = [];
  const runs = RESTATEMENT_BARS.map(() => 0);
  return {
    constrain(step, probabilities) {
      const { bar, beat, intoBar } = geometry(step);
      const held = new Set<number>();
      RESTATEMENT_BARS.forEach((d, i) => {
        const then = tokens[step - d * bar];
        // a beat of it, the bar restated from its downbeat, and not yet the d bars whole (no loop of one unit)
        if (runs[i]! >= beat && runs[i]! >= intoBar && runs[i]! < d * bar && then !== undefined) held.add(then);
      });
      return held.size === 0 ? probabilities : reweigh(probabilities, (token) => (held.has(token) ? boost : 1));
    },
    observe(token) {
      const step = tokens.length;
      tokens.push(token);
      const { bar } = geometry(step);
      RESTATEMENT_BARS.forEach((d, i) => {
        runs[i] = step - d * bar >= 0 && tokens[step - d * bar] === token ? runs[i]! + 1 : 0;
      });
    },
  };
}
