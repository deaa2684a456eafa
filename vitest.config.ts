import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // From the repository root (`vitest run`): every workspace's tests; from a workspace
    // directory (`vitest run --config ../../vitest.config.ts`, the per-package turbo task): its own.
    include: ['{packages,apps}/*/src/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'apps/web/.next/**'],
    // chDB allows one data directory per process: every test file runs in its own fork.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
