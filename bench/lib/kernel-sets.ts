/**
 * The procedure the training-step benches share: PyTorch at its best
 * setting and on one core, then our step with each kernel set —
 * JavaScript/WebAssembly, native on every core, native on one thread — then
 * PyTorch again (its runs before and after ours pooled, so that load coming
 * and going on a shared machine falls on both sides), each of ours printed
 * with its ratio to the reference it is held to and reported as a row of
 * BENCHMARKS.md's table.
 */
import { availableParallelism } from 'node:os';
import { initBackend, installNativeKernels, jsKernels, kernels, useKernels, type BackendName, type Kernels } from '../../src/index.js';
import { reportRow } from './results.js';
import { median, torchReference, type TorchResult } from './torch-reference.js';

/** Which reference a kernel set is held to, and at most how many times its median. */
export interface Targets {
  wasm: { against: 'best' | 'one core'; at: number | null };
  nativeAll: number | null;
  nativeOne: number | null;
}

export function line(label: string, times: number[], extra = ''): void {
  console.log(`  ${label.padEnd(34)} ${median(times).toFixed(0).padStart(6)} ms/step median, ${Math.min(...times).toFixed(0)} best  [${times.map((t) => t.toFixed(0)).join(', ')}]${extra}`);
}

function ratio(ours: number[], reference: TorchResult | null, target: number | null, what: string): string {
  if (!reference) return '';
  const r = median(ours) / reference.median_ms;
  return `\n  ${''.padEnd(34)} ${r.toFixed(2)}× PyTorch ${what}${target === null ? '' : ` (target ≤ ${target}×) ${r <= target ? 'ok' : 'OVER TARGET'}`}`;
}

/** Two runs of the reference as one: every time pooled, the median of them all. */
function pooled(a: TorchResult | null, b: TorchResult | null): TorchResult | null {
  if (!a || !b) return a ?? b;
  const runs = [...a.runs_ms, ...b.runs_ms];
  return { ...a, runs_ms: runs, median_ms: median(runs) };
}

/** How PyTorch ran, for the table. */
function torchSetting(r: TorchResult): string {
  return `PyTorch ${String(r.torch)}, ${String(r.threads)} thread + ${r.blas_threads === 'all' ? 'OpenBLAS on every core (its best)' : `${String(r.blas_threads)} BLAS thread (one core)`}`;
}

/**
 * Run the reference (`which` at `shape`) and `timeSteps` under each kernel
 * set; `title` is printed first, `benchmark` names the table's rows.
 * Returns the kernel sets timed (the native one, on every core, last where built).
 */
export async function compareKernelSets(
  which: string, shape: Record<string, number>, runs: number, backend: BackendName, targets: Targets, title: string, benchmark: string, timeSteps: () => number[],
): Promise<Kernels[]> {
  const shapeArgs = ['--repeat', String(runs), ...Object.entries(shape).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const noReference = process.argv.includes('--no-reference');
  const reference = (): [TorchResult | null, TorchResult | null] => noReference ? [null, null] : [torchReference(which, shapeArgs, { blasThreads: 'all' }), torchReference(which, shapeArgs)];
  const before = reference();
  await initBackend({ backend });
  const cores = availableParallelism();
  const native = installNativeKernels({ threads: cores });
  const installed = useKernels(jsKernels);
  const wasm = timeSteps();
  useKernels(installed);
  const all = native.available ? timeSteps() : null;
  if (native.available) installNativeKernels({ threads: 1 });
  const one = native.available ? timeSteps() : null;
  if (native.available) installNativeKernels({ threads: cores });
  const after = reference();
  const [best, oneCore] = [pooled(before[0], after[0]), pooled(before[1], after[1])];

  console.log(title);
  const wasmReference = targets.wasm.against === 'best' ? best : oneCore;
  line(`musegen ${jsKernels.name}`, wasm, ratio(wasm, wasmReference, targets.wasm.at, targets.wasm.against === 'best' ? 'at its best' : 'on one core'));
  if (all && one) {
    line(`musegen native, ${cores} threads`, all, ratio(all, best, targets.nativeAll, 'at its best'));
    line('musegen native, 1 thread', one, ratio(one, oneCore, targets.nativeOne, 'on one core'));
  } else {
    console.log(`  musegen native: not in use (${native.detail})`);
  }
  for (const [label, r] of [['pytorch best', best], ['pytorch 1 core', oneCore]] as const) {
    if (r) line(`${label} (${String(r.threads)}+${String(r.blas_threads)} thr)`, r.runs_ms, `  torch ${String(r.torch)}, before and after ours`);
  }
  const row = (setting: string, times: number[], r: TorchResult | null, target: number | null): void => reportRow({
    benchmark, musegen: setting, musegenMs: median(times), unit: 'ms/step', torch: r && torchSetting(r), torchMs: r?.median_ms ?? null, target: target === null ? null : `≤ ${target}×`,
  });
  if (all && one) {
    row(`native (OpenBLAS), ${cores} threads`, all, best, targets.nativeAll);
    row('native (OpenBLAS), 1 thread', one, oneCore, targets.nativeOne);
  }
  row(`${jsKernels.name} kernels (no addon)`, wasm, wasmReference, targets.wasm.at);
  return all ? [jsKernels, kernels()] : [jsKernels];
}
