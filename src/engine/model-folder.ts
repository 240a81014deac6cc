/**
 * A model on disk is a folder:
 *
 *   model.json     TF.js model: Keras topology + weights manifest (loads in a browser with tf.loadLayersModel)
 *   weights.bin    the weights, float32, in manifest order
 *   musegen.json   format version, generator kind, encoder spec, hyper-parameters, corpus digest, metrics
 *
 * Writing is atomic: everything goes into a temporary folder beside the
 * target, which is then renamed into place (an existing model is renamed
 * aside first and removed last). Reading checks every part and throws one
 * MusegenError with one clear line for whatever is wrong. The files are
 * written with tf.io's own encoders, not model.save('file://'), which exists
 * only with tfjs-node.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MusegenError, errorMessage } from '../errors.js';

/** The musegen.json format this code writes and reads. */
export const MODEL_FORMAT = 1;

const META_FILE = 'musegen.json';
const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Contents of musegen.json. */
export interface ModelMeta {
  format: number;
  /** Generator kind ('lstm', 'conv', 'vae', …). */
  kind: string;
  /** The encoder's spec, opaque to the engine. */
  encoder: unknown;
  hyper: Record<string, unknown>;
  /** The training corpus, with a digest of its contents; null when unknown. */
  corpus: ({ digest: string } & Record<string, unknown>) | null;
  metrics: Record<string, unknown>;
  /** ISO time of writing. */
  savedAt: string;
}

/** What the caller supplies; format and savedAt are filled in. */
export type ModelMetaInput = Pick<ModelMeta, 'kind' | 'encoder' | 'hyper'> & Partial<Pick<ModelMeta, 'corpus' | 'metrics'>>;

/** A model folder's contents in memory. */
export interface ModelFolder {
  meta: ModelMeta;
  /** TF.js model artifacts: topology (null for weights only), weight specs and data. */
  artifacts: tf.io.ModelArtifacts & { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer };
}

export interface WriteFolderOptions {
  /**
   * Write more into the new folder before it replaces the old one (e.g. a
   * training checkpoint), so that everything in it changes at once.
   */
  extra?: (temp: string) => Promise<void>;
}

/** Write a model folder atomically, replacing an existing model folder at `dir`. */
export async function writeModelFolder(
  dir: string,
  model: { meta: ModelMetaInput; topology: object | null; weights: { name: string; tensor: tf.Tensor }[] },
  options: WriteFolderOptions = {},
): Promise<void> {
  await checkReplaceable(dir);
  const { data, specs } = await tf.io.encodeWeights(model.weights);
  const meta: ModelMeta = {
    format: MODEL_FORMAT,
    kind: model.meta.kind,
    encoder: model.meta.encoder,
    hyper: model.meta.hyper,
    corpus: model.meta.corpus ?? null,
    metrics: model.meta.metrics ?? {},
    savedAt: new Date().toISOString(),
  };
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'musegen',
    convertedBy: null,
    modelTopology: model.topology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${tag}`);
  const old = join(dirname(dir), `.${basename(dir)}.old-${tag}`);
  try {
    await mkdir(temp, { recursive: true });
    await writeSynced(join(temp, WEIGHTS_FILE), new Uint8Array(data as ArrayBuffer));
    await writeSynced(join(temp, MODEL_FILE), JSON.stringify(modelJson));
    await writeSynced(join(temp, META_FILE), JSON.stringify(meta, null, 2) + '\n');
    await options.extra?.(temp);
    const existed = await exists(dir);
    if (existed) await rename(dir, old);
    try {
      await rename(temp, dir);
    } catch (e) {
      if (existed) await rename(old, dir);
      throw e;
    }
    if (existed) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    if (e instanceof MusegenError) throw e;
    throw new MusegenError('UNREADABLE', `cannot write the model: ${errorMessage(e)}`, dir, { cause: e });
  }
}

/** Read and check a model folder. Throws MusegenError (NOT_FOUND, BAD_MODEL, INCOMPATIBLE_MODEL). */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new MusegenError('NOT_FOUND', 'no such model folder', dir);
  if (!info.isDirectory()) throw new MusegenError('BAD_MODEL', 'not a model folder (a model is a folder holding musegen.json, model.json and weights)', dir);
  const meta = checkMeta(await readJson(dir, META_FILE, 'not a musegen model (no musegen.json)'), dir);
  const modelJson = (await readJson(dir, MODEL_FILE, 'model.json is missing')) as {
    modelTopology?: object | null;
    weightsManifest?: { paths?: unknown; weights?: unknown }[];
  };
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.some((g) => !Array.isArray(g.paths) || !Array.isArray(g.weights))) {
    throw new MusegenError('BAD_MODEL', 'model.json has no valid weightsManifest', dir);
  }
  const weightSpecs = manifest.flatMap((g) => g.weights as tf.io.WeightsManifestEntry[]);
  const expected = weightSpecs.reduce((n, s) => n + specBytes(s, dir), 0);
  const parts: Uint8Array[] = [];
  for (const path of manifest.flatMap((g) => g.paths as string[])) {
    if (typeof path !== 'string' || basename(path) !== path) throw new MusegenError('BAD_MODEL', `model.json names an unsafe weights path '${String(path)}'`, dir);
    parts.push(await readFile(join(dir, path)).catch(() => {
      throw new MusegenError('BAD_MODEL', `weights file ${path} is missing`, dir);
    }));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total !== expected) {
    throw new MusegenError('BAD_MODEL', `weights hold ${total} bytes but model.json describes ${expected} (corrupt or truncated)`, dir);
  }
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    weightData.set(p, at);
    at += p.length;
  }
  return { meta, artifacts: { modelTopology: modelJson.modelTopology ?? undefined, weightSpecs, weightData: weightData.buffer } };
}

/** The weights of a folder as float arrays with their shapes, by name (no tensors kept). */
export function decodeWeightArrays(folder: ModelFolder, dir: string): Map<string, { shape: number[]; values: Float32Array }> {
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(folder.artifacts.weightData, folder.artifacts.weightSpecs);
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `weights do not decode: ${errorMessage(e)}`, dir);
  }
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [name, t] of Object.entries(tensors)) {
    out.set(name, { shape: t.shape, values: Float32Array.from(t.dataSync() as ArrayLike<number>) });
    t.dispose();
  }
  return out;
}

async function readJson(dir: string, file: string, missing: string): Promise<unknown> {
  const text = await readFile(join(dir, file), 'utf8').catch(() => {
    throw new MusegenError('BAD_MODEL', missing, dir);
  });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `${file} is corrupt (${errorMessage(e)})`, dir);
  }
}

function checkMeta(raw: unknown, dir: string): ModelMeta {
  if (typeof raw !== 'object' || raw === null) throw new MusegenError('BAD_MODEL', 'musegen.json is not an object', dir);
  const m = raw as Partial<ModelMeta>;
  if (!Number.isInteger(m.format)) throw new MusegenError('BAD_MODEL', 'musegen.json has no format version', dir);
  if (m.format !== MODEL_FORMAT) {
    throw new MusegenError('INCOMPATIBLE_MODEL',
      `model was saved by musegen format ${m.format}; this musegen reads format ${MODEL_FORMAT} — retrain or upgrade`, dir);
  }
  if (typeof m.kind !== 'string' || !m.kind) throw new MusegenError('BAD_MODEL', "musegen.json has no generator 'kind'", dir);
  if (typeof m.hyper !== 'object' || m.hyper === null) throw new MusegenError('BAD_MODEL', "musegen.json has no 'hyper' parameters", dir);
  return {
    format: m.format, kind: m.kind, encoder: m.encoder ?? null, hyper: m.hyper, corpus: m.corpus ?? null,
    metrics: m.metrics ?? {}, savedAt: typeof m.savedAt === 'string' ? m.savedAt : '',
  };
}

function specBytes(s: tf.io.WeightsManifestEntry, dir: string): number {
  const size = Array.isArray(s.shape) ? s.shape.reduce((a, b) => a * b, 1) : NaN;
  const bytesPer = ({ float32: 4, int32: 4, bool: 1 } as Record<string, number>)[s.dtype];
  if (!Number.isInteger(size) || size < 0 || !bytesPer || s.quantization) {
    throw new MusegenError('BAD_MODEL', `model.json describes weight '${String(s.name)}' in a form musegen does not read`, dir);
  }
  return size * bytesPer;
}

/** Refuse to replace anything but a model folder or an empty folder. */
async function checkReplaceable(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) return;
  const ok = info.isDirectory() && ((await readdir(dir)).length === 0 || (await exists(join(dir, META_FILE))));
  if (!ok) throw new MusegenError('BAD_ARGUMENT', 'exists and is not a musegen model folder; not replacing it', dir);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
