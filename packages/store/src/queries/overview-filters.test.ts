import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { QueryError } from '../semantic/errors.ts';
import { buildFixture, decimalToPico, FIXTURE_START, fixtureTraceId, insertFixture, picoToDecimal } from './fixtures.ts';
import { listTraces, overview, summarizeTraces, type ListTracesQuery } from './index.ts';

/**
 * Wrong answer 4 of issue 8: the overview's headline numbers were always over ALL traffic. Its
 * global filters (service, environment, tenant, request type) narrow every tile, series point and
 * table row, and the explorer's summary answers the same numbers for the same set of traces.
 */
let store: Store;
const fixture = buildFixture();
const from = FIXTURE_START;
const to = new Date(FIXTURE_START.getTime() + 3_600_000);
const P = 'default';
const traceIdx = (traceId: string) => parseInt(traceId.slice(4), 16);
const list = (over: Partial<ListTracesQuery> = {}) => listTraces(store, { projectId: P, from, to, limit: 200, ...over });

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-ovfilters-'))));
  await store.migrate();
  await insertFixture(store, fixture);
});
afterAll(async () => store?.close());

describe('overview global filters', () => {
  it('narrows the KPIs, the series and every top table', async () => {
    const all = await overview(store, P, from, to, 15 * 60_000);
    const acme = await overview(store, P, from, to, 15 * 60_000, { tenant: ['acme'] });
    expect(all.kpis.requests).toBe(12);
    // acme: traces 0, 3, 6, 9 (3 failed).
    expect(acme.kpis).toMatchObject({ requests: 4, errors: 1 });
    expect(acme.series.reduce((a, r) => a + Number(r.requests), 0)).toBe(4);
    expect(acme.top.tenants.map((r) => r.key)).toEqual(['acme']);
    expect(acme.top.requestTypes.reduce((a, r) => a + Number(r.requests), 0)).toBe(4);
    const acmeCost = fixture.spans.filter((s) => s.tenant === 'acme' && s.usageCounted).reduce((a, s) => a + decimalToPico(s.costUsd), 0n);
    expect(acme.kpis.cost_usd).toBe(Number(picoToDecimal(acmeCost)));
    expect(acme.filters).toEqual({ tenant: ['acme'] });
  });

  it('combines filters (AND across dimensions, OR within one)', async () => {
    const o = await overview(store, P, from, to, undefined, { tenant: ['acme', 'globex'], request_type: ['summarize'], environment: ['test'], service: ['api'] });
    // summarize = odd traces; acme or globex = i % 3 in {0, 1}: 1, 3, 7, 9.
    expect(o.kpis.requests).toBe(4);
    expect((await overview(store, P, from, to, undefined, { environment: ['prod'] })).kpis.requests).toBe(0);
  });

  it('rejects a filter on a dimension the overview does not offer', async () => {
    const e = await overview(store, P, from, to, undefined, { model: ['gpt-4o'] } as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QueryError);
    expect((e as QueryError).field).toBe('filter');
  });
});

describe('trace list: environment, model by prefix, tokens and errors sorts', () => {
  it('filters by the root environment', async () => {
    expect((await list({ environment: ['test'] })).items).toHaveLength(12);
    expect((await list({ environment: ['prod'] })).items).toHaveLength(0);
  });

  it('matches the requested OR the served model, as a family (its versions), or by prefix with *', async () => {
    // Requested `mystery-model`, served `mystery-model-2025` (traces 4 and 9).
    expect((await list({ model: ['mystery-model'] })).items.map((t) => traceIdx(t.traceId))).toEqual([9, 4]);
    expect((await list({ model: ['mystery*'] })).items.map((t) => traceIdx(t.traceId))).toEqual([9, 4]);
    // A shared prefix is not a version: `mystery` is not `mystery-model` (as `gpt-4o` is not `gpt-4o-mini`).
    expect((await list({ model: ['mystery'] })).items).toHaveLength(0);
    expect((await list({ model: ['gpt-4'] })).items).toHaveLength(0);
    expect((await list({ model: ['claude-sonnet-4'] })).items).toHaveLength(10);
    expect((await list({ model: ['mystery-model-2025'] })).items.map((t) => traceIdx(t.traceId))).toEqual([9, 4]);
    expect((await list({ model: ['claude-sonnet-4-2025'] })).items).toHaveLength(10);
    expect((await list({ model: ['nope'] })).items).toHaveLength(0);
  });

  it('sorts by tokens and by errors, with a cursor', async () => {
    const byTokens = (await list({ sort: 'totalTokens' })).items;
    const tokens = byTokens.map((t) => t.inputTokens + t.outputTokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => b - a));
    expect(byTokens[0]!.traceId).toBe(fixtureTraceId(11));
    const byErrors = (await list({ sort: 'errorCount', limit: 3 }));
    expect(byErrors.items.map((t) => traceIdx(t.traceId)).sort((a, b) => a - b)).toEqual([3, 7, 11]);
    const next = await list({ sort: 'errorCount', limit: 3, cursor: byErrors.nextCursor! });
    expect(next.items.every((t) => t.errorCount === 0)).toBe(true);
  });
});

describe('summarizeTraces', () => {
  it('answers count, errors, p50/p95, cost and tokens for the list filter in one query', async () => {
    const s = await summarizeTraces(store, { projectId: P, from, to, tenant: ['acme'] });
    const acme = fixture.spans.filter((x) => x.tenant === 'acme');
    const roots = acme.filter((x) => x.parentSpanId === '');
    expect(s.traces).toBe(4);
    expect(s.failed).toBe(1);
    expect(s.withErrors).toBe(1);
    const cost = acme.filter((x) => x.usageCounted).reduce((a, x) => a + decimalToPico(x.costUsd), 0n);
    expect(decimalToPico(s.costUsdExact)).toBe(cost);
    expect(s.costUsd).toBe(Number(picoToDecimal(cost)));
    expect(s.unpricedSpans).toBe(acme.filter((x) => x.usageCounted && x.pricingStatus === 'unpriced').length);
    expect(s.inputTokens).toBe(acme.filter((x) => x.usageCounted).reduce((a, x) => a + x.inputTokens, 0));
    expect(s.outputTokens).toBe(acme.filter((x) => x.usageCounted).reduce((a, x) => a + x.outputTokens, 0));
    const durs = roots.map((r) => Number(r.endTimeUnixNano - r.startTimeUnixNano) / 1e6).sort((a, b) => a - b);
    expect(s.p50DurationMs).toBeGreaterThanOrEqual(durs[1]!);
    expect(s.p50DurationMs).toBeLessThanOrEqual(durs[2]!);
    expect(s.p95DurationMs).toBeGreaterThanOrEqual(durs[2]!);
    expect(s.p95DurationMs).toBeLessThanOrEqual(durs[3]!);
  });

  it('uses the same set as the list, including span-level and per-trace filters', async () => {
    for (const q of [{ model: ['mystery-model'] }, { status: 'error' as const }, { minCostUsd: 0.005 }, { text: 'summar', minDurationMs: 1500 }, {}]) {
      const page = await list(q);
      const s = await summarizeTraces(store, { projectId: P, from, to, ...q });
      expect(s.traces).toBe(page.items.length);
      expect(s.failed).toBe(page.items.filter((t) => t.status === 'error').length);
      expect(s.inputTokens).toBe(page.items.reduce((a, t) => a + t.inputTokens, 0));
      expect(decimalToPico(s.costUsdExact)).toBe(page.items.reduce((a, t) => a + decimalToPico(t.costUsdExact), 0n));
    }
  });

  it('is zero, not missing, on an empty set', async () => {
    const s = await summarizeTraces(store, { projectId: P, from, to, tenant: ['nobody'] });
    expect(s).toMatchObject({ traces: 0, failed: 0, withErrors: 0, p50DurationMs: null, p95DurationMs: null, costUsd: 0, inputTokens: 0, unpricedSpans: 0 });
  });
});
