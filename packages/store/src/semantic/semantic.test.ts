import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { sql } from '../sql.ts';
import { testStoreConfig } from '../testing.ts';
import { buildFixture, decimalToPico, FIXTURE_START, insertFixture, picoToDecimal } from '../queries/fixtures.ts';
import type { SpanRow } from '../spans.ts';
import { queryMetrics, QueryError, subjectPredicate, topByDimensions, type MetricsQuery } from './index.ts';

let store: Store;
const fixture = buildFixture();
const from = FIXTURE_START;
const to = new Date(FIXTURE_START.getTime() + 60 * 60_000);

/** Exact cost of usage-counted spans, in picodollars, from the logical spans. */
function costPico(pred: (s: SpanRow) => boolean = () => true): bigint {
  return fixture.spans
    .filter((s) => s.usageCounted && pred(s))
    .reduce((sum, s) => sum + BigInt(s.costUsd.replace('.', '')), 0n);
}

/** R-7 (linear interpolation) quantile, the definition the layer documents. */
function r7(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  return v[lo]! + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] ?? 0) - v[lo]!);
}

const q = (over: Partial<MetricsQuery>) => queryMetrics(store, { projectId: 'default', from, to, measures: ['requests'], ...over });

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-semantic-'))));
  await store.migrate();
  await insertFixture(store, fixture);
});
afterAll(async () => store?.close());

describe('queryMetrics', () => {
  it('reads through FINAL: duplicates and stale copies are stored but never counted', async () => {
    const [raw] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans`);
    expect(raw!.n).toBeGreaterThan(fixture.spans.length);
    const r = await q({ measures: ['requests', 'spans', 'errors', 'error_rate', 'llm_calls', 'input_tokens', 'cost_usd'], exactMoney: true });
    expect(r.rows).toEqual([
      {
        requests: 12,
        spans: 72,
        errors: 3,
        error_rate: 0.25,
        llm_calls: 24,
        input_tokens: fixture.spans.filter((s) => s.usageCounted).reduce((a, s) => a + s.inputTokens, 0),
        cost_usd: '0.084765',
      },
    ]);
    expect(picoToDecimal(costPico())).toBe('0.084765000000');
    expect(r.measures[6]).toEqual({ name: 'cost_usd', label: 'Cost', unit: 'usd', approximate: false });
    expect(r.source).toBe('spans');
  });

  it('returns money as a JSON number by default', async () => {
    const r = await q({ measures: ['cost_usd'] });
    expect(r.rows[0]!.cost_usd).toBeCloseTo(Number(picoToDecimal(costPico())), 12);
  });

  it('request latency percentiles range over root spans (R-7 interpolation)', async () => {
    const roots = fixture.spans.filter((s) => s.parentSpanId === '').map((s) => Number((s.endTimeUnixNano - s.startTimeUnixNano) / 1_000_000n));
    const r = await q({ measures: ['p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'avg_latency_ms'] });
    expect(r.rows[0]).toEqual({ p50_latency_ms: 1550, p95_latency_ms: 2045, p99_latency_ms: 2089, avg_latency_ms: 1550 });
    expect(r7(roots, 0.95)).toBe(2045);
  });

  it('a subject dimension switches requests and latency to the spans of that kind', async () => {
    const r = await q({ measures: ['requests', 'p95_latency_ms', 'cost_usd'], groupBy: ['model'], exactMoney: true });
    expect(r.rows).toEqual([
      { model: 'gpt-4o', requests: 12, p95_latency_ms: 300, cost_usd: '0.054165' },
      { model: 'claude-sonnet-4', requests: 10, p95_latency_ms: 200, cost_usd: '0.0306' },
      { model: 'mystery-model', requests: 2, p95_latency_ms: 200, cost_usd: '0' },
    ]);
    expect(decimalToPico('0.054165')).toBe(costPico((s) => s.requestModel === 'gpt-4o'));
    const agents = await q({ measures: ['requests', 'errors'], groupBy: ['agent'], orderBy: 'requests' });
    expect(agents.rows).toEqual([
      { agent: 'planner', requests: 12, errors: 3 },
      { agent: 'researcher', requests: 12, errors: 3 },
    ]);
    expect(subjectPredicate(['tenant'])).toBe('is_request');
    expect(subjectPredicate(['agent', 'model'])).toBe('(usage_counted)');
  });

  it('groups and filters by tenant; per-tenant cost adds up to the total', async () => {
    const r = await q({ measures: ['requests', 'cost_usd', 'unpriced_spans'], groupBy: ['tenant'], orderBy: 'requests', exactMoney: true });
    expect(r.rows.map((x) => x.tenant).sort()).toEqual(['acme', 'globex', 'initech']);
    for (const row of r.rows) {
      expect(row.requests).toBe(4);
      expect(decimalToPico(String(row.cost_usd))).toBe(costPico((s) => s.tenant === row.tenant));
    }
    expect(r.rows.reduce((a, x) => a + decimalToPico(String(x.cost_usd)), 0n)).toBe(costPico());
    expect(r.rows.reduce((a, x) => a + Number(x.unpriced_spans), 0)).toBe(2);
    const acme = await q({ measures: ['requests', 'ttft_p50_ms'], filters: { tenant: ['acme'] } });
    expect(acme.rows).toEqual([{ requests: 4, ttft_p50_ms: r7([100, 130, 160, 190], 0.5) }]);
    const hosts = await q({ groupBy: ['host', 'status'], orderBy: 'requests' });
    expect(hosts.rows).toContainEqual({ host: 'web-1', status: 'error', requests: 3 });
  });

  it('buckets time and fills gaps (0 for counts, null for percentiles)', async () => {
    const early = new Date(FIXTURE_START.getTime() - 30 * 60_000);
    const r = await queryMetrics(store, { projectId: 'default', from: early, to, intervalMs: 15 * 60_000, measures: ['requests', 'p50_latency_ms'] });
    const day = FIXTURE_START.toISOString().slice(0, 11);
    expect(r.rows.map((x) => x.time)).toEqual(['10:00', '10:15', '10:30', '10:45', '11:00', '11:15'].map((hm) => `${day}${hm}:00.000Z`));
    expect(r.rows.map((x) => x.requests)).toEqual([0, 0, 3, 3, 3, 3]);
    expect(r.rows[0]!.p50_latency_ms).toBeNull();
    expect(r.rows[2]!.p50_latency_ms).toBe(1100);
    const series = await q({ intervalMs: 30 * 60_000, groupBy: ['request_type'], measures: ['requests'] });
    expect(series.rows).toHaveLength(4);
    expect(series.rows.filter((x) => x.request_type === 'chat').map((x) => x.requests)).toEqual([3, 3]);
  });

  it('topByDimensions gives, in one scan, what queryMetrics gives per dimension', async () => {
    const dims = ['model', 'tenant', 'agent', 'request_type', 'status'];
    const measures = ['cost_usd', 'requests', 'errors', 'total_tokens', 'p95_latency_ms'];
    const sets = await topByDimensions(store, { projectId: 'default', from, to, measures, dimensions: dims, orderBy: 'requests', limit: 2, filters: { service: ['api'] } });
    for (const d of dims) {
      const single = await q({ measures, groupBy: [d], orderBy: 'requests', limit: 2, filters: { service: ['api'] } });
      // Same rows and the same account of what the limit left out; only the single query pages on.
      expect({ ...sets[d], nextCursor: single.nextCursor }, d).toEqual(single);
    }
  });

  it('scopes by project and time', async () => {
    expect((await q({ projectId: 'other' })).rows).toEqual([{ requests: 0 }]);
    const later = await queryMetrics(store, { projectId: 'default', measures: ['requests'], from: to, to: new Date(to.getTime() + 3600_000) });
    expect(later.rows).toEqual([{ requests: 0 }]);
  });

  it.each([
    [{ measures: ['p97_latency_ms'] }, 'measures', /unknown measure `p97_latency_ms`; known: requests, spans/],
    [{ measures: [] }, 'measures', /at least one measure/],
    [{ groupBy: ['colour'] }, 'groupBy', /unknown dimension `colour`/],
    [{ filters: { colour: ['red'] } }, 'filter[colour]', /unknown dimension/],
    [{ filters: { tenant: [] } }, 'filter[tenant]', /at least one/],
    [{ from: 'yesterday' }, 'from', /ISO 8601/],
    [{ to: from }, 'to', /after `from`/],
    [{ intervalMs: 1500 }, 'interval', /whole number of seconds/],
    [{ intervalMs: 1000, from: new Date(0) }, 'interval', /too small/],
    [{ limit: 0 }, 'limit', /limit/],
    [{ orderBy: 'errors' }, 'orderBy', /requested measures/],
  ] as [Partial<MetricsQuery>, string, RegExp][])('rejects %j naming %s', async (over, field, message) => {
    const err = await q(over).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).field).toBe(field);
    expect((err as QueryError).message).toMatch(message);
  });
});
