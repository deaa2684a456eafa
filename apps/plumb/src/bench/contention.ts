/**
 * Auth and ingest latency while the dashboard runs heavy queries on the embedded engine (chDB
 * runs one query at a time, so anything that needs the engine waits behind a running query).
 *
 *   npx tsx apps/plumb/src/bench/contention.ts [--spans 2000000] [--days 30] [--samples 6] [--users 2] [--dir D]
 *
 * Keeps its data in ./data/contention-<spans> or D (only the first run pays for the backfill).
 * Measures, idle and then while `users` loops run the 30-day overview back to back:
 * login (REST handler, scrypt + user lookup + session insert), a tRPC call authorized by the
 * session cookie (auth.me), an OTLP/JSON POST with a known key and with a key the collector has
 * not seen yet (its verification needs the engine). Prints median / max per operation and the
 * loaded/idle ratios.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Collector, collectorConfigFromEnv, createCollectorServer, listen } from '@plumb/collector';
import { backfill } from '@plumb/demo';
import { bootstrapProjects, createApiKey, createUser, DEFAULT_PROJECT_ID, overview, sql, Store } from '@plumb/store';
import { createContextFromRequest } from '../../../web/src/server/context.ts';
import { loginHandler } from '../../../web/src/server/rest/auth.ts';
import { createCaller } from '../../../web/src/server/router.ts';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '2000000' },
    days: { type: 'string', default: '30' },
    samples: { type: 'string', default: '6' },
    users: { type: 'string', default: '2' },
    dir: { type: 'string' },
  },
});
const SPANS = Number(values.spans);
const DAYS = Number(values.days);
const SAMPLES = Number(values.samples);
const USERS = Number(values.users);
const DAY = 86_400_000;

const dir = resolve(values.dir ?? `./data/contention-${SPANS}`);
const fresh = !existsSync(join(dir, 'ready'));
mkdirSync(dir, { recursive: true });
const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 3650 });
await store.migrate();
await bootstrapProjects(store);
if (fresh) {
  console.log(`backfilling ${SPANS.toLocaleString()} spans over ${DAYS} days (first run only)…`);
  const r = await backfill(store, { days: DAYS, spans: SPANS, seed: 7 });
  console.log(`  ${r.spans.toLocaleString()} spans in ${(r.elapsedMs / 1000).toFixed(0)} s`);
  writeFileSync(join(dir, 'ready'), '');
}
const email = `bench-${Date.now()}@example.com`;
const password = 'contention-pass';
const user = await createUser(store, { email, password });
// Membership where the store has it (the script also runs against the code before it existed).
const storeModule: Record<string, unknown> = await import('@plumb/store');
if (typeof storeModule.setMembership === 'function') await (storeModule.setMembership as (...a: unknown[]) => Promise<void>)(store, DEFAULT_PROJECT_ID, user.id, 'viewer');
const { key: ingestKey } = await createApiKey(store, { projectId: DEFAULT_PROJECT_ID, name: 'bench', scopes: ['ingest'] });
// Keys the collector has never verified: one per "cold" sample, idle and loaded.
const coldKeys: string[] = [];
for (let i = 0; i < SAMPLES * 2; i++) coldKeys.push((await createApiKey(store, { projectId: DEFAULT_PROJECT_ID, name: `cold-${i}`, scopes: ['ingest'] })).key);

// Keys made by another process (the CLI, another replica): this process has cached none of them.
if (typeof storeModule.clearSharedCaches === 'function') (storeModule.clearSharedCaches as () => void)();

const wal = mkdtempSync(join(tmpdir(), 'plumb-contention-wal-'));
const collector = await Collector.start(store, { ...collectorConfigFromEnv({}), walDir: wal }, () => {});
const server = createCollectorServer(collector, { log: () => {} });
await listen(server, 0, '127.0.0.1');
const port = (server.address() as AddressInfo).port;

const login = loginHandler(async () => store);
const loginOnce = async () => {
  const res = await login(new Request('http://localhost/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }));
  if (res.status !== 200) throw new Error(`login ${res.status}: ${await res.text()}`);
  return /plumb_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
};
const token = await loginOnce();
const trpcMe = async () => {
  const ctx = await createContextFromRequest(new Request('http://localhost/api/trpc/auth.me', { headers: { cookie: `plumb_session=${token}` } }), store);
  const me = await createCaller(ctx).auth.me();
  if (!me || me.user.id !== user.id) throw new Error('auth.me did not resolve the session');
};
let spanSeq = 0;
const otlp = () => {
  const now = BigInt(Date.now()) * 1_000_000n;
  const id = (++spanSeq).toString(16).padStart(16, '0');
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'contention' } }] }, scopeSpans: [{ spans: [{
      traceId: `c0${id}`.padEnd(32, '0'), spanId: id, name: 'probe', kind: 1,
      startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n),
    }] }] }],
  });
};
const ingest = async (key: string) => {
  const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: otlp() });
  if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`);
};

type Op = { name: string; run: (i: number, phase: number) => Promise<unknown> };
const ops: Op[] = [
  { name: 'login', run: () => loginOnce() },
  { name: 'tRPC auth.me (session)', run: () => trpcMe() },
  { name: 'ingest POST (known key)', run: () => ingest(ingestKey) },
  { name: 'ingest POST (new key)', run: (i, phase) => ingest(coldKeys[phase * SAMPLES + i]!) },
];

async function measure(phase: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < SAMPLES; i++) {
    for (const op of ops) {
      const t0 = performance.now();
      await op.run(i, phase);
      const ms = performance.now() - t0;
      out.set(op.name, [...(out.get(op.name) ?? []), ms]);
      await new Promise((r) => setTimeout(r, 37)); // land at different points of the running query
    }
  }
  return out;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const max = (xs: number[]) => Math.max(...xs);

const to = Date.now();
const from = to - DAYS * DAY;
const heavy = () => overview(store, DEFAULT_PROJECT_ID, from, to, 3_600_000 * 6);
const t0 = performance.now();
await heavy();
const heavyMs = performance.now() - t0;
const [count] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans`);
console.log(`${count?.n.toLocaleString()} spans; one ${DAYS}-day overview alone: ${heavyMs.toFixed(0)} ms`);

const idle = await measure(0);
for (const op of ops) console.log(`idle: ${op.name}: median ${median(idle.get(op.name)!).toFixed(0)} ms, max ${max(idle.get(op.name)!).toFixed(0)} ms`);
let stop = false;
let heavyRuns = 0;
const heavyTimes: number[] = [];
const loops = Array.from({ length: USERS }, async () => {
  while (!stop) {
    const s = performance.now();
    await heavy().catch((e: unknown) => console.error('heavy query failed:', (e as Error).message));
    heavyTimes.push(performance.now() - s);
    heavyRuns++;
  }
});
await new Promise((r) => setTimeout(r, 300));
const loaded = await measure(1);
stop = true;
await Promise.all(loops);

console.log(`\nwhile ${USERS} dashboard users run the ${DAYS}-day overview back to back (${heavyRuns} runs, median ${median(heavyTimes).toFixed(0)} ms each):`);
console.log('operation'.padEnd(28), 'idle med'.padStart(9), 'idle max'.padStart(9), 'load med'.padStart(9), 'load max'.padStart(9), 'med ×'.padStart(7));
for (const op of ops) {
  const a = idle.get(op.name)!;
  const b = loaded.get(op.name)!;
  console.log(op.name.padEnd(28), median(a).toFixed(0).padStart(9), max(a).toFixed(0).padStart(9), median(b).toFixed(0).padStart(9), max(b).toFixed(0).padStart(9), (median(b) / median(a)).toFixed(1).padStart(7));
}
server.close();
await collector.stop();
await store.close();
