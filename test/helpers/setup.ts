/**
 * Runs before every test file (vitest.config.ts, setupFiles): the file gets a
 * corpus cache folder of its own (MUSEGEN_CACHE_DIR), so no test reads or
 * writes the user's ~/.cache/musegen or another file's cache, whatever order
 * the files run in. Tests that care about the cache still name theirs.
 * The folder is only named here: the cache makes it when it first writes.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const cacheDir = join(tmpdir(), `musegen-test-cache-${randomUUID()}`);
process.env.MUSEGEN_CACHE_DIR = cacheDir;
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
