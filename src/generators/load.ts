/**
 * A generator from a model folder, whatever its kind: musegen.json names the
 * kind, the registry finds the code that loads it, the encoder is rebuilt
 * from its spec. The folder may be on disk (`folderSource`, Node), served
 * over HTTP (`httpModelSource`) or anywhere a ModelSource reads.
 *
 * @example
 *   const { generator } = await loadGenerator(httpModelSource('/models/default'));
 */
import { encoderFromSpec, type AnyEncoder } from '../encoding/index.js';
import { readModelFolder, type ModelFolder, type ModelMeta, type ModelSource, type Seed } from '../engine/index.js';
import { MusegenError, errorMessage } from '../errors.js';
import type { Generator } from './generator.js';
import { modelKind } from './registry.js';

export interface GeneratorLoadOptions {
  /** Load to go on training (the model's variables, not only a sampler). */
  train?: boolean;
  /** Seeds what training draws (dropout). */
  seed?: Seed;
}

/** A generator of a folder already read (a checkpoint's, say). Throws MusegenError (UNSUPPORTED, BAD_MODEL). */
export function generatorOf(folder: ModelFolder, options: GeneratorLoadOptions = {}): Generator {
  const kind = modelKind(folder.meta.kind, folder.location);
  let encoder: AnyEncoder;
  try {
    encoder = encoderFromSpec(folder.meta.encoder);
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `musegen.json: ${errorMessage(e)}`, folder.location);
  }
  const why = kind.unsupported(encoder);
  if (why) throw new MusegenError('BAD_MODEL', why, folder.location);
  return kind.load(folder, encoder, { train: options.train ?? false, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
}

/** Load a model folder. Throws MusegenError (NOT_FOUND, BAD_MODEL, INCOMPATIBLE_MODEL, UNSUPPORTED). */
export async function loadGenerator(source: ModelSource, options: GeneratorLoadOptions = {}): Promise<{ generator: Generator; meta: ModelMeta; folder: ModelFolder }> {
  const folder = await readModelFolder(source);
  return { generator: generatorOf(folder, options), meta: folder.meta, folder };
}
