import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@plumb/store';
import { hexId, otlpJson, postJson, startTestCollector, type TestCollector } from './testing.ts';

/**
 * Store outage (issue 15): the store stops taking writes → the collector keeps accepting into
 * its WAL up to PLUMB_WAL_MAX_BYTES of backlog, then answers 503 + Retry-After; when the store
 * returns it drains by itself, and every acknowledged span is stored exactly once.
 *
 * The embedded engine runs in this process, so the outage is simulated in the engine: `spans`
 * is renamed away (every insert then fails with UNKNOWN_TABLE, a store-side code the writer
 * retries forever, exactly as it treats a server that refuses connections) and renamed back.
 */
let t: TestCollector;
const WAL_MAX = 96 * 1024;
beforeAll(async () => {
  t = await startTestCollector({ contextHoldMs: 0, batchMaxDelayMs: 20, walMaxBytes: WAL_MAX, walSegmentMaxAgeMs: 50 });
});
afterAll(async () => t?.stop());

interface Sent { acked: string[]; statuses: number[]; retryAfter: (string | null)[] }
async function send(sent: Sent): Promise<number> {
  const traceId = hexId(16);
  const spans = Array.from({ length: 10 }, (_, i) => ({
    traceId, spanId: hexId(8), name: `op${i}`, startMs: Date.now() - 1000, durationMs: 3, attributes: { 'tenant.id': 'outage', pad: 'x'.repeat(200) },
  }));
  const res = await postJson(t.url, otlpJson(spans));
  await res.arrayBuffer();
  sent.statuses.push(res.status);
  expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/); // every answer names its request (logs carry it)
  if (res.status === 200) sent.acked.push(...spans.map((s) => s.spanId));
  else sent.retryAfter.push(res.headers.get('retry-after'));
  return res.status;
}
async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the store goes away and comes back', () => {
  it('keeps accepting into the WAL up to its bound, then 503 + Retry-After; recovers alone; nothing acknowledged lost', async () => {
    const sent: Sent = { acked: [], statuses: [], retryAfter: [] };
    for (let i = 0; i < 3; i++) expect(await send(sent)).toBe(200);
    await t.collector.flush();

    await t.store.command(sql`RENAME TABLE spans TO spans_outage`);
    const during: number[] = [];
    try {
      expect(await send(sent)).toBe(200);
      await until('the writer to see the outage', () => t.collector.writer.unhealthy);
      // The outage is known: requests are still taken, into the WAL, until its backlog is full.
      for (let i = 0; i < 200; i++) {
        const status = await send(sent);
        during.push(status);
        if (status === 503) break;
      }
      const accepted = during.filter((s) => s === 200).length;
      expect(accepted).toBeGreaterThan(3);
      expect(during.at(-1)).toBe(503);
      expect(Number(sent.retryAfter.at(-1))).toBeGreaterThan(0);
      expect(t.collector.walBacklogBytes).toBeGreaterThan(WAL_MAX * 0.5);
      // Still full: refused again before any decoding (a body that is not JSON gets 503, not 400).
      const bad = await postJson(t.url, '{"resourceSpans": ['.padEnd(8_000, ' '));
      expect(bad.status).toBe(503);
      expect(((await bad.json()) as { message: string }).message).toMatch(/store is unavailable/);
      expect(t.collector.metrics.render()).toMatch(/plumb_collector_wal_backlog_bytes \d+/);
    } finally {
      await t.store.command(sql`RENAME TABLE spans_outage TO spans`);
    }

    // Back: the writer retries on its own (back-off ≤ 5 s), the backlog drains, 200 again.
    await until('the backlog to drain', () => !t.collector.writer.unhealthy && t.collector.writer.backlogRows === 0);
    await until('the WAL to be released', () => t.collector.walBacklogBytes < WAL_MAX / 2);
    for (let i = 0; i < 3; i++) expect(await send(sent)).toBe(200);
    await t.collector.flush();
    const [r] = await t.store.query<{ rows: string; spans: string }>(
      sql`SELECT toString(count()) AS rows, toString(uniqExact(span_id)) AS spans FROM spans FINAL WHERE span_id IN ${sent.acked}`,
    );
    expect(r).toEqual({ rows: String(sent.acked.length), spans: String(sent.acked.length) });
  });
});
