/**
 * Runs ../shared/bench/torch_reference.py (PyTorch on the CPU) for a reference
 * timing in the same session as musegen's own, and summarises repeated runs.
 * PyTorch runs with one intra-op thread and one BLAS thread, as DESIGN.md's
 * reference figures do, unless MUSEGEN_TORCH_THREADS says otherwise, or
 * `blasThreads: 'all'` asks for its best setting here (one intra-op thread,
 * OpenBLAS on every core: the script's default).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../shared/bench/torch_reference.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** One line of the reference's output. */
export interface TorchResult {
  bench: string;
  median_ms: number;
  runs_ms: number[];
  [key: string]: unknown;
}

/** Run the reference (`which`: lstm, sample, conv, vae) with extra args; null, with a note on stderr, when it cannot run. */
export function torchReference(which: string, args: string[] = [], options: { blasThreads?: 'all' } = {}): TorchResult | null {
  if (!existsSync(SCRIPT)) {
    console.error(`reference: ${SCRIPT} is absent; no PyTorch figure`);
    return null;
  }
  const threads = process.env.MUSEGEN_TORCH_THREADS ?? '1';
  const threadArgs = options.blasThreads === 'all' ? [] : ['--threads', threads, '--blas-threads', threads];
  const run = spawnSync(PYTHON, [SCRIPT, which, ...threadArgs, ...args], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(`reference: ${PYTHON} ${SCRIPT} ${which} failed: ${(run.stderr || String(run.error ?? '')).trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchResult;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Value of `--name N` on the command line, or the default. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Value of `--name word` on the command line, or the default. */
export function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
