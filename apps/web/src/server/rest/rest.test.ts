import { backfill } from '@plumb/demo';
import { baseSpan, createApiKey, FIXTURE_START, fixtureTraceId, insertSpanRows, MEASURES, DIMENSIONS } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { createRestApi, type RestApi } from './index.ts';

let w: TestWorld;
let api: RestApi;
const from = FIXTURE_START.toISOString();
const to = String(FIXTURE_START.getTime() + 3_600_000);
const get = (path: string, key: string | null = w.readKey, init: RequestInit = {}) =>
  new Request(`http://localhost:3000/api/v1${path}`, { ...init, headers: key ? { authorization: `Bearer ${key}` } : {} });
const body = async (r: Response) => (await r.json()) as Record<string, any>;

/** Picodollars (or plain integers) of a decimal value as the API returns it with money=string. */
const pico = (v: unknown): bigint => {
  const [i, f = ''] = String(v ?? '0').split('.');
  return BigInt(i!) * 10n ** 12n + BigInt((f + '0'.repeat(12)).slice(0, 12));
};
let demoKey: string;
const DEMO_END = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const demoWindow = `from=${DEMO_END - 6 * 3_600_000}&to=${DEMO_END}`;

beforeAll(async () => {
  w = await openTestWorld('plumb-rest-');
  api = createRestApi({ getStore: async () => w.store });
  // A trace without tenant or request type whose model call names no model and runs in no agent.
  const t0 = BigInt(FIXTURE_START.getTime() + 90_000) * 1_000_000n;
  const traceId = 'aaaa0000000000000000000000000001';
  await insertSpanRows(w.store, [
    baseSpan({ traceId, spanId: 'aaaa000000000001', name: 'GET /health', category: 'chain', usageCounted: false, startTimeUnixNano: t0, endTimeUnixNano: t0 + 50_000_000n, statusCode: 'ok' }),
    baseSpan({ traceId, spanId: 'aaaa000000000002', parentSpanId: 'aaaa000000000001', name: 'chat', category: 'llm', startTimeUnixNano: t0, endTimeUnixNano: t0 + 30_000_000n,
      inputTokens: 70, outputTokens: 9, costUsd: '0.000123456789', pricingStatus: 'priced' }),
  ]);
  // The demo workload in a project of its own (6 hours of it).
  await backfill(w.store, { projectId: 'demo', days: 0.25, spans: 6_000, seed: 8, endMs: DEMO_END });
  demoKey = (await createApiKey(w.store, { projectId: 'demo', name: 'demo read', scopes: ['read'] })).key;
});
afterAll(async () => w?.store.close());

describe('REST auth', () => {
  it.each([
    [null, 401, 'unauthorized'],
    ['plb_not-a-real-key-at-all', 401, 'unauthorized'],
  ])('key %s → %i', async (key, status, code) => {
    const r = await api.listTraces(get(`/traces?from=${from}&to=${to}`, key));
    expect(r.status).toBe(status);
    expect(r.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect((await body(r)).error.code).toBe(code);
  });

  it('needs the read scope', async () => {
    const r = await api.metrics(get(`/metrics?measures=requests`, w.ingestKey));
    expect(r.status).toBe(403);
    expect(await body(r)).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/read scope/) } });
  });
});

describe('GET /api/v1/traces', () => {
  it('lists with filter[...] params and pages with the cursor', async () => {
    const r = await api.listTraces(get(`/traces?from=${from}&to=${to}&filter[tenant]=acme,globex&filter[status]=error&limit=1`));
    expect(r.status).toBe(200);
    const first = await body(r);
    expect(first.data.map((t: { traceId: string }) => t.traceId)).toEqual([fixtureTraceId(7)]);
    const next = await body(await api.listTraces(get(`/traces?from=${from}&to=${to}&filter[tenant]=acme,globex&filter[status]=error&limit=1&cursor=${first.nextCursor}`)));
    expect(next.data.map((t: { traceId: string }) => t.traceId)).toEqual([fixtureTraceId(3)]);
    expect(next.nextCursor).toBeNull();
    const attr = await body(await api.listTraces(get(`/traces?from=${from}&to=${to}&attr[search.query]=weather&q=CHAT&minDurationMs=1900&sort=durationMs`)));
    expect(attr.data.map((t: { traceId: string }) => t.traceId)).toEqual([fixtureTraceId(10)]);
  });

  it.each([
    ['minDurationMs=fast', 'minDurationMs'],
    ['limit=500', 'limit'],
    ['sort=name', 'sort'],
    ['filter[colour]=red', 'filter[colour]'],
    ['filter[status]=maybe', 'filter[status]'],
    ['cursor=xyz', 'cursor'],
  ])('400 for %s naming %s', async (qs, field) => {
    const r = await api.listTraces(get(`/traces?from=${from}&to=${to}&${qs}`));
    expect(r.status).toBe(400);
    const b = await body(r);
    expect(b.error).toMatchObject({ code: 'invalid_parameter', field });
    expect(b.error.message).toContain(field.replace(/\[.*/, ''));
  });

  it('the empty value filters for the empty group: filter[tenant]= is "(no tenant)", not every trace', async () => {
    const ids = async (qs: string) => (await body(await api.listTraces(get(`/traces?from=${from}&to=${to}&${qs}`)))).data.map((t: { traceId: string }) => t.traceId);
    expect(await ids('filter[tenant]=')).toEqual(['aaaa0000000000000000000000000001']);
    expect(await ids('filter[request_type]=')).toEqual(['aaaa0000000000000000000000000001']);
    expect(await ids('filter[agent]=')).toEqual(['aaaa0000000000000000000000000001']);
    expect(await ids('filter[model]=')).toEqual(['aaaa0000000000000000000000000001']);
    // Beside other values (repeated): acme's traces or the one without a tenant.
    const both = await ids('filter[tenant]=acme&filter[tenant]=&limit=100');
    expect(both).toHaveLength(5);
    expect(both).toContain('aaaa0000000000000000000000000001');
  });

  it('400 naming from for a bad time', async () => {
    const r = await api.listTraces(get(`/traces?from=yesterday&to=${to}`));
    expect(r.status).toBe(400);
    expect((await body(r)).error.field).toBe('from');
  });
});

describe('GET /api/v1/traces/summary', () => {
  it('sums the traces the list filter selects, over every page', async () => {
    const qs = `from=${from}&to=${to}&filter[tenant]=acme,globex&filter[model]=gpt-4o-2025`;
    const list = await body(await api.listTraces(get(`/traces?${qs}&limit=200`)));
    const r = await api.traceSummary(get(`/traces/summary?${qs}`));
    expect(r.status).toBe(200);
    const s = await body(r);
    expect(s.traces).toBe(list.data.length);
    expect(s.traces).toBe(8);
    expect(s.failed).toBe(list.data.filter((t: { status: string }) => t.status === 'error').length);
    expect(s.inputTokens).toBe(list.data.reduce((a: number, t: { inputTokens: number }) => a + t.inputTokens, 0));
    expect(typeof s.costUsdExact).toBe('string');
  });

  it('400 naming the field; no paging parameters', async () => {
    for (const [qs, field] of [['sort=costUsd', 'sort'], ['filter[planet]=mars', 'filter[planet]']] as const) {
      const r = await api.traceSummary(get(`/traces/summary?from=${from}&to=${to}&${qs}`));
      expect(r.status).toBe(400);
      expect((await body(r)).error.field).toBe(field);
    }
  });
});

describe('GET /api/v1/traces/{traceId}', () => {
  it('returns spans, the critical path and the failure origin', async () => {
    const r = await api.getTrace(get(`/traces/${fixtureTraceId(7)}`));
    expect(r.status).toBe(200);
    const b = await body(r);
    expect(b.spans).toHaveLength(6);
    expect(b.spans[0]).toMatchObject({ traceId: fixtureTraceId(7), parentSpanId: '', status: 'error', tenant: 'globex' });
    expect(b.spans[0].startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const tool = b.spans.find((s: { tool: string }) => s.tool === 'search');
    expect(b.failureOrigin).toBe(tool.spanId);
    expect(b.criticalPath[0]).toBe(b.spans[0].spanId);
    const ok = await body(await api.getTrace(get(`/traces/${fixtureTraceId(0)}`)));
    expect(ok.failureOrigin).toBeNull();
  });

  it('404 for an unknown trace, 400 for a malformed id', async () => {
    const r = await api.getTrace(get('/traces/0123456789abcdef0123456789abcdef'));
    expect(r.status).toBe(404);
    expect((await body(r)).error.code).toBe('not_found');
    expect((await api.getTrace(get('/traces/not-hex'))).status).toBe(400);
  });
});

describe('GET /api/v1/metrics', () => {
  it('answers semantic queries with groupBy, filters and interval', async () => {
    const r = await api.metrics(get(`/metrics?measures=requests,cost_usd&groupBy=tenant&from=${from}&to=${to}&filter[request_type]=chat&interval=30m`));
    expect(r.status).toBe(200);
    const b = await body(r);
    expect(b.measures.map((m: { name: string }) => m.name)).toEqual(['requests', 'cost_usd']);
    expect(b.rows).toHaveLength(6);
    expect(b.rows.reduce((a: number, x: { requests: number }) => a + x.requests, 0)).toBe(6);
    expect(typeof b.rows[0].cost_usd).toBe('number');
    const exact = await body(await api.metrics(get(`/metrics?measures=cost_usd&from=${from}&to=${to}&money=string&filter[request_type]=chat,summarize`)));
    expect(exact.rows[0].cost_usd).toBe('0.084765');
  });

  it('on the demo workload, every breakdown of every additive measure adds up to the total, to the picodollar', async () => {
    // Span measures: the other views (GPU cost split, budgets, quality) test their own exactness.
    const additive = MEASURES.filter((m) => m.additive && m.view === undefined).map((m) => m.name);
    const usage = MEASURES.filter((m) => m.additive && m.view === undefined && m.spanSet !== 'subject').map((m) => m.name);
    const total = (await body(await api.metrics(get(`/metrics?measures=${additive}&${demoWindow}&money=string`, demoKey)))).rows[0];
    expect(pico(total.cost_usd)).toBeGreaterThan(0n);
    for (const d of DIMENSIONS.filter((x) => x.kind !== 'gpu' && x.kind !== 'budget' && x.kind !== 'quality')) {
      const r = await body(await api.metrics(get(`/metrics?measures=${additive}&groupBy=${d.name}&${demoWindow}&money=string&limit=10000`, demoKey)));
      expect(r.leftOut, d.name).toBeNull();
      const names = d.kind === 'subject' ? usage : additive;
      for (const m of names) expect(r.rows.reduce((a: bigint, x: Record<string, unknown>) => a + pico(x[m]), 0n), `${m} by ${d.name}`).toBe(pico(total[m]));
    }
  });

  it('never truncates silently: a cut page says what it left out and the cursor pages through every group', async () => {
    const qs = `/metrics?measures=cost_usd,requests&groupBy=tenant,model,request_type&${demoWindow}&money=string`;
    const total = (await body(await api.metrics(get(`/metrics?measures=cost_usd&${demoWindow}&money=string`, demoKey)))).rows[0];
    const all = await body(await api.metrics(get(`${qs}&limit=10000`, demoKey)));
    expect(all.rows.length).toBeGreaterThan(10);
    expect(all.nextCursor).toBeNull();
    const first = await body(await api.metrics(get(`${qs}&limit=7`, demoKey)));
    expect(first.rows).toHaveLength(7);
    expect(first.leftOut.groups).toBe(all.rows.length - 7);
    const sumRows = (rows: Record<string, unknown>[]) => rows.reduce((a, x) => a + pico(x.cost_usd), 0n);
    expect(sumRows(first.rows) + pico(first.leftOut.totals.cost_usd)).toBe(pico(total.cost_usd));
    const seen = [...first.rows];
    let cursor: string | null = first.nextCursor;
    while (cursor) {
      const page = await body(await api.metrics(get(`${qs}&limit=7&cursor=${encodeURIComponent(cursor)}`, demoKey)));
      seen.push(...page.rows);
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.rows);
    const other = await api.metrics(get(`/metrics?measures=cost_usd&groupBy=tenant&${demoWindow}&cursor=${first.nextCursor}`, demoKey));
    expect(other.status).toBe(400);
    expect((await body(other)).error.field).toBe('cursor');
  });

  it.each([
    ['measures=p97_latency_ms', 'measures', /unknown measure `p97_latency_ms`; known: requests/],
    ['measures=requests&groupBy=colour', 'groupBy', /unknown dimension `colour`/],
    ['measures=requests&interval=5 minutes', 'interval', /5m/],
    ['measures=requests&filter[colour]=x', 'filter[colour]', /unknown dimension/],
    ['', 'measures', /at least one measure/],
  ])('400 for %s', async (qs, field, message) => {
    const r = await api.metrics(get(`/metrics?from=${from}&to=${to}&${qs}`));
    expect(r.status).toBe(400);
    const b = await body(r);
    expect(b.error.field).toBe(field);
    expect(b.error.message).toMatch(message);
  });
});

describe('openapi and login', () => {
  it('serves an OpenAPI 3.1 document for the endpoints', async () => {
    const doc = await body(await api.openapi(get('/openapi.json', null)));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/traces', '/traces/summary', '/traces/{traceId}', '/metrics', '/keys', '/keys/{id}']));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/cost/export', '/cost/month-export', '/prices', '/reprice']));
    expect(JSON.stringify(doc.paths['/metrics'])).toContain('p95_latency_ms');
  });

  it('generates parameters and components from the zod schemas the handlers validate with', async () => {
    const doc = await body(await api.openapi(get('/openapi.json', null)));
    const param = (path: string, name: string) => doc.paths[path].get.parameters.find((p: { name: string }) => p.name === name);
    // Limits and enums are the schema's: the documented maximum is the validated one.
    expect(param('/traces', 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } });
    expect(param('/traces', 'filter')).toMatchObject({ style: 'deepObject', explode: true, schema: { type: 'object' } });
    expect(param('/traces', 'filter').schema.properties.status.enum).toEqual(['ok', 'error']);
    expect(param('/metrics', 'measures')).toMatchObject({ required: true, style: 'form', explode: false, schema: { type: 'array', maxItems: 30 } });
    expect(param('/metrics', 'measures').schema.items.enum).toContain('unpriced_spans');
    expect(param('/metrics', 'from').schema.type).toBe('string');
    // Paging and the account of what a limit left out are in the document (generated from the zod schemas).
    expect(param('/metrics', 'cursor').schema.type).toBe('string');
    expect(param('/metrics', 'filter').description).toMatch(/empty value selects the empty group/);
    expect(Object.keys(doc.components.schemas.MetricsResult.properties)).toEqual(['measures', 'rows', 'leftOut', 'nextCursor']);
    expect(param('/traces/{traceId}', 'traceId')).toMatchObject({ in: 'path', required: true });
    // The span component lists exactly the fields a trace's spans carry.
    const trace = await body(await api.getTrace(get(`/traces/${fixtureTraceId(7)}`)));
    expect(Object.keys(doc.components.schemas.Span.properties).sort()).toEqual(Object.keys(trace.spans[0]).sort());
    expect(doc.components.schemas.Trace.properties.spans.items).toEqual({ $ref: '#/components/schemas/Span' });
    // A documented parameter is accepted; an undocumented one is a 400 naming it.
    const names = doc.paths['/traces'].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['from', 'to', 'filter', 'attr', 'q', 'minDurationMs', 'minCostUsd', 'sort', 'order', 'limit', 'cursor']));
    const unknown = await api.listTraces(get(`/traces?from=${from}&to=${to}&colour=red`));
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error).toMatchObject({ code: 'invalid_parameter', field: 'colour' });
  });

  const login = (payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, url = 'https://plumb.example/api/auth/login') =>
    api.login(new Request(url, { method: 'POST', headers, body: JSON.stringify(payload) }));

  it('sets an HttpOnly session cookie for good credentials only', async () => {
    const ok = await login({ email: 'SRE@example.com', password: 'hunter2hunter2' });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^plumb_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Expires=.+; Secure$/);
    expect((await body(ok)).user.email).toBe('sre@example.com');
    const plain = await login({ email: 'sre@example.com', password: 'hunter2hunter2' }, undefined, 'http://localhost:3000/api/auth/login');
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);

    expect((await login({ email: 'sre@example.com', password: 'wrong' })).status).toBe(401);
    expect((await body(await login({ email: 'sre@example.com' }))).error.field).toBe('password');
    expect((await login({ email: 'a', password: 'b' }, { 'content-type': 'text/plain' })).status).toBe(415);

    const token = cookie.split(';')[0]!.split('=')[1]!;
    const out = await api.logout(new Request('http://localhost:3000/api/auth/logout', { method: 'POST', headers: { cookie: `plumb_session=${token}`, 'x-plumb-csrf': '1' } }));
    expect(out.headers.get('set-cookie')).toMatch(/^plumb_session=; .*Max-Age=0/);
    const { getSession } = await import('@plumb/store');
    expect(await getSession(w.store, token)).toBeNull();
  });
});
