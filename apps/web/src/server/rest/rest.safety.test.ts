import { FIXTURE_START, fixtureTraceId } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { createRestApi, type RestApi } from './index.ts';

/**
 * Read-path safety of /api/v1: absurd numbers and bad encodings are a 4xx naming the field on
 * every route, never a 500 (and never a query that runs).
 */
let w: TestWorld;
let api: RestApi;
const from = FIXTURE_START.toISOString();
const to = String(FIXTURE_START.getTime() + 3_600_000);
const get = (path: string) => new Request(`http://localhost:3000/api/v1${path}`, { headers: { authorization: `Bearer ${w.readKey}` } });

beforeAll(async () => {
  w = await openTestWorld('plumb-rest-safety-');
  api = createRestApi({ getStore: async () => w.store });
});
afterAll(async () => w?.store.close());

const huge = (n: number, item: string) => Array.from({ length: n }, () => item).join(',');
/** Test titles stay short: long values are named by their length. */
const title = (qs: string) => (qs.length > 120 ? `${qs.slice(0, 60)}… (${qs.length} chars)` : qs);

describe.each([
  ['traces', (qs: string) => api.listTraces(get(`/traces?${qs}`))],
  ['metrics', (qs: string) => api.metrics(get(`/metrics?measures=requests&${qs}`))],
])('GET %s', (_name, call) => {
  it.each([
    [`from=1e400&to=${to}`, 'from'],
    [`from=${from}&to=1e400`, 'to'],
    [`from=NaN&to=${to}`, 'from'],
    [`from=-1e300&to=${to}`, 'from'],
    [`from=${from}&to=1000000000000000`, 'to'],
    [`from=${from}&to=99999999999999999999999`, 'to'],
    [`from=${from}&to=${to}&limit=-1`, 'limit'],
    [`from=${from}&to=${to}&limit=1e12`, 'limit'],
    [`from=${from}&to=${to}&limit=NaN`, 'limit'],
    [`from=${from}&to=${to}&limit=1e400`, 'limit'],
    [`from=${from}&to=${to}&limit=2.5`, 'limit'],
    [`from=${from}&to=${to}&filter[tenant]=%ZZ`, 'filter[tenant]'],
    [`from=${from}&to=${to}&filter[tenant]=%C3%28`, 'filter[tenant]'],
    [`from=${from}&to=${to}&filter[tenant]=${huge(1000, 'acme')}`, 'filter[tenant]'],
  ].map(([qs, field]) => [title(qs!), field!, qs!]))('%s → 400 naming %s', async (_t, field, qs) => {
    const r = await call(qs);
    expect(r.status).toBe(400);
    const b = (await r.json()) as { error: { code: string; field: string; message: string } };
    expect(b.error).toMatchObject({ code: 'invalid_parameter', field });
    expect(b.error.message).toContain(field);
  });

  it('a 10 MB query string → 414, never parsed', async () => {
    const r = await call(`from=${from}&to=${to}&filter[tenant]=${'a'.repeat(10 * 1024 * 1024)}`);
    expect(r.status).toBe(414);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe('query');
  });
});

describe('object keys from the URL', () => {
  it.each([
    ['/traces?attr[__proto__]=x', 'attr[__proto__]'],
    ['/metrics?measures=requests&filter[__proto__]=x,y', 'filter[__proto__]'],
    ['/traces?attr[constructor]=x', 'attr[constructor]'],
  ])('%s → 400, never a prototype', async (path, field) => {
    const r = await (path.startsWith('/traces') ? api.listTraces(get(path)) : api.metrics(get(path)));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
  });
});

describe('GET /traces (list) numbers', () => {
  it.each([
    ['minDurationMs=1e400', 'minDurationMs'],
    ['minDurationMs=-5', 'minDurationMs'],
    ['minCostUsd=NaN', 'minCostUsd'],
    ['minCostUsd=1e300', 'minCostUsd'],
  ])('%s → 400', async (qs, field) => {
    const r = await api.listTraces(get(`/traces?from=${from}&to=${to}&${qs}`));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
  });
});

describe('GET /metrics lists and intervals', () => {
  it.each([
    [`groupBy=${huge(1000, 'tenant')}`, 'groupBy'],
    [`measures=${huge(1000, 'requests')}`, 'measures'],
    ['interval=99999999999999999999d', 'interval'],
    ['interval=1e400', 'interval'],
    ['interval=-5m', 'interval'],
  ].map(([qs, field]) => [title(qs!), field!, qs!]))('%s → 400', async (_t, field, qs) => {
    const r = await api.metrics(get(`/metrics?measures=requests&from=${from}&to=${to}&${qs}`));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
  });
});

describe('GET /traces/{traceId}', () => {
  it.each([
    ['/traces/%ZZ', 'traceId'],
    ['/traces/%E0%A4%A', 'traceId'],
    [`/traces/${'a'.repeat(65)}`, 'traceId'],
  ].map(([p, field]) => [title(p!), field!, p!]))('%s → 400 naming traceId', async (_t, field, path) => {
    const r = await api.getTrace(get(path));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
  });

  it('a 10 MB query string → 414', async () => {
    const r = await api.getTrace(get(`/traces/${fixtureTraceId(0)}?x=${'a'.repeat(10 * 1024 * 1024)}`));
    expect(r.status).toBe(414);
  });
});
