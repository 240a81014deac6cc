/** Loading a corpus for a command: the cache options every such command takes, and a progress bar on stderr. */
import type { Command } from 'commander';
import { loadCorpus, type Corpus, type SplitFractions } from '../src/index.js';
import { createProgress, type Progress } from './progress.js';

export interface CorpusLoadOptions {
  cache: boolean;
  cacheDir?: string;
  split?: SplitFractions;
  quiet?: boolean;
}

/** Add --no-cache and --cache-dir to a command. */
export function cacheOptions(command: Command): Command {
  return command
    .option('--no-cache', 'parse every file again; neither read nor write the cache')
    .option('--cache-dir <dir>', 'cache folder (default: $MUSEGEN_CACHE_DIR, $XDG_CACHE_HOME/musegen or ~/.cache/musegen)');
}

/** Load the paths, drawing progress on stderr unless quiet, noting on stderr each bad cache entry read again, and warning when the cache cannot be written. */
export async function loadCorpusWithProgress(paths: string[], opts: CorpusLoadOptions): Promise<Corpus> {
  let progress: Progress | undefined;
  const corpus = await loadCorpus(paths, {
    cache: opts.cache,
    cacheDir: opts.cacheDir,
    split: opts.split,
    onProgress: ({ done, total }) => {
      if (total < 2) return; // one file: nothing to watch
      progress ??= createProgress({ label: 'loading', total, quiet: opts.quiet });
      progress.update(done);
    },
  }).finally(() => progress?.finish());
  if (!opts.quiet) for (const note of corpus.cache.notes) process.stderr.write(`musegen: note: ${note}\n`);
  if (!opts.quiet && corpus.cache.error) process.stderr.write(`musegen: warning: ${corpus.cache.error}\n`); // the cache could not be written: loading goes on without it
  return corpus;
}
