import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import type { SpanRow } from '../spans.ts';
import { QueryError } from '../semantic/errors.ts';
import { buildFixture, decimalToPico, FIXTURE_START, fixtureTraceId, insertFixture, picoToDecimal } from './fixtures.ts';
import { filterOptions, getSpanDetail, getTrace, isoToEpochMs, traceExists, listConversation, listTraces, overview, TRACE_SORTS, type ListTracesQuery } from './index.ts';

let store: Store;
const fixture = buildFixture();
const from = FIXTURE_START;
const to = new Date(FIXTURE_START.getTime() + 3_600_000);
const P = 'default';

const traceCost = (traceId: string, pred: (s: SpanRow) => boolean = () => true) =>
  fixture.spans.filter((s) => s.traceId === traceId && s.usageCounted && pred(s)).reduce((a, s) => a + decimalToPico(s.costUsd), 0n);
const list = (over: Partial<ListTracesQuery> = {}) => listTraces(store, { projectId: P, from, to, ...over });
const ids = (items: { traceId: string }[]) => items.map((t) => t.traceId);
const traceIdx = (traceId: string) => parseInt(traceId.slice(4), 16);

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-queries-'))));
  await store.migrate();
  await insertFixture(store, fixture);
});
afterAll(async () => store?.close());

describe('getTrace / getSpanDetail', () => {
  it('returns every span once, in the canonical shape', async () => {
    const t = await getTrace(store, P, fixtureTraceId(0));
    expect(t!.spans).toHaveLength(6);
    expect(new Set(t!.spans.map((s) => s.spanId)).size).toBe(6);
    const root = t!.spans[0]!;
    expect(root).toMatchObject({ parentSpanId: '', name: 'POST /chat', durationMs: 1000, status: 'ok', tenant: 'acme', kind: 'server' });
    expect(root.startTime).toBe(FIXTURE_START.toISOString().replace('Z', '000Z'));
    expect(isoToEpochMs(root.startTime)).toBe(FIXTURE_START.getTime());
    const llm = t!.spans.find((s) => s.model === 'gpt-4o')!;
    expect(llm).toMatchObject({ category: 'llm', agent: 'planner', inputTokens: 1000, usageCounted: true, pricingStatus: 'priced', kind: 'client', ttftMs: 100 });
    expect(llm.costUsd).toBe(Number(picoToDecimal(traceCost(fixtureTraceId(0), (s) => s.requestModel === 'gpt-4o'))));
    expect(Object.keys(llm)).not.toContain('attributes');
  });

  it('is null for unknown traces and other projects', async () => {
    expect(await getTrace(store, P, 'ffffffffffffffffffffffffffffffff')).toBeNull();
    expect(await getTrace(store, 'other', fixtureTraceId(0))).toBeNull();
  });

  it('traceExists answers from trace_index, per project', async () => {
    expect(await traceExists(store, P, fixtureTraceId(0))).toBe(true);
    expect(await traceExists(store, P, 'ffffffffffffffffffffffffffffffff')).toBe(false);
    expect(await traceExists(store, 'other', fixtureTraceId(0))).toBe(false);
  });

  it('gives one span with attributes, texts and the resolved context', async () => {
    const t = await getTrace(store, P, fixtureTraceId(1));
    const llm = t!.spans.find((s) => s.model === 'gpt-4o')!;
    const d = await getSpanDetail(store, P, fixtureTraceId(1), llm.spanId);
    expect(d).toMatchObject({ tenant: 'globex', requestType: 'summarize', contextResolved: true, inputText: 'question 1', outputText: 'answer 1' });
    expect(d!.attributes).toEqual({ 'gen_ai.request.temperature': '0.2' });
    expect(d!.resourceAttributes).toEqual({ 'host.name': 'web-1' });
    expect(decimalToPico(d!.costUsdExact)).toBe(traceCost(fixtureTraceId(1), (s) => s.spanId === llm.spanId));
    expect(await getSpanDetail(store, P, fixtureTraceId(1), 'nope')).toBeNull();
  });
});

describe('listTraces', () => {
  it('lists one row per trace, newest first, with exact per-trace aggregates', async () => {
    const page = await list();
    expect(page.items.map((t) => traceIdx(t.traceId))).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(page.nextCursor).toBeNull();
    const t0 = page.items.at(-1)!;
    expect(t0).toMatchObject({
      rootName: 'POST /chat', service: 'api', durationMs: 1000, spanCount: 6, errorCount: 0, status: 'ok', tenant: 'acme',
      requestType: 'chat', sessionId: 'sess-acme', models: ['claude-sonnet-4', 'gpt-4o'], agents: ['planner', 'researcher'],
      inputTokens: 1500, outputTokens: 300,
    });
    expect(decimalToPico(t0.costUsdExact)).toBe(traceCost(t0.traceId));
    expect(page.items.find((t) => traceIdx(t.traceId) === 3)).toMatchObject({ status: 'error', errorCount: 4 });
  });

  it.each([
    [{ tenant: ['acme'] }, [9, 6, 3, 0]],
    [{ status: 'error' as const }, [11, 7, 3]],
    [{ status: 'ok' as const, requestType: ['summarize'] }, [9, 5, 1]],
    [{ minDurationMs: 2000 }, [11, 10]],
    [{ sessionId: 'sess-acme', status: 'error' as const }, [3]],
    [{ model: ['mystery-model'] }, [9, 4]],
    [{ model: ['mystery-model'], tenant: ['globex'] }, [4]],
    [{ agent: ['researcher'], service: ['api'] }, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
    [{ attributes: { 'search.query': 'weather' } }, [10, 8, 6, 4, 2, 0]],
    [{ attributes: { 'search.query': 'weather', 'host.name': 'web-2' } }, [10, 8, 6, 4, 2, 0]],
    [{ attributes: { 'search.query': 'weather', 'http.route': '/summarize' } }, []],
    [{ text: 'SUMMAR' }, [11, 9, 7, 5, 3, 1]],
    [{ text: 'mystery', status: 'ok' as const }, [9, 4]],
  ])('filters %j', async (filters, expected) => {
    expect((await list(filters)).items.map((t) => traceIdx(t.traceId))).toEqual(expected);
  });

  it('filters and sorts by per-trace cost', async () => {
    const costs = fixture.spans.filter((s) => s.parentSpanId === '').map((s) => ({ id: s.traceId, pico: traceCost(s.traceId) }));
    const byCost = [...costs].sort((a, b) => (a.pico < b.pico ? 1 : a.pico > b.pico ? -1 : a.id < b.id ? 1 : -1));
    expect(ids((await list({ sort: 'costUsd' })).items)).toEqual(byCost.map((c) => c.id));
    const threshold = byCost[3]!.pico;
    const min = await list({ minCostUsd: Number(picoToDecimal(threshold)), sort: 'durationMs', order: 'asc' });
    expect(new Set(ids(min.items))).toEqual(new Set(byCost.slice(0, 4).map((c) => c.id)));
  });

  it.each(TRACE_SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((order) => [sort, order] as const)))(
    'pages by %s %s without gaps or duplicates',
    async (sort, order) => {
      const full = ids((await list({ sort, order, limit: 200 })).items);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await list({ sort, order, limit: 5, cursor });
        seen.push(...ids(page.items));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(full);
      expect(new Set(seen).size).toBe(12);
    },
  );

  it('rejects bad input naming the field', async () => {
    const bad = async (over: Partial<ListTracesQuery>) => ((await list(over).catch((e: unknown) => e)) as QueryError).field;
    expect(await bad({ limit: 201 })).toBe('limit');
    expect(await bad({ sort: 'name' as never })).toBe('sort');
    expect(await bad({ cursor: 'garbage' })).toBe('cursor');
    const next = (await list({ limit: 2 })).nextCursor!;
    expect(await bad({ cursor: next, sort: 'costUsd' })).toBe('cursor');
    expect(await bad({ minDurationMs: -1 })).toBe('minDurationMs');
    expect(await bad({ from: 'soon' })).toBe('from');
  });
});

describe('conversation, overview, filter options', () => {
  it('lists a session turn by turn with the exact total', async () => {
    const c = await listConversation(store, P, 'sess-acme');
    expect(c.traces.map((t) => traceIdx(t.traceId))).toEqual([0, 3, 6, 9]);
    expect(c.traces[0]).toMatchObject({ input: 'user message 0', output: 'reply 0' });
    const total = [0, 3, 6, 9].reduce((a, i) => a + traceCost(fixtureTraceId(i)), 0n);
    expect(decimalToPico(c.totalCostUsdExact)).toBe(total);
    expect(c.truncated).toBe(false);
    expect((await listConversation(store, P, 'nobody')).traces).toEqual([]);
  });

  it('builds the overview from the semantic layer', async () => {
    const o = await overview(store, P, from, to, 15 * 60_000);
    expect(o.kpis).toMatchObject({ requests: 12, errors: 3, error_rate: 0.25, p50_latency_ms: 1550, llm_calls: 24, unpriced_spans: 2 });
    expect(o.series.map((r) => r.requests)).toEqual([3, 3, 3, 3]);
    expect(o.top.tenants.map((r) => r.key).sort()).toEqual(['acme', 'globex', 'initech']);
    expect(o.top.models[0]).toMatchObject({ key: 'gpt-4o', requests: 12 });
    expect(o.top.agents.map((r) => r.requests)).toEqual([12, 12]);
    expect(o.top.requestTypes).toHaveLength(2);
    const all = fixture.spans.filter((s) => s.usageCounted).reduce((a, s) => a + decimalToPico(s.costUsd), 0n);
    expect(o.kpis.cost_usd).toBe(Number(picoToDecimal(all)));
    // Unpriced spend is counted wherever cost is shown, so the UI never prints an unknown cost as $0.
    const unpricedModel = o.top.models.find((r) => r.key === 'mystery-model')!;
    expect(unpricedModel).toMatchObject({ unpriced_spans: 2, cost_usd: 0 });
    expect(o.top.tenants.reduce((a, r) => a + (r.unpriced_spans ?? 0), 0)).toBe(2);
    expect(o.series.reduce((a, r) => a + Number(r.unpriced_spans), 0)).toBe(2);
  });

  it('counts unpriced spans per trace in the list and the conversation', async () => {
    const unpricedByTrace = new Map<string, number>();
    for (const s of fixture.spans) if (s.usageCounted && s.pricingStatus === 'unpriced') unpricedByTrace.set(s.traceId, (unpricedByTrace.get(s.traceId) ?? 0) + 1);
    expect(unpricedByTrace.size).toBeGreaterThan(0);
    const page = await list({ limit: 50 });
    for (const t of page.items) expect(t.unpricedSpans).toBe(unpricedByTrace.get(t.traceId) ?? 0);
    const c = await listConversation(store, P, 'sess-acme');
    expect(c.unpricedSpans).toBe(c.traces.reduce((a, t) => a + t.unpricedSpans, 0));
  });

  it('offers distinct values for dropdowns', async () => {
    expect(await filterOptions(store, P, from, to)).toEqual({
      services: ['api', 'search-svc'],
      environments: ['test'],
      tenants: ['acme', 'globex', 'initech'],
      requestTypes: ['chat', 'summarize'],
      models: ['claude-sonnet-4', 'gpt-4o', 'mystery-model'],
      agents: ['planner', 'researcher'],
    });
  });
});
