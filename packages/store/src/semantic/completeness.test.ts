import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { baseSpan, buildFixture, FIXTURE_START, insertFixture, insertSpanRows } from '../queries/fixtures.ts';
import { DIMENSIONS, MEASURES, queryMetrics, QueryError, topByDimensions, type MetricRow, type MetricsQuery } from './index.ts';

/**
 * Numbers that add up: every additive measure grouped by any dimension sums to its total (the
 * empty group included), and a limit never drops groups silently (the result says what it left
 * out, and a cursor pages through the rest).
 */
let store: Store;
const from = FIXTURE_START;
const to = new Date(FIXTURE_START.getTime() + 60 * 60_000);
const MS = 1_000_000n;
const t0 = BigInt(FIXTURE_START.getTime()) * MS;

/** Spans the fixture lacks: no tenant / request type, a model call outside any agent with no model names, one without a response model. */
function orphans() {
  const traceId = 'aaaa0000000000000000000000000001';
  const at = (ms: bigint, dur: bigint) => ({ startTimeUnixNano: t0 + ms * MS, endTimeUnixNano: t0 + (ms + dur) * MS });
  return [
    baseSpan({ traceId, spanId: 'aaaa000000000001', name: 'GET /health', category: 'chain', usageCounted: false, ...at(90_000n, 50n), statusCode: 'ok' }),
    baseSpan({ traceId, spanId: 'aaaa000000000002', parentSpanId: 'aaaa000000000001', name: 'chat', category: 'llm', operation: 'chat',
      ...at(90_010n, 30n), inputTokens: 70, outputTokens: 9, costUsd: '0.000123456789', pricingStatus: 'priced', statusCode: 'error' }),
    baseSpan({ traceId, spanId: 'aaaa000000000003', parentSpanId: 'aaaa000000000001', name: 'chat gpt-4o', category: 'llm', operation: 'chat',
      requestModel: 'gpt-4o', provider: 'openai', agentName: 'planner', ...at(90_020n, 20n), inputTokens: 11, outputTokens: 2,
      costUsd: '0.000000000007', pricingStatus: 'priced', statusCode: 'ok' }),
  ];
}

const pico = (v: string | number | null | undefined): bigint => {
  const [i, f = ''] = String(v ?? '0').split('.');
  return BigInt(i!) * 10n ** 12n + BigInt((f + '0'.repeat(12)).slice(0, 12)) * (String(v).startsWith('-') ? -1n : 1n);
};
const ADDITIVE = MEASURES.filter((m) => m.additive && m.view === undefined).map((m) => m.name);
const USAGE = MEASURES.filter((m) => m.additive && m.spanSet !== 'subject' && m.view === undefined).map((m) => m.name);
const sum = (rows: readonly MetricRow[], m: string) => rows.reduce((a, r) => a + pico(r[m]), 0n);
const q = (over: Partial<MetricsQuery>) => queryMetrics(store, { projectId: 'default', from, to, measures: ADDITIVE, exactMoney: true, ...over });

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-complete-'))));
  await store.migrate();
  await insertFixture(store, buildFixture());
  await insertSpanRows(store, orphans());
});
afterAll(async () => store?.close());

describe('breakdowns add up', () => {
  // GPU dimensions belong to the metric-points view (gpu-view.test.ts), not to span measures.
  it.each(DIMENSIONS.filter((d) => d.kind !== 'gpu').map((d) => d.name))('grouped by %s: usage measures sum to the total, the empty group included', async (d) => {
    const total = (await q({})).rows[0]!;
    const grouped = await q({ groupBy: [d] });
    expect(grouped.leftOut).toBeNull();
    for (const m of USAGE) expect(sum(grouped.rows, m), `${m} by ${d}`).toBe(pico(total[m]));
    // Requests and errors too, for dimensions that do not change what a request is.
    if (DIMENSIONS.find((x) => x.name === d)!.kind !== 'subject') {
      for (const m of ['requests', 'errors']) expect(sum(grouped.rows, m), `${m} by ${d}`).toBe(pico(total[m]));
    }
  });

  it('the empty group is a row of its own: (no agent), (no model), (no response model), (no tenant)', async () => {
    for (const d of ['agent', 'model', 'response_model', 'tenant']) {
      const r = await q({ groupBy: [d], measures: ['cost_usd', 'requests'] });
      const empty = r.rows.find((x) => x[d] === '');
      expect(empty, d).toBeDefined();
      expect(pico(empty!.cost_usd), d).toBeGreaterThan(0n);
    }
    // The model call without a model is a request of the empty model group; percentiles show for it.
    const byModel = await q({ groupBy: ['model'], measures: ['requests', 'p95_latency_ms'] });
    expect(byModel.rows.find((x) => x.model === '')).toMatchObject({ requests: 1, p95_latency_ms: 30 });
    // No agent run lacks a name: the empty agent group has cost but no requests of its own, so a
    // latency-only breakdown does not show it.
    const byAgent = await q({ groupBy: ['agent'], measures: ['p95_latency_ms'] });
    expect(byAgent.rows.map((x) => x.agent)).not.toContain('');
    // Filtering for the empty value selects exactly the empty group.
    const onlyEmpty = await q({ filters: { agent: [''] }, measures: ['cost_usd'] });
    expect(onlyEmpty.rows[0]!.cost_usd).toBe((await q({ groupBy: ['agent'], measures: ['cost_usd'] })).rows.find((x) => x.agent === '')!.cost_usd);
  });

  it('grouped sets (one scan, several rankings) add up the same way', async () => {
    const total = (await q({})).rows[0]!;
    const dims = DIMENSIONS.filter((d) => d.rollup).map((d) => d.name).slice(0, 8);
    const sets = await topByDimensions(store, { projectId: 'default', from, to, measures: USAGE, dimensions: dims, limit: 100, exactMoney: true });
    for (const d of dims) {
      expect(sets[d]!.leftOut, d).toBeNull();
      for (const m of USAGE) expect(sum(sets[d]!.rows, m), `${m} by ${d}`).toBe(pico(total[m]));
    }
  });
});

describe('limits never cut silently', () => {
  it('grouped sets say, per ranking, what their top N left out', async () => {
    const total = (await q({ measures: USAGE })).rows[0]!;
    const sets = await topByDimensions(store, { projectId: 'default', from, to, measures: USAGE, dimensions: ['model', 'tenant'], limit: 1, exactMoney: true });
    for (const d of ['model', 'tenant']) {
      const all = await q({ groupBy: [d], measures: USAGE });
      expect(sets[d]!.rows, d).toHaveLength(1);
      expect(sets[d]!.leftOut!.groups, d).toBe(all.rows.length - 1);
      for (const m of USAGE) expect(sum(sets[d]!.rows, m) + pico(sets[d]!.leftOut!.totals[m]), `${m} by ${d}`).toBe(pico(total[m]));
    }
  });

  it('says how many groups a limit left out and their totals; rows + left out = total', async () => {
    const total = (await q({})).rows[0]!;
    const all = await q({ groupBy: ['tenant', 'model', 'request_type'] });
    expect(all.leftOut).toBeNull();
    expect(all.nextCursor).toBeNull();
    const page = await q({ groupBy: ['tenant', 'model', 'request_type'], limit: 3 });
    expect(page.rows).toEqual(all.rows.slice(0, 3));
    expect(page.leftOut).not.toBeNull();
    expect(page.leftOut!.groups).toBe(all.rows.length - 3);
    // Requests by a model dimension are model calls (the subject): compare with all groups; usage
    // measures also equal the ungrouped total.
    for (const m of ADDITIVE) expect(sum(page.rows, m) + pico(page.leftOut!.totals[m]), m).toBe(sum(all.rows, m));
    for (const m of USAGE) expect(sum(all.rows, m), m).toBe(pico(total[m]));
    expect(Object.keys(page.leftOut!.totals).sort()).toEqual([...ADDITIVE].sort());
  });

  it.each([['cost_usd', 'desc'], ['requests', 'asc'], ['p95_latency_ms', 'desc'], ['error_rate', 'asc']] as const)(
    'a cursor pages through every group exactly once (order by %s %s)', async (orderBy, order) => {
      const base = { groupBy: ['tenant', 'model'], measures: ['cost_usd', 'requests', 'p95_latency_ms', 'error_rate'], orderBy, order } as const;
      const all = await q(base);
      const seen: MetricRow[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await q({ ...base, limit: 2, cursor });
        seen.push(...page.rows);
        const left = page.leftOut?.groups ?? 0;
        expect(left).toBe(all.rows.length - seen.length);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(all.rows);
    });

  it('a cursor from another query is a 400 naming cursor', async () => {
    const page = await q({ groupBy: ['tenant'], limit: 1 });
    await expect(q({ groupBy: ['model'], limit: 1, cursor: page.nextCursor! })).rejects.toThrow(QueryError);
    await expect(q({ groupBy: ['tenant'], limit: 1, cursor: 'garbage' })).rejects.toMatchObject({ field: 'cursor' });
  });

  it('time series: the limit counts series, not points', async () => {
    const all = await q({ groupBy: ['tenant'], measures: ['cost_usd', 'requests'], intervalMs: 600_000 });
    const tenants = new Set(all.rows.map((r) => r.tenant));
    expect(tenants.size).toBe(4);
    const top = await q({ groupBy: ['tenant'], measures: ['cost_usd', 'requests'], intervalMs: 600_000, limit: 2 });
    expect(new Set(top.rows.map((r) => r.tenant)).size).toBe(2);
    expect(top.rows.length).toBe(2 * 6);
    expect(top.leftOut!.groups).toBe(2);
    expect(sum(top.rows, 'cost_usd') + pico(top.leftOut!.totals.cost_usd)).toBe(sum(all.rows, 'cost_usd'));
    // Without groupBy every bucket is returned whatever the limit (points are not groups).
    const series = await q({ measures: ['requests'], intervalMs: 60_000, limit: 5 });
    expect(series.rows).toHaveLength(60);
    expect(series.leftOut).toBeNull();
  });
});
