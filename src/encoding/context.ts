/**
 * The step context: a Score's time line (meter, keys, tempo, chords, pickup,
 * fermatas) on the grid, without its notes. Encoding derives it from the
 * Score; a sampler builds one with `createStepContext` to generate from
 * nothing; decoding turns it back into the Score's maps.
 */
import { createScore, DEFAULT_METER, DEFAULT_TEMPO, ticksPerStep, type Score, type Steps, type Ticks } from '../score/index.js';
import type { StepContext, TrackInfo } from './types.js';

/** A context with the defaults (4 steps per quarter, DEFAULT_METER, DEFAULT_TEMPO, no key), ready to fill in. */
export function createStepContext(init: Partial<StepContext> = {}): StepContext {
  return {
    stepsPerQuarter: 4,
    pickup: 0,
    timeSignatures: [{ step: 0, ...DEFAULT_METER }],
    keySignatures: [],
    tempos: [{ step: 0, bpm: DEFAULT_TEMPO }],
    chords: [],
    fermatas: [],
    melody: [],
    tracks: [],
    ...init,
  };
}

/**
 * The context of a Score already quantized to `stepsPerQuarter` (its event
 * ticks are multiples of a step). Fermatas and melody are left empty: the
 * encoder fills them from the notes it keeps.
 */
export function contextOfQuantized(score: Score, stepsPerQuarter: Steps, tracks: TrackInfo[]): StepContext {
  const q = ticksPerStep(stepsPerQuarter);
  const st = (t: Ticks): Steps => Math.round(t / q);
  return createStepContext({
    stepsPerQuarter,
    pickup: st(score.pickup),
    timeSignatures: score.timeSignatures.map((e) => ({ step: st(e.tick), numerator: e.numerator, denominator: e.denominator })),
    keySignatures: score.keySignatures.map((e) => ({ step: st(e.tick), fifths: e.fifths, mode: e.mode })),
    tempos: score.tempos.map((e) => ({ step: st(e.tick), bpm: e.bpm })),
    chords: score.chordSymbols.map((c) => ({ step: st(c.tick), text: c.text })),
    tracks,
    end: st(score.end),
    ...(score.title !== undefined ? { title: score.title } : {}),
  });
}

/** A Score with the context's maps in ticks and no parts, `steps` long: what decoding fills with notes. */
export function scoreShell(context: StepContext, steps: Steps): Score {
  const q = ticksPerStep(context.stepsPerQuarter);
  const within = <E extends { step: Steps }>(es: E[]): E[] => es.filter((e) => e.step === 0 || e.step < steps);
  const timeSignatures = within(context.timeSignatures).map((e) => ({ tick: e.step * q, numerator: e.numerator, denominator: e.denominator }));
  const tempos = within(context.tempos).map((e) => ({ tick: e.step * q, bpm: e.bpm }));
  return createScore({
    ...(context.title !== undefined ? { title: context.title } : {}),
    ...(timeSignatures.length > 0 ? { timeSignatures } : {}),
    ...(tempos.length > 0 ? { tempos } : {}),
    keySignatures: within(context.keySignatures).map((e) => ({ tick: e.step * q, fifths: e.fifths, mode: e.mode })),
    chordSymbols: within(context.chords).map((c) => ({ tick: c.step * q, text: c.text })),
    pickup: context.pickup * q,
    end: steps * q,
  });
}

/** The last element of a list sorted by `step` whose step is at or before `step` (binary search). */
export function lastAtOrBefore<E extends { step: Steps }>(list: readonly E[], step: Steps): E | undefined {
  let lo = 0;
  let hi = list.length - 1;
  let found: E | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.step <= step) {
      found = list[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
