#!/usr/bin/env node
// `npm run test:e2e`: builds the dashboard when there is no build or its sources changed since,
// then runs the Playwright specs against the real all-in-one app (collector + worker + web,
// embedded ClickHouse) in Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const run = (cmd, args, cwd = root) => {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

/** Newest mtime (ms) of the files under `path` (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    // Tests are not part of the bundle.
    if (e.name === 'node_modules' || e.name.startsWith('.') || /\.test\.tsx?$/.test(e.name)) continue;
    max = Math.max(max, newest(join(path, e.name)));
  }
  return max;
}

// What the Next bundle is compiled from: the app and the workspace packages it transpiles.
const WEB_INPUTS = [
  'apps/web/src',
  'apps/web/next.config.ts',
  'apps/web/package.json',
  ...['store', 'analytics', 'alerts', 'semconv', 'pricing', 'otlp'].map((p) => `packages/${p}/src`),
];

const buildId = join(root, 'apps/web/.next/BUILD_ID');
const stale = !existsSync(buildId) || WEB_INPUTS.some((p) => newest(join(root, p)) > statSync(buildId).mtimeMs);
if (stale || process.env.CI) {
  run('npx', ['next', 'build'], join(root, 'apps/web'));
}
run('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)]);
