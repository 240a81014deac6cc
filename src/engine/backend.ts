/**
 * @node-only Choosing the TensorFlow.js backend at start, best first:
 *
 *   node-gpu (@tensorflow/tfjs-node-gpu, CUDA) → node (@tensorflow/tfjs-node,
 *   native CPU) → wasm (@tensorflow/tfjs-backend-wasm, SIMD) → cpu (pure JS)
 *
 * The native packages are optional dependencies: where their install failed
 * they are simply absent, and the next one is used. `--backend` forces one.
 * `backendReport()` tries each and says why the missing ones are missing, for
 * `musegen doctor`. On wasm and cpu, the native kernels (native-kernels.ts)
 * are installed where the addon was built, with `threads` OpenBLAS threads;
 * on node and node-gpu, the tensor-ops set (tensor-ops-kernels.ts): their
 * own TensorFlow ops for every layer.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MusegenError, errorMessage } from '../errors.js';
import { useKernels } from './kernels.js';
import { installNativeKernels } from './native-kernels.js';
import { tensorOpsKernels } from './tensor-ops-kernels.js';
import { installKernelFixes } from './wasm-matmul.js';

/** A backend the user can ask for; 'auto' takes the best that loads. */
export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

export const BACKEND_NAMES: readonly BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

/** What one backend did when tried. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** How it loaded, or why it did not, in one line. */
  detail: string;
}

export interface BackendOptions {
  /** Which backend to use (default 'auto': the best that loads). */
  backend?: BackendChoice;
  /** Threads for the native kernels' OpenBLAS (default: every core). */
  threads?: number;
}

/** The name TensorFlow.js registers each backend under. */
const TF_NAME: Record<BackendName, string> = { 'node-gpu': 'tensorflow', node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const NATIVE_PACKAGE = { 'node-gpu': '@tensorflow/tfjs-node-gpu', node: '@tensorflow/tfjs-node' } as const;

const require = createRequire(import.meta.url);
let active: BackendName | null = null;
const probes = new Map<BackendName, BackendProbe>();

/** A backend as `--backend` names it; an unknown name is refused, listing the known. */
export function parseBackendChoice(text: string): BackendChoice {
  if (text !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(text)) {
    throw new MusegenError('BAD_ARGUMENT', `unknown backend '${text}' (choose from ${BACKEND_NAMES.join(', ')}, auto)`);
  }
  return text as BackendChoice;
}

/** A thread count as given (`--threads`); anything but a whole number ≥ 1 is refused. */
export function checkThreads(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new MusegenError('BAD_ARGUMENT', `threads must be a whole number of at least 1, not ${n}`);
  return n;
}

/**
 * Select the backend (once per process; later calls with the same choice
 * return at once). Throws MusegenError('UNSUPPORTED') when a forced backend
 * does not load, naming the reason.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  const choice = options.backend ?? 'auto';
  if (active !== null && (choice === 'auto' || choice === active)) return active;
  parseBackendChoice(choice);
  if (options.threads !== undefined) checkThreads(options.threads);
  for (const name of choice === 'auto' ? BACKEND_NAMES : [choice]) {
    const probe = await tryBackend(name);
    if (probe.available && (await tf.setBackend(TF_NAME[name]))) {
      active = name;
      quietCpuBanner();
      // On the native TensorFlow backends (tensors perhaps on a GPU) every layer runs as their own ops.
      if (runsOnTensorOps(name)) useKernels(tensorOpsKernels);
      else installNativeKernels({ threads: options.threads });
      return name;
    }
    if (choice !== 'auto') throw new MusegenError('UNSUPPORTED', `backend ${name} is not available: ${probe.detail}`);
  }
  throw new MusegenError('INTERNAL', 'no TensorFlow.js backend loaded, not even cpu');
}

/** Whether a backend's models run as its own TensorFlow ops (the tensor-ops kernel set): the native TensorFlow ones. */
export function runsOnTensorOps(name: BackendName): boolean {
  return name === 'node' || name === 'node-gpu';
}

/** The backend in use, or null before initBackend. */
export function activeBackend(): BackendName | null {
  return active;
}

/** Try every backend (loading those not yet loaded) and say which work and why others do not. */
export async function backendReport(): Promise<BackendProbe[]> {
  const report: BackendProbe[] = [];
  for (const name of BACKEND_NAMES) report.push(await tryBackend(name));
  if (active !== null) await tf.setBackend(TF_NAME[active]); // trying may have switched
  return report;
}

/** Load one backend's package and initialise it, once; the answer is remembered. */
async function tryBackend(name: BackendName): Promise<BackendProbe> {
  const known = probes.get(name);
  if (known) return known;
  let probe: BackendProbe;
  try {
    probe = { name, available: true, detail: await load(name) };
  } catch (e) {
    probe = { name, available: false, detail: errorMessage(e) };
  }
  probes.set(name, probe);
  return probe;
}

async function load(name: BackendName): Promise<string> {
  switch (name) {
    case 'node-gpu':
    case 'node':
      return loadNative(name);
    case 'wasm':
      return loadWasm();
    case 'cpu':
      return 'pure JavaScript, always available (slowest)';
  }
}

async function loadNative(name: 'node-gpu' | 'node'): Promise<string> {
  const pkg = NATIVE_PACKAGE[name];
  const other = name === 'node' ? probes.get('node-gpu') : probes.get('node');
  if (other?.available) throw new Error(`not loaded: ${other.name} already provides the native 'tensorflow' backend`);
  try {
    await import(/* @vite-ignore */ pkg);
  } catch (e) {
    const err = e as { code?: string };
    if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') {
      throw new Error(`${pkg} is not installed (an optional dependency: its install downloads libtensorflow, which may have failed)`);
    }
    throw new Error(`${pkg} is installed but does not load: ${errorMessage(e)}`);
  }
  if (!tf.findBackendFactory('tensorflow')) {
    throw new Error(`${pkg} loaded but registered with another copy of @tensorflow/tfjs-core (versions differ from @tensorflow/tfjs ${tf.version.tfjs})`);
  }
  return `${pkg} (native TensorFlow${name === 'node-gpu' ? ' with CUDA' : ''})`;
}

async function loadWasm(): Promise<string> {
  let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasmModule = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new Error(`@tensorflow/tfjs-backend-wasm does not load: ${errorMessage(e)}`);
  }
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  try {
    wasmModule.setWasmPaths(dist);
  } catch {
    // Already initialised in this process: the paths set then stand.
  }
  installKernelFixes();
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error(`the .wasm files in ${dist} did not initialise`);
  } catch (e) {
    throw new Error(`@tensorflow/tfjs-backend-wasm failed to start: ${errorMessage(e)}`);
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `WebAssembly${simd ? ' with SIMD' : ' without SIMD'}, one thread`;
}

/** tfjs' cpu backend greets Node users on first use; musegen says which backend it uses itself. */
function quietCpuBanner(): void {
  if (tf.getBackend() === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}
