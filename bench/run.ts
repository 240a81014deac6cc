/**
 * `npm run bench [name...]`: run the benchmarks named (e.g. `corpus-load`,
 * or `bench/corpus-load.ts`), or every bench/*.ts but this runner, one after
 * another, each in its own Node process so that one cannot warm or slow the
 * next; then write the rows they report into the table at the top of
 * BENCHMARKS.md (bench/lib/table.ts; `--no-table` leaves it alone).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ROW_PREFIX, type BenchRow } from './lib/results.js';
import { writeTable, type TableRow } from './lib/table.js';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort();
const args = process.argv.slice(2);
const writing = !args.includes('--no-table');
const asked = args.filter((a) => a !== '--no-table').map((a) => `${basename(a, '.ts')}.ts`);
const unknown = asked.filter((f) => !all.includes(f));
if (unknown.length > 0) {
  console.error(`bench: no benchmark ${unknown.join(', ')} (have: ${all.map((f) => basename(f, '.ts')).join(', ')})`);
  process.exit(2);
}

/** Run one benchmark, echoing its output; the rows it reported, stamped with the time and the load. */
function run(file: string): Promise<{ status: number | string; rows: TableRow[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const rows: TableRow[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(ROW_PREFIX)) return console.log(line);
      const row = JSON.parse(line.slice(ROW_PREFIX.length)) as BenchRow;
      rows.push({ ...row, measured: `${new Date().toISOString().slice(0, 16).replace('T', ' ')}, ${row.load ?? loadavg()[0]!.toFixed(1)}` });
    });
    child.on('close', (code, signal) => resolve({ status: code ?? signal ?? 'unknown', rows }));
  });
}

let failed = 0;
const rows: TableRow[] = [];
for (const file of asked.length > 0 ? asked : all) {
  console.log(`\n== ${basename(file, '.ts')}`);
  const result = await run(file);
  rows.push(...result.rows);
  if (result.status !== 0) {
    failed++;
    console.error(`bench: ${file} failed (exit ${result.status})`);
  }
}
if (writing && rows.length > 0) {
  const command = `npm run bench${asked.length > 0 ? ` -- ${asked.map((f) => basename(f, '.ts')).join(' ')}` : ''}`;
  writeTable(join(here, '..', 'BENCHMARKS.md'), rows, [command]);
  console.log(`\nbench: ${rows.length} rows written to the table at the top of BENCHMARKS.md`);
}
process.exit(failed > 0 ? 1 : 0);
