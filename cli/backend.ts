/** The global --backend option: every command that computes starts TensorFlow.js through here. */
import type { Command } from 'commander';
import { initBackend, type BackendChoice, type BackendName } from '../src/index.js';

/** Start the backend the user asked for (--backend; default: the best that loads). */
export async function startBackend(command: Command): Promise<BackendName> {
  const { backend } = command.optsWithGlobals<{ backend?: BackendChoice }>();
  return initBackend({ backend: backend ?? 'auto' });
}
