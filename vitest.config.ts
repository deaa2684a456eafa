import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'apps/web/.next/**'],
    // chDB allows one data directory per process: every test file runs in its own fork.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
