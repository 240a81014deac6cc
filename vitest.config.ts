import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // both cores (vitest's default on two is one worker): files are independent, each with its own temp and cache folders
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    // each test file: a cache folder of its own (shared helpers live in test/helpers/)
    setupFiles: ['test/helpers/setup.ts'],
  },
});
