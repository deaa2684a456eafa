import { closeMonth, createApiKey, FIXTURE_START, queryMetrics, reopenMonth, toPico } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { openApiDocument } from './openapi.ts';
import { createRestApi, type RestApi } from './index.ts';

let w: TestWorld;
let api: RestApi;
let writeKey: string;
const DAY = 86_400_000;
const from = new Date(Math.floor(FIXTURE_START.getTime() / DAY) * DAY).toISOString();
const to = new Date(Math.floor(FIXTURE_START.getTime() / DAY) * DAY + DAY).toISOString();
const req = (path: string, key: string | null, init: RequestInit = {}) =>
  new Request(`http://localhost:3000/api/v1${path}`, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) } });

beforeAll(async () => {
  w = await openTestWorld('plumb-rest-cost-');
  api = createRestApi({ getStore: async () => w.store });
  writeKey = (await createApiKey(w.store, { projectId: 'default', name: 'w', scopes: ['read', 'write'] })).key;
});
afterAll(async () => w?.store.close());

describe('GET /api/v1/cost/export', () => {
  it('streams CSV whose BilledCost sums to the metrics total exactly', async () => {
    const r = await api.costExport(req(`/cost/export?from=${from}&to=${to}&groupBy=tenant,model&granularity=hour`, w.readKey));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="plumb-cost-/);
    const lines = (await r.text()).trimEnd().split('\r\n');
    const at = lines[0]!.split(',').indexOf('BilledCost');
    const sum = lines.slice(1).reduce((a, l) => a + toPico(l.split(',')[at]!), 0n);
    const total = await queryMetrics(w.store, { projectId: 'default', measures: ['cost_usd'], from: new Date(from), to: new Date(to), exactMoney: true });
    expect(sum).toBe(toPico(String(total.rows[0]!.cost_usd)));
    expect(sum).toBeGreaterThan(0n);
  });

  it('json format is a JSON array', async () => {
    const r = await api.costExport(req(`/cost/export?from=${from}&to=${to}&format=json&filter[tenant]=acme`, w.readKey));
    const rows = (await r.json()) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]!.BillingCurrency).toBe('USD');
  });

  it.each([
    ['format=xml', 'format'],
    ['granularity=week', 'granularity'],
    ['groupBy=nope', 'groupBy'],
    ['filter[nope]=x', 'filter[nope]'],
    ['bogus=1', 'bogus'],
  ])('%s → 400 naming %s', async (qs, field) => {
    const r = await api.costExport(req(`/cost/export?from=${from}&to=${to}&${qs}`, w.readKey));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
  });

  it('a missing or backwards range is a 400 naming the parameter', async () => {
    expect(((await (await api.costExport(req(`/cost/export?to=${to}`, w.readKey))).json()) as { error: { field: string } }).error.field).toBe('from');
    const back = await api.costExport(req(`/cost/export?from=${to}&to=${from}`, w.readKey));
    expect(back.status).toBe(400);
    expect(((await back.json()) as { error: { field: string } }).error.field).toBe('to');
  });
});

describe('/api/v1/prices and /api/v1/reprice', () => {
  it('lists prices, saves an override with the write scope, refuses a read key', async () => {
    const list = await api.prices(req('/prices?q=gpt-4o-mini', w.readKey));
    expect(list.status).toBe(200);
    const body = { id: 'llama', provider: 'vllm', modelPattern: 'meta-llama/*', effectiveFrom: '2020-01-01T00:00:00Z', inputPerMTok: '0.05', outputPerMTok: '0.1' };
    const init = (key: string) => req('/prices', key, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await api.prices(init(w.readKey))).status).toBe(403);
    expect((await api.prices(init(writeKey))).status).toBe(201);
    const bad = await api.prices(req('/prices', writeKey, { method: 'POST', body: JSON.stringify({ ...body, outputPerMTok: 'ten' }), headers: { 'content-type': 'application/json' } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('outputPerMTok');
    // A self-hosted model priced per GPU-hour: no token price (never both) — 400 naming the field.
    const post = (b: object) => api.prices(req('/prices', writeKey, { method: 'POST', body: JSON.stringify(b), headers: { 'content-type': 'application/json' } }));
    const gpu = { id: 'llama-gpu', provider: 'vllm', modelPattern: 'meta-llama/*', effectiveFrom: '2020-01-01T00:00:00Z', unit: 'gpu_hour' };
    const both = await post({ ...gpu, inputPerMTok: '0.05' });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { field: string } }).error.field).toBe('inputPerMTok');
    const noPrice = await post({ ...body, id: 'no-price', inputPerMTok: undefined });
    expect(noPrice.status).toBe(400);
    expect(((await noPrice.json()) as { error: { field: string } }).error.field).toBe('inputPerMTok');
    expect((await post(gpu)).status).toBe(201);
    const listed = (await (await api.prices(req('/prices?q=llama-gpu', w.readKey))).json()) as { rows: { priceId: string; unit: string }[] };
    expect(listed.rows.find((p) => p.priceId === 'override:llama-gpu')?.unit).toBe('gpu_hour');
    const queued = await api.reprice(req('/reprice', writeKey, { method: 'POST', body: JSON.stringify({ from, to }), headers: { 'content-type': 'application/json' } }));
    expect(queued.status).toBe(202);
    const log = (await (await api.reprice(req('/reprice', w.readKey))).json()) as { data: { state: string }[] };
    expect(log.data[0]!.state).toBe('queued');
  });

  it('the OpenAPI document lists the new paths', () => {
    const paths = Object.keys(openApiDocument().paths);
    expect(paths).toEqual(expect.arrayContaining(['/cost/export', '/prices', '/reprice']));
  });
});

describe('GET /api/cost-export (dashboard session)', () => {
  it('needs a signed-in member; gives the same bytes as the key-authenticated export', async () => {
    const qs = `from=${from}&to=${to}&groupBy=tenant`;
    expect((await api.costExportSession(req(`/../cost-export?${qs}`, null))).status).toBe(401);
    const session = await api.costExportSession(new Request(`http://localhost:3000/api/cost-export?${qs}`, { headers: { cookie: `plumb_session=${w.sessionToken}` } }));
    expect(session.status).toBe(200);
    const keyed = await api.costExport(req(`/cost/export?${qs}`, w.readKey));
    expect(await session.text()).toBe(await keyed.text());
  });
});

describe('GET /api/v1/cost/export over a closed month', () => {
  it('serves the closed figures; a grouping the close did not keep is a 400 naming groupBy', async () => {
    const month = from.slice(0, 7);
    const url = `/cost/export?from=${from}&to=${to}&groupBy=tenant,model&granularity=day`;
    const live = await (await api.costExport(req(url, w.readKey))).text();
    await closeMonth(w.store, 'default', month, 'cfo');
    try {
      expect(await (await api.costExport(req(url, w.readKey))).text()).toBe(live);
      const bad = await api.costExport(req(`/cost/export?from=${from}&to=${to}&groupBy=route`, w.readKey));
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('groupBy');
    } finally {
      await reopenMonth(w.store, 'default', month, 'cfo', 'test done');
    }
  });
});
