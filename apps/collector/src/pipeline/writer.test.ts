import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, parseClickhouseUrl, serializeSpanRow, sql, Store, type SpanRow } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { CollectorMetrics } from '../metrics.ts';
import { Writer } from './writer.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-writer-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

const now = BigInt(Date.now()) * 1_000_000n;
const row = (i: number, over: Partial<SpanRow> = {}): SpanRow =>
  baseSpan({ traceId: 'c'.repeat(24) + String(i).padStart(8, '0'), spanId: String(i).padStart(16, '0'), startTimeUnixNano: now, endTimeUnixNano: now + 1_000_000n, tenant: 'writer-test', ...over });

describe('Writer', () => {
  it('isolates and drops the rows the store rejects, and stores the rest', async () => {
    const metrics = new CollectorMetrics();
    const logs: string[] = [];
    const writer = new Writer(store, { maxRows: 1000, maxDelayMs: 10 }, null, metrics, (m) => logs.push(m));
    const rows = Array.from({ length: 9 }, (_, i) => row(i));
    rows[4] = row(4, { statusCode: 'bogus' as SpanRow['statusCode'] }); // not an Enum8 value
    writer.enqueue(rows.map((r) => ({ row: r, segment: 1 })));
    await writer.flush();
    const [r] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans FINAL WHERE tenant = 'writer-test'`);
    expect(r!.n).toBe(8);
    expect(metrics.spansRejected.get({ reason: 'store_rejected' })).toBe(1);
    expect(metrics.spansWritten.get()).toBe(8);
    expect(writer.unhealthy).toBe(false);
    expect(writer.backlogRows).toBe(0);
    expect(logs.some((l) => l.includes('dropping a span'))).toBe(true);
  });
});

describe('Writer: a row the engine keeps rejecting with a code it does not know as permanent', () => {
  it('drops and counts that row (with its span id), stores the rest, and never spins on it', async () => {
    const metrics = new CollectorMetrics();
    const logs: string[] = [];
    const writer = new Writer(store, { maxRows: 1000, maxDelayMs: 10 }, null, metrics, (m) => logs.push(m));
    const rows = Array.from({ length: 9 }, (_, i) => row(100 + i, { tenant: 'writer-poison' }));
    // A lone high surrogate: JSON.stringify writes it as the escape "\ud83d", which the engine
    // refuses with code 25 (CANNOT_PARSE_ESCAPE_SEQUENCE) — a code that is not in PERMANENT_CODES.
    rows[6] = row(106, { tenant: 'writer-poison', name: 'cut emoji \ud83d' });
    expect(serializeSpanRow(rows[6]!)).toContain('\\ud83d');
    writer.enqueue(rows.map((r) => ({ row: r, segment: 1 })));
    const done = writer.flush().then(() => 'flushed' as const);
    const outcome = await Promise.race([done, new Promise<'spinning'>((r) => setTimeout(() => r('spinning'), 15_000))]);
    expect(outcome).toBe('flushed');
    const [r] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans FINAL WHERE tenant = 'writer-poison'`);
    expect(r!.n).toBe(8);
    expect(metrics.spansRejected.get({ reason: 'store_rejected' })).toBe(1);
    expect(writer.unhealthy).toBe(false);
    expect(writer.backlogRows).toBe(0);
    expect(logs.some((l) => l.includes('dropping a span') && l.includes(rows[6]!.spanId))).toBe(true);
  }, 30_000);
});

describe('Writer: store down', () => {
  it('keeps the rows (never drops them for the store being down), reports stuck, and closes within its bound', async () => {
    // A real client pointed at a port nothing listens on: every insert and ping is refused.
    const down = await Store.open({ target: parseClickhouseUrl('http://127.0.0.1:1'), cluster: '', retentionDays: 30 });
    const metrics = new CollectorMetrics();
    const writer = new Writer(down, { maxRows: 1000, maxDelayMs: 10, stuckAfterMs: 300 }, null, metrics, () => {});
    writer.enqueue([row(200), row(201)].map((r) => ({ row: r, segment: 1 })));
    await new Promise((r) => setTimeout(r, 1200));
    expect(writer.unhealthy).toBe(true);
    expect(writer.stuck).toBe(true);
    expect(metrics.spansRejected.get({ reason: 'store_rejected' })).toBe(0);
    expect(writer.backlogRows).toBe(2);
    const t0 = Date.now();
    const result = await writer.close(500);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(result.complete).toBe(false);
    expect(writer.backlogRows).toBe(2); // not stored: they stay in the WAL for the next start
    await down.close();
  }, 20_000);
});
