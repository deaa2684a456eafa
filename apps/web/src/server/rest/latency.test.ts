import { computeStagesForHour, FIXTURE_START, fixtureTraceId, unstagedHours } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { createRestApi, type RestApi } from './index.ts';

let w: TestWorld;
let api: RestApi;
const HOUR = 3_600_000;
const from = new Date(FIXTURE_START.getTime() - HOUR).toISOString();
const to = new Date(FIXTURE_START.getTime() + 2 * HOUR).toISOString();
const req = (path: string, key: string | null) => new Request(`http://localhost:3000/api/v1${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
type Body = { data: Record<string, never>; error: { field: string; message: string } };
const body = async (r: Response) => (await r.json()) as Body;

beforeAll(async () => {
  w = await openTestWorld('plumb-rest-latency-');
  api = createRestApi({ getStore: async () => w.store });
  for (const h of await unstagedHours(w.store, FIXTURE_START.getTime() - 24 * HOUR, FIXTURE_START.getTime() + 24 * HOUR)) {
    await computeStagesForHour(w.store, h.projectId, h.hourMs, { settleMs: 0 });
  }
});
afterAll(async () => w?.store.close());

describe('GET /api/v1/latency/stages', () => {
  it("gives one request's critical-path stages, adding up to its duration", async () => {
    const r = await api.latencyStages(req(`/latency/stages?traceId=${fixtureTraceId(0)}`, w.readKey));
    expect(r.status).toBe(200);
    const d = (await body(r)).data as unknown as { kind: string; request: { durationMs: number; stages: Record<string, number>; traceId: string } };
    expect(d.kind).toBe('request');
    expect(d.request.traceId).toBe(fixtureTraceId(0));
    const sum = Object.values(d.request.stages).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(d.request.durationMs, 6);
    expect(d.request.durationMs).toBeGreaterThan(0);
  });

  it('404 for a trace without a stage row; aggregates per segment over a window', async () => {
    expect((await api.latencyStages(req(`/latency/stages?traceId=${'f'.repeat(32)}`, w.readKey))).status).toBe(404);
    const r = await api.latencyStages(req(`/latency/stages?from=${from}&to=${to}&groupBy=tenant`, w.readKey));
    expect(r.status).toBe(200);
    const d = (await body(r)).data as unknown as { total: { requests: number }; segments: { value: string; requests: number }[] };
    expect(d.total.requests).toBe(12);
    expect(d.segments.reduce((a, s) => a + s.requests, 0)).toBe(12);
  });

  it.each([
    ['groupBy=nope', 'groupBy'],
    ['filter[nope]=x', 'filter[nope]'],
    ['bogus=1', 'bogus'],
    [`from=${to}&to=${from}`, 'from'],
    [`traceId=${'a'.repeat(32)}&groupBy=model`, 'traceId'],
    ['traceId=xyz', 'traceId'],
    ['limit=0', 'limit'],
  ])('%s → 400 naming %s', async (qs, field) => {
    const r = await api.latencyStages(req(`/latency/stages?${qs}`, w.readKey));
    expect(r.status).toBe(400);
    expect((await body(r)).error.field).toBe(field);
  });

  it('needs a read key', async () => {
    expect((await api.latencyStages(req('/latency/stages', null))).status).toBe(401);
  });
});

describe('GET /api/v1/latency/regression', () => {
  it('compares two windows: p95 with its CI, attribution per dimension, stages, exemplars', async () => {
    const b0 = new Date(FIXTURE_START.getTime() - 7 * 24 * HOUR).toISOString();
    const r = await api.latencyRegression(req(`/latency/regression?from=${from}&to=${to}&baselineFrom=${b0}`, w.readKey));
    expect(r.status).toBe(200);
    const d = (await body(r)).data as unknown as {
      p95: { comparisonCount: number; baselineCount: number };
      attribution: { dimensions: { dimension: string }[] };
      stages: { comparison: { all: { requests: number } } };
      baseline: { fromMs: number; toMs: number };
    };
    expect(d.p95.comparisonCount).toBe(12);
    expect(d.p95.baselineCount).toBe(0);
    expect(d.stages.comparison.all.requests).toBe(12);
    expect(d.baseline.toMs - d.baseline.fromMs).toBe(3 * HOUR);
    expect(d.attribution.dimensions.map((x) => x.dimension)).toContain('tenant');
  });

  it('deployAt sets the windows either side of the marker', async () => {
    const r = await api.latencyRegression(req(`/latency/regression?deployAt=${FIXTURE_START.getTime() + HOUR}&window=2h`, w.readKey));
    const d = (await body(r)).data as unknown as { baseline: { fromMs: number; toMs: number }; comparison: { fromMs: number; toMs: number } };
    expect(d.baseline).toEqual({ fromMs: FIXTURE_START.getTime() - HOUR, toMs: FIXTURE_START.getTime() + HOUR });
    expect(d.comparison).toEqual({ fromMs: FIXTURE_START.getTime() + HOUR, toMs: FIXTURE_START.getTime() + 3 * HOUR });
  });

  it.each([
    ['dimensions=model,nope', 'dimensions'],
    [`from=${to}&to=${from}`, 'from'],
    [`baselineFrom=${to}&baselineTo=${from}`, 'baselineFrom'],
    [`baselineTo=${to}`, 'baselineFrom'],
    ['deployAt=yesterday', 'deployAt'],
    [`deployAt=${from}&window=40d`, 'window'],
    [`from=2020-01-01T00:00:00Z&to=${to}`, 'from'],
    ['filter[tenant]=a&filter[color]=b', 'filter[color]'],
  ])('%s → 400 naming %s', async (qs, field) => {
    const r = await api.latencyRegression(req(`/latency/regression?${qs}`, w.readKey));
    expect(r.status).toBe(400);
    expect((await body(r)).error.field).toBe(field);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await api.openapi(req('/openapi.json', null))).json()) as { paths: Record<string, { get: { parameters: { name: string }[] } }> };
    expect(doc.paths['/latency/regression']!.get.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'baselineFrom', 'baselineTo', 'deployAt', 'window', 'dimensions', 'filter']),
    );
    expect(doc.paths['/latency/stages']!.get.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['traceId', 'groupBy', 'filter']));
  });
});
