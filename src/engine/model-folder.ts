/**
 * A model on disk is a folder:
 *
 *   model.json     TF.js model: Keras topology + weights manifest (loads in a browser with tf.loadLayersModel)
 *   weights.bin    the weights, float32 / int32 little-endian, in manifest order
 *   musegen.json   format version, generator kind, encoder spec, hyper-parameters, corpus digest, metrics
 *
 * This file turns a model into those files' bytes and back, wherever the
 * bytes live: a `ModelSource` reads one file by name — from a folder
 * (`folderSource` in folder.ts, Node), over HTTP (`httpModelSource`, a
 * browser or Node), or from memory. Reading checks every part and throws one
 * MusegenError with one clear line for whatever is wrong. No tensors are made:
 * weights come back as typed arrays.
 *
 *   model ─ encodeModelFolder ─► files ─ writeModelFolder (Node, atomic) ─► folder
 *   folder / URL ─ ModelSource ─ readModelFolder ─► meta + weights by name
 */
import type * as tf from '@tensorflow/tfjs';
import { MusegenError, errorMessage } from '../errors.js';

/** The musegen.json format this code writes and reads. */
export const MODEL_FORMAT = 1;

export const META_FILE = 'musegen.json';
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Contents of musegen.json. */
export interface ModelMeta {
  format: number;
  /** Generator kind ('lstm', 'ngram', 'conv', 'vae', …): the registry entry that loads it. */
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

/** A stored array: its shape and values (float32 or int32). */
export interface StoredArray {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** Stored arrays by name, in the order they are written. */
export type NamedArrays = Map<string, StoredArray>;

/** Where a model folder's files are read from. */
export interface ModelSource {
  /** Where it is, for messages: a folder path or a URL. */
  readonly location: string;
  /**
   * The bytes of one file of the folder, or null when the folder has no such
   * file. Throws MusegenError when the folder itself is missing or unreadable.
   */
  read(file: string): Promise<Uint8Array | null>;
}

/** A model folder's contents in memory. */
export interface ModelFolder {
  /** Where it was read from (the source's location), for messages. */
  location: string;
  meta: ModelMeta;
  /** The Keras topology from model.json; null for weights only. */
  topology: object | null;
  /** Every stored array, by name. */
  weights: NamedArrays;
  /** The same as TF.js model artifacts, for tf.loadLayersModel(tf.io.fromMemory(…)). */
  artifacts: tf.io.ModelArtifacts & { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer };
}

/** What a model folder is made of. */
export interface ModelContents {
  meta: ModelMetaInput;
  topology: object | null;
  weights: NamedArrays;
}

const BYTES_PER: Record<string, number> = { float32: 4, int32: 4 };

/** The files of a model folder (name → bytes), ready to be written. */
export function encodeModelFolder(model: ModelContents): Map<string, Uint8Array> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  let bytes = 0;
  for (const [name, a] of model.weights) {
    const size = a.shape.reduce((x, y) => x * y, 1);
    if (size !== a.values.length) throw new MusegenError('INTERNAL', `weight ${name} has ${a.values.length} values for shape [${a.shape}]`);
    specs.push({ name, shape: a.shape, dtype: a.values instanceof Int32Array ? 'int32' : 'float32' });
    bytes += a.values.byteLength;
  }
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const a of model.weights.values()) {
    data.set(new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength), at);
    at += a.values.byteLength;
  }
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
  const text = new TextEncoder();
  return new Map([
    [WEIGHTS_FILE, data],
    [MODEL_FILE, text.encode(JSON.stringify(modelJson))],
    [META_FILE, text.encode(JSON.stringify(meta, null, 2) + '\n')],
  ]);
}

/** Read and check a model folder. Throws MusegenError (NOT_FOUND, BAD_MODEL, INCOMPATIBLE_MODEL). */
export async function readModelFolder(source: ModelSource): Promise<ModelFolder> {
  const where = source.location;
  const meta = checkMeta(await readJson(source, META_FILE, 'not a musegen model (no musegen.json)'), where);
  const modelJson = (await readJson(source, MODEL_FILE, 'model.json is missing')) as {
    modelTopology?: object | null;
    weightsManifest?: { paths?: unknown; weights?: unknown }[];
  };
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.some((g) => !Array.isArray(g.paths) || !Array.isArray(g.weights))) {
    throw new MusegenError('BAD_MODEL', 'model.json has no valid weightsManifest', where);
  }
  const weightSpecs = manifest.flatMap((g) => g.weights as tf.io.WeightsManifestEntry[]);
  const expected = weightSpecs.reduce((n, s) => n + specBytes(s, where), 0);
  const parts: Uint8Array[] = [];
  for (const path of manifest.flatMap((g) => g.paths as string[])) {
    if (typeof path !== 'string' || !/^[\w.-]+$/.test(path) || path.startsWith('.')) {
      throw new MusegenError('BAD_MODEL', `model.json names an unsafe weights path '${String(path)}'`, where);
    }
    const bytes = await source.read(path);
    if (!bytes) throw new MusegenError('BAD_MODEL', `weights file ${path} is missing`, where);
    parts.push(bytes);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total !== expected) {
    throw new MusegenError('BAD_MODEL', `weights hold ${total} bytes but model.json describes ${expected} (corrupt or truncated)`, where);
  }
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    weightData.set(p, at);
    at += p.length;
  }
  const weights: NamedArrays = new Map();
  at = 0;
  for (const s of weightSpecs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const bytes = weightData.slice(at, at + size * 4); // a copy: aligned, and owned by the array
    weights.set(s.name, { shape: [...s.shape], values: s.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer) });
    at += size * 4;
  }
  const topology = modelJson.modelTopology ?? null;
  return { location: where, meta, topology, weights, artifacts: { modelTopology: topology ?? undefined, weightSpecs, weightData: weightData.buffer } };
}

/** The float weights a model needs, by name and shape; throws BAD_MODEL naming the first missing or misshapen one. */
export function requireWeights(folder: ModelFolder, needed: { name: string; shape: number[] }[]): Map<string, Float32Array> {
  const where = folder.location;
  const out = new Map<string, Float32Array>();
  for (const { name, shape } of needed) {
    const w = folder.weights.get(name);
    if (!w) throw new MusegenError('BAD_MODEL', `weight ${name} is missing from model.json`, where);
    if (w.shape.join(',') !== shape.join(',') || !(w.values instanceof Float32Array)) {
      throw new MusegenError('BAD_MODEL', `weight ${name} is [${w.shape}] but the hyper-parameters in musegen.json need [${shape}] (float32)`, where);
    }
    out.set(name, w.values);
  }
  return out;
}

async function readJson(source: ModelSource, file: string, missing: string): Promise<unknown> {
  const bytes = await source.read(file);
  if (!bytes) throw new MusegenError('BAD_MODEL', missing, source.location);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `${file} is corrupt (${errorMessage(e)})`, source.location);
  }
}

function checkMeta(raw: unknown, where: string): ModelMeta {
  if (typeof raw !== 'object' || raw === null) throw new MusegenError('BAD_MODEL', 'musegen.json is not an object', where);
  const m = raw as Partial<ModelMeta>;
  if (!Number.isInteger(m.format)) throw new MusegenError('BAD_MODEL', 'musegen.json has no format version', where);
  if (m.format !== MODEL_FORMAT) {
    throw new MusegenError('INCOMPATIBLE_MODEL',
      `model was saved by musegen format ${m.format}; this musegen reads format ${MODEL_FORMAT} — retrain or upgrade`, where);
  }
  if (typeof m.kind !== 'string' || !m.kind) throw new MusegenError('BAD_MODEL', "musegen.json has no generator 'kind'", where);
  if (typeof m.hyper !== 'object' || m.hyper === null) throw new MusegenError('BAD_MODEL', "musegen.json has no 'hyper' parameters", where);
  return {
    format: m.format, kind: m.kind, encoder: m.encoder ?? null, hyper: m.hyper, corpus: m.corpus ?? null,
    metrics: m.metrics ?? {}, savedAt: typeof m.savedAt === 'string' ? m.savedAt : '',
  };
}

function specBytes(s: tf.io.WeightsManifestEntry, where: string): number {
  const size = Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && d >= 0) ? s.shape.reduce((a, b) => a * b, 1) : NaN;
  const bytesPer = BYTES_PER[s.dtype];
  if (!Number.isInteger(size) || !bytesPer || s.quantization || typeof s.name !== 'string') {
    throw new MusegenError('BAD_MODEL', `model.json describes weight '${String(s.name)}' in a form musegen does not read`, where);
  }
  return size * bytesPer;
}
