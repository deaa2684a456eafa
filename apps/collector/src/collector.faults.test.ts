import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, DEFAULT_PROJECT_ID, sql, Store, type SpanRow } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import type { CollectorConfig } from './config.ts';
import { fillFilesystem, mountTmpfs, tmpfsSupport, type Tmpfs } from './testing/tmpfs.ts';
import { hexId, otlpJson, postJson, startTestCollector, type TestCollector } from './testing.ts';
import { Wal } from './wal.ts';

/**
 * Faults at the collector level, over real HTTP, on the real embedded engine: a row the engine
 * keeps refusing, the store's disk full, the WAL's disk full. In each, nothing acknowledged is
 * lost, requests get 503 + Retry-After while the fault lasts, and the collector recovers alone.
 */
const support = tmpfsSupport();
if (!support.ok) console.warn(`collector.faults: skipping the disk-full tests: cannot mount a tmpfs here (${support.reason})`);

const mounts: Tmpfs[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) m.unmount();
});

// chDB opens one data directory per process: every test here shares one engine, on a tmpfs
// (so the store's disk can be filled) where that can be mounted.
let engine: { store: Store; dir: string; fs: Tmpfs | null };
beforeAll(async () => {
  const fs = support.ok ? mountTmpfs('size=160m') : null;
  if (fs && 'error' in fs) throw new Error(fs.error);
  const dir = fs ? fs.dir : mkdtempSync(join(tmpdir(), 'plumb-faults-'));
  engine = { store: await Store.open(testStoreConfig(join(dir, 'ch'))), dir, fs };
  // Background merges off: under a loaded machine a merge that runs into the full disk left a
  // part with an empty marks file (CORRUPTED_DATA on the next read) — the embedded engine's
  // robustness under ENOSPC, not the collector's subject here. Inserts still hit the full disk.
  await engine.store.command(sql`SYSTEM STOP MERGES`);
});
afterAll(async () => {
  await engine?.store.close();
  engine?.fs?.unmount();
});
const wal = () => join(mkdtempSync(join(tmpdir(), 'plumb-faults-wal-')), 'wal');
function mount(options: string): Tmpfs {
  const m = mountTmpfs(options);
  if ('error' in m) throw new Error(m.error);
  mounts.push(m);
  return m;
}

interface Sent {
  acked: string[];
  statuses: Map<number, number>;
  retryAfterMissing: number;
}

/** Sends one 5-span batch; records its span ids when acknowledged. */
async function send(url: string, sent: Sent): Promise<number> {
  const traceId = hexId(16);
  const spans = Array.from({ length: 5 }, (_, i) => ({
    traceId, spanId: hexId(8), name: `op${i}`, startMs: Date.now() - 1000, durationMs: 3, attributes: { 'tenant.id': 'faults' },
  }));
  const res = await postJson(url, otlpJson(spans));
  await res.arrayBuffer();
  sent.statuses.set(res.status, (sent.statuses.get(res.status) ?? 0) + 1);
  if (res.status === 200) sent.acked.push(...spans.map((s) => s.spanId));
  else if (!res.headers.get('retry-after')) sent.retryAfterMissing++;
  return res.status;
}
const newSent = (): Sent => ({ acked: [], statuses: new Map(), retryAfterMissing: 0 });

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every acknowledged span is stored exactly once (one row per span id in the FINAL view). */
async function expectStoredOnce(store: Store, ids: string[]): Promise<void> {
  const [r] = await store.query<{ rows: number; spans: number }>(
    sql`SELECT count() AS rows, uniqExact(span_id) AS spans FROM spans FINAL WHERE span_id IN ${ids}`,
  );
  expect(r).toEqual({ rows: ids.length, spans: ids.length });
}

const health = async (url: string, path: '/healthz' | '/readyz') => {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, text: await res.text() };
};

const fast: Partial<CollectorConfig> = { contextHoldMs: 0, batchMaxDelayMs: 20, writerStuckMs: 1_000, shutdownTimeoutMs: 3_000 };

describe('a row the engine keeps refusing (defect 1, writer side)', () => {
  let t: TestCollector | null = null;
  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  it('is dropped and counted; ingest goes on, health stays ok, stop is prompt', async () => {
    t = await startTestCollector({ ...fast, walDir: wal() }, engine);
    const now = BigInt(Date.now()) * 1_000_000n;
    // A row as the converter should never produce it (a lone surrogate serializes as "\ud83d",
    // which the engine refuses with code 25), put straight on the writer's insert path.
    const poison: SpanRow = baseSpan({
      traceId: hexId(16), spanId: hexId(8), startTimeUnixNano: now, endTimeUnixNano: now + 1000n, tenant: 'faults', name: 'emoji cut \ud83d',
    });
    t.collector.writer.enqueue([{ row: poison, segment: 0 }]);
    const sent = newSent();
    for (let i = 0; i < 5; i++) expect(await send(t.url, sent)).toBe(200);
    await until('the writer to get past the refused row', () => t!.collector.writer.backlogRows === 0);
    for (let i = 0; i < 5; i++) expect(await send(t.url, sent)).toBe(200);
    await t.collector.flush();
    await expectStoredOnce(t.store, sent.acked);
    expect(t.collector.metrics.spansRejected.get({ reason: 'store_rejected' })).toBe(1);
    expect((await health(t.url, '/healthz')).status).toBe(200);
    expect((await health(t.url, '/readyz')).status).toBe(200);
    const t0 = Date.now();
    const stopping = t;
    t = null;
    await stopping.stop();
    expect(Date.now() - t0).toBeLessThan(3_000);
  }, 30_000);
});

describe('a WAL left with a row the engine refuses (defect 1, across restarts)', () => {
  it('still starts: replay drops (or, once strings are made valid, stores) that row and stores the rest', async () => {
    const walDir = wal();
    const good = hexId(8);
    const bad = hexId(8);
    const traceId = hexId(16);
    const body = otlpJson([
      { traceId, spanId: good, name: 'ok', startMs: Date.now() - 1000, durationMs: 2, attributes: { 'tenant.id': 'faults' } },
      { traceId, spanId: bad, parentSpanId: good, name: 'cut', startMs: Date.now() - 1000, durationMs: 1, attributes: { note: 'LONE' } },
    ]).replace('LONE', 'emoji cut \\ud83d'); // a lone surrogate escape in the raw OTLP/JSON
    expect(body).toContain('\\ud83d');
    const w = await Wal.open(walDir, { fsync: true });
    await w.append({ format: 'json', projectId: DEFAULT_PROJECT_ID, body: Buffer.from(body) }, 2);
    await w.close();
    const started = startTestCollector({ ...fast, walDir }, engine);
    const outcome = await Promise.race([started.then(() => 'started' as const), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(outcome).toBe('started');
    const t = await started;
    try {
      await expectStoredOnce(t.store, [good]);
      expect((await health(t.url, '/healthz')).status).toBe(200);
    } finally {
      await t.stop();
    }
  }, 40_000);
});

describe.skipIf(!support.ok)('disk full', () => {
  it("on the store's disk: 503 + Retry-After, stuck health, bounded stop; recovers alone; nothing acknowledged lost", async () => {
    const { store } = engine;
    const walDir = wal();
    // A small outage buffer: while the store cannot write, requests go to the WAL until 32 KiB
    // of backlog, then 503 (outage.faults.test.ts covers the bound itself).
    const outage = { walMaxBytes: 32 * 1024 };
    let t = await startTestCollector({ ...fast, ...outage, walDir }, engine);
    const sent = newSent();
    for (let i = 0; i < 3; i++) expect(await send(t.url, sent)).toBe(200);
    await t.collector.flush();

    // Phase 1: the engine cannot write; the collector buffers, then sheds load and says so, then recovers.
    let filler = fillFilesystem(engine.dir);
    await send(t.url, sent); // accepted into the WAL; its insert fails
    await until('503 while inserts fail', async () => (await send(t.url, sent)) === 503);
    await until('/healthz to report the stuck writer', async () => (await health(t.url, '/healthz')).status === 503);
    expect((await health(t.url, '/healthz')).text).toMatch(/writer stuck/);
    expect((await health(t.url, '/readyz')).status).toBe(503);
    rmSync(filler);
    await until('200 again', async () => (await send(t.url, sent)) === 200, 30_000);
    await until('the backlog to drain', () => t.collector.writer.backlogRows === 0);
    expect((await health(t.url, '/healthz')).status).toBe(200);
    await t.collector.flush();
    await expectStoredOnce(store, sent.acked);

    // Phase 2: stop while the engine still cannot write: bounded, and the rows wait in the WAL.
    filler = fillFilesystem(engine.dir);
    const waiting = newSent();
    expect(await send(t.url, waiting)).toBe(200);
    await until('the writer to fail', () => t.collector.writer.unhealthy);
    const t0 = Date.now();
    await t.stop();
    expect(Date.now() - t0).toBeLessThan(fast.shutdownTimeoutMs! + 500);
    rmSync(filler);
    t = await startTestCollector({ ...fast, ...outage, walDir }, engine); // replays the WAL
    await t.collector.flush();
    await expectStoredOnce(store, [...sent.acked, ...waiting.acked]);
    expect(sent.retryAfterMissing).toBe(0);
    await t.stop();
  }, 90_000);

  it("on the WAL's disk: 503 + Retry-After while full, 200 again when space returns, nothing acknowledged lost", async () => {
    const m = mount('size=1m');
    const { store } = engine;
    let t = await startTestCollector({ ...fast, walDir: join(m.dir, 'wal') }, engine);
    const sent = newSent();
    const senders = (n: number, rounds: number) =>
      Promise.all(Array.from({ length: n }, async () => {
        for (let i = 0; i < rounds; i++) await send(t.url, sent);
      }));
    await senders(4, 5);
    const filler = fillFilesystem(m.dir);
    await senders(4, 5);
    expect(sent.statuses.get(503) ?? 0).toBeGreaterThan(0);
    rmSync(filler);
    await until('200 again', async () => (await send(t.url, sent)) === 200);
    await senders(4, 5);
    expect(sent.retryAfterMissing).toBe(0);
    expect(t.collector.metrics.walErrors.get({ op: 'write' }) + t.collector.metrics.walErrors.get({ op: 'open' })).toBeGreaterThan(0);
    await t.collector.flush();
    await expectStoredOnce(store, sent.acked);
    // And through a restart: the WAL holds nothing torn that replay would trip over.
    await t.stop();
    t = await startTestCollector({ ...fast, walDir: join(m.dir, 'wal') }, engine);
    await t.collector.flush();
    expect(t.collector.metrics.walReplayCorruptBytes.get()).toBe(0);
    await expectStoredOnce(store, sent.acked);
    await t.stop();
  }, 60_000);
});
