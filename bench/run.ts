/**
 * `npm run bench [name...]`: run the benchmarks named (e.g. `corpus-load`,
 * or `bench/corpus-load.ts`), or every bench/*.ts but this runner, one after
 * another, each in its own Node process so that one cannot warm or slow the next.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort();
const asked = process.argv.slice(2).map((a) => `${basename(a, '.ts')}.ts`);
const unknown = asked.filter((f) => !all.includes(f));
if (unknown.length > 0) {
  console.error(`bench: no benchmark ${unknown.join(', ')} (have: ${all.map((f) => basename(f, '.ts')).join(', ')})`);
  process.exit(2);
}

let failed = 0;
for (const file of asked.length > 0 ? asked : all) {
  console.log(`\n== ${basename(file, '.ts')}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`bench: ${file} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
