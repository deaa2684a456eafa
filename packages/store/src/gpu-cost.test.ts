import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuCost } from './gpu-cost.ts';
import { deleteGpuPrice, listGpuPrices, saveGpuPrice } from './gpu-prices.ts';
import { insertMetricBatch, serializeMetricPoint, type MetricPointRow } from './metric-points.ts';
import { param, sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

// Two hours of two hosts, hand-computed. host-a: 2 × H100 at $4/GPU-hour serving llama; host-b: one
// idle L4 with a host price of $1. Inside retention whenever the test runs.
const H = 3_600_000;
const T0 = Math.floor(Date.now() / H) * H - 5 * H;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

function gpuPoint(canonical: string, value: number, ms: number, over: Partial<MetricPointRow>): MetricPointRow {
  return {
    projectId: 'p', name: canonical, type: 'gauge', unit: '', temporality: 'unspecified', monotonic: false, timeNs: ns(ms), startTimeNs: 0n,
    attributes: {}, resourceHash: '1', resourceAttributes: {}, scopeName: '', service: 'dcgm', host: '', k8sNamespace: '', k8sPod: '',
    value, count: 0, sum: NaN, min: NaN, max: NaN, bounds: [], bucketCounts: [], expScale: 0, expZeroCount: 0, expZeroThreshold: 0,
    expPositiveOffset: 0, expPositive: [], expNegativeOffset: 0, expNegative: [], quantiles: [], quantileValues: [], flags: 0,
    canonical, canonicalValue: value, gpuUuid: '', gpuIndex: '', gpuModel: '', modelName: '', ...over,
  };
}
const a0 = { host: 'host-a', gpuUuid: 'GPU-a0', gpuIndex: '0', gpuModel: 'H100', attributes: { gpu: '0' } };
const a1 = { host: 'host-a', gpuUuid: 'GPU-a1', gpuIndex: '1', gpuModel: 'H100', attributes: { gpu: '1' } };
const b0 = { host: 'host-b', resourceHash: '2', gpuUuid: 'GPU-b0', gpuIndex: '0', gpuModel: 'L4', attributes: { gpu: '0' } };

const points: MetricPointRow[] = [
  // hour 0: host-a GPUs at 0.6 and 0.4 (mean 0.5); hour 1: 0.25 each
  gpuPoint('gpu.utilization', 0.6, T0 + 60_000, a0), gpuPoint('gpu.utilization', 0.4, T0 + 60_000, a1),
  gpuPoint('gpu.utilization', 0.25, T0 + H + 60_000, a0), gpuPoint('gpu.utilization', 0.25, T0 + H + 60_000, a1),
  gpuPoint('gpu.utilization', 0.01, T0 + 60_000, b0), gpuPoint('gpu.utilization', 0.01, T0 + H + 60_000, b0),
  // the model server on host-a serves llama (both hours)
  gpuPoint('inference.requests_running', 3, T0 + 60_000, { host: 'host-a', service: 'vllm', modelName: 'llama' }),
  gpuPoint('inference.requests_running', 1, T0 + H + 60_000, { host: 'host-a', service: 'vllm', modelName: 'llama' }),
];

let store: Store;
const span = (id: string, ms: number, durS: number, tenant: string, model: string, address: string) =>
  sql`(${'p'}, ${'t' + id}, ${id}, ${new Date(ms)}, ${new Date(ms + durS * 1000)}, ${durS * 1e9}, ${tenant}, ${model}, ${model}, true, ${'client-host'}, ${param({ 'server.address': address }, 'Map(String, String)')})`;

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-gpu-cost-'))));
  await store.migrate();
  await insertMetricBatch(store, Buffer.from(points.map(serializeMetricPoint).join('')), null);
  // hour 0: acme 30 s, globex 10 s of llama; hour 1: only acme; a gpt-4o call is not self-hosted.
  await store.command(sql`INSERT INTO spans (project_id, trace_id, span_id, start_time, end_time, duration_ns, tenant, request_model, response_model, usage_counted, host, attributes) VALUES
    ${span('s1', T0 + 100_000, 20, 'acme', 'llama', 'host-a:8000')}, ${span('s2', T0 + 200_000, 10, 'acme', 'llama', 'host-a:8000')},
    ${span('s3', T0 + 300_000, 10, 'globex', 'llama', 'host-a')}, ${span('s4', T0 + H + 100_000, 5, 'acme', 'llama', 'host-a')},
    ${span('s5', T0 + 100_000, 50, 'globex', 'gpt-4o', 'api.openai.com')}`);
  await saveGpuPrice(store, 'p', { id: 'h100', matchKind: 'gpu_model', match: 'H100', usdPerGpuHour: '4', effectiveFrom: 0, effectiveTo: null, updatedBy: 'test' });
  await saveGpuPrice(store, 'p', { id: 'l4', matchKind: 'gpu_model', match: 'L4', usdPerGpuHour: '9', effectiveFrom: 0, effectiveTo: null, updatedBy: 'test' });
  // host-b's own price wins over its GPU model's
  await saveGpuPrice(store, 'p', { id: 'hb', matchKind: 'host', match: 'host-b', usdPerGpuHour: '1', effectiveFrom: 0, effectiveTo: null, updatedBy: 'test' });
});
afterAll(async () => store?.close());

describe('self-hosted GPU cost split across tenants', () => {
  it('joins by served model: busy part by busy-time share, idle as its own line, sums exactly', async () => {
    const r = await gpuCost(store, { projectId: 'p', from: new Date(T0), to: new Date(T0 + 2 * H) });
    // host-a hour 0: $8, 50 % busy → $4 split 30:10 → acme 3, globex 1; idle 4.
    // host-a hour 1: $8, 25 % busy → acme 2; idle 6. host-b: $1 × 2 hours, no traffic → idle 2.
    expect(r.totalUsd).toBe('18');
    expect(r.idleUsd).toBe('12');
    expect(r.byTenant).toEqual([{ tenant: 'acme', usd: '5', busySeconds: 35 }, { tenant: 'globex', usd: '1', busySeconds: 10 }]);
    expect(r.byHost.map((h) => [h.host, h.usd, h.idleUsd, h.gpuHours])).toEqual([['host-a', '16', '10', 4], ['host-b', '2', '2', 2]]);
    expect(r.unpriced).toEqual([]);
  });

  it('spreading idle, a partial hour, and joining by server.address', async () => {
    const spread = await gpuCost(store, { projectId: 'p', from: new Date(T0), to: new Date(T0 + 2 * H), spreadIdle: true });
    // hour 0 $8 → 6 : 2; hour 1 $8 → acme; host-b has no traffic: idle stays 2.
    expect(spread.byTenant.map((t) => [t.tenant, t.usd])).toEqual([['acme', '14'], ['globex', '2']]);
    expect(spread.idleUsd).toBe('2');
    const half = await gpuCost(store, { projectId: 'p', from: new Date(T0), to: new Date(T0 + H / 2) });
    expect(half.totalUsd).toBe('4.5'); // host-a $8 × ½ + host-b $1 × ½
    const byAddress = await gpuCost(store, { projectId: 'p', from: new Date(T0), to: new Date(T0 + 2 * H), join: 'server_address' });
    expect(byAddress.byTenant.map((t) => [t.tenant, t.usd])).toEqual([['acme', '5'], ['globex', '1']]);
    const byHost = await gpuCost(store, { projectId: 'p', from: new Date(T0), to: new Date(T0 + 2 * H), join: 'host' });
    expect(byHost.byTenant).toEqual([]); // the spans ran on client-host, not on a GPU host
    expect(byHost.idleUsd).toBe('18');
  });

  it('prices are versioned: a deleted price leaves its GPUs unpriced and listed', async () => {
    await deleteGpuPrice(store, 'p', 'hb', 'test');
    expect((await listGpuPrices(store, 'p')).map((p) => p.id).sort()).toEqual(['h100', 'l4']);
    const r = await gpuCost(store, { projectId: 'p', from: new Date(T0), to: new Date(T0 + 2 * H) });
    expect(r.byHost.find((h) => h.host === 'host-b')?.usd).toBe('18'); // now its L4 price, $9 × 2
    await deleteGpuPrice(store, 'p', 'l4', 'test');
    const unpriced = await gpuCost(store, { projectId: 'p', from: new Date(T0), to: new Date(T0 + 2 * H) });
    expect(unpriced.unpriced).toEqual([{ host: 'host-b', gpuModel: 'L4', gpuHours: 2 }]);
    expect(unpriced.totalUsd).toBe('16');
  });
});

describe('GPU cost as a semantic measure', () => {
  it('gpu_cost_usd by tenant (idle as its own group) adds up to the total; hourly buckets', async () => {
    const { queryMetrics } = await import('./semantic/index.ts');
    await saveGpuPrice(store, 'p', { id: 'l4', matchKind: 'gpu_model', match: 'L4', usdPerGpuHour: '1', effectiveFrom: 0, effectiveTo: null, updatedBy: 'test' });
    const base = { projectId: 'p', from: new Date(T0), to: new Date(T0 + 2 * H) };
    const total = await queryMetrics(store, { ...base, measures: ['gpu_cost_usd', 'gpu_idle_cost_usd'] });
    expect(total.rows).toEqual([{ gpu_cost_usd: 18, gpu_idle_cost_usd: 12 }]);
    const byTenant = await queryMetrics(store, { ...base, measures: ['gpu_cost_usd'], groupBy: ['tenant'], exactMoney: true });
    expect(byTenant.rows).toEqual([{ tenant: '(idle)', gpu_cost_usd: '12' }, { tenant: 'acme', gpu_cost_usd: '5' }, { tenant: 'globex', gpu_cost_usd: '1' }]);
    const hourly = await queryMetrics(store, { ...base, measures: ['gpu_cost_usd'], intervalMs: H, filters: { host: ['host-a'] } });
    expect(hourly.rows.map((r) => r.gpu_cost_usd)).toEqual([8, 8]);
    await expect(queryMetrics(store, { ...base, measures: ['gpu_cost_usd'], groupBy: ['model'] })).rejects.toMatchObject({ field: 'groupBy' });
    await expect(queryMetrics(store, { ...base, measures: ['gpu_cost_usd', 'cost_usd'] })).rejects.toMatchObject({ field: 'measures' });
  });
});

describe('joining by Kubernetes pod', () => {
  it('spans whose resource k8s.pod.name is a pod the host\'s GPU series report share that host\'s busy part', async () => {
    // host-k: 2 GPUs at $2/GPU-hour, mean utilization 0.5, one hour → $4: $2 busy, $2 idle.
    // dcgm-exporter's pod mapping labels GPU k0 with pod vllm-0 and k1 with vllm-1.
    const k = { projectId: 'k8s', host: 'host-k', gpuModel: 'A10', resourceHash: '7' };
    await insertMetricBatch(store, Buffer.from([
      gpuPoint('gpu.utilization', 0.7, T0 + 60_000, { ...k, gpuUuid: 'GPU-k0', gpuIndex: '0', k8sPod: 'vllm-0', attributes: { gpu: '0' } }),
      gpuPoint('gpu.utilization', 0.3, T0 + 60_000, { ...k, gpuUuid: 'GPU-k1', gpuIndex: '1', k8sPod: 'vllm-1', attributes: { gpu: '1' } }),
    ].map(serializeMetricPoint).join('')), null);
    await saveGpuPrice(store, 'k8s', { id: 'a10', matchKind: 'gpu_model', match: 'A10', usdPerGpuHour: '2', effectiveFrom: 0, effectiveTo: null, updatedBy: 'test' });
    const pod = (id: string, durS: number, tenant: string, podName: string) =>
      sql`(${'k8s'}, ${'t' + id}, ${id}, ${new Date(T0 + 100_000)}, ${new Date(T0 + 100_000 + durS * 1000)}, ${durS * 1e9}, ${tenant}, ${'llama'}, ${'llama'}, true, ${'node-1'}, ${podName})`;
    await store.command(sql`INSERT INTO spans (project_id, trace_id, span_id, start_time, end_time, duration_ns, tenant, request_model, response_model, usage_counted, host, k8s_pod) VALUES
      ${pod('k1', 30, 'acme', 'vllm-0')}, ${pod('k2', 10, 'globex', 'vllm-1')}, ${pod('k3', 99, 'initech', 'web-1')}`);
    const r = await gpuCost(store, { projectId: 'k8s', from: new Date(T0), to: new Date(T0 + H), join: 'k8s_pod' });
    expect(r.join).toBe('k8s_pod');
    expect(r.totalUsd).toBe('4');
    expect(r.idleUsd).toBe('2');
    expect(r.byTenant).toEqual([{ tenant: 'acme', usd: '1.5', busySeconds: 30 }, { tenant: 'globex', usd: '0.5', busySeconds: 10 }]);
  });
});
