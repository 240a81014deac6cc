/**
 * `musegen sample --max-copy-bars N`: pieces drawn again while they share a
 * longer run with the corpus (the model's own, or --against), the closest
 * kept with a warning when no draw passes, and one clear line when there is
 * no corpus to check against. resampleUntil on a hand-made sequence of draws.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resampleUntil } from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { BUNDLED_MODEL, FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('max-copy');

describe('resampleUntil', () => {
  const drawer = (measures: number[]): (() => number) => {
    let i = 0;
    return () => measures[i++]!;
  };
  it('stops at the first draw within the limit', () => {
    expect(resampleUntil(drawer([5, 3, 1, 0]), (x) => x, 2, 10)).toEqual({ piece: 1, measure: 1, tries: 3, passed: true });
  });
  it('keeps the closest when none passes', () => {
    expect(resampleUntil(drawer([5, 3, 4]), (x) => x, 2, 3)).toEqual({ piece: 3, measure: 3, tries: 3, passed: false });
  });
});

/** A copy of the bundled model whose musegen.json names another corpus (or none). */
function modelNaming(name: string, corpus: unknown): string {
  const dir = tmp.join(name);
  cpSync(BUNDLED_MODEL, dir, { recursive: true });
  const metaFile = join(dir, 'musegen.json');
  const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  writeFileSync(metaFile, JSON.stringify({ ...meta, corpus }));
  return dir;
}

describe('musegen sample --max-copy-bars', () => {
  it('draws again while a piece shares more than N bars with --against, and says when none passes', () => {
    const r = musegen(['sample', '--max-copy-bars', '0', '--against', FOLK_DEMO, '--bars', '4', '--seed', '3', '-o', 'a.mid', '--json'], { cwd: tmp.path });
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    const piece = JSON.parse(r.text).pieces[0];
    expect(piece.copy.tries).toBe(20); // every piece shares a note or two with any folk corpus
    expect(piece.copy.longestBars).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/every one of 20 draws shares a run of more than 0 bars with the corpus; kept the closest/);
  });

  it('keeps the first draw within a generous limit', () => {
    const r = musegen(['sample', '--max-copy-bars', '16', '--against', FOLK_DEMO, '--bars', '4', '--seed', '3', '-o', 'b.mid', '--json'], { cwd: tmp.path });
    expect(r.code).toBe(0);
    const piece = JSON.parse(r.text).pieces[0];
    expect(piece.copy.tries).toBe(1);
    expect(piece.copy.longestBars).toBeLessThanOrEqual(16);
  });

  it('refuses in one line (usage, exit 2) a model that names no corpus, or one not on this machine', () => {
    for (const [name, corpus, words] of [
      ['no-corpus', null, /names no training corpus; pass --against/],
      ['gone', { digest: 'x', paths: [tmp.join('nowhere')] }, /nowhere\) is not on this machine; pass --against/],
    ] as const) {
      const r = musegen(['sample', '-m', modelNaming(name, corpus), '--max-copy-bars', '2', '-o', `${name}.mid`], { cwd: tmp.path });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(words);
    }
  });

  const nottingham = corpusPath('nottingham-jukedeck', 'ABC_cleaned');
  it.skipIf(!haveCorpus('--max-copy-bars against the bundled model\'s own training corpus', nottingham))('checks the bundled model against the corpus its musegen.json names', () => {
    const r = musegen(['sample', '--max-copy-bars', '2', '-n', '2', '--bars', '8', '--seed', '5', '-o', 'own.mid', '--json'], { cwd: tmp.path, timeout: 200_000 });
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/checking copies against 1,034 pieces of .*ABC_cleaned/);
    for (const piece of JSON.parse(r.text).pieces) expect(piece.copy.longestBars).toBeLessThanOrEqual(2);
  });
});
