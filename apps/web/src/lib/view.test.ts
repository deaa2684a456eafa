import { FIXTURE_START, fixtureTraceId } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../server/router.ts';
import { openTestWorld, type TestWorld } from '../server/testing.ts';
import { formatCost } from './format.ts';
import { isoToMs, overviewView, sessionView, spanDetailView, traceListView, traceView } from './view.ts';

/** The view conversions over REAL procedure outputs (the query fixture in an embedded store). */
let w: TestWorld;
const from = FIXTURE_START.getTime();
const to = from + 3_600_000;
const caller = () => createCaller({ store: w.store, user: w.user, projectId: 'default' });
// Traces 4 and 9 of the fixture call `mystery-model`, which has no price (one call each).
const UNPRICED_TRACE = fixtureTraceId(4);

beforeAll(async () => {
  w = await openTestWorld('plumb-view-');
});
afterAll(async () => w?.store.close());

it('isoToMs keeps the microseconds Date.parse drops', () => {
  expect(isoToMs('2025-03-04T10:00:00.123456Z')).toBeCloseTo(Date.parse('2025-03-04T10:00:00.123Z') + 0.456, 6);
  expect(isoToMs('2025-03-04T10:00:00Z')).toBe(Date.parse('2025-03-04T10:00:00Z'));
});

describe('overview', () => {
  it('converts KPIs, series and top tables, and carries unpriced spend with every cost', async () => {
    const o = overviewView(await caller().overview.get({ from, to, interval: 900_000 }));
    expect(o.kpis).toMatchObject({ requests: 12, errors: 3, errorRate: 0.25, p50LatencyMs: 1550 });
    expect(o.kpis.cost.unpriced).toBe(2);
    expect(o.kpis.cost.usd).toBeGreaterThan(0);
    expect(formatCost(o.kpis.cost)).toMatch(/^\$[\d.]+ \+ 2 unpriced$/);
    expect(o.series.stepMs).toBe(900_000);
    expect(o.series.points.map((p) => p.t)).toEqual([0, 1, 2, 3].map((k) => from + k * 900_000));
    expect(o.series.points.reduce((a, p) => a + p.unpricedSpans, 0)).toBe(2);
    const mystery = o.top.model.find((r) => r.key === 'mystery-model')!;
    expect(mystery.cost).toEqual({ usd: 0, unpriced: 2 });
    expect(formatCost(mystery.cost)).toBe('2 unpriced');
    // No column the procedure cannot fill: a top row has exactly these fields.
    expect(Object.keys(o.top.tenant[0]!).sort()).toEqual(['cost', 'errors', 'key', 'requests', 'totalTokens']);
  });
});

describe('trace list and session', () => {
  it('marks the traces whose cost is partly unknown', async () => {
    const page = traceListView(await caller().traces.list({ from, to, limit: 50 }));
    const t = page.items.find((x) => x.traceId === UNPRICED_TRACE)!;
    expect(t.cost.unpriced).toBe(1);
    expect(formatCost(t.cost)).toMatch(/^\$[\d.]+ \+ unpriced$/);
    expect(t.startMs).toBe(from + 4 * 5 * 60_000);
    expect(page.items.filter((x) => x.cost.unpriced > 0).map((x) => x.traceId).sort()).toEqual([fixtureTraceId(4), fixtureTraceId(9)]);
  });

  it('sums a session with its unpriced turns', async () => {
    const s = sessionView(await caller().sessions.get({ sessionId: 'sess-acme' }));
    expect(s.traces.map((t) => t.traceId)).toEqual([0, 3, 6, 9].map(fixtureTraceId));
    expect(s.cost.unpriced).toBe(1);
    expect(s.cost.usd).toBeCloseTo(s.traces.reduce((a, t) => a + t.cost.usd, 0), 9);
  });
});

describe('trace', () => {
  it('converts spans, lays out the graph and attributes unpriced spend like cost', async () => {
    const t = traceView(await caller().traces.get({ traceId: UNPRICED_TRACE }));
    const llm = t.spans.find((s) => s.model === 'mystery-model')!;
    expect(llm.cost).toEqual({ usd: 0, unpriced: 1 });
    expect(formatCost(llm.cost)).toBe('unpriced');
    expect(llm.endMs - llm.startMs).toBeCloseTo(200, 6);
    expect(t.summary.cost.unpriced).toBe(1);
    expect(formatCost(t.summary.cost)).toMatch(/\+ unpriced$/);
    // The LLM node and the agent that called it; the rollup row of that agent.
    const node = t.graph.nodes.find((n) => n.kind === 'llm' && n.label === 'mystery-model')!;
    expect(node.cost.unpriced).toBe(1);
    const researcher = t.graph.nodes.find((n) => n.kind === 'agent' && n.label === 'researcher')!;
    expect(researcher.cost.unpriced).toBe(1);
    expect(t.graph.nodes.filter((n) => n.kind === 'agent' && n.label === 'planner')[0]!.cost.unpriced).toBe(0);
    expect(t.rollup.find((r) => r.agent === 'researcher')!.cost.unpriced).toBe(1);
    expect(t.rollup.reduce((a, r) => a + r.cost.unpriced, 0)).toBe(t.summary.cost.unpriced);
    for (const n of t.graph.nodes) expect(t.layout.positions[n.id]).toBeDefined();
  });

  it('converts a span detail (event times to ms) and null for an unknown span', async () => {
    const trace = await caller().traces.get({ traceId: UNPRICED_TRACE });
    const llm = trace.spans.find((s) => s.model === 'mystery-model')!;
    const d = spanDetailView(await caller().spans.detail({ traceId: UNPRICED_TRACE, spanId: llm.spanId }))!;
    expect(d).toMatchObject({ inputText: 'question 4', outputText: 'answer 4', attributes: { 'gen_ai.request.temperature': '0.2' } });
    expect(spanDetailView(await caller().spans.detail({ traceId: UNPRICED_TRACE, spanId: 'ffffffffffffffff' }))).toBeNull();
  });
});
