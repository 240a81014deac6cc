/**
 * Where `musegen sample` writes, as a user names it: `-o -` is stdout; `.mxl`
 * is compressed MusicXML that reads back; `-n` names sort (zero-padded);
 * `--json` says what was written; and a warning whenever an option cannot act.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readBytes } from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { hasMidicsv, midicsvRows, midicsvSummary } from './helpers/midicsv.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('cli-sample');

it.skipIf(!hasMidicsv)('writes MIDI to stdout for -o -, compressed MusicXML for .mxl, sortable names for -n, and says what it wrote with --json', () => {
  const out = musegen(['sample', '-o', '-', '--bars', '4', '--seed', '1', '-q'], { cwd: tmp.path });
  expect(out.code).toBe(0);
  expect(midicsvSummary(out.stdout).notes.length).toBeGreaterThan(0);

  const r = musegen(['sample', '-n', '10', '-o', 'tune.mxl', '--bars', '4', '--seed', '1', '--json', '-q'], { cwd: tmp.path });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const names = readdirSync(tmp.path).filter((f) => f.endsWith('.mxl'));
  expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `tune-${String(i + 1).padStart(2, '0')}.mxl`));
  const report = JSON.parse(r.text);
  expect(report).toMatchObject({ seed: 1, primer: null });
  expect(report.pieces.map((p: { file: string }) => p.file)).toEqual(names);
  const first = readFileSync(tmp.join('tune-01.mxl'));
  expect(first.subarray(0, 2).toString()).toBe('PK');
  const [{ score }] = readBytes(first, 'tune-01.mxl');
  expect(score.parts[0]!.notes.length).toBe(report.pieces[0].notes);
  // the same seed gives the same first piece, whatever the format
  const mid = musegen(['sample', '-o', '-', '--bars', '4', '--seed', '1', '-q'], { cwd: tmp.path });
  expect(midicsvSummary(mid.stdout).notes.length).toBe(report.pieces[0].notes);
});

it('warns, in one line each, when an option cannot act: a feature the corpus lacks, a key or meter the model did not learn, a primer of many pieces', () => {
  const t = musegen(['train', FOLK_DEMO, '--kind', 'ngram', '--features', 'fermata', '--epochs', '1', '-o', 'ng'], { cwd: tmp.path });
  expect(t.code).toBe(0);
  expect(t.stderr).toMatch(/^musegen: warning: the fermata feature is zero in every training piece \(the music holds none of it\), so it cannot steer the model$/m);
  const s = musegen(['sample', '-m', 'ng', '--key', 'G', '--meter', '6/8', '--prime', `${FOLK_DEMO}/tunes.abc`, '--bars', '2', '-o', 'w.mid'], { cwd: tmp.path });
  expect(s.code).toBe(0);
  const warnings = s.stderr.split('\n').filter((l) => l.startsWith('musegen: warning: '));
  expect(warnings).toEqual([
    expect.stringMatching(/tunes\.abc holds 24 pieces; continuing the first$/),
    'musegen: warning: this model did not learn the key feature: --key sets the key signature written, but does not steer the notes',
    'musegen: warning: this model did not learn the beat feature: --meter sets the time signature written, but does not steer the rhythm',
  ]);
  const quiet = musegen(['sample', '--key', 'G', '--bars', '2', '-o', 'q.mid'], { cwd: tmp.path }); // the bundled model learned key and beat
  expect(quiet.stderr).not.toMatch(/warning/);
});

it.skipIf(!hasMidicsv)('gives the piece a title, an instrument and accents on the strong beats (or one velocity with --no-accents)', () => {
  const csv = (args: string[]) => midicsvRows(musegen(['sample', '--seed', '3', '--bars', '4', '-q', ...args], { cwd: tmp.path }).stdout);
  const rows = csv(['--program', '73', '--title', 'Reel for flute']);
  expect(rows.find((r) => r[2] === 'Title_t' && r[0] === '1')?.[3]).toBe('"Reel for flute"');
  expect(rows.filter((r) => r[2] === 'Program_c').map((r) => r[4])).toEqual(['73']);
  const ons = rows.filter((r) => r[2] === 'Note_on_c' && Number(r[5]) > 0).map((r) => ({ tick: Number(r[1]), velocity: Number(r[5]) }));
  const bar = 4 * 480;
  const downbeats = ons.filter((n) => n.tick % bar === 0);
  const offbeats = ons.filter((n) => n.tick % 960 !== 0); // beats 2 and 4, and what falls between
  expect(downbeats.length).toBeGreaterThan(0);
  expect(offbeats.length).toBeGreaterThan(0);
  for (const d of downbeats) for (const o of offbeats) expect(d.velocity).toBeGreaterThan(o.velocity);
  const flat = csv(['--no-accents']).filter((r) => r[2] === 'Note_on_c' && Number(r[5]) > 0).map((r) => Number(r[5]));
  expect(new Set(flat).size).toBe(1);
  expect(flat.length).toBe(ons.length); // the same notes, only the velocities differ
});
