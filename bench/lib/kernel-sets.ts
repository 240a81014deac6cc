/**
 * The procedure the training-step benches share: rounds of PyTorch at its
 * best setting and on one core, then our step with each kernel set —
 * JavaScript/WebAssembly, native on every core, native on one thread — each
 * of ours printed with its ratio to the reference it is held to and reported
 * as a row of BENCHMARKS.md's table.
 */
import { availableParallelism } from 'node:os';
import { initBackend, installNativeKernels, jsKernels, kernels, useKernels, type BackendName, type Kernels } from '../../src/index.js';
import { reportRow } from './results.js';
import { median, numberArg, torchReference, type TorchResult } from './torch-reference.js';

/** Which reference a kernel set is held to, and at most how many times its median. */
export interface Targets {
  wasm: { against: 'best' | 'one core'; at: number | null };
  nativeAll: number | null;
  nativeOne: number | null;
}

export function line(label: string, times: number[], extra = ''): void {
  console.log(`  ${label.padEnd(34)} ${median(times).toFixed(0).padStart(6)} ms/step median, ${Math.min(...times).toFixed(0)} best  [${times.map((t) => t.toFixed(0)).join(', ')}]${extra}`);
}


/** Runs of the reference pooled: every time, the median of them all. */
function pooled(results: (TorchResult | null)[]): TorchResult | null {
  const present = results.filter((r): r is TorchResult => r !== null);
  if (present.length === 0) return null;
  const runs = present.flatMap((r) => r.runs_ms);
  return { ...present[0]!, runs_ms: runs, median_ms: median(runs) };
}

/** How PyTorch ran, for the table. */
function torchSetting(r: TorchResult): string {
  return `PyTorch ${String(r.torch)}, ${String(r.threads)} thread + ${r.blas_threads === 'all' ? 'OpenBLAS on every core (its best)' : `${String(r.blas_threads)} BLAS thread (one core)`}`;
}

/** One kernel setting's times and, per round, its median over the reference's median in the same round. */
interface Series {
  times: number[];
  ratios: number[];
}

/**
 * Run the reference (`which` at `shape`) and `timeSteps(n)` under each
 * kernel set, in `--rounds` rounds (default 3): in each, PyTorch at its best
 * and on one core, then ours, each `runs` steps; so a load that comes and
 * goes on a shared machine falls on both sides of a round. A ratio is the
 * median over the rounds of the ratio within each. `title` is printed first,
 * `benchmark` names the table's rows. Returns the kernel sets timed (the
 * native one, on every core, last where built).
 */
export async function compareKernelSets(
  which: string, shape: Record<string, number>, runs: number, backend: BackendName, targets: Targets, title: string, benchmark: string,
  timeSteps: (n: number) => number[],
): Promise<Kernels[]> {
  const rounds = numberArg('rounds', 3);
  const shapeArgs = ['--repeat', String(runs), ...Object.entries(shape).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const noReference = process.argv.includes('--no-reference');
  await initBackend({ backend });
  const cores = availableParallelism();
  const native = installNativeKernels({ threads: cores });
  const references: { best: (TorchResult | null)[]; oneCore: (TorchResult | null)[] } = { best: [], oneCore: [] };
  const series = { wasm: { times: [], ratios: [] } as Series, all: { times: [], ratios: [] } as Series, one: { times: [], ratios: [] } as Series };
  const measure = (into: Series, reference: TorchResult | null, times: number[]): void => {
    into.times.push(...times);
    if (reference) into.ratios.push(median(times) / reference.median_ms);
  };
  for (let round = 0; round < rounds; round++) {
    const best = noReference ? null : torchReference(which, shapeArgs, { blasThreads: 'all' });
    const oneCore = noReference ? null : torchReference(which, shapeArgs);
    references.best.push(best);
    references.oneCore.push(oneCore);
    const installed = useKernels(jsKernels);
    measure(series.wasm, targets.wasm.against === 'best' ? best : oneCore, timeSteps(runs));
    useKernels(installed);
    if (!native.available) continue;
    measure(series.all, best, timeSteps(runs));
    installNativeKernels({ threads: 1 });
    measure(series.one, oneCore, timeSteps(runs));
    installNativeKernels({ threads: cores });
  }
  const [best, oneCore] = [pooled(references.best), pooled(references.oneCore)];

  const ratio = (s: Series, target: number | null, what: string): string => {
    if (s.ratios.length === 0) return '';
    const r = median(s.ratios);
    return `\n  ${''.padEnd(34)} ${r.toFixed(2)}× PyTorch ${what} (median of ${s.ratios.length} rounds: ${s.ratios.map((x) => x.toFixed(2)).join(', ')})` +
      `${target === null ? '' : ` target ≤ ${target}×: ${r <= target ? 'ok' : 'OVER TARGET'}`}`;
  };
  console.log(title);
  line(`musegen ${jsKernels.name}`, series.wasm.times, ratio(series.wasm, targets.wasm.at, targets.wasm.against === 'best' ? 'at its best' : 'on one core'));
  if (native.available) {
    line(`musegen native, ${cores} threads`, series.all.times, ratio(series.all, targets.nativeAll, 'at its best'));
    line('musegen native, 1 thread', series.one.times, ratio(series.one, targets.nativeOne, 'on one core'));
  } else {
    console.log(`  musegen native: not in use (${native.detail})`);
  }
  for (const [label, r] of [['pytorch best', best], ['pytorch 1 core', oneCore]] as const) {
    if (r) line(`${label} (${String(r.threads)}+${String(r.blas_threads)} thr)`, r.runs_ms, `  torch ${String(r.torch)}, ${rounds} rounds beside ours`);
  }
  const row = (setting: string, s: Series, r: TorchResult | null, target: number | null): void => reportRow({
    benchmark, musegen: setting, musegenMs: median(s.times), unit: 'ms/step', torch: r && torchSetting(r), torchMs: r?.median_ms ?? null,
    ratio: s.ratios.length > 0 ? median(s.ratios) : null, target: target === null ? null : `≤ ${target}×`,
  });
  if (native.available) {
    row(`native addon, ${cores} threads`, series.all, best, targets.nativeAll);
    row('native addon, 1 thread', series.one, oneCore, targets.nativeOne);
  }
  row(`${jsKernels.name} kernels (no addon)`, series.wasm, targets.wasm.against === 'best' ? best : oneCore, targets.wasm.at);
  return native.available ? [jsKernels, kernels()] : [jsKernels];
}
