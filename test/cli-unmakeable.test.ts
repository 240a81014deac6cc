/**
 * Places where a folder cannot be made, though the folder above exists
 * (anything under /proc): Node's recursive mkdir loops for ever there, so a
 * cache folder, an output file's folder or a model's parent folder there
 * once hung musegen. Each now fails at once in one line — or, for the
 * cache, which only speeds loading up, loads without it and says so.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLine, musegen as run, type CliRun } from './helpers/cli.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('cli-unmakeable');
/** Well under a hang's 110 s: a run that hangs is killed and fails the test. */
const musegen = (...args: string[]): CliRun => run(args, { cwd: tmp.path, timeout: 30_000 });
const TUNES = join(FOLK_DEMO, 'tunes.abc');

describe('a folder that cannot be made', () => {
  it('as the cache folder: the corpus loads without the cache, with one warning', () => {
    const r = musegen('corpus', 'info', '--json', '--cache-dir', '/proc/musegen-cache', TUNES);
    expect(r.signal, 'hung').toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.text).pieces).toBe(24);
    expect(r.stderr).toBe('musegen: warning: cannot write the cache in /proc/musegen-cache (no such file or folder)\n');
  });

  it('as the cache folder of a training run: it trains, with the same one warning', () => {
    const r = musegen('train', TUNES, '-o', 'model', '--units', '8', '--epochs', '1', '--cache-dir', '/proc/musegen-cache');
    expect(r.signal, 'hung').toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^musegen: warning: cannot write the cache in \/proc\/musegen-cache \(no such file or folder\)$/m);
  });

  it('as the folder of an output file: one line naming the file, exit 1', () => {
    const r = musegen('sample', '--bars', '1', '-o', '/proc/musegen-out/tune.mid');
    expect(r.signal, 'hung').toBeNull();
    expectOneLine(r, 1, /^musegen: \/proc\/musegen-out\/tune\.mid: cannot write \(no such file or folder\)$/);
  });

  it('as the folder above a model: one line before any training, exit 1', () => {
    const r = musegen('train', TUNES, '-o', '/proc/musegen-out/model', '--units', '8', '--epochs', '1');
    expect(r.signal, 'hung').toBeNull();
    expectOneLine(r, 1, /^musegen: \/proc\/musegen-out\/model: cannot write the model here \(no such file or folder\)$/);
  });
});
