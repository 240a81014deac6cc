/**
 * Where midicsv is not installed, the tests that read MIDI with it are
 * skipped, and the console says why: test/midi.test.ts's midicsv test is run
 * by a vitest of its own with a PATH that holds node alone (and no global
 * setup: dist/ is not rebuilt under the feet of the files running beside).
 */
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('midicsv-absent');

it('skips the tests that use midicsv, saying so, and runs the rest', () => {
  symlinkSync(process.execPath, tmp.join('node'));
  const config = tmp.join('vitest.config.mjs');
  writeFileSync(config, `export default { test: { root: ${JSON.stringify(ROOT)}, include: ['test/midi.test.ts'], setupFiles: ['test/helpers/setup.ts'], pool: 'forks', maxWorkers: 1 } };\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', config, '-t', 'closing rests|is the registered'], {
    cwd: ROOT, env: { ...process.env, PATH: tmp.path, NO_COLOR: '1' }, encoding: 'utf8', timeout: 110_000,
  });
  const out = r.stdout + r.stderr;
  expect(r.status, out).toBe(0);
  expect(out).toMatch(/midicsv is not installed \(apt-get install midicsv\): the tests that read MIDI with it are skipped/);
  expect(out).toMatch(/Tests\s+1 passed \| \d+ skipped/);
});
