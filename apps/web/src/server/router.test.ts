import { FIXTURE_START, fixtureTraceId } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFromRequest } from './context.ts';
import { appRouter, createCaller } from './router.ts';
import { openTestWorld, type TestWorld } from './testing.ts';

let w: TestWorld;
const from = FIXTURE_START.getTime();
const to = from + 3_600_000;
const caller = (over: { user?: null; projectId?: string } = {}) =>
  createCaller({ store: w.store, user: over.user === null ? null : w.user, projectId: over.projectId ?? 'default' });
const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as TRPCError).code;

beforeAll(async () => {
  w = await openTestWorld('plumb-trpc-');
});
afterAll(async () => w?.store.close());

describe('auth', () => {
  it('rejects signed-out callers and unknown projects', async () => {
    expect(await code(caller({ user: null }).overview.get({ from, to }))).toBe('UNAUTHORIZED');
    expect(await code(caller({ user: null }).traces.list({ from, to }))).toBe('UNAUTHORIZED');
    expect(await code(caller({ user: null }).metrics.query({ from, to, measures: ['requests'] }))).toBe('UNAUTHORIZED');
    // Input is parsed after auth: a signed-out caller learns nothing from a bad input either.
    expect(await code(caller({ user: null }).traces.list({ from, to, limit: -1 }))).toBe('UNAUTHORIZED');
    expect(await code(caller({ projectId: 'nope' }).traces.get({ traceId: fixtureTraceId(0) }))).toBe('NOT_FOUND');
    expect(await caller({ user: null }).auth.me()).toBeNull();
  });

  it('resolves the session cookie and project header from a request', async () => {
    const ctx = await createContextFromRequest(
      new Request('http://x/api/trpc/auth.me', { headers: { cookie: `a=b; plumb_session=${w.sessionToken}`, 'x-plumb-project': 'default' } }),
      w.store,
    );
    expect(ctx.user?.email).toBe('sre@example.com');
    expect(ctx.projectId).toBe('default');
    const anon = await createContextFromRequest(new Request('http://x/', { headers: { cookie: 'plumb_session=forged' } }), w.store);
    expect(anon.user).toBeNull();
    expect(await createCaller(ctx).auth.me()).toMatchObject({ user: { email: 'sre@example.com' }, projectId: 'default' });
  });
});

describe('data procedures', () => {
  it('overview: KPIs, series and the four top tables in one call', async () => {
    const o = await caller().overview.get({ from, to, interval: 900_000 });
    expect(o.kpis).toMatchObject({ requests: 12, errors: 3, p95_latency_ms: 2045 });
    expect(o.series).toHaveLength(4);
    expect(o.intervalMs).toBe(900_000);
    expect(o.top.requestTypes[0]).toMatchObject({ key: expect.any(String), requests: expect.any(Number) });
    expect(o.top.tenants.map((r) => r.key).sort()).toEqual(['acme', 'globex', 'initech']);
    // ISO strings, epoch ms and Dates are one time input; `interval` also takes 30m.
    const same = await caller().overview.get({ from: new Date(from), to: new Date(to).toISOString(), interval: '30m' });
    expect(same.kpis.requests).toBe(12);
    expect(same.series).toHaveLength(2);
  });

  it('has no alias procedures', () => {
    // An alias is one procedure mounted under two paths.
    const procedures = appRouter._def.procedures as Record<string, unknown>;
    expect(new Set(Object.values(procedures)).size).toBe(Object.keys(procedures).length);
    for (const gone of ['traces.span', 'conversations.get', 'overview.kpis', 'overview.timeseries', 'overview.top']) expect(procedures[gone]).toBeUndefined();
  });

  it('traces: list, page, get with analyses, span detail', async () => {
    const page = await caller().traces.list({ from, to, filter: { tenant: ['acme'] }, limit: 3 });
    expect(page.items).toHaveLength(3);
    const rest = await caller().traces.list({ from, to, filter: { tenant: ['acme'] }, limit: 3, cursor: page.nextCursor! });
    expect(rest.items.map((t) => t.traceId)).toEqual([fixtureTraceId(0)]);
    expect(rest.nextCursor).toBeNull();

    const t = await caller().traces.get({ traceId: fixtureTraceId(3) });
    expect(t.spans).toHaveLength(6);
    expect(t.context).toEqual({ tenant: 'acme', requestType: 'summarize', sessionId: 'sess-acme', userId: 'user-acme' });
    const tool = t.spans.find((s) => s.tool === 'search')!;
    expect(t.failure.originSpanId).toBe(tool.spanId);
    expect(t.criticalPath.spanIds[0]).toBe(t.spans[0]!.spanId);
    expect(t.summary).toMatchObject({ spanCount: 6, errorCount: 4 });
    expect(t.agentGraph.nodes.length).toBeGreaterThan(2);
    expect(t.rollup.map((r) => r.agent)).toEqual(expect.arrayContaining(['planner', 'researcher']));
    expect(await code(caller().traces.get({ traceId: 'abcdef' }))).toBe('NOT_FOUND');
    expect(await code(caller().traces.get({ traceId: 'not-hex' }))).toBe('BAD_REQUEST');
    // Ids are compared lowercase.
    expect((await caller().traces.get({ traceId: fixtureTraceId(3).toUpperCase() })).traceId).toBe(fixtureTraceId(3));

    const d = await caller().spans.detail({ traceId: fixtureTraceId(3), spanId: tool.spanId });
    expect(d).toMatchObject({ errorType: 'timeout', statusMessage: 'search timed out', attributes: {} });
    expect(await caller().spans.detail({ traceId: fixtureTraceId(3), spanId: '00000000000000ff' })).toBeNull();
  });

  it('conversations, metrics and filter options', async () => {
    const c = await caller().sessions.get({ sessionId: 'sess-acme' });
    expect(c.traces).toHaveLength(4);
    const m = await caller().metrics.query({ from, to, measures: ['requests'], groupBy: ['tenant'], filter: { tenant: ['acme', 'globex'] } });
    expect(m.rows.map((r) => r.requests)).toEqual([4, 4]);
    const bad = await caller().metrics.query({ from, to, measures: ['p97_latency_ms'] }).catch((e: unknown) => e as TRPCError);
    expect(bad).toBeInstanceOf(TRPCError);
    expect((bad as TRPCError).code).toBe('BAD_REQUEST');
    expect((bad as TRPCError).message).toMatch(/unknown measure `p97_latency_ms`/);
    expect(await code(caller().traces.list({ from: 'later', to }))).toBe('BAD_REQUEST');
    expect((await caller().filters.options({ from, to })).tenants).toEqual(['acme', 'globex', 'initech']);
    expect((await caller().metrics.catalog()).measures.map((x) => x.name)).toContain('ttft_p95_ms');
  });
});
