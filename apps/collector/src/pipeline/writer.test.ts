import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, sql, Store, type SpanRow } from '@plumb/store';
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
