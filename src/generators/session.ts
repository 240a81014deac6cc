/**
 * Left-to-right sessions over an encoding's sequence layout, for any model
 * that predicts the next position from what came before:
 *
 *   events: position p ─ next(previous token, features of p, p) ─► logits over the vocabulary
 *   roll:   step t     ─ next(input row of t)                    ─► logits per value
 *
 * The session feeds the layout's inputs (the same ones training reads),
 * records each choice in a GenerationState (feature rows, the notes each
 * finished step ends) and asks the model only for logits. `hyper.sequence`
 * in musegen.json names the layout a model was trained on; `checkSequence`
 * refuses a model trained on another.
 */
import {
  EventLayout, GenerationState, SEQUENCE_SCHEMES,
  type AnyEncoder, type RollLayout, type SequenceLayout, type StepContext, type TrackNote,
} from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { EventSession, GenerationSession, RollSession } from './generator.js';

/** What a left-to-right model computes for a session. */
export interface NextPosition {
  /** Back to the start of a piece. */
  reset(): void;
  /** Events: logits for position p, given the token before it (the layout's start class at p = 0) and p's dense input. */
  event?(previous: number, features: Float32Array, position: number): Float32Array;
  /** Roll: logits for the next row, given its input row (previous row ⊕ features ⊕ start flag). */
  roll?(input: Float32Array): Float32Array;
}

/** A session generating over `context` with `model` computing the logits. */
export function layoutSession(layout: SequenceLayout, encoder: AnyEncoder, context: StepContext, model: NextPosition): GenerationSession {
  model.reset();
  const state = new GenerationState(encoder, context, layout.perStep);
  return layout instanceof EventLayout ? eventSession(layout, state, model) : rollSession(layout, state, model);
}

function eventSession(layout: EventLayout, state: GenerationState, model: NextPosition): EventSession {
  if (!model.event) throw new MusegenError('INTERNAL', 'this model does not predict event tokens');
  const next = model.event.bind(model);
  return advancing<number, { output: 'events'; tracks: number }>(
    state, { output: 'events', tracks: layout.perStep },
    (previous) => next(previous ?? layout.start, layout.condAt(state.featureRow(), state.position), state.position),
    (token) => state.pushToken(token, layout.vocabulary),
  );
}

function rollSession(layout: RollLayout, state: GenerationState, model: NextPosition): RollSession {
  if (!model.roll) throw new MusegenError('INTERNAL', 'this model does not predict piano-roll rows');
  const next = model.roll.bind(model);
  return advancing<Float32Array, { output: 'roll'; width: number }>(
    state, { output: 'roll', width: layout.width },
    (previous) => next(layout.inputAt(previous, state.featureRow())),
    (row) => {
      if (row.length !== layout.width) throw new MusegenError('BAD_ARGUMENT', `a roll row has ${layout.width} values, not ${row.length}`);
      return state.pushRow(row);
    },
  );
}

/**
 * What a session does alike for tokens and rows: the logits of the next
 * position, computed once from the choice before it (null at the start);
 * a push computes them if not yet asked (the model's state must advance),
 * records the choice and returns the notes it finished.
 */
function advancing<C, Kind extends object>(
  state: GenerationState, kind: Kind, logitsAfter: (previous: C | null) => Float32Array, record: (choice: C) => TrackNote[],
): Kind & { readonly position: number; logits(): Float32Array; push(choice: C): TrackNote[]; started(): TrackNote[]; finish(): TrackNote[]; score(): ReturnType<GenerationState['score']> } {
  let previous: C | null = null;
  let logits: Float32Array | null = null;
  const session = {
    ...kind,
    get position() {
      return state.position;
    },
    logits: () => (logits ??= logitsAfter(previous)),
    push: (choice: C) => {
      session.logits();
      const finished = record(choice);
      previous = choice;
      logits = null;
      return finished;
    },
    started: () => state.started(),
    finish: () => state.finish(),
    score: () => state.score(),
  };
  return session;
}

/** Refuse a model whose musegen.json names another sequence layout than this musegen's for its encoder. */
export function checkSequence(hyper: Record<string, unknown>, layout: { output: keyof typeof SEQUENCE_SCHEMES }, where: string): void {
  const scheme = SEQUENCE_SCHEMES[layout.output];
  if (hyper.sequence !== scheme) {
    throw new MusegenError('INCOMPATIBLE_MODEL', `trained on sequences '${String(hyper.sequence)}'; this musegen reads '${scheme}' — retrain or upgrade`, where);
  }
}
