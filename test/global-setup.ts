/**
 * Builds the `musegen` program once (dist/) before any test file spawns it,
 * so that test files running in parallel never race on the build. Types are
 * checked by `npm run typecheck`, not here.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck'], { cwd: root });
  // as `npm run build` does: the bin stays runnable for `npx musegen` after the tests
  chmodSync(join(root, 'dist', 'cli', 'musegen.js'), 0o755);
}
