/**
 * `musegen accompany --style chords` end to end with the bundled chord model
 * (models/chords): a tune without chords gets chord symbols (MusicXML
 * <harmony> over the melody) and a comping track (MIDI); a tune with chords
 * keeps its own unless --replace; tunes in the keys and meters the corpus
 * has all get chords; bad input gets one clear line.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bundledModelPath, chooseChords, classOfText, createPart, createScore, folderSource, initBackend, loadGenerator, midiOf, normalizeChordSymbol, parsePitch,
  readAbc, readBytes, readMusicXml, writeMidi,
} from '../src/index.js';
import { expectOneLine, musegen } from './helpers/cli.js';
import { hasMidicsv, midicsvRows, midicsvSummary } from './helpers/midicsv.js';
import { BUNDLED_MODEL, ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('cli-accompany');
const FIXTURES = join(ROOT, 'test', 'fixtures');

beforeAll(() => {
  for (const f of ['tune-no-chords.abc', 'jig-with-chords.abc', 'waltz-no-chords.abc']) copyFileSync(join(FIXTURES, f), tmp.join(f));
});

const harmonies = (xml: string): number => (xml.match(/<harmony/g) ?? []).length;

describe('musegen accompany --style chords', () => {
  it('puts chord symbols over a tune that has none, and a comping part under it (MusicXML)', () => {
    const r = musegen(['accompany', 'tune-no-chords.abc', '-o', 'reel.musicxml'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^accompanied tune-no-chords\.abc \(chords\): \d+ chord symbols by the model \(the likeliest\), comping in 4\/4 → reel\.musicxml\n$/);
    const xml = readFileSync(tmp.join('reel.musicxml'), 'utf8');
    expect(harmonies(xml)).toBeGreaterThan(3);
    const score = readMusicXml(xml);
    expect(score.parts.map((p) => p.name)).toEqual([expect.any(String), 'Chords']);
    expect(score.chordSymbols[0]!.tick).toBe(0);
    const input = readAbc(readFileSync(tmp.join('tune-no-chords.abc'), 'utf8'))[0]!.score;
    expect(score.parts[0]!.notes.length).toBe(input.parts[0]!.notes.length); // the melody as given
    for (const c of score.parts[1]!.notes) { // every comping note under the melody note sounding with it
      const over = score.parts[0]!.notes.filter((m) => m.onset <= c.onset && c.onset < m.onset + m.duration);
      for (const m of over) expect(midiOf(c.pitch)).toBeLessThan(midiOf(m.pitch));
    }
  });

  it.skipIf(!hasMidicsv)('writes MIDI with the comping track by meter: oom-pah-pah in 3/4', () => {
    const r = musegen(['accompany', 'waltz-no-chords.abc', '-q'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const rows = midicsvRows(r.stdout);
    const tracks = new Set(rows.filter((row) => row[2] === 'Note_on_c').map((row) => row[0]));
    expect(tracks.size).toBe(2);
    const { division, meter } = midicsvSummary(r.stdout);
    expect(meter[0]).toBe('3/4');
    const comping = rows.filter((row) => row[2] === 'Note_on_c' && Number(row[5]) > 0 && row[0] === [...tracks][1]);
    const bar = 3 * division;
    const offsets = new Set(comping.map((row) => (((Number(row[1]) - division) % bar) + bar) % bar)); // the quarter-note pickup ends its bar
    expect([...offsets].sort((a, b) => a - b)).toEqual([0, division, 2 * division]);
  });

  it('keeps the chords a tune has, and writes the model\'s with --replace', () => {
    const own = readAbc(readFileSync(tmp.join('jig-with-chords.abc'), 'utf8'))[0]!.score.chordSymbols;
    const kept = musegen(['accompany', 'jig-with-chords.abc', '-o', 'kept.musicxml'], { cwd: tmp.path });
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toMatch(/^musegen: note: the tune has 7 chord symbols of its own: kept \(--replace writes the model's instead\)$/m);
    expect(readMusicXml(readFileSync(tmp.join('kept.musicxml'), 'utf8')).chordSymbols).toEqual(own.map((c) => ({ tick: c.tick, text: normalizeChordSymbol(c.text) })));
    const replaced = musegen(['accompany', 'jig-with-chords.abc', '--replace', '--temp', '0.8', '--seed', '5', '-o', 'new.musicxml'], { cwd: tmp.path });
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stderr).toMatch(/chord symbols by the model \(temperature 0\.8, seed 5\), comping in 6\/8/);
    const again = musegen(['accompany', 'jig-with-chords.abc', '--replace', '--temp', '0.8', '--seed', '5', '-o', 'again.musicxml', '-q'], { cwd: tmp.path });
    expect(again.code).toBe(0);
    expect(readFileSync(tmp.join('again.musicxml'), 'utf8')).toBe(readFileSync(tmp.join('new.musicxml'), 'utf8'));
    const lead = musegen(['accompany', 'jig-with-chords.abc', '--no-comping', '-o', 'lead.musicxml', '-q'], { cwd: tmp.path });
    expect(lead.code).toBe(0);
    expect(readMusicXml(readFileSync(tmp.join('lead.musicxml'), 'utf8')).parts).toHaveLength(1);
  });

  it('takes the piece asked for from a file of many, and says which it took otherwise', () => {
    writeFileSync(tmp.join('two.abc'), `${readFileSync(tmp.join('tune-no-chords.abc'), 'utf8')}\n${readFileSync(tmp.join('jig-with-chords.abc'), 'utf8').replace('X:1', 'X:2')}`);
    const first = musegen(['accompany', 'two.abc', '-o', 'first.mid'], { cwd: tmp.path });
    expect(first.stderr).toMatch(/^musegen: warning: two\.abc holds 2 pieces; accompanying the first \(--piece N for another\)$/m);
    const second = musegen(['accompany', 'two.abc', '--piece', '2', '-o', 'second.mid'], { cwd: tmp.path });
    expect(second.stderr).toMatch(/\(piece 2 of 2\) \(chords\): its own 7 chord symbols, comping in 6\/8/);
    expectOneLine(musegen(['accompany', 'two.abc', '--piece', '3'], { cwd: tmp.path }), 1, /two\.abc: has 2 pieces, not 3/);
  });
});

describe('bad input: one clear line each', () => {
  it('takes the top line of a polyphonic tune, with a warning', () => {
    const chordsAndTune = createScore({
      parts: [createPart({
        name: 'Piano',
        notes: ['C5', 'E5', 'G5', 'C5'].flatMap((p, i) => [
          { pitch: parsePitch(p), onset: i * 480, duration: 480, velocity: 80 },
          { pitch: parsePitch('C4'), onset: i * 480, duration: 480, velocity: 80 },
          { pitch: parsePitch('E4'), onset: i * 480, duration: 480, velocity: 80 },
        ]),
      })],
    });
    writeFileSync(tmp.join('poly.mid'), writeMidi(chordsAndTune));
    const r = musegen(['accompany', 'poly.mid', '-o', 'poly-out.mid'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^musegen: warning: the melody is polyphonic \(8 notes under or overlapping another\): its top line is taken$/m);
    const [{ score }] = readBytes(readFileSync(tmp.join('poly-out.mid')), 'poly-out.mid');
    expect(score.parts[0]!.notes.map((n) => n.pitch.step + n.pitch.octave)).toEqual(['C5', 'E5', 'G5', 'C5']);
  });

  it('refuses an empty tune, a model of another kind, and a file that is no music', () => {
    writeFileSync(tmp.join('empty.mid'), writeMidi(createScore({ parts: [createPart({ name: 'Melody' })] })));
    expectOneLine(musegen(['accompany', 'empty.mid'], { cwd: tmp.path }), 1, /empty\.mid: the tune has no notes to accompany/);
    expectOneLine(musegen(['accompany', 'tune-no-chords.abc', '-m', BUNDLED_MODEL, '-o', 'x.mid'], { cwd: tmp.path }), 1, /a 'lstm' model writes no chords: give a chord model \(musegen train --kind chords\)/);
    writeFileSync(tmp.join('junk.mid'), 'not music');
    expectOneLine(musegen(['accompany', 'junk.mid'], { cwd: tmp.path }), 1, /junk\.mid/);
    expectOneLine(musegen(['accompany', 'missing.abc'], { cwd: tmp.path }), 1, /missing\.abc/);
  });
});

describe('the bundled chord model', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('puts chords under a tune in any key and meter the corpus has, spelled in the key', async () => {
    const { generator, meta } = await loadGenerator(folderSource(bundledModelPath('chords')));
    expect(meta.kind).toBe('chords');
    const body: Record<string, string> = {
      '4/4': 'GABc dedB|c2ec B2dB|A2FA dAFA|G2B2 G4|', '6/8': 'GBd gdB|cec BdB|AFA DFA|G3 G2z|',
      '3/4': 'G2 B2 d2|c2 e2 c2|A2 F2 D2|G6|', '2/4': 'GB dB|ce cA|FA DF|G2 G2|', '9/8': 'GBd gdB GBd|cec BdB AFA|G3 G3 G3|',
      '2/2': 'G2B2 d2B2|c2e2 c2A2|F2A2 D2F2|G4 G4|',
    };
    let tunes = 0;
    for (const [meter, music] of Object.entries(body)) {
      for (const key of ['G', 'Bb', 'E', 'Em', 'F#', 'Dm']) {
        const text = `X:1\nM:${meter}\nL:1/8\nK:${key}\n${music}]\n`;
        const tune = readAbc(text)[0]!.score;
        const { symbols, classes } = chooseChords(generator, tune, { temperature: 0 });
        expect(symbols.length, `${meter} in ${key}`).toBeGreaterThan(0);
        for (const s of symbols) expect(classOfText(s.text), s.text).toBeGreaterThan(0);
        expect(classes.length).toBeGreaterThan(3);
        if (key === 'Bb') expect(symbols.every((s) => !/#/.test(s.text)), symbols.map((s) => s.text).join(' ')).toBe(true); // flats in a flat key
        tunes++;
      }
    }
    expect(tunes).toBe(36);
    generator.dispose();
  }, 60_000);
});
