/**
 * The harmoniser from the command line, as a user runs it: `musegen
 * accompany --style chorale` (four parts under a melody, MIDI with a named
 * track per voice or MusicXML with a part per voice, spelled in the key,
 * fermatas kept) and `musegen infill` (a region rewritten, the rest kept),
 * with a small conv model trained here, and each bad input in one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createPart, createScore, initBackend, loadCorpus, midiOf, pitchName, readMusicXml, spellMidi, standardEvaluation, train, writeMidi, writeMusicXml,
  type Note, type Score,
} from '../src/index.js';
import { fourPartPieces, writeFourPartFolder } from './helpers/chorales.js';
import { expectOneLine, musegen } from './helpers/cli.js';
import { hasMidicsv, midicsvRows, midicsvSummary } from './helpers/midicsv.js';
import { BUNDLED_MODEL } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('cli-harmonise');
const run = (args: string[]) => musegen(args, { cwd: tmp.path });

/** A hymn-like melody in A major, 3/4, a pickup of a quarter, fermatas at the phrase ends. */
function hymn(): Score {
  const line = [69, 71, 73, 71, 69, 68, 69, 73, 74, 76, 74, 73, 71, 69];
  const notes: Note[] = line.map((m, i) => ({
    pitch: spellMidi(m, 3), onset: i * 480, duration: i === line.length - 1 ? 1440 : 480, velocity: 90, ...(i === 6 || i === line.length - 1 ? { fermata: true } : {}),
  }));
  return createScore({
    title: 'hymn', parts: [createPart({ name: 'Melody', notes })], pickup: 480,
    timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }], keySignatures: [{ tick: 0, fifths: 3, mode: 'major' }],
  });
}

const written = (n: Note): string => `${pitchName(n.pitch)}@${n.onset}+${n.duration}${n.fermata ? 'F' : ''}`;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const corpus = await loadCorpus([writeFourPartFolder(tmp.join('satb'), fourPartPieces(12, 2))], { cacheDir: tmp.join('cache') });
  await train(corpus, { output: tmp.join('model'), evaluation: standardEvaluation, options: { kind: 'conv', model: { filters: 8, layers: 3 }, seqLen: 32, batch: 8, epochs: 1, seed: 1 } });
  writeFileSync(tmp.join('hymn.musicxml'), writeMusicXml(hymn()));
  writeFileSync(tmp.join('hymn.mid'), writeMidi(hymn()));
  writeFileSync(tmp.join('chorale.musicxml'), writeMusicXml(fourPartPieces(1, 4, 6)[0]!));
  writeFileSync(tmp.join('empty.musicxml'), writeMusicXml(createScore({ parts: [createPart({ name: 'Melody' })] })));
});

describe('musegen accompany --style chorale', () => {
  it('writes MusicXML with a part per voice, the melody note for note, spelled in the key, with its fermatas, meter and pickup', () => {
    const r = run(['accompany', 'hymn.musicxml', '--style', 'chorale', '-m', 'model', '--steps', '4', '--seed', '1', '-o', 'satb.musicxml']);
    expect(r.stderr).toMatch(/accompanied hymn\.musicxml \(chorale\): alto, tenor, bass under the melody \(4 Gibbs steps/);
    expect(r.code).toBe(0);
    const out = readMusicXml(readFileSync(tmp.join('satb.musicxml'), 'utf8'));
    expect(out.parts.map((p) => p.name)).toEqual(['Melody', 'Alto', 'Tenor', 'Bass']);
    expect(out.parts[0]!.notes.map(written)).toEqual(hymn().parts[0]!.notes.map(written));
    expect(out.keySignatures[0]).toMatchObject({ fifths: 3 });
    expect(out.timeSignatures[0]).toMatchObject({ numerator: 3, denominator: 4 });
    expect(out.pickup).toBe(480);
    // spelled in A major: no flats in the voices written
    for (const p of out.parts.slice(1)) for (const n of p.notes) expect(n.pitch.alter).toBeGreaterThanOrEqual(0);
    expect(out.parts.slice(1).every((p) => p.notes.some((n) => n.fermata))).toBe(true);
  });

  it('uses the bundled harmoniser when no model is given (a hymn with fermatas is a chorale melody)', () => {
    const r = run(['accompany', 'hymn.musicxml', '--steps', '2', '--seed', '3', '-o', 'bundled.musicxml']);
    expect(r.stderr).toMatch(/\(chorale\): alto, tenor, bass under the melody/);
    expect(r.code).toBe(0);
    const out = readMusicXml(readFileSync(tmp.join('bundled.musicxml'), 'utf8'));
    expect(out.parts[0]!.notes.map(written)).toEqual(hymn().parts[0]!.notes.map(written));
    expect(out.parts.slice(1).map((p) => p.notes.length > 0)).toEqual([true, true, true]);
  });

  it.skipIf(!hasMidicsv)('writes MIDI with one named track per voice, to stdout', () => {
    const r = run(['accompany', 'hymn.mid', '--style', 'chorale', '-m', 'model', '--steps', '2', '--seed', '2', '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const names = midicsvRows(r.stdout).filter((row) => row[2] === 'Title_t').map((row) => row[3]);
    for (const voice of ['Alto', 'Tenor', 'Bass']) expect(names.join(' ')).toContain(voice);
    const melody = midicsvSummary(readFileSync(tmp.join('hymn.mid'))).notes;
    const notes = midicsvSummary(r.stdout).notes;
    for (const n of melody) expect(notes.some((m) => m.on === n.on && m.off === n.off && m.midi === n.midi)).toBe(true);
  });

  it('writes only the voices asked for, and refuses bad input in one line', () => {
    const r = run(['accompany', 'hymn.musicxml', '--style', 'chorale', '-m', 'model', '--voices', 'bass', '--steps', '2', '-o', 'bass.musicxml', '-q']);
    expect(r.code).toBe(0);
    expect(readMusicXml(readFileSync(tmp.join('bass.musicxml'), 'utf8')).parts.map((p) => p.name)).toEqual(['Melody', 'Bass']);
    expectOneLine(run(['accompany', 'hymn.musicxml', '--style', 'chorale', '-m', 'model', '--voices', 'baritone', '-o', 'x.mid']), 1, /the model has no voice 'baritone' \(it has soprano, alto, tenor, bass\)/);
    expectOneLine(run(['accompany', 'empty.musicxml', '--style', 'chorale', '-m', 'model', '-o', 'x.mid']), 1, 'empty.musicxml', /no notes/);
    expectOneLine(run(['accompany', 'hymn.musicxml', '--style', 'chorale', '-m', BUNDLED_MODEL, '-o', 'x.mid']), 1, /a 'lstm' model cannot harmonise or fill in music/);
  });
});

describe('musegen infill', () => {
  it('rewrites the bars and voices asked, every other note as it was', () => {
    const r = run(['infill', 'chorale.musicxml', '--bars', '2-3', '--voices', 'tenor', '-m', 'model', '--steps', '4', '--seed', '5', '-o', 'new.musicxml']);
    expect(r.stderr).toMatch(/regenerated bars 2-3 of the tenor in chorale\.musicxml \(4 Gibbs steps, seed 5\)/);
    expect(r.code).toBe(0);
    const before = readMusicXml(readFileSync(tmp.join('chorale.musicxml'), 'utf8'));
    const after = readMusicXml(readFileSync(tmp.join('new.musicxml'), 'utf8'));
    const [from, to] = [1920, 3 * 1920];
    after.parts.forEach((part, i) => {
      const keep = part.name === 'Tenor' ? (n: Note) => n.onset + n.duration <= from || n.onset >= to : () => true;
      expect(part.notes.filter(keep).map(written)).toEqual(before.parts[i]!.notes.filter(keep).map(written));
    });
    for (const n of after.parts[2]!.notes) if (n.onset >= from && n.onset < to) expect(midiOf(n.pitch)).toBeGreaterThanOrEqual(46);
  });

  it('says in one line what is wrong: bars outside, no --bars, a voice it lacks, a melody alone, a model of another kind', () => {
    expectOneLine(run(['infill', 'chorale.musicxml', '--bars', '5-9', '-m', 'model', '-o', 'x.mid']), 1, 'chorale.musicxml', /bars 5-9 lie outside the score \(its bars are 1–6\)/);
    expectOneLine(run(['infill', 'chorale.musicxml', '-m', 'model', '-o', 'x.mid']), 2, /--bars/);
    expectOneLine(run(['infill', 'chorale.musicxml', '--bars', 'x', '-m', 'model', '-o', 'x.mid']), 2, /"x" is not a range of bars like 5-8 or 5/);
    expectOneLine(run(['infill', 'chorale.musicxml', '--bars', '1-2', '--voices', 'viola', '-m', 'model', '-o', 'x.mid']), 1, /no voice 'viola'/);
    expectOneLine(run(['infill', 'hymn.musicxml', '--bars', '1-2', '-m', 'model', '-o', 'x.mid']), 1, /the score has 1 part with notes; the model writes 4 voices/);
    expectOneLine(run(['infill', 'chorale.musicxml', '--bars', '1-2', '-m', BUNDLED_MODEL, '-o', 'x.mid']), 1, /a 'lstm' model cannot harmonise or fill in music/);
  });
});
