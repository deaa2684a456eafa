import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMetricBatch, serializeMetricPoint, type MetricPointRow } from '../metric-points.ts';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { queryMetrics, type MetricsQuery } from './index.ts';

// Counter rates and histogram percentiles of model-server metrics (vLLM token counters, TTFT
// histograms), hand-computed. Hour-aligned and inside retention whenever the test runs.
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 6 * 3_600_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const at = (s: number) => ({ timeNs: ns(T0 + s * 1000) });

function point(canonical: string, over: Partial<MetricPointRow>): MetricPointRow {
  return {
    projectId: 'default', name: canonical, type: 'sum', unit: '', temporality: 'cumulative', monotonic: true, timeNs: ns(T0), startTimeNs: 0n,
    attributes: {}, resourceHash: '1', resourceAttributes: {}, scopeName: '', service: 'vllm', host: '', k8sNamespace: '', k8sPod: '',
    value: NaN, count: 0, sum: NaN, min: NaN, max: NaN, bounds: [], bucketCounts: [], expScale: 0, expZeroCount: 0, expZeroThreshold: 0,
    expPositiveOffset: 0, expPositive: [], expNegativeOffset: 0, expNegative: [], quantiles: [], quantileValues: [], flags: 0,
    canonical, canonicalValue: NaN, gpuUuid: '', gpuIndex: '', gpuModel: '', modelName: 'llama', ...over,
  };
}
const A = { resourceHash: '11', host: 'host-a' };
const B = { resourceHash: '22', host: 'host-b' };
const counter = (v: number, s: number, start: number, over: Partial<MetricPointRow>) =>
  point('inference.generation_tokens', { name: 'vllm:generation_tokens_total', value: v, canonicalValue: v, ...at(s), startTimeNs: ns(T0 + start * 1000), ...over });
const hist = (counts: number[], s: number, start: number, over: Partial<MetricPointRow>) =>
  point('inference.ttft_seconds', { name: 'vllm:time_to_first_token_seconds', type: 'histogram', monotonic: false, bounds: [0.1, 0.5, 1], bucketCounts: counts, count: counts.reduce((a, b) => a + b, 0), ...at(s), startTimeNs: ns(T0 + start * 1000), ...over });

const rows: MetricPointRow[] = [
  // host-a: cumulative, started before the range (its first point is a baseline), reset at 80 s.
  counter(1000, 0, -100, A),
  counter(1600, 30, -100, A),
  counter(2200, 60, -100, A),
  counter(300, 90, 80, A), // restarted: 300 tokens since the restart
  counter(900, 119, 80, A),
  // host-b: delta temporality, each point is its own increase.
  counter(120, 0, -60, { ...B, temporality: 'delta' }),
  counter(120, 60, 0, { ...B, temporality: 'delta' }),
  // A point before the range: a baseline for the increase at 0 s, never counted itself.
  hist([10, 0, 0, 0], -30, -600, A),
  hist([20, 0, 0, 0], 0, -600, A),
  hist([30, 10, 0, 0], 60, -600, A),
  hist([0, 0, 10, 0], 30, 0, { ...B, temporality: 'delta' }),
];

let store: Store;
const from = new Date(T0);
const to = new Date(T0 + 120_000);
const q = (over: Partial<MetricsQuery>) => queryMetrics(store, { projectId: 'default', from, to, measures: ['inference_generation_tokens_per_s'], ...over });

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-gpu-rates-'))));
  await store.migrate();
  const body = Buffer.from(rows.map(serializeMetricPoint).join(''));
  await insertMetricBatch(store, body, null);
  await insertMetricBatch(store, body, null); // re-delivered: counted once
});
afterAll(async () => store?.close());

describe('counter rates through the semantic layer', () => {
  it('reset-aware increase per series over the range, delta points as their own increase', async () => {
    const r = await q({});
    // host-a: 600 + 600 + 300 (reset) + 600 = 2100; host-b: 240. Over 120 s.
    expect(r.rows[0]!.inference_generation_tokens_per_s).toBeCloseTo((2100 + 240) / 120, 9);
    expect(r.measures[0]).toMatchObject({ unit: 'tokens_per_s' });
    const byHost = await q({ groupBy: ['host'] });
    expect(byHost.rows).toEqual([
      { host: 'host-a', inference_generation_tokens_per_s: 2100 / 120 },
      { host: 'host-b', inference_generation_tokens_per_s: 2 },
    ]);
  });

  it('a non-monotonic cumulative sum (an UpDownCounter): a decrease is a negative increase, not a reset; a new start time still is', async () => {
    const C = { projectId: 'updown', resourceHash: '33', host: 'host-c', monotonic: false };
    const updown = [counter(1000, 0, -100, C), counter(1600, 30, -100, C), counter(1300, 60, -100, C), counter(1500, 90, -100, C), counter(50, 119, 100, C)];
    await insertMetricBatch(store, Buffer.from(updown.map(serializeMetricPoint).join('')), null);
    const r = await q({ projectId: 'updown' });
    // +600, −300, +200, then restarted at 100 s with 50 since: 550 over 120 s (reset-corrected it would read 2150).
    expect(r.rows[0]!.inference_generation_tokens_per_s).toBeCloseTo(550 / 120, 9);
  });

  it('per bucket: the increase that ends in the bucket over the bucket width', async () => {
    const r = await q({ intervalMs: 60_000 });
    expect(r.rows.map((x) => x.inference_generation_tokens_per_s)).toEqual([(600 + 120) / 60, (600 + 300 + 600 + 120) / 60]);
  });
});

describe('histogram percentiles through the semantic layer', () => {
  it('merges bucket increases across series before interpolating (p50, p95 in ms)', async () => {
    const r = await q({ measures: ['inference_ttft_p50_ms', 'inference_ttft_p95_ms'] });
    // Increases: host-a [10,0,0,0] at 0 s + [10,10,0,0] at 60 s, host-b [0,0,10,0]: merged [20,10,10,0], 40 requests.
    // p50: rank 20 → first bucket (0, 0.1] holds 20 → 0.1 s. p95: rank 38 → (0.5, 1]: 0.5 + 0.5 × (38 − 30) / 10 = 0.9 s.
    expect(r.rows[0]!.inference_ttft_p50_ms).toBeCloseTo(100, 9);
    expect(r.rows[0]!.inference_ttft_p95_ms).toBeCloseTo(900, 9);
    expect(r.measures.map((m) => m.unit)).toEqual(['ms', 'ms']);
  });

  it('per host, and null where a group has no histogram samples', async () => {
    const r = await q({ measures: ['inference_ttft_p95_ms'], groupBy: ['host'], order: 'asc' });
    // host-a: [20,10,0,0] → rank 28.5 in (0.1, 0.5]: 0.1 + 0.4 × 8.5 / 10 = 0.44 s. host-b: rank 9.5 in (0.5, 1]: 0.975 s.
    expect(r.rows.map((x) => [x.host, Math.round(Number(x.inference_ttft_p95_ms) * 1e6) / 1e6])).toEqual([['host-a', 440], ['host-b', 975]]);
    const empty = await queryMetrics(store, { projectId: 'default', from: new Date(T0 + 90_000), to, measures: ['inference_ttft_p95_ms'] });
    expect(empty.rows[0]?.inference_ttft_p95_ms ?? null).toBeNull();
  });
});
