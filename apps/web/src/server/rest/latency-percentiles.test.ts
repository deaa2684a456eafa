import { backfill, DEMO_TENANTS } from '@plumb/demo';
import { createApiKey, latencyPercentiles } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { openApiDocument } from './openapi.ts';
import { createRestApi, type RestApi } from './index.ts';

let w: TestWorld;
let api: RestApi;
let key: string;
const END = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const window = `from=${END - 4 * 3_600_000}&to=${END}`;
const get = (path: string, k: string | null = key) => new Request(`http://localhost:3000/api/v1${path}`, { headers: k ? { authorization: `Bearer ${k}` } : {} });
const body = async (r: Response) => (await r.json()) as Record<string, any>;

beforeAll(async () => {
  w = await openTestWorld('plumb-rest-latency-');
  api = createRestApi({ getStore: async () => w.store });
  await backfill(w.store, { projectId: 'lat', days: 4 / 24, spans: 3_000, seed: 3, endMs: END });
  key = (await createApiKey(w.store, { projectId: 'lat', name: 'read', scopes: ['read'] })).key;
});
afterAll(async () => w?.store.close());

describe('GET /api/v1/latency/percentiles', () => {
  it('is the store query with the same input: series per model, filters, interval', async () => {
    const r = await api.latencyPercentiles(get(`/latency/percentiles?${window}&dimension=model&interval=1h&filter[tenant]=${DEMO_TENANTS[0]}`));
    expect(r.status).toBe(200);
    const b = await body(r);
    const direct = await latencyPercentiles(w.store, { projectId: 'lat', from: END - 4 * 3_600_000, to: END, intervalMs: 3_600_000, dimension: 'model', filters: { tenant: [DEMO_TENANTS[0]] } });
    expect(b).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(b.series.length).toBeGreaterThan(1);
    expect(b.series[0].points).toHaveLength(4);
    expect(b.series[0].window.p95).toBeGreaterThan(0);
  });

  it.each([
    ['dimension=host', 'dimension'],
    ['filter[host]=x', 'filter'],
    ['interval=10', 'interval'],
    ['limit=0', 'limit'],
    ['bogus=1', 'bogus'],
  ])('%s → 400 naming %s', async (qs, field) => {
    const r = await api.latencyPercentiles(get(`/latency/percentiles?${window}&${qs}`));
    expect(r.status).toBe(400);
    expect((await body(r)).error.field).toMatch(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}`));
  });

  it('needs a read key', async () => {
    expect((await api.latencyPercentiles(get(`/latency/percentiles?${window}`, null))).status).toBe(401);
  });

  it('is in the OpenAPI document with its parameters', () => {
    const doc = openApiDocument() as any;
    const op = doc.paths['/latency/percentiles'].get;
    expect(op.operationId).toBe('latencyPercentiles');
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'dimension', 'interval', 'filter', 'limit']));
    expect(doc.components.schemas.LatencyPercentiles).toBeDefined();
  });
});
