import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Debian's Chromium where it exists (Playwright cannot download its own browser here).
const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
export const E2E = {
  webPort: Number(process.env.E2E_WEB_PORT ?? 3107),
  collectorPort: Number(process.env.E2E_COLLECTOR_PORT ?? 4407),
  email: 'e2e@plumb.test',
  password: 'e2e-password-123',
};
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'plumb-e2e-'));
process.env.E2E_DATA_DIR = dataDir;

const CHANGES_DATA = /(cost|drift|big-trace|latency)\.spec\.ts$/;

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  // Specs that change what every count is checked against (a reprice of the unknown model, the
  // drift workload's 1,200 traces, the 20,000-span trace) run after the specs that count.
  projects: [
    { name: 'read', testIgnore: CHANGES_DATA },
    { name: 'write', testMatch: CHANGES_DATA, dependencies: ['read'] },
  ],
  outputDir: '../test-results',
  use: {
    baseURL: `http://127.0.0.1:${E2E.webPort}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    viewport: { width: 1440, height: 900 },
  },
  webServer: {
    command: 'node apps/plumb/bin/plumb.js start',
    cwd: '..',
    url: `http://127.0.0.1:${E2E.webPort}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      ...(process.env as Record<string, string>),
      CLICKHOUSE_URL: `file:${join(dataDir, 'clickhouse')}`,
      PLUMB_WAL_DIR: join(dataDir, 'wal'),
      PORT: String(E2E.webPort),
      HOST: '127.0.0.1',
      PLUMB_COLLECTOR_PORT: String(E2E.collectorPort),
      PLUMB_COLLECTOR_HOST: '127.0.0.1',
      // OTLP/gRPC is covered by the collector's own tests; parallel e2e runs must not race for 4317.
      PLUMB_COLLECTOR_GRPC_PORT: '-1',
      PLUMB_ADMIN_EMAIL: E2E.email,
      PLUMB_ADMIN_PASSWORD: E2E.password,
      PLUMB_BATCH_MAX_DELAY_MS: '200',
      PLUMB_CONTEXT_HOLD_MS: '500',
    },
  },
});
