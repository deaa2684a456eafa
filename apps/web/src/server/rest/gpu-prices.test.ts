import { createApiKey, listGpuPrices } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { createRestApi, type RestApi } from './index.ts';
import { openApiDocument } from './openapi.ts';

let w: TestWorld;
let api: RestApi;
let writeKey: string;
const req = (path: string, key: string | null, init: RequestInit = {}) =>
  new Request(`http://localhost:3000/api/v1${path}`, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) } });
const put = (id: string, key: string | null, body: unknown) =>
  api.gpuPrices(req(`/gpu-prices/${id}`, key, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
const errorOf = async (r: Response) => ((await r.json()) as { error: { field?: string; message: string } }).error;

beforeAll(async () => {
  w = await openTestWorld('plumb-rest-gpu-prices-');
  api = createRestApi({ getStore: async () => w.store });
  writeKey = (await createApiKey(w.store, { projectId: 'default', name: 'w', scopes: ['read', 'write'] })).key;
});
afterAll(async () => w?.store.close());

describe('REST GPU-hour prices', () => {
  it('PUT creates a price under the path id, a second PUT replaces it, GET lists it once', async () => {
    const first = await put('h100', writeKey, { matchKind: 'gpu_model', match: ' NVIDIA H100 80GB HBM3 ', usdPerGpuHour: '2.49' });
    expect(first.status).toBe(200);
    expect(((await first.json()) as { data: unknown }).data).toMatchObject({ id: 'h100', matchKind: 'gpu_model', match: 'NVIDIA H100 80GB HBM3', usdPerGpuHour: '2.49', effectiveFrom: 0, effectiveTo: null });
    const again = await put('h100', writeKey, { matchKind: 'gpu_model', match: 'NVIDIA H100 80GB HBM3', usdPerGpuHour: '2.123456789012', effectiveFrom: '2026-01-01T00:00:00Z' });
    expect(again.status).toBe(200);
    const list = await api.gpuPrices(req('/gpu-prices', w.readKey));
    expect(list.status).toBe(200);
    const prices = ((await list.json()) as { data: { id: string; usdPerGpuHour: string; effectiveFrom: number; updatedBy: string }[] }).data.filter((p) => p.id === 'h100');
    expect(prices).toEqual([expect.objectContaining({ usdPerGpuHour: '2.123456789012', effectiveFrom: Date.parse('2026-01-01T00:00:00Z') })]);
    expect(prices[0]!.updatedBy).toMatch(/^key:/);
    // The GPU page (tRPC) reads the same rows.
    expect((await listGpuPrices(w.store, 'default')).filter((p) => p.id === 'h100')).toHaveLength(1);
  });

  it.each([
    [{ matchKind: 'gpu_model', match: 'L4', usdPerGpuHour: '-1' }, 'usdPerGpuHour'],
    [{ matchKind: 'gpu_model', match: 'L4', usdPerGpuHour: 1.5 }, 'usdPerGpuHour'],
    [{ matchKind: 'gpu_model', match: 'L4', usdPerGpuHour: '0.1234567890123' }, 'usdPerGpuHour'],
    [{ matchKind: 'rack', match: 'L4', usdPerGpuHour: '1' }, 'matchKind'],
    [{ matchKind: 'host', match: '', usdPerGpuHour: '1' }, 'match'],
    [{ matchKind: 'host', match: 'h', usdPerGpuHour: '1', id: 'other' }, 'id'],
  ])('a bad body %j is a 400 naming %s', async (body, field) => {
    const r = await put('bad', writeKey, body);
    expect(r.status).toBe(400);
    expect((await errorOf(r)).field).toBe(field);
  });

  it('a bad id in the path is a 400 naming id; other methods are 405', async () => {
    const r = await put('has space', writeKey, { matchKind: 'host', match: 'h', usdPerGpuHour: '1' });
    expect(r.status).toBe(400);
    expect((await errorOf(r)).field).toBe('id');
    expect((await api.gpuPrices(req('/gpu-prices', writeKey, { method: 'POST' }))).status).toBe(405);
    expect((await api.gpuPrices(req('/gpu-prices/x', writeKey, { method: 'DELETE' }))).status).toBe(405);
  });

  it('needs a key; a read key may list but not PUT', async () => {
    expect((await api.gpuPrices(req('/gpu-prices', null))).status).toBe(401);
    expect((await put('x', null, { matchKind: 'host', match: 'h', usdPerGpuHour: '1' })).status).toBe(401);
    expect((await put('x', w.readKey, { matchKind: 'host', match: 'h', usdPerGpuHour: '1' })).status).toBe(403);
    expect((await listGpuPrices(w.store, 'default')).some((p) => p.id === 'x')).toBe(false);
  });

  it('is in the OpenAPI document', () => {
    const paths = (openApiDocument() as { paths: Record<string, Record<string, { operationId: string }>> }).paths;
    expect(paths['/gpu-prices']?.get?.operationId).toBe('listGpuPrices');
    expect(paths['/gpu-prices/{id}']?.put?.operationId).toBe('putGpuPrice');
  });
});
