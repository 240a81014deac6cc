/**
 * The global --backend and --threads options: every command that computes
 * starts TensorFlow.js (and the native kernels, where built) through here.
 * Training says once on stderr when it runs without the native kernels.
 */
import type { Command } from 'commander';
import { initBackend, kernels, nativeKernelsReport, type BackendChoice, type BackendName } from '../src/index.js';

/** Start the backend the user asked for (--backend; default: the best that loads) with --threads native threads. */
export async function startBackend(command: Command): Promise<BackendName> {
  const { backend, threads, quiet } = command.optsWithGlobals<{ backend?: BackendChoice; threads?: number; quiet?: boolean }>();
  const name = await initBackend({ backend: backend ?? 'auto', threads });
  const native = nativeKernelsReport();
  if (command.name() === 'train' && name !== 'node-gpu' && !native.available && !quiet) {
    process.stderr.write(`musegen: native kernels not in use (${native.detail}); training with ${kernels().name} kernels on ${name}\n`);
  }
  return name;
}
