/**
 * @node-only The installed musegen: its root folder and version, from its
 * package.json (found above this file, in the source tree or in dist/), and
 * the model it ships, so that an installed package finds its bundled model.
 *
 * @example
 *   const { generator } = await loadGenerator(folderSource(bundledModelPath()));
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Found {
  root: string;
  version: string;
}

let found: Found | null | undefined;

function findPackage(): Found | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'musegen' && pkg.version) return { root: dir, version: pkg.version };
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function packageVersion(): string {
  found ??= findPackage();
  return found?.version ?? 'unknown';
}

/** The package's root folder (where models/ and corpora/ ship), or null when not found. */
export function packageRoot(): string | null {
  found ??= findPackage();
  return found?.root ?? null;
}

/** The folder of a model the package ships: models/<name> under the package root (default: the melody model); it may be absent. */
export function bundledModelPath(name = 'default'): string {
  return join(packageRoot() ?? process.cwd(), 'models', name);
}
