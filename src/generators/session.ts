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
  type AnyEncoder, type RollLayout, type SequenceLayout, type StepContext,
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
  let previous = layout.start;
  let logits: Float32Array | null = null;
  const session: EventSession = {
    output: 'events',
    tracks: layout.perStep,
    get position() {
      return state.position;
    },
    logits: () => (logits ??= next(previous, layout.condAt(state.featureRow(), state.position), state.position)),
    push: (token) => {
      session.logits();
      const finished = state.pushToken(token, layout.vocabulary);
      previous = token;
      logits = null;
      return finished;
    },
    started: () => state.started(),
    finish: () => state.finish(),
    score: () => state.score(),
  };
  return session;
}

function rollSession(layout: RollLayout, state: GenerationState, model: NextPosition): RollSession {
  if (!model.roll) throw new MusegenError('INTERNAL', 'this model does not predict piano-roll rows');
  const next = model.roll.bind(model);
  let previous: Float32Array | null = null;
  let logits: Float32Array | null = null;
  const session: RollSession = {
    output: 'roll',
    width: layout.width,
    get position() {
      return state.position;
    },
    logits: () => (logits ??= next(layout.inputAt(previous, state.featureRow()))),
    push: (row) => {
      if (row.length !== layout.width) throw new MusegenError('BAD_ARGUMENT', `a roll row has ${layout.width} values, not ${row.length}`);
      session.logits();
      const finished = state.pushRow(row);
      previous = row;
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
export function checkSequence(hyper: Record<string, unknown>, layout: SequenceLayout, where: string): void {
  const scheme = SEQUENCE_SCHEMES[layout.output];
  if (hyper.sequence !== scheme) {
    throw new MusegenError('INCOMPATIBLE_MODEL', `trained on sequences '${String(hyper.sequence)}'; this musegen reads '${scheme}' — retrain or upgrade`, where);
  }
}
