/**
 * The one interface every generator offers the sampler and the CLI: its
 * kind, its encoder, its hyper-parameters, and generation sessions.
 *
 *   generator.session(context) ─► logits() ─► sampler picks ─► push(choice) ─► logits() …
 *
 * A session generates one piece position by position over a context (meter,
 * key, fermatas: what the feature channels read): event models give logits
 * over the vocabulary for the next token, roll models independent logits for
 * each value of the next step's row. A primer is pushed the same way, its
 * logits ignored. Generators that make a whole piece at once (convolutional,
 * VAE) will add their own method beside `session`.
 */
import type { AnyEncoder, StepContext } from '../encoding/index.js';

/** The generator kinds this musegen knows ('conv' and 'vae' are to come). */
export type GeneratorKind = 'lstm';

/** Generating token streams (melody, voice streams interleaved step by step). */
export interface EventSession {
  readonly output: 'events';
  /** Positions per step: the streams, interleaved (position = step × tracks + track). */
  readonly tracks: number;
  /** Position of the next token. */
  readonly position: number;
  /** Logits over the vocabulary for the next position. */
  logits(): Float32Array;
  /** The token chosen for the next position (sampled, or from a primer). */
  push(token: number): void;
}

/** Generating a piano roll, one row per step. */
export interface RollSession {
  readonly output: 'roll';
  /** Values per row. */
  readonly width: number;
  /** Step of the next row. */
  readonly position: number;
  /** Independent logits (sigmoid) for each value of the next row. */
  logits(): Float32Array;
  /** The row chosen for the next step (0/1 values). */
  push(row: Float32Array): void;
}

export type GenerationSession = EventSession | RollSession;

export interface Generator {
  readonly kind: GeneratorKind;
  /** Encodes primers and decodes what is generated. */
  readonly encoder: AnyEncoder;
  /** As saved in musegen.json. */
  readonly hyper: Record<string, unknown>;
  /** Start a piece over `context`. One session at a time: a new one ends the last. */
  session(context: StepContext): GenerationSession;
  /** Free what the generator holds (tensors). */
  dispose(): void;
}
