/**
 * `musegen corpus info <paths...>`: load a corpus (progress on stderr) and
 * print what it holds — a table, or JSON with --json — on stdout.
 */
import type { Command } from 'commander';
import { corpusStats, parseSplitFractions, type CorpusStats, type SplitFractions } from '../../src/index.js';
import { cacheOptions, loadCorpusWithProgress } from '../corpus-load.js';
import { printable } from '../exit.js';
import { count, counted, section, table } from '../format.js';
import { optionParser } from '../options.js';
import { writeStdout } from '../stdout.js';

interface InfoOptions {
  json?: boolean;
  cache: boolean;
  cacheDir?: string;
  split?: SplitFractions;
  quiet?: boolean;
}

function cacheLine(s: CorpusStats, asked: boolean): string {
  if (!asked) return 'off (--no-cache)';
  const use = `${counted(s.cache.hits, 'hit')} · ${counted(s.cache.misses, 'miss', 'misses')} (${s.cache.dir})`;
  return s.cache.error ? `${use}; ${s.cache.error}` : use;
}

function render(s: CorpusStats, cacheAsked: boolean): string {
  const ignored = [
    ...(s.files.ignoredHidden > 0 ? [`${count(s.files.ignoredHidden)} hidden`] : []),
    ...(s.files.ignoredUnsupported > 0 ? [`${count(s.files.ignoredUnsupported)} of other types`] : []),
  ];
  const files = `${count(s.files.read)} read · ${count(s.files.failed)} failed${ignored.length > 0 ? ` · ignored ${ignored.join(', ')}` : ''}`;
  const range = s.pitchRange
    ? `${s.pitchRange.lowest.name} (${s.pitchRange.lowest.midi}) – ${s.pitchRange.highest.name} (${s.pitchRange.highest.midi})`
    : '—';
  const summary = table([
    ['files', files],
    ['pieces', `${count(s.pieces)} (train ${count(s.training.train)} · valid ${count(s.training.valid)}${s.training.validSource === 'held-out' ? ', held out of train' : ''} · test ${count(s.splits.test)}): as musegen train uses them`],
    ['notes', count(s.notes)],
    ['bars', count(s.bars)],
    ['duration', `${count(Math.round(s.durationQuarters))} quarter notes`],
    ['pitch range', range],
    ['fermatas', count(s.fermatas)],
    ['cache', cacheLine(s, cacheAsked)],
  ]);
  const counts = (r: Record<string, number>): [string, string][] => Object.entries(r).map(([k, n]) => [k, count(n)]);
  return [
    `corpus ${s.paths.join(', ')}\n\n${summary}\n`,
    section('keys', counts(s.keys)),
    section('meters', counts(s.meters)),
    section(`failures (${count(s.failures.length)})`, s.failures.map((f) => [f.file, printable(f.message)])),
    section(`pieces skipped inside files (${count(s.warnings.length)})`, s.warnings.map((w) => [w, ''])),
  ].join('');
}

export function registerCorpusCommands(program: Command): void {
  const corpus = program.command('corpus').description('look at a corpus of music files');
  const info = corpus
    .command('info')
    .description('load files and folders of music and print what they hold')
    .argument('<paths...>', 'music files and folders (searched recursively)')
    .option('--json', 'print JSON instead of a table');
  cacheOptions(info)
    .option('--split <train,valid,test>', 'split fractions for files without one (default 0.8,0.1,0.1)', optionParser(parseSplitFractions))
    .action(async (paths: string[], _opts: InfoOptions, command: Command) => {
      const opts = command.optsWithGlobals<InfoOptions>();
      const corpus = await loadCorpusWithProgress(paths, opts);
      const stats = corpusStats(corpus);
      writeStdout(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : render(stats, opts.cache));
    });
}
