/**
 * The procedure the training-step benches share: the PyTorch reference at
 * its best setting and on one core, then our step with each kernel set —
 * JavaScript/WebAssembly, native on every core, native on one thread — each
 * printed with its ratio to the reference it is held to.
 */
import { availableParallelism } from 'node:os';
import { initBackend, installNativeKernels, jsKernels, useKernels, type BackendName } from '../../src/index.js';
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

/** Run the reference (`which` at `shape`) and `timeSteps` under each kernel set; `title` is printed first. */
export async function compareKernelSets(
  which: string, shape: Record<string, number>, runs: number, backend: BackendName, targets: Targets, title: string, timeSteps: () => number[],
): Promise<void> {
  const shapeArgs = ['--repeat', String(runs), ...Object.entries(shape).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const noReference = process.argv.includes('--no-reference');
  const best = noReference ? null : torchReference(which, shapeArgs, { blasThreads: 'all' });
  const oneCore = noReference ? null : torchReference(which, shapeArgs);
  await initBackend({ backend });
  const cores = availableParallelism();
  const native = installNativeKernels({ threads: cores });
  const installed = useKernels(jsKernels);
  const wasm = timeSteps();
  useKernels(installed);
  console.log(title);
  const wasmReference = targets.wasm.against === 'best' ? best : oneCore;
  line(`musegen ${jsKernels.name}`, wasm, ratio(wasm, wasmReference, targets.wasm.at, targets.wasm.against === 'best' ? 'at its best' : 'on one core'));
  if (native.available) {
    const all = timeSteps();
    installNativeKernels({ threads: 1 });
    const one = timeSteps();
    line(`musegen native, ${cores} threads`, all, ratio(all, best, targets.nativeAll, 'at its best'));
    line('musegen native, 1 thread', one, ratio(one, oneCore, targets.nativeOne, 'on one core'));
  } else {
    console.log(`  musegen native: not in use (${native.detail})`);
  }
  for (const [label, r] of [['pytorch best', best], ['pytorch 1 core', oneCore]] as const) {
    if (r) line(`${label} (${String(r.threads)}+${String(r.blas_threads)} thr)`, r.runs_ms, `  torch ${String(r.torch)}`);
  }
}
