import { mkdtemp, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LstmModel, MODEL_FORMAT, MusegenError, initBackend, loadLayersModel, loadLstmModel, loadLstmStepper, readModelFolder,
  saveLayersModel, saveLstmModel,
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
    const { stepper } = await loadLstmStepper(dir);
    const first = stepper.step(indices[0]!);
    for (let c = 0; c < 5; c++) expect(first[c]).toBeCloseTo(a.dataSync()[c]!, 5);
    tf.dispose([a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('loads in stock TF.js (tf.loadLayersModel) with the same predictions', async () => {
    const { dir, model } = await saved('browser');
    const stock = await tf.loadLayersModel(tf.io.fromMemory((await readModelFolder(dir)).artifacts));
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
    const extra = tf.tensor1d([1, 2, 3]);
    await saveLstmModel(dir, model, meta, {
      extraWeights: [{ name: 'optimizer/m/0', tensor: extra }],
      extra: async (temp) => writeFile(join(temp, 'note.txt'), 'beside'),
    });
    expect(await readFile(join(dir, 'note.txt'), 'utf8')).toBe('beside');
    const { model: loaded, extraWeights } = await loadLstmModel(dir);
    expect(loaded.config.featureSize).toBe(F);
    expect(Array.from(extraWeights.get('optimizer/m/0')!.values)).toEqual([1, 2, 3]);
    expect([...extraWeights.keys()]).toEqual(['optimizer/m/0']);
    const feats = Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(i));
    // extra weights are not the stock model's: strict: false lets it load beside them
    const stock = await tf.loadLayersModel(tf.io.fromMemory((await readModelFolder(dir)).artifacts), { strict: false });
    const input = tf.concat([tf.oneHot(tf.tensor2d(indices, [B, T], 'int32'), 7).toFloat(), tf.tensor3d(feats, [B, T, F])], 2);
    const probs = (stock.predict(input) as tf.Tensor).dataSync();
    const ours = tf.softmax(loaded.logits({ batch: B, steps: T, indices, features: tf.tensor3d(feats, [B, T, F]) })).dataSync();
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let c = 0; c < 5; c++) expect(Math.abs(probs[(b * T + t) * 5 + c]! - ours[(t * B + b) * 5 + c]!)).toBeLessThan(1e-5);
      }
    }
    tf.dispose([extra, input]);
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

  it('saves and loads a tf.layers model', async () => {
    const net = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu', name: 'hidden' }), tf.layers.dense({ units: 2, name: 'out' })] });
    const dir = join(root, 'layers');
    await saveLayersModel(dir, net, { kind: 'conv', encoder: null, hyper: {} });
    const { model, meta: m } = await loadLayersModel(dir);
    expect(m.kind).toBe('conv');
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((net.predict(x) as tf.Tensor).dataSync()));
    net.dispose();
    model.dispose();
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
