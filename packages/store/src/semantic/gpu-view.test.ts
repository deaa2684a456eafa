import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMetricBatch, serializeMetricPoint, type MetricPointRow } from '../metric-points.ts';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { metricsCatalog, queryMetrics, QueryError, type MetricsQuery } from './index.ts';

// Hour-aligned and inside the retention window whenever the test runs (a fixed date would expire).
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 6 * 3_600_000;
const GIB = 1024 ** 3;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

function point(canonical: string, value: number, over: Partial<MetricPointRow>): MetricPointRow {
  return {
    projectId: 'default', name: canonical, type: 'gauge', unit: '', temporality: 'unspecified', monotonic: false, timeNs: ns(T0), startTimeNs: 0n,
    attributes: {}, resourceHash: '1', resourceAttributes: {}, scopeName: '', service: 'dcgm', host: '', k8sNamespace: '', k8sPod: '',
    value, count: 0, sum: NaN, min: NaN, max: NaN, bounds: [], bucketCounts: [], expScale: 0, expZeroCount: 0, expZeroThreshold: 0,
    expPositiveOffset: 0, expPositive: [], expNegativeOffset: 0, expNegative: [], quantiles: [], quantileValues: [], flags: 0,
    canonical, canonicalValue: value, gpuUuid: '', gpuIndex: '', gpuModel: '', modelName: '', ...over,
  };
}

// Each host is its own resource (as with a real exporter per node): the series identity includes it.
const a0 = { resourceHash: '11', host: 'host-a', gpuUuid: 'GPU-a0', gpuIndex: '0', gpuModel: 'A100', attributes: { gpu: '0' } };
const a1 = { resourceHash: '11', host: 'host-a', gpuUuid: 'GPU-a1', gpuIndex: '1', gpuModel: 'A100', attributes: { gpu: '1' } };
const b0 = { resourceHash: '22', host: 'host-b', gpuUuid: 'GPU-b0', gpuIndex: '0', gpuModel: 'L4', attributes: { gpu: '0' } };
const at = (s: number) => ({ timeNs: ns(T0 + s * 1000) });

const rows: MetricPointRow[] = [
  point('gpu.utilization', 0.2, { ...a0, ...at(0) }),
  point('gpu.utilization', 0.4, { ...a0, ...at(60) }),
  point('gpu.utilization', 0.8, { ...a1, ...at(0) }),
  point('gpu.utilization', 0.1, { ...b0, ...at(0) }),
  point('gpu.memory.used_bytes', 10 * GIB, { ...a0, ...at(0) }),
  point('gpu.memory.used_bytes', 12 * GIB, { ...a0, ...at(60) }),
  point('gpu.memory.free_bytes', 70 * GIB, { ...a0, ...at(0) }),
  point('gpu.memory.used_bytes', 20 * GIB, { ...a1, ...at(0) }),
  point('gpu.memory.total_bytes', 80 * GIB, { ...a1, ...at(0) }),
  point('gpu.memory.used_bytes', 5 * GIB, { ...b0, ...at(0) }),
  point('gpu.power_watts', 300, { ...a0, ...at(0) }),
  point('gpu.power_watts', 100, { ...a1, ...at(0) }),
  point('gpu.temperature_celsius', 71, { ...a0, ...at(0) }),
  point('gpu.temperature_celsius', 64, { ...a1, ...at(0) }),
  point('inference.requests_waiting', 5, { host: 'host-a', modelName: 'llama', service: 'vllm', ...at(0) }),
  point('inference.requests_waiting', 7, { host: 'host-a', modelName: 'llama', service: 'vllm', ...at(30) }),
  point('inference.requests_waiting', 2, { resourceHash: '22', host: 'host-b', modelName: 'mistral', service: 'vllm', ...at(0) }),
  // Not a GPU metric: never read by the view.
  point('', 123, { name: 'http.server.requests', host: 'host-a', ...at(0) }),
];

let store: Store;
const from = new Date(T0);
const to = new Date(T0 + 120_000);
const q = (over: Partial<MetricsQuery>) => queryMetrics(store, { projectId: 'default', from, to, measures: ['gpu_utilization'], ...over });

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-gpu-view-'))));
  await store.migrate();
  const body = Buffer.from(rows.map(serializeMetricPoint).join(''));
  await insertMetricBatch(store, body, null);
  await insertMetricBatch(store, body, null); // a re-delivery: FINAL keeps one copy of each point
});
afterAll(async () => store?.close());

describe('GPU view of the semantic layer', () => {
  it('per GPU the mean of its samples, then ratios averaged and capacities summed across GPUs', async () => {
    const r = await q({ measures: ['gpu_utilization', 'gpu_memory_used_bytes', 'gpu_power_watts', 'gpu_count', 'gpu_temperature_celsius'] });
    expect(r.source).toBe('metric_points');
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0]!;
    expect(row.gpu_utilization).toBeCloseTo((0.3 + 0.8 + 0.1) / 3, 12);
    expect(row.gpu_memory_used_bytes).toBe(11 * GIB + 20 * GIB + 5 * GIB);
    expect(row).toMatchObject({ gpu_power_watts: 400, gpu_count: 3, gpu_temperature_celsius: 71 });
    expect(r.measures.map((m) => m.unit)).toEqual(['ratio', 'bytes', 'watts', 'count', 'celsius']);
  });

  it('by host, by gpu_uuid, and filtered by GPU model', async () => {
    const byHost = await q({ measures: ['gpu_utilization', 'gpu_memory_used_bytes', 'gpu_memory_total_bytes'], groupBy: ['host'], orderBy: 'gpu_utilization' });
    expect(byHost.rows).toEqual([
      { host: 'host-a', gpu_utilization: 0.55, gpu_memory_used_bytes: 31 * GIB, gpu_memory_total_bytes: (11 + 70) * GIB + 80 * GIB },
      // host-b reports neither a total nor free memory: unknown, not 0.
      { host: 'host-b', gpu_utilization: 0.1, gpu_memory_used_bytes: 5 * GIB, gpu_memory_total_bytes: null },
    ]);
    const byGpu = await q({ measures: ['gpu_memory_used_bytes'], groupBy: ['gpu_uuid'], order: 'asc' });
    expect(byGpu.rows.map((r) => [r.gpu_uuid, r.gpu_memory_used_bytes])).toEqual([['GPU-b0', 5 * GIB], ['GPU-a0', 11 * GIB], ['GPU-a1', 20 * GIB]]);
    expect(byGpu.leftOut).toBeNull();
    // A limit never cuts silently: the result says how many groups it left out.
    const cut = await q({ measures: ['gpu_memory_used_bytes'], groupBy: ['gpu_uuid'], order: 'asc', limit: 2 });
    expect(cut.rows.map((r) => r.gpu_uuid)).toEqual(['GPU-b0', 'GPU-a0']);
    expect(cut.leftOut).toEqual({ groups: 1, totals: {} });
    const a100 = await q({ measures: ['gpu_utilization'], filters: { gpu_model: ['A100'] } });
    expect(a100.rows[0]!.gpu_utilization).toBeCloseTo(0.55, 12);
  });

  it('time series: one bucket per minute, null where no GPU of the group reported', async () => {
    const r = await q({ groupBy: ['host'], intervalMs: 60_000 });
    const byKey = Object.fromEntries(r.rows.map((x) => [`${x.time} ${x.host}`, x.gpu_utilization]));
    expect(byKey[`${new Date(T0).toISOString()} host-a`]).toBeCloseTo(0.5, 12);
    expect(byKey[`${new Date(T0 + 60_000).toISOString()} host-a`]).toBeCloseTo(0.4, 12);
    expect(byKey[`${new Date(T0 + 60_000).toISOString()} host-b`]).toBeNull();
  });

  it('inference series: queue depth summed over model servers, per served model', async () => {
    const total = await q({ measures: ['inference_requests_waiting'] });
    expect(total.rows[0]!.inference_requests_waiting).toBe(6 + 2);
    const byModel = await q({ measures: ['inference_requests_waiting'], groupBy: ['served_model'] });
    expect(byModel.rows).toEqual([{ served_model: 'llama', inference_requests_waiting: 6 }, { served_model: 'mistral', inference_requests_waiting: 2 }]);
  });

  it('refuses mixed views, naming the field', async () => {
    await expect(q({ measures: ['gpu_utilization', 'requests'] })).rejects.toMatchObject({ field: 'measures' });
    await expect(q({ measures: ['requests'], groupBy: ['gpu_uuid'] })).rejects.toMatchObject({ field: 'groupBy' });
    await expect(q({ measures: ['gpu_utilization'], groupBy: ['tenant'] })).rejects.toBeInstanceOf(QueryError);
    await expect(q({ measures: ['gpu_utilization'], filters: { tenant: ['acme'] } })).rejects.toMatchObject({ field: 'filter[tenant]' });
  });

  it('lists the GPU measures and dimensions in the public catalog', () => {
    const c = metricsCatalog();
    expect(c.measures.map((m) => m.name)).toEqual(expect.arrayContaining(['gpu_utilization', 'gpu_memory_used_bytes', 'gpu_power_watts']));
    expect(c.dimensions.map((d) => d.name)).toEqual(expect.arrayContaining(['gpu_uuid', 'gpu_model', 'k8s_pod']));
  });
});
