/**
 * Where `musegen sample` writes, as a user names it: `-o -` is stdout; `.mxl`
 * is compressed MusicXML that reads back; `-n` names sort (zero-padded);
 * `--json` says what was written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readBytes } from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { midicsvSummary } from './helpers/midicsv.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('cli-sample');

it('writes MIDI to stdout for -o -, compressed MusicXML for .mxl, sortable names for -n, and says what it wrote with --json', () => {
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
