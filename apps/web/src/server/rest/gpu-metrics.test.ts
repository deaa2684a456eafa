import { insertMetricBatch, serializeMetricPoint, type MetricPointRow } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { createRestApi, type RestApi } from './index.ts';

/** GPU measures of the semantic layer through GET /api/v1/metrics (the same endpoint as span measures). */
let w: TestWorld;
let api: RestApi;
// Inside the retention window (the test world applies the spans' TTL to metric points too).
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const get = (qs: string) => new Request(`http://localhost:3000/api/v1/metrics?from=${T0}&to=${T0 + 600_000}&${qs}`, { headers: { authorization: `Bearer ${w.readKey}` } });
const body = async (r: Response) => (await r.json()) as Record<string, any>;

function gauge(canonical: string, value: number, host: string, gpuUuid: string, s: number): MetricPointRow {
  return {
    projectId: 'default', name: canonical, type: 'gauge', unit: '', temporality: 'unspecified', monotonic: false, timeNs: BigInt(T0 + s * 1000) * 1_000_000n,
    startTimeNs: 0n, attributes: { UUID: gpuUuid }, resourceHash: host === 'h1' ? '1' : '2', resourceAttributes: {}, scopeName: '', service: 'dcgm', host,
    k8sNamespace: '', k8sPod: '', value, count: 0, sum: NaN, min: NaN, max: NaN, bounds: [], bucketCounts: [], expScale: 0, expZeroCount: 0,
    expZeroThreshold: 0, expPositiveOffset: 0, expPositive: [], expNegativeOffset: 0, expNegative: [], quantiles: [], quantileValues: [], flags: 0,
    canonical, canonicalValue: value, gpuUuid, gpuIndex: '0', gpuModel: 'H100', modelName: '',
  };
}

beforeAll(async () => {
  w = await openTestWorld('plumb-rest-gpu-');
  api = createRestApi({ getStore: async () => w.store });
  const rows = [gauge('gpu.utilization', 0.9, 'h1', 'GPU-1', 0), gauge('gpu.utilization', 0.7, 'h1', 'GPU-1', 60), gauge('gpu.utilization', 0.2, 'h2', 'GPU-2', 0), gauge('gpu.power_watts', 650, 'h1', 'GPU-1', 0)];
  await insertMetricBatch(w.store, Buffer.from(rows.map(serializeMetricPoint).join('')), null);
});
afterAll(async () => w?.store.close());

describe('GET /api/v1/metrics with GPU measures', () => {
  it('gpu_utilization and gpu_power_watts by host', async () => {
    const r = await api.metrics(get('measures=gpu_utilization,gpu_power_watts&groupBy=host'));
    expect(r.status).toBe(200);
    const out = await body(r);
    expect(out.source).toBe('metric_points');
    expect(out.rows).toEqual([
      { host: 'h1', gpu_utilization: 0.8, gpu_power_watts: 650 },
      { host: 'h2', gpu_utilization: 0.2, gpu_power_watts: null },
    ]);
    expect(out.measures[1]).toEqual({ name: 'gpu_power_watts', label: 'GPU power', unit: 'watts', approximate: false });
  });

  it('400 naming the field for a span dimension on a GPU measure', async () => {
    const r = await api.metrics(get('measures=gpu_utilization&groupBy=tenant'));
    expect(r.status).toBe(400);
    expect((await body(r)).error.field).toBe('groupBy');
  });
});
