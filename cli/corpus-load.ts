/** Loading a corpus for a command: the cache options every such command takes, a progress bar on stderr, and the pieces of one split. */
import type { Command } from 'commander';
import { MusegenError, loadCorpus, workingSplit, type Corpus, type CorpusPiece, type Split, type SplitFractions } from '../src/index.js';
import { count } from './format.js';
import { createProgress, type Progress } from './progress.js';

export const SPLIT_CHOICES = ['train', 'valid', 'test', 'all'] as const;
export type SplitChoice = Split | 'all';

/** --split's parser. */
export function splitChoice(text: string): SplitChoice {
  if (!(SPLIT_CHOICES as readonly string[]).includes(text)) throw new MusegenError('BAD_ARGUMENT', `unknown split "${text}" (choose from ${SPLIT_CHOICES.join(', ')})`);
  return text as SplitChoice;
}

/** The pieces of a split as musegen train splits the corpus (valid may be held out of train, as corpus info shows); MusegenError('EMPTY') when it has none. */
export function piecesOfSplit(corpus: Corpus, split: SplitChoice, paths: string[]): CorpusPiece[] {
  const working = workingSplit(corpus.pieces);
  const bySplit = { train: working.train, valid: working.valid, test: corpus.pieces.filter((p) => p.split === 'test'), all: corpus.pieces };
  const pieces = bySplit[split];
  if (pieces.length === 0) {
    const held = (['train', 'valid', 'test'] as const).map((s) => `${s} ${count(bySplit[s].length)}`).join(' · ');
    throw new MusegenError('EMPTY', `no piece in the ${split} split (${held}): choose another --split, or all`, paths.join(', '));
  }
  return pieces;
}

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
