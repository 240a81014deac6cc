/**
 * A temporary folder of its own for each test file (or describe block), so no
 * test sees what another wrote, whatever order they run in.
 *
 * @example
 *   const tmp = useTempDir('cli');            // made in beforeAll, removed in afterAll
 *   it('…', () => writeFileSync(tmp.join('a.mid'), bytes));
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface TempDir {
  /** The folder (only inside hooks and tests: it is made in beforeAll). */
  readonly path: string;
  /** A path inside it. */
  join(...parts: string[]): string;
}

export function useTempDir(name: string): TempDir {
  let path: string | undefined;
  beforeAll(async () => {
    path = await mkdtemp(join(tmpdir(), `musegen-${name}-`));
  });
  afterAll(async () => {
    if (path) await rm(path, { recursive: true, force: true });
  });
  const dir: TempDir = {
    get path(): string {
      if (path === undefined) throw new Error(`the temporary folder "${name}" exists only inside hooks and tests`);
      return path;
    },
    join: (...parts) => join(dir.path, ...parts),
  };
  return dir;
}
