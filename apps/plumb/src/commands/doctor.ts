import { readdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collectorConfigFromEnv } from '@plumb/collector';
import { loadMigrations, sql, storeConfigFromEnv, type Store, type StoreConfig } from '@plumb/store';
import { openStore } from './migrate.ts';
import { webEnvFromEnv } from './web-env.ts';

/**
 * `plumb doctor`: what an operator checks first. Each check says ok, warn or fail with one line
 * of detail; the exit code is 1 when any check fails. Reads only: it never migrates or writes.
 *
 * The embedded store allows one process per data directory: while `plumb start` runs, doctor
 * cannot open it, so it asks the running collector (/readyz, /metrics) instead.
 */
export type Level = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  level: Level;
  detail: string;
}

/** Below either, disk space is a warning; below a tenth of them, a failure. */
const MIN_FREE_BYTES = 1024 ** 3;
const MIN_FREE_RATIO = 0.1;

const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`;

export function configChecks(env: NodeJS.ProcessEnv): { checks: Check[]; store: StoreConfig | null; walDir: string | null; collectorPort: number } {
  const checks: Check[] = [];
  let store: StoreConfig | null = null;
  let walDir: string | null = null;
  let collectorPort = 4318;
  try {
    store = storeConfigFromEnv(env);
    const where = store.target.kind === 'embedded' ? `embedded at ${store.target.path}` : `server ${store.target.url} database ${store.target.database}`;
    checks.push({ name: 'config: store', level: 'ok', detail: `${where}${store.cluster ? `, cluster ${store.cluster}` : ''}, retention ${store.retentionDays} d` });
  } catch (err) {
    checks.push({ name: 'config: store', level: 'fail', detail: (err as Error).message });
  }
  try {
    const c = collectorConfigFromEnv(env);
    walDir = c.walDir;
    collectorPort = c.port;
    checks.push({ name: 'config: collector', level: 'ok', detail: `port ${c.port}, WAL ${c.walDir} (bound ${mib(c.walMaxBytes)}), fsync ${c.walFsync ? 'on' : 'OFF'}` });
    if (!c.walFsync) checks.push({ name: 'config: WAL fsync', level: 'warn', detail: 'PLUMB_WAL_FSYNC is off: a crash can lose acknowledged spans' });
  } catch (err) {
    checks.push({ name: 'config: collector', level: 'fail', detail: (err as Error).message });
  }
  try {
    const w = webEnvFromEnv(env);
    checks.push({ name: 'config: web', level: 'ok', detail: `port ${w.PORT}, first admin ${w.PLUMB_ADMIN_EMAIL ?? 'the default email (PLUMB_ADMIN_EMAIL unset)'}` });
  } catch (err) {
    checks.push({ name: 'config: web', level: 'fail', detail: (err as Error).message });
  }
  return { checks, store, walDir, collectorPort };
}

export async function schemaCheck(store: Store): Promise<Check> {
  const applied = await store.query<{ name: string; checksum: string }>(
    sql`SELECT name, any(checksum) AS checksum FROM schema_migrations GROUP BY name ORDER BY name`,
  ).catch(() => null);
  const known = loadMigrations();
  if (!applied) return { name: 'schema', level: 'fail', detail: `not migrated (no schema_migrations table); run \`plumb migrate\` (${known.length} migrations pending)` };
  const byName = new Map(applied.map((r) => [r.name, r.checksum]));
  const pending = known.filter((m) => !byName.has(m.name)).map((m) => m.name);
  const changed = known.filter((m) => byName.has(m.name) && byName.get(m.name) !== m.checksum).map((m) => m.name);
  const unknown = applied.map((r) => r.name).filter((n) => !known.some((m) => m.name === n));
  const latest = applied.at(-1)?.name ?? 'none';
  if (changed.length) return { name: 'schema', level: 'fail', detail: `migrations changed after they were applied: ${changed.join(', ')}` };
  if (pending.length) return { name: 'schema', level: 'fail', detail: `at ${latest}; pending: ${pending.join(', ')} (run \`plumb migrate\`, or start Plumb: it migrates)` };
  if (unknown.length) return { name: 'schema', level: 'warn', detail: `at ${latest}, newer than this build (${unknown.join(', ')}): an older plumb is running against a newer store` };
  return { name: 'schema', level: 'ok', detail: `at ${latest} (${known.length} migrations applied)` };
}

/** Segments and bytes left in a WAL directory: acknowledged data not yet inserted (or replayed at start). */
export function walCheck(walDir: string): Check {
  let files: string[];
  try {
    files = readdirSync(walDir).filter((f) => /^\d{12}\.wal$/.test(f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { name: 'WAL backlog', level: 'ok', detail: `${walDir} does not exist yet (nothing acknowledged)` };
    return { name: 'WAL backlog', level: 'fail', detail: `cannot read ${walDir}: ${(err as Error).message}` };
  }
  const bytes = files.reduce((n, f) => n + statSync(join(walDir, f)).size, 0);
  const detail = `${files.length} segment(s), ${mib(bytes)} in ${walDir}`;
  // A running collector keeps its active and recently sealed segments: only a large backlog is news.
  return { name: 'WAL backlog', level: bytes > 256 * 1024 ** 2 ? 'warn' : 'ok', detail };
}

/** Free space on the filesystem holding `path` (or its nearest existing parent). */
export function diskCheck(label: string, path: string): Check {
  let p = resolve(path);
  for (;;) {
    try {
      const s = statfsSync(p);
      const total = s.blocks * s.bsize;
      const free = s.bavail * s.bsize;
      const ratio = total > 0 ? free / total : 0;
      const detail = `${mib(free)} free of ${mib(total)} (${(ratio * 100).toFixed(1)} %) at ${p}`;
      const level: Level = free < MIN_FREE_BYTES / 10 || ratio < MIN_FREE_RATIO / 10 ? 'fail' : free < MIN_FREE_BYTES || ratio < MIN_FREE_RATIO ? 'warn' : 'ok';
      return { name: `disk: ${label}`, level, detail };
    } catch (err) {
      const parent = dirname(p);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === p) return { name: `disk: ${label}`, level: 'fail', detail: (err as Error).message };
      p = parent;
    }
  }
}

/** The running collector's own view (used when the embedded store is locked by it). */
async function collectorCheck(port: number): Promise<Check[]> {
  const base = `http://127.0.0.1:${port}`;
  try {
    const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3_000) });
    const text = (await ready.text()).trim();
    const metrics = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(3_000) })).text();
    const backlog = /^plumb_collector_wal_backlog_bytes (\d+)/m.exec(metrics)?.[1];
    return [
      { name: 'store (via running collector)', level: ready.ok ? 'ok' : 'fail', detail: `${base}/readyz: ${text}` },
      ...(backlog !== undefined ? [{ name: 'WAL backlog (running collector)', level: 'ok' as Level, detail: `${mib(Number(backlog))} not yet inserted` }] : []),
    ];
  } catch (err) {
    return [{ name: 'store (via running collector)', level: 'warn', detail: `no collector answers on ${base}: ${(err as Error).message}` }];
  }
}

export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const { checks, store: storeConfig, walDir, collectorPort } = configChecks(env);
  if (storeConfig) {
    let store: Store | null = null;
    try {
      store = await openStore(storeConfig);
      const t0 = performance.now();
      const [v] = await store.query<{ v: string }>(sql`SELECT version() AS v`);
      checks.push({ name: 'store', level: 'ok', detail: `reachable, ClickHouse ${v?.v} (${Math.round(performance.now() - t0)} ms)` });
      checks.push(await schemaCheck(store));
    } catch (err) {
      const msg = (err as Error).message;
      if (storeConfig.target.kind === 'embedded' && /in use by another process/.test(msg)) {
        checks.push({ name: 'store', level: 'ok', detail: 'the embedded store is open in a running plumb process (one process per data directory)' });
        checks.push(...(await collectorCheck(collectorPort)));
      } else {
        checks.push({ name: 'store', level: 'fail', detail: `unreachable: ${msg.split('\n')[0]}` });
      }
    } finally {
      await store?.close();
    }
    if (storeConfig.target.kind === 'embedded') checks.push(diskCheck('store', storeConfig.target.path));
  }
  if (walDir) {
    checks.push(walCheck(walDir));
    checks.push(diskCheck('WAL', walDir));
  }
  return checks;
}

export async function doctor(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const checks = await runDoctor();
  if (values.json) console.log(JSON.stringify({ ok: checks.every((c) => c.level !== 'fail'), checks }, null, 2));
  else for (const c of checks) console.log(`${c.level.padEnd(4)}  ${c.name.padEnd(32)}  ${c.detail}`);
  if (checks.some((c) => c.level === 'fail')) process.exitCode = 1;
}
