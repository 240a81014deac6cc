import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // each test file: a cache folder of its own (shared helpers live in test/helpers/)
    setupFiles: ['test/helpers/setup.ts'],
  },
});
