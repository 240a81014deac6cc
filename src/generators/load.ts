/**
 * A generator from a model folder, whatever its kind: musegen.json names the
 * kind; each kind loads its own weights. Only LSTM generators exist so far.
 */
import type { ModelMeta } from '../engine/index.js';
import type { Generator } from './generator.js';
import { LstmGenerator } from './lstm.js';

/** Load a model folder to sample from. Throws MusegenError (NOT_FOUND, BAD_MODEL, INCOMPATIBLE_MODEL, UNSUPPORTED). */
export async function loadGenerator(dir: string): Promise<{ generator: Generator; meta: ModelMeta }> {
  return LstmGenerator.load(dir);
}
