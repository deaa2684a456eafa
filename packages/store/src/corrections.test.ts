import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctTrace, markCorrectionsChecked, pendingCorrections, storeNowMs } from './corrections.ts';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import { rowVersion, type SpanRow } from './spans.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-corrections-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

const t0 = BigInt(Date.now() - 600_000) * 1_000_000n;
let n = 0;
const traceId = () => `cc${String(++n).padStart(30, '0')}`;
const span = (trace: string, id: number, over: Partial<SpanRow> = {}): SpanRow =>
  baseSpan({
    traceId: trace, spanId: String(id).padStart(16, '0'), parentSpanId: '0000000000000001', isRoot: false,
    startTimeUnixNano: t0 + BigInt(id) * 1_000_000n, endTimeUnixNano: t0 + 10_000_000_000n, contextResolved: false,
    version: rowVersion(false, Date.now()), ...over,
  });
const pendingFor = async (trace: string) => (await pendingCorrections(store, (await storeNowMs(store)) - 3_600_000, 1000)).filter((c) => c.traceId === trace);

describe('trace_context and corrections (store side)', () => {
  it('picks the best value like the context stage: true root > local root > other span, then the earliest span', async () => {
    const tr = traceId();
    await insertSpanRows(store, [
      span(tr, 5, { tenant: 'late-child' }),
      span(tr, 3, { tenant: 'early-child', sessionId: 's-child' }),
      span(tr, 4, { parentSpanId: '00000000000000ff', isRoot: true, tenant: 'local-root', requestType: 'POST /x', route: '/x' }),
      span(tr, 6),
    ]);
    const [c] = await pendingFor(tr);
    expect(c).toMatchObject({ context: { tenant: 'local-root', requestType: 'POST /x', sessionId: 's-child', userId: '', route: '/x' }, resolved: false });
    await insertSpanRows(store, [span(tr, 9, { parentSpanId: '', isRoot: true, tenant: '', requestType: 'root-type', contextResolved: true })]);
    const [d] = await pendingFor(tr);
    // The true root has no tenant (rank 0 for that field): the local root's still wins.
    expect(d).toMatchObject({ context: { tenant: 'local-root', requestType: 'root-type' }, resolved: true, fromNs: t0 + 3_000_000n, toNs: t0 + 9_000_000n });
  });

  it('fills only what is missing, then records the check; a re-check is a no-op and the trace is done', async () => {
    const tr = traceId();
    await insertSpanRows(store, [span(tr, 2, { tenant: 'own-tenant' }), span(tr, 3), span(tr, 4, { parentSpanId: '', isRoot: true, tenant: 'root-tenant', contextResolved: true })]);
    const [c] = await pendingFor(tr);
    expect(await correctTrace(store, c!)).toMatchObject({ rows: 2 }); // span 2 (unresolved) and 3
    await markCorrectionsChecked(store, [c!]);
    const rows = await store.query<{ span_id: string; tenant: string; context_resolved: boolean }>(sql`
      SELECT span_id, tenant, context_resolved FROM spans FINAL WHERE trace_id = ${tr} ORDER BY span_id`);
    expect(rows.map((r) => [Number(r.span_id), r.tenant, r.context_resolved])).toEqual([
      [2, 'own-tenant', true], // a span's own value is never overwritten
      [3, 'root-tenant', true],
      [4, 'root-tenant', true],
    ]);
    // The rewrite itself updated the trace, so it is looked at once more: nothing left to do.
    const again = await pendingFor(tr);
    expect(again).toHaveLength(1);
    expect(await correctTrace(store, again[0]!)).toEqual({ rows: 0, hours: 0 });
    await markCorrectionsChecked(store, again);
    expect(await pendingFor(tr)).toEqual([]);
    // A duplicate delivery without context (another collector) makes it pending again.
    await insertSpanRows(store, [span(tr, 3, { version: rowVersion(false, Date.now() + 1) })]);
    expect(await pendingFor(tr)).toHaveLength(1);
  });

  it('does not list traces with nothing to correct', async () => {
    const complete = traceId();
    await insertSpanRows(store, [span(complete, 2, { parentSpanId: '', isRoot: true, tenant: 'a', requestType: 'r', sessionId: 's', userId: 'u', route: '/r', contextResolved: true })]);
    const untagged = traceId();
    await insertSpanRows(store, [span(untagged, 2), span(untagged, 3)]);
    expect(await pendingFor(complete)).toEqual([]);
    expect(await pendingFor(untagged)).toEqual([]);
  });
});
