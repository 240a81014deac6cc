/**
 * The README's worked example (its Library section's code block that uses
 * the bundled model) runs as written, against the built package, in a folder
 * of its own: it writes a MIDI and a MusicXML file that read back as the tune
 * and its continuation.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { readScoreFile } from '../src/index.js';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('readme');

it('runs the README\'s worked example as written', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```ts\n([^]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('bundledModelPath()') && code.includes('writeMusicXml'));
  expect(block, 'the README has the worked example').toBeDefined();
  cpSync(join(ROOT, 'corpora'), tmp.join('corpora'), { recursive: true });
  const library = pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href;
  writeFileSync(tmp.join('example.mts'), block!.replace("from 'musegen'", `from '${library}'`));
  const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, 'example.mts'], { cwd: tmp.path, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/^♪+$/);
  const [{ score: midi }] = await readScoreFile(tmp.join('continued.mid'));
  const [{ score: xml }] = await readScoreFile(tmp.join('continued.musicxml'));
  const notes = (s: typeof midi): number => s.parts.reduce((n, p) => n + p.notes.length, 0);
  expect(notes(midi)).toBe(r.stderr.length / '♪'.length);
  expect(notes(xml)).toBe(notes(midi));
});
