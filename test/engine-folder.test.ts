import { createServer, type Server } from 'node:http';
import { mkdtemp, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LstmModel, LstmStepper, MODEL_FORMAT, MusegenError, encodeModelFolder, folderSource, httpModelSource, initBackend, kerasTopology,
  readLstmFolder, readModelFolder, writeModelFolder,
  type ModelMeta, type ModelMetaInput, type NamedArrays, type WriteFolderOptions,
} from '../src/index.js';

let root: string;
const config = { inputSize: 7, outputSize: 5, units: 6, layers: 2 };
const meta = { kind: 'lstm', encoder: { type: 'melody', range: [48, 84] }, hyper: { steps: 16 }, corpus: { digest: 'abc123' }, metrics: { validLoss: 1.5 } };
const B = 2;
const T = 4;
const indices = Int32Array.from({ length: B * T }, (_, i) => (i * 3 + 1) % 7);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  root = await mkdtemp(join(tmpdir(), 'musegen-engine-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The model's weights as stored arrays. */
function arraysOf(model: LstmModel, extra: NamedArrays = new Map()): NamedArrays {
  const own: NamedArrays = new Map(model.namedWeights().map(({ name, tensor }) => [name, { shape: tensor.shape, values: tensor.dataSync() as Float32Array }]));
  return new Map([...own, ...extra]);
}

/** Save an LSTM model as a model folder, as a trainable generator's contents are saved. */
async function saveLstmModel(dir: string, model: LstmModel, m: ModelMetaInput, options: WriteFolderOptions & { extraWeights?: NamedArrays } = {}): Promise<void> {
  const files = encodeModelFolder({ meta: { ...m, hyper: { ...m.hyper, lstm: model.config } }, topology: kerasTopology(model.config), weights: arraysOf(model, options.extraWeights) });
  await writeModelFolder(dir, files, options);
}

/** Load an LSTM model folder for training, and the stored arrays that are not the model's. */
async function loadLstmModel(dir: string): Promise<{ model: LstmModel; meta: ModelMeta; extraWeights: NamedArrays }> {
  const folder = await readModelFolder(folderSource(dir));
  const { config, weights } = readLstmFolder(folder);
  const extraWeights: NamedArrays = new Map([...folder.weights].filter(([name]) => !weights.has(name)));
  return { model: LstmModel.fromWeights(config, weights), meta: folder.meta, extraWeights };
}

/** Save a fresh small model into root/name; returns the folder and the model. */
async function saved(name: string): Promise<{ dir: string; model: LstmModel }> {
  const dir = join(root, name);
  const model = LstmModel.create(config, { seed: 2 });
  await saveLstmModel(dir, model, meta);
  return { dir, model };
}

/** The MusegenError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<MusegenError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(MusegenError);
  return e as MusegenError;
}

describe('model folders', () => {
  it('save → load gives identical outputs and the metadata', async () => {
    const { dir, model } = await saved('roundtrip');
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'musegen.json', 'weights.bin']);
    const { model: loaded, meta: m } = await loadLstmModel(dir);
    expect(m.format).toBe(MODEL_FORMAT);
    expect(m.encoder).toEqual(meta.encoder);
    expect(m.corpus).toEqual(meta.corpus);
    expect(m.metrics).toEqual(meta.metrics);
    expect(m.hyper).toMatchObject({ steps: 16, lstm: { ...config, input: 'one-hot', output: 'softmax' } });
    const a = model.logits({ batch: B, steps: T, indices });
    const b = loaded.logits({ batch: B, steps: T, indices });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const { config: stored, weights } = readLstmFolder(await readModelFolder(folderSource(dir)));
    const first = new LstmStepper(stored, weights).step(indices[0]!);
    for (let c = 0; c < 5; c++) expect(first[c]).toBeCloseTo(a.dataSync()[c]!, 5);
    tf.dispose([a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('loads in stock TF.js (tf.loadLayersModel) with the same predictions', async () => {
    const { dir, model } = await saved('browser');
    const stock = await tf.loadLayersModel(tf.io.fromMemory((await readModelFolder(folderSource(dir))).artifacts));
    const names = stock.weights.map((w) => w.originalName);
    expect(names).toContain('lstm_1/recurrent_kernel');
    expect(names).toContain('output/kernel');
    const probs = (stock.predict(tf.oneHot(tf.tensor2d(indices, [B, T], 'int32'), 7).toFloat()) as tf.Tensor).dataSync();
    const ours = tf.softmax(model.logits({ batch: B, steps: T, indices })).dataSync();
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let c = 0; c < 5; c++) expect(Math.abs(probs[(b * T + t) * 5 + c]! - ours[(t * B + b) * 5 + c]!)).toBeLessThan(1e-5);
      }
    }
    stock.dispose();
    model.dispose();
  });

  it('keeps feature columns Keras-compatible, and writes extra weights and files in the same atomic write', async () => {
    const dir = join(root, 'features');
    const F = 3;
    const model = LstmModel.create({ ...config, featureSize: F }, { seed: 5 });
    await saveLstmModel(dir, model, meta, {
      extraWeights: new Map([['optimizer/m/0', { shape: [3], values: Float32Array.of(1, 2, 3) }]]),
      extra: async (temp) => writeFile(join(temp, 'note.txt'), 'beside'),
    });
    expect(await readFile(join(dir, 'note.txt'), 'utf8')).toBe('beside');
    const { model: loaded, extraWeights } = await loadLstmModel(dir);
    expect(loaded.config.featureSize).toBe(F);
    expect(Array.from(extraWeights.get('optimizer/m/0')!.values)).toEqual([1, 2, 3]);
    expect([...extraWeights.keys()]).toEqual(['optimizer/m/0']);
    const feats = Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(i));
    // extra weights are not the stock model's: strict: false lets it load beside them
    const stock = await tf.loadLayersModel(tf.io.fromMemory((await readModelFolder(folderSource(dir))).artifacts), { strict: false });
    const input = tf.concat([tf.oneHot(tf.tensor2d(indices, [B, T], 'int32'), 7).toFloat(), tf.tensor3d(feats, [B, T, F])], 2);
    const probs = (stock.predict(input) as tf.Tensor).dataSync();
    const ours = tf.softmax(loaded.logits({ batch: B, steps: T, indices, features: tf.tensor3d(feats, [B, T, F]) })).dataSync();
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let c = 0; c < 5; c++) expect(Math.abs(probs[(b * T + t) * 5 + c]! - ours[(t * B + b) * 5 + c]!)).toBeLessThan(1e-5);
      }
    }
    input.dispose();
    for (const m of [stock, model, loaded]) m.dispose();
  });

  it('replaces an existing model atomically and leaves no temporary folders', async () => {
    const { dir, model } = await saved('replace');
    const other = LstmModel.create({ ...config, units: 3 }, { seed: 3 });
    await saveLstmModel(dir, other, meta);
    const { model: loaded } = await loadLstmModel(dir);
    expect(loaded.config.units).toBe(3);
    expect((await readdir(root)).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
    for (const m of [model, other, loaded]) m.dispose();
  });

  it('refuses to replace a folder that is not a model', async () => {
    const dir = join(root, 'precious');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const model = LstmModel.create(config, { seed: 4 });
    const e = await failure(saveLstmModel(dir, model, meta));
    expect(e.message).toMatch(/not a musegen model folder; not replacing it/);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    model.dispose();
  });

  it('stores int32 and float32 arrays of any name, and reads them back over HTTP as from the folder', async () => {
    const dir = join(root, 'arrays');
    const weights: NamedArrays = new Map([
      ['ngram/1/tokens', { shape: [3], values: Int32Array.of(4, -1, 2 ** 30) }],
      ['scale', { shape: [2, 2], values: Float32Array.of(0.5, -1.25, 3e-8, 7) }],
    ]);
    await writeModelFolder(dir, encodeModelFolder({ meta: { kind: 'ngram', encoder: null, hyper: { order: 2 } }, topology: null, weights }));
    const fromDisk = await readModelFolder(folderSource(dir));
    expect(fromDisk.weights).toEqual(weights);
    expect(fromDisk.weights.get('ngram/1/tokens')!.values).toBeInstanceOf(Int32Array);
    const server: Server = createServer((req, res) => {
      readFile(join(dir, decodeURIComponent(req.url!.replace('/model/', '')))).then((b) => res.end(b), () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const overHttp = await readModelFolder(httpModelSource(`${base}/model`));
      expect(overHttp.weights).toEqual(weights);
      expect(overHttp.meta).toEqual(fromDisk.meta);
      const e = await failure(readModelFolder(httpModelSource(`${base}/elsewhere`)));
      expect(e.message).toMatch(/elsewhere: not a musegen model \(no musegen\.json\)/);
    } finally {
      server.close();
    }
  });
});

describe('bad model folders', () => {
  it('says a missing folder is missing', async () => {
    const e = await failure(loadLstmModel(join(root, 'nowhere')));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/nowhere: no such model folder/);
  });

  it('says a folder without musegen.json is not a model', async () => {
    const dir = join(root, 'empty');
    await mkdir(dir);
    const e = await failure(loadLstmModel(dir));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/not a musegen model \(no musegen\.json\)/);
  });

  it('says musegen.json is corrupt', async () => {
    const { dir, model } = await saved('corrupt-meta');
    await writeFile(join(dir, 'musegen.json'), '{"format": 1, "kind":');
    const e = await failure(loadLstmModel(dir));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/musegen\.json is corrupt/);
    model.dispose();
  });

  it('names the format version it cannot read', async () => {
    const { dir, model } = await saved('future');
    const m = JSON.parse(await readFile(join(dir, 'musegen.json'), 'utf8'));
    await writeFile(join(dir, 'musegen.json'), JSON.stringify({ ...m, format: 3 }));
    const e = await failure(loadLstmModel(dir));
    expect(e.code).toBe('INCOMPATIBLE_MODEL');
    expect(e.message).toMatch(/saved by musegen format 3; this musegen reads format 1 — retrain or upgrade/);
    model.dispose();
  });

  it('says the weights are missing or truncated', async () => {
    const { dir, model } = await saved('no-weights');
    await truncate(join(dir, 'weights.bin'), 100);
    expect((await failure(loadLstmModel(dir))).message).toMatch(/weights hold 100 bytes but model\.json describes \d+/);
    await rm(join(dir, 'weights.bin'));
    expect((await failure(loadLstmModel(dir))).message).toMatch(/weights file weights\.bin is missing/);
    await writeFile(join(dir, 'model.json'), 'not json');
    expect((await failure(loadLstmModel(dir))).message).toMatch(/model\.json is corrupt/);
    model.dispose();
  });

  it('names a weight whose shape does not fit the hyper-parameters', async () => {
    const { dir, model } = await saved('mismatch');
    const m = JSON.parse(await readFile(join(dir, 'musegen.json'), 'utf8'));
    m.hyper.lstm.units = 7;
    await writeFile(join(dir, 'musegen.json'), JSON.stringify(m));
    const e = await failure(loadLstmModel(dir));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/weight lstm_1\/kernel is \[7,24\] but the hyper-parameters in musegen\.json need \[7,28\]/);
    model.dispose();
  });
});
