/**
 * `musegen train`, `sample` and `doctor` as a user runs them (the CLI built
 * once and spawned), on the folk-demo corpus shipped in the repository with
 * a tiny model (1 × 32 units, 4 epochs, a few seconds):
 * - training writes the model folder (musegen.json with metrics, model.json,
 *   weights, loss.svg, checkpoint/) and the loss goes down;
 * - sampling to a file and to a pipe gives the same MIDI, which Debian's
 *   midicsv (an independent parser) reads: notes in the model's range, the
 *   meter, key and tempo asked for, no note past the bars asked for; -n
 *   numbers the files; a primer starts the piece;
 * - the entropy of the sampled pitches rises with the temperature;
 * - a run killed with SIGKILL mid-epoch leaves a whole model folder, and
 *   --resume ends with the very weights of the run left alone;
 * - Ctrl-C (SIGINT) writes a checkpoint and exits 130;
 * - bad input gets one line on stderr and a non-zero exit.
 * The tiny model is trained once, before the tests, in this file's own
 * temporary folder; each test reads it and writes only files of its own.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TICKS_PER_QUARTER as Q, createPart, createScore, folderSource, initBackend, loadGenerator, readModelFolder, samplePieces, spellMidi, writeMidi,
  midiOf,
} from '../src/index.js';
import { BIN, cliEnv, expectOneLine, musegen as run, startMusegen, type CliRun } from './helpers/cli.js';
import { hasMidicsv, csvNotes, midicsvRows } from './helpers/midicsv.js';
import { BUNDLED_MODEL, FOLK_DEMO as folkDemo } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const TINY = ['--units', '32', '--layers', '1', '--epochs', '4', '--seq-len', '32', '--batch', '16', '--lr', '0.01', '--seed', '5'];

const tmp = useTempDir('cli-train');
const musegen = (...args: string[]): CliRun => run(args, { cwd: tmp.path });
const start = (args: string[], watch: RegExp) => startMusegen(args, { cwd: tmp.path }, watch);

/** The tiny model every test here samples from, and its training run (musegen train --json). */
let model: string;
let trained: CliRun;

beforeAll(async () => {
  model = tmp.join('model');
  trained = musegen('train', folkDemo, '-o', model, ...TINY, '--json');
  await initBackend({ backend: 'wasm' });
});

describe('musegen train / sample', () => {
  it('trains a model folder on the folk-demo corpus, the loss going down', async () => {
    const r = trained;
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.text) as { epochs: number; validNll: number; markov3ValidNll: number; seed: number };
    expect(result).toMatchObject({ epochs: 4, seed: 5 });
    expect(r.stderr).toMatch(/^epoch 1\/4 {2}train [\d.]+ {2}valid [\d.]+ \*/m);
    expect(r.stderr).toMatch(/^model saved in .*model \(4 epochs, .*valid NLL [\d.]+ nats\/token at epoch \d \(3-gram Markov [\d.]+\)$/m);
    const { meta } = await readModelFolder(folderSource(model));
    expect(meta).toMatchObject({ kind: 'lstm', encoder: { encoding: 'melody', lowest: 48, highest: 96, features: [{ name: 'beat' }] } });
    expect(meta.hyper).toMatchObject({ units: 32, layers: 1, lstm: { featureSize: 25 }, training: { seqLen: 32, hop: 8, seed: 5 } });
    expect(meta.corpus).toMatchObject({ digest: expect.stringMatching(/^[0-9a-f]{64}$/), paths: [folkDemo] });
    expect(meta.metrics).toMatchObject({ validNll: result.validNll, markov3ValidNll: result.markov3ValidNll, epochs: 4 });
    const history = meta.metrics.history as { trainLoss: number }[];
    expect(history[3]!.trainLoss).toBeLessThan(history[0]!.trainLoss * 0.75);
    expect(await readFile(join(model, 'loss.svg'), 'utf8')).toMatch(/<svg[^]*validation[^]*<\/svg>/);
    await readModelFolder(folderSource(join(model, 'checkpoint')));
  });

  it.skipIf(!hasMidicsv)('samples to a file and to a pipe: MIDI that midicsv reads, in the range, meter, key, tempo and bars asked for', async () => {
    const args = ['sample', '-m', model, '--bars', '8', '--meter', '3/4', '--key', 'D', '--tempo', '100', '--seed', '11', '--temp', '0.9'];
    const toFile = musegen(...args, '-o', 'a.mid');
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stderr).toMatch(/^sampled 1 piece of 8 bars \(seed 11\) → a\.mid$/m);
    const piped = musegen(...args);
    expect(piped.code, piped.stderr).toBe(0);
    expect(Buffer.compare(piped.stdout, await readFile(tmp.join('a.mid')))).toBe(0);
    await writeFile(tmp.join('piped.mid'), piped.stdout);
    const rows = midicsvRows(tmp.join('piped.mid'));
    expect(rows[0]).toEqual(['0', '0', 'Header', '1', '2', '480']);
    expect(rows.find((r) => r[2] === 'Time_signature')!.slice(3, 5)).toEqual(['3', '2']);
    expect(rows.find((r) => r[2] === 'Tempo')![3]).toBe('600000');
    expect(rows.find((r) => r[2] === 'Key_signature')!.slice(3)).toEqual(['2', '"major"']);
    const notes = csvNotes(rows);
    expect(notes.length).toBeGreaterThan(8);
    for (const n of notes) expect(n.midi >= 48 && n.midi <= 96, String(n.midi)).toBe(true);
    const bar = 3 * Q;
    expect(Math.max(...notes.map((n) => n.off))).toBeLessThanOrEqual(8 * bar);
    expect(Math.max(...notes.map((n) => n.off))).toBeGreaterThan(6 * bar);

    const several = musegen('sample', '-m', model, '-n', '2', '--seed', '3', '-o', 'set.mid', '--bars', '2');
    expect(several.code, several.stderr).toBe(0);
    const [one, two] = [await readFile(tmp.join('set-1.mid')), await readFile(tmp.join('set-2.mid'))];
    expect(Buffer.compare(one, two)).not.toBe(0);
    const xml = musegen('sample', '-m', model, '--seed', '3', '-o', 'tune.musicxml', '--bars', '2');
    expect(xml.code, xml.stderr).toBe(0);
    expect(await readFile(tmp.join('tune.musicxml'), 'utf8')).toMatch(/<score-partwise/);
  });

  it.skipIf(!hasMidicsv)('continues a primer', async () => {
    const primerNotes = [67, 69, 71, 72, 74, 72, 71, 69].map((m, i) => ({ pitch: spellMidi(m), onset: i * Q, duration: Q, velocity: 80, fermata: false }));
    await writeFile(tmp.join('primer.mid'), writeMidi(createScore({ end: 8 * Q, parts: [createPart({ notes: primerNotes })] })));
    const r = musegen('sample', '-m', model, '--prime', 'primer.mid', '--bars', '2', '--seed', '4', '-o', 'primed.mid');
    expect(r.code, r.stderr).toBe(0);
    const notes = csvNotes(midicsvRows(tmp.join('primed.mid')));
    expect(notes.slice(0, 8)).toEqual(primerNotes.map((n) => ({ on: n.onset, off: n.onset + Q, midi: midiOf(n.pitch) })));
    expect(notes.length).toBeGreaterThan(8);
    expect(Math.max(...notes.map((n) => n.off))).toBeLessThanOrEqual(16 * Q);
  });

  it('samples more varied pitches at higher temperatures', async () => {
    const { generator } = await loadGenerator(folderSource(model));
    const entropy = (temperature: number): number => {
      const counts = new Map<number, number>();
      for (const piece of samplePieces(generator, { temperature, bars: 8, count: 12, seed: 21 })) {
        for (const n of piece.score.parts[0]!.notes) counts.set(midiOf(n.pitch), (counts.get(midiOf(n.pitch)) ?? 0) + 1);
      }
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      return -[...counts.values()].reduce((s, c) => s + (c / total) * Math.log(c / total), 0);
    };
    const [cold, warm, hot] = [entropy(0.5), entropy(1), entropy(1.5)];
    expect(cold).toBeLessThan(warm);
    expect(warm).toBeLessThan(hot);
  });

  it('resumes a run killed mid-epoch (SIGKILL) to the weights of the run left alone', async () => {
    const out = tmp.join('killed');
    const run = start(['train', folkDemo, '-o', out, ...TINY], /^epoch 1\/4 /m);
    await run.seen;
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    const { meta } = await readModelFolder(folderSource(out)); // whole: musegen.json and weights agree
    expect(meta.kind).toBe('lstm');
    const state = (await readModelFolder(folderSource(join(out, 'checkpoint')))).meta.metrics.checkpoint as { epoch: number };
    expect(state.epoch).toBeGreaterThanOrEqual(1);
    expect(state.epoch).toBeLessThan(4);
    const resumed = musegen('train', '--resume', '-o', out);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`^resuming after epoch ${state.epoch}`, 'm'));
    for (const file of ['weights.bin', 'checkpoint/weights.bin']) {
      expect(Buffer.compare(await readFile(join(out, file)), await readFile(join(model, file))), file).toBe(0);
    }
  });

  it('writes a checkpoint and exits 130 on Ctrl-C', async () => {
    const out = tmp.join('interrupted');
    const run = start(['train', folkDemo, '-o', out, ...TINY, '--epochs', '1000', '--patience', '1000'], /^epoch 1\/1000 /m);
    await run.seen;
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^musegen: interrupted: checkpoint saved in .*interrupted after \d+ steps; go on with: musegen train --resume -o /);
    const state = (await readModelFolder(folderSource(join(out, 'checkpoint')))).meta.metrics.checkpoint as { epoch: number; finished: unknown };
    expect(state.epoch).toBeGreaterThanOrEqual(1);
    expect(state.finished).toBeNull();
  });
});

describe('bad input', () => {
  it('answers each with one line and a non-zero exit', async () => {
    await mkdir(tmp.join('empty'));
    await writeFile(tmp.join('empty', 'notes.txt'), 'no music here');
    expectOneLine(musegen('train', 'empty', '-o', 'x'), 1, /empty: no music files found/);
    await mkdir(tmp.join('short'));
    const four = [60, 62, 64, 65].map((m, i) => ({ pitch: spellMidi(m), onset: i * Q, duration: Q, velocity: 80, fermata: false }));
    await writeFile(tmp.join('short', 'a.mid'), writeMidi(createScore({ end: 4 * Q, parts: [createPart({ notes: four })] })));
    expectOneLine(musegen('train', 'short', '-o', 'x'), 1, /16 steps in all, fewer than one sequence of 64 \(--seq-len\)/);
    expectOneLine(musegen('train', folkDemo, '--encoding', 'drums'), 2, /unknown encoding "drums" \(known: melody, melody-spelled, voices, pianoroll\)/);
    expectOneLine(musegen('train', folkDemo, '--features', 'beat,tempo'), 2, /unknown feature "tempo" \(known: beat, fermata/);
    expectOneLine(musegen('train', folkDemo, '-o', model), 1, /already holds a model; resume its training with --resume, or replace it with --force/);
    expectOneLine(musegen('train', '--resume', '-o', 'nowhere'), 1, /nowhere: no checkpoint to resume from/);

    const old = tmp.join('old-model');
    await cp(model, old, { recursive: true });
    const metaFile = join(old, 'musegen.json');
    await writeFile(metaFile, (await readFile(metaFile, 'utf8')).replace('"format": 1', '"format": 99'));
    expectOneLine(musegen('sample', '-m', old, '-o', 'y.mid'), 1, /old-model: model was saved by musegen format 99; this musegen reads format 1/);
    expectOneLine(musegen('sample', '-m', model, '--temp', '0'), 2, /temperature must be a number above 0/);
    expectOneLine(musegen('sample', '-m', model, '--temp', '-0.5'), 2, /temperature must be a number above 0/);
    expectOneLine(musegen('sample', '-m', tmp.join('missing'), '-o', 'y.mid'), 1, /missing: no such model folder/);
    expectOneLine(musegen('sample', '-m', model, '-n', '2'), 2, /-n 2 writes 2 files: name them with -o/);
    expectOneLine(musegen('sample', '-m', model, '-o', 'y.wav'), 2, /cannot tell the format from "\.wav"/);
    // stdout a terminal: script(1) (util-linux) gives the command one
    const tty = spawnSync('script', ['-qc', `${process.execPath} ${BIN} sample -m ${model}`, '/dev/null'], { env: cliEnv(tmp.join('cache')), cwd: tmp.path, encoding: 'utf8' });
    expect(tty.stdout.replace(/\r/g, '').trim()).toBe('musegen: refusing to write MIDI to a terminal; redirect (> out.mid) or use -o');
  });
});

describe('musegen doctor', () => {
  it('says which backends load and what model is bundled', () => {
    const r = musegen('doctor', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.text) as { node: { version: string }; backend: string; backends: { name: string; available: boolean; detail: string }[]; bundledModel: { path: string }; bundledModels: Record<string, { kind: string }>; cacheDir: string };
    expect(report.node.version).toBe(process.version);
    expect(report.backends.map((b) => b.name)).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
    expect(report.backends.find((b) => b.name === 'wasm')).toMatchObject({ available: true });
    expect(report.backends.find((b) => b.name === report.backend)?.available).toBe(true);
    expect(report.bundledModel.path).toBe(BUNDLED_MODEL);
    expect(report.bundledModels.chords?.kind).toBe('chords'); // every job's bundled model, by its folder
    expect(report.bundledModels.chorale?.kind).toBe('conv');
    expect(report.cacheDir).toBe(tmp.join('cache'));
    const text = musegen('doctor', '--backend', 'cpu');
    expect(text.code, text.stderr).toBe(0);
    expect(text.text).toMatch(/backends\n[^]*cpu +yes .*← in use/);
  });
});
