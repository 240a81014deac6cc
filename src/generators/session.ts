/**
 * Left-to-right sessions over an encoding's sequence layout, for any model
 * that predicts the next position from what came before:
 *
 *   events: position p ─ next(previous token, features of p, p) ─► logits over the vocabulary
 *   roll:   step t     ─ next(input row of t)                    ─► logits per value (independent values)
 *                                                                  or the row as a chain of conditionals (row-chain.ts: NADE)
 *
 * The session feeds the layout's inputs (the same ones training reads),
 * records each choice in a GenerationState (feature rows, the notes each
 * finished step ends) and asks the model only for its prediction. `hyper.sequence`
 * in musegen.json names the layout a model was trained on; `checkSequence`
 * refuses a model trained on another.
 */
import {
  EventLayout, GenerationState, SEQUENCE_SCHEMES,
  type AnyEncoder, type RollLayout, type SequenceLayout, type StepContext, type TrackNote,
} from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { EventSession, GenerationSession, RollSession } from './generator.js';
import { independentRow, likeliestLogits, type RowChain } from './row-chain.js';

/** What a left-to-right model computes for a session. */
export interface NextPosition {
  /** Back to the start of a piece. */
  reset(): void;
  /** Events: logits for position p, given the token before it (the layout's start class at p = 0) and p's dense input. */
  event?(previous: number, features: Float32Array, position: number): Float32Array;
  /**
   * Roll: the next row, given its input row (previous row ⊕ features ⊕ start flag): independent
   * logits, one per value, or a maker of fresh chains over the row's values (joint models).
   */
  roll?(input: Float32Array): Float32Array | (() => RowChain);
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
  return advancing<number, Float32Array, { output: 'events'; tracks: number }, { logits(): Float32Array }>(
    state, { output: 'events', tracks: layout.perStep },
    (previous) => next(previous ?? layout.start, layout.condAt(state.featureRow(), state.position), state.position),
    (token) => state.pushToken(token, layout.vocabulary),
    (predicted) => ({ logits: predicted }),
  );
}

function rollSession(layout: RollLayout, state: GenerationState, model: NextPosition): RollSession {
  if (!model.roll) throw new MusegenError('INTERNAL', 'this model does not predict piano-roll rows');
  const next = model.roll.bind(model);
  return advancing<Float32Array, () => RowChain, { output: 'roll'; width: number }, { logits(): Float32Array; row(): RowChain }>(
    state, { output: 'roll', width: layout.width },
    (previous) => {
      const predicted = next(layout.inputAt(previous, state.featureRow()));
      return predicted instanceof Float32Array ? () => independentRow(predicted) : predicted;
    },
    (row) => {
      if (row.length !== layout.width) throw new MusegenError('BAD_ARGUMENT', `a roll row has ${layout.width} values, not ${row.length}`);
      return state.pushRow(row);
    },
    (predicted) => ({ row: () => predicted()(), logits: () => likeliestLogits(predicted()()) }),
  );
}

/**
 * What a session does alike for tokens and rows: the prediction for the
 * next position (logits, or a row's chain), computed once from the choice
 * before it (null at the start); a push computes it if not yet asked (the
 * model's state must advance), records the choice and returns the notes it
 * finished. `view` turns the prediction into the session's own methods.
 */
function advancing<C, P, Kind extends object, View extends object>(
  state: GenerationState, kind: Kind, predictAfter: (previous: C | null) => P, record: (choice: C) => TrackNote[], view: (predicted: () => P) => View,
): Kind & View & { readonly position: number; push(choice: C): TrackNote[]; started(): TrackNote[]; finish(): TrackNote[]; score(): ReturnType<GenerationState['score']> } {
  let previous: C | null = null;
  let prediction: { of: P } | null = null;
  const predicted = (): P => (prediction ??= { of: predictAfter(previous) }).of;
  return {
    ...kind,
    ...view(predicted),
    get position() {
      return state.position;
    },
    push: (choice: C) => {
      predicted();
      const finished = record(choice);
      previous = choice;
      prediction = null;
      return finished;
    },
    started: () => state.started(),
    finish: () => state.finish(),
    score: () => state.score(),
  };
}

/** Refuse a model whose musegen.json names another sequence layout than this musegen's for its encoder. */
export function checkSequence(hyper: Record<string, unknown>, layout: { output: keyof typeof SEQUENCE_SCHEMES }, where: string): void {
  const scheme = SEQUENCE_SCHEMES[layout.output];
  if (hyper.sequence !== scheme) {
    throw new MusegenError('INCOMPATIBLE_MODEL', `trained on sequences '${String(hyper.sequence)}'; this musegen reads '${scheme}' — retrain or upgrade`, where);
  }
}
