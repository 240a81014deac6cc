/**
 * The table at the top of BENCHMARKS.md: every row the benchmarks of a
 * `npm run bench` reported (bench/lib/results.ts), merged into the rows
 * already there (a row is replaced by a new one of the same benchmark and
 * musegen setting), under a caption naming the machine and the commands.
 * Written between two markers, through a temporary file and a rename.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { BenchRow } from './results.js';

const START = '<!-- bench-table: written by `npm run bench` (bench/run.ts); edit the sections below instead -->';
const END = '<!-- /bench-table -->';

/** A measured row, stamped with when. */
export interface TableRow extends BenchRow {
  measured: string;
}

const key = (r: BenchRow): string => `${r.benchmark}\u0000${r.musegen}`;

function ms(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return `${value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

interface Stored {
  rows: TableRow[];
  commands: string[];
}

/** The rows and commands stored in the table's block of `text` (none when it has none). */
function stored(text: string): Stored {
  const json = /<!-- rows (.*) -->/.exec(text.slice(text.indexOf(START), text.indexOf(END)))?.[1];
  return json ? (JSON.parse(json) as Stored) : { rows: [], commands: [] };
}

function render({ rows, commands }: Stored, machine: string): string {
  const loads = rows.map((r) => r.load ?? 0);
  const loaded = Math.max(...loads) > 2
    ? ` **The machine was loaded** while these rows were measured (load average ${Math.min(...loads)}–${Math.max(...loads)} on ${cpus().length} cores: other work ran beside both sides), so absolute times are slower than on a quiet machine and ratios noisier.`
    : '';
  const lines = [
    START,
    '## At a glance: musegen against PyTorch',
    '',
    `${machine}${loaded} Each PyTorch figure comes from \`../shared/bench/torch_reference.py\` run in the same command as musegen's, at the setting named: its best here (1 intra-op thread, OpenBLAS on every core) against musegen on every core, or one core against one core. Training steps run in 3 rounds, each PyTorch then musegen, 5 steps a side (musegen's after 2 warm-up steps): times are medians of all 15, ratios (musegen ÷ PyTorch; below 1: musegen is faster) the median of the 3 rounds' own ratios, so that load coming and going falls on both sides. The last column gives each row's load average: above 2 on a 2-core machine, other work shared it while both sides ran, and figures are slower and noisier. Commands: ${commands.map((c) => `\`${c}\``).join(', ')}; PyTorch's, run by them: \`/usr/bin/python3 ../shared/bench/torch_reference.py <lstm|vae|conv|sample> --repeat 5 [shape]\` (best) and the same with \`--threads 1 --blas-threads 1\` (one core).`,
    '',
    '| benchmark | musegen | musegen time | PyTorch | PyTorch time | ratio | target | measured (UTC, load average) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const value = r.ratio ?? (r.torchMs ? r.musegenMs / r.torchMs : null);
      const ratio = value === null ? '—' : `**${value.toFixed(2)}×**`;
      return `| ${r.benchmark} | ${r.musegen} | ${ms(r.musegenMs, r.unit)} | ${r.torch ?? '—'} | ${r.torchMs ? ms(r.torchMs, r.unit) : '—'} | ${ratio} | ${r.target ?? ''} | ${r.measured} |`;
    }),
    '',
    `<!-- rows ${JSON.stringify({ rows, commands })} -->`,
    END,
  ];
  return lines.join('\n');
}

/** This machine in one sentence. */
export function machineLine(): string {
  const cpu = cpus();
  const blas = process.env.OPENBLAS_CORETYPE ? `, OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE} in the environment` : ', OPENBLAS_CORETYPE unset';
  return `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.versions.node}${blas}.`;
}

/** Merge `fresh` into the table of the file at `path` and write it back. */
export function writeTable(path: string, fresh: TableRow[], commands: string[]): void {
  const text = readFileSync(path, 'utf8');
  const fromNow = new Set(fresh.map(key));
  const old = stored(text);
  const rows = [...old.rows.filter((r) => !fromNow.has(key(r))), ...fresh];
  const block = render({ rows, commands: [...new Set([...old.commands, ...commands])] }, machineLine());
  let next: string;
  if (text.includes(START) && text.includes(END)) {
    next = text.slice(0, text.indexOf(START)) + block + text.slice(text.indexOf(END) + END.length);
  } else {
    const afterTitle = text.startsWith('# ') ? text.indexOf('\n') + 1 : 0;
    next = `${text.slice(0, afterTitle)}\n${block}\n${text.slice(afterTitle)}`;
  }
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, next);
  renameSync(temp, path);
}
