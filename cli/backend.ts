/**
 * The global --backend and --threads options: every command that computes
 * starts TensorFlow.js (and the native kernels, where built) through here.
 * Training without the native kernels says so once on stderr, when its first
 * LSTM or convolution gradient is taken (so kinds that never reach the kernels, and runs
 * refused for their options, say nothing).
 */
import type { Command } from 'commander';
import { initBackend, kernels, nativeKernelsReport, runsOnTensorOps, useKernels, type BackendChoice, type BackendName, type Kernels } from '../src/index.js';

/** Start the backend the user asked for (--backend; default: the best that loads) with --threads native threads. */
export async function startBackend(command: Command): Promise<BackendName> {
  const { backend, threads, quiet } = command.optsWithGlobals<{ backend?: BackendChoice; threads?: number; quiet?: boolean }>();
  const name = await initBackend({ backend: backend ?? 'auto', threads });
  const native = nativeKernelsReport();
  if (command.name() === 'train' && !runsOnTensorOps(name) && !native.available && !quiet) {
    useKernels(announcing(kernels(), `musegen: training with ${kernels().name} kernels on ${name}; native kernels not in use: ${native.detail}`));
  }
  return name;
}

/** `set`, writing `line` on stderr (over a progress bar being drawn) before its first LSTM or convolution backward pass. */
function announcing(set: Kernels, line: string): Kernels {
  let said = false;
  const say = (): void => {
    if (!said) process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${line}\n`);
    said = true;
  };
  const { lstm, conv } = set;
  return {
    ...set,
    lstm: lstm && {
      name: lstm.name,
      forward: (...args) => lstm.forward(...args),
      backward: (...args) => {
        say();
        return lstm.backward(...args);
      },
    },
    conv: {
      name: conv.name,
      forward: (...args) => conv.forward(...args),
      backward: (...args) => {
        say();
        return conv.backward(...args);
      },
    },
  };
}
