/**
 * The model kinds this musegen knows, by the name musegen.json saves as
 * `kind`. Loading, training, sampling, the CLI and `musegen doctor` find a
 * kind here; a new kind is one `registerKind` call in its own file (and an
 * import in index.ts).
 *
 *   'lstm'  ─► LstmGenerator (lstm.ts)          left to right, trainable by gradients
 *   'ngram' ─► NgramGenerator (ngram.ts)        left to right, trainable by counting
 *   'vae'   ─► VaeGenerator (vae.ts)            latent (windows of bars ⇄ z), trainable by gradients
 *   'nade'  ─► NadeGenerator (nade.ts)          left to right (piano rolls, each row's notes jointly), trainable by gradients
 *
 * A kind declares the options a user may set for it (`--units`, `--order`…),
 * with their defaults and limits, so the CLI and the trainer check them
 * without knowing the model. A kind's batch layout may depend on its options
 * (a VAE's window is its bars of its meter).
 */
import type { AnyEncoder, BatchLayout, LayoutBatch } from '../encoding/index.js';
import type { ModelFolder, Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import type { Generator, Trainable } from './generator.js';

/** One option of a model kind, as the command line and the trainer take it. */
export interface KindOption {
  /** The key in the options object and musegen.json ('units', 'inputDropout'); the CLI flag is `optionFlag(name)`. */
  name: string;
  description: string;
  type: 'whole' | 'decimal';
  default: number;
  min: number;
  max: number;
  /** The lower limit is excluded (decimals). */
  minExclusive?: boolean;
}

export type KindOptions = Record<string, number>;

export interface ModelKind {
  readonly name: string;
  /** One line for --help and doctor. */
  readonly description: string;
  readonly options: readonly KindOption[];
  /** The encoder spec (as encoderFromSpec takes it) a model of this kind starts from when none is chosen. */
  readonly encoder: Readonly<Record<string, unknown>>;
  /** Why this kind cannot model what `encoder` makes (e.g. piano rolls), or null when it can. */
  unsupported(encoder: AnyEncoder): string | null;
  /** How the trainer and evaluation cut batches for this kind from what `encoder` makes (a model's options may shape it: a VAE's window). */
  layout(encoder: AnyEncoder, options?: KindOptions): BatchLayout;
  /** A new, untrained generator (with `trainable`). Options are complete and checked (`kindOptions`). */
  create(encoder: AnyEncoder, options: KindOptions, init: { seed: Seed }): Generator & { trainable: Trainable<LayoutBatch> };
  /** A generator from a model folder of this kind; with `train`, one that can go on learning. Throws MusegenError('BAD_MODEL'). */
  load(folder: ModelFolder, encoder: AnyEncoder, init: { train: boolean; seed?: Seed }): Generator;
  /** What a saved model is, in a few words ("LSTM 2×256"), from its musegen.json hyper-parameters. */
  describe(hyper: Record<string, unknown>): string;
}

const kinds = new Map<string, ModelKind>();

/** Add a kind (once per name). */
export function registerKind(kind: ModelKind): void {
  if (kinds.has(kind.name)) throw new MusegenError('INTERNAL', `model kind '${kind.name}' is registered twice`);
  kinds.set(kind.name, kind);
}

/** Every kind, in the order registered (the first is the default). */
export function modelKinds(): ModelKind[] {
  return [...kinds.values()];
}

/** The kind named `name`; throws MusegenError('UNSUPPORTED') listing the known ones. */
export function modelKind(name: string, where?: string): ModelKind {
  const kind = kinds.get(name);
  if (!kind) {
    throw new MusegenError('UNSUPPORTED', `unknown model kind '${name}' (this musegen knows ${[...kinds.keys()].join(', ')}; a newer one may know more)`, where);
  }
  return kind;
}

/** The command-line flag of an option: 'units' → --units, 'inputDropout' → --input-dropout. */
export function optionFlag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * A kind's options, defaults filled in and each checked; an option another
 * kind (or none) has is refused, naming the kinds that have it.
 */
export function kindOptions(kind: ModelKind, input: Record<string, unknown> = {}): KindOptions {
  const out: KindOptions = {};
  for (const key of Object.keys(input)) {
    if (input[key] === undefined || kind.options.some((o) => o.name === key)) continue;
    const owners = modelKinds().filter((k) => k.options.some((o) => o.name === key)).map((k) => k.name);
    throw new MusegenError('BAD_ARGUMENT', owners.length > 0
      ? `${optionFlag(key)} is an option of ${owners.join(', ')} models, not of ${kind.name} models`
      : `${kind.name} models have no option '${key}' (they take ${kind.options.map((o) => o.name).join(', ') || 'none'})`);
  }
  for (const o of kind.options) {
    const x = input[o.name] ?? o.default;
    const fits = typeof x === 'number' && (o.type === 'decimal' || Number.isInteger(x)) && (o.minExclusive ? x > o.min : x >= o.min) && x <= o.max;
    if (!fits) {
      const what = o.type === 'whole' ? 'a whole number' : 'a number';
      throw new MusegenError('BAD_ARGUMENT', `${optionFlag(o.name).slice(2)} must be ${what} ${o.minExclusive ? 'above' : 'from'} ${o.min} ${o.minExclusive ? 'and at most' : 'to'} ${o.max}, not ${String(x)}`);
    }
    out[o.name] = x as number;
  }
  return out;
}
