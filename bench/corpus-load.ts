/**
 * Corpus loading: the 3,089 Nottingham MIDI files (all three folders) read
 * cold (empty cache: parse and write every entry), then from the cache, and
 * without the cache (parse only). Prints the times and the cache speed-up.
 *
 *     npm run bench corpus-load
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus, noteCount, type LoadOptions } from '../src/index.js';
import { reportRow } from './lib/results.js';

const corpusDir = fileURLToPath(new URL('../../shared/corpora/nottingham-jukedeck/MIDI', import.meta.url));
if (!existsSync(corpusDir)) {
  console.log(`corpus-load: skipped, ${corpusDir} is absent`);
  process.exit(0);
}

async function timed(label: string, options: LoadOptions): Promise<number> {
  const t0 = performance.now();
  const corpus = await loadCorpus([corpusDir], options);
  const ms = performance.now() - t0;
  const notes = corpus.pieces.reduce((s, p) => s + noteCount(p.score), 0);
  console.log(
    `${label.padEnd(22)} ${ms.toFixed(0).padStart(6)} ms  ${(corpus.files / (ms / 1000)).toFixed(0).padStart(6)} files/s  ` +
      `(${corpus.files} files, ${corpus.failures.length} failed, ${notes} notes, cache ${corpus.cache.hits} hits)`,
  );
  return ms;
}

const cacheDir = await mkdtemp(join(tmpdir(), 'musegen-bench-cache-'));
try {
  const cold = await timed('cold (empty cache)', { cacheDir });
  const cached = [];
  for (let i = 0; i < 3; i++) cached.push(await timed(`cached, run ${i + 1}`, { cacheDir }));
  const noCache = await timed('no cache (parse only)', { cache: false });
  const best = Math.min(...cached);
  const size = execFileSync('du', ['-sh', '--apparent-size', cacheDir], { encoding: 'utf8' }).split('\t')[0];
  reportRow({ benchmark: 'corpus load, 3,089 Nottingham MIDI files', musegen: 'cached', musegenMs: best, unit: 'ms', torch: null, torchMs: null, target: null });
  reportRow({ benchmark: 'corpus load, 3,089 Nottingham MIDI files', musegen: 'cold (empty cache)', musegenMs: cold, unit: 'ms', torch: null, torchMs: null, target: null });
  console.log(`\ncache speed-up: ${(cold / best).toFixed(1)}× over cold, ${(noCache / best).toFixed(1)}× over parsing; cache size ${size}`);
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
