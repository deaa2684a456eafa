import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@plumb/store';
import { startTestCollector, type TestCollector } from './testing.ts';
import { Wal } from './wal.ts';

let t: TestCollector;
beforeAll(async () => {
  t = await startTestCollector();
});
afterAll(async () => t?.stop());

interface StoredPoint {
  name: string;
  type: string;
  unit: string;
  temporality: string;
  monotonic: boolean;
  value: number | null;
  count: number;
  sum: number | null;
  bucket_counts: number[];
  bounds: number[];
  host: string;
  service: string;
  canonical: string;
  canonical_value: number | null;
  gpu_uuid: string;
  gpu_index: string;
  gpu_model: string;
  attributes: Record<string, string>;
}

const pointsOf = (service: string) =>
  t.store.query<StoredPoint>(sql`SELECT p.name AS name, p.type AS type, unit, temporality, monotonic, value, count, sum, bucket_counts, bounds, host, service,
      canonical, canonical_value, gpu_uuid, gpu_index, gpu_model, s.attributes AS attributes
    FROM metric_points AS p FINAL
    JOIN (SELECT project_id, series_id, attributes FROM metric_series FINAL) AS s ON s.project_id = p.project_id AND s.series_id = p.series_id
    WHERE service = ${service} ORDER BY name, time`);

/** GPU gauges under dcgm-exporter names and OTel hw.gpu names, plus a counter and a histogram, from the stock SDK. */
async function exportWithSdk(service: string, exporter: PushMetricExporter): Promise<void> {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': service, 'host.name': `${service}-node` }), readers: [reader] });
  const meter = provider.getMeter('gpu-test');
  const dcgm = { gpu: '0', UUID: 'GPU-1111-aaaa', modelName: 'NVIDIA A100-SXM4-80GB', Hostname: 'dcgm-host-7' };
  meter.createObservableGauge('DCGM_FI_DEV_GPU_UTIL').addCallback((o) => o.observe(73, dcgm));
  meter.createObservableGauge('DCGM_FI_DEV_FB_USED').addCallback((o) => o.observe(40_000, dcgm));
  meter.createObservableGauge('DCGM_FI_DEV_POWER_USAGE').addCallback((o) => o.observe(312.5, dcgm));
  const hw = { 'hw.id': 'GPU-2222-bbbb', 'hw.model': 'NVIDIA H100', 'hw.gpu.task': 'general', 'hw.type': 'gpu' };
  meter.createObservableGauge('hw.gpu.utilization', { unit: '1' }).addCallback((o) => o.observe(0.42, hw));
  meter.createObservableGauge('hw.gpu.memory.usage', { unit: 'By' }).addCallback((o) => o.observe(21_474_836_480, { 'hw.id': 'GPU-2222-bbbb', 'hw.type': 'gpu' }));
  meter.createCounter('requests', { unit: '{request}' }).add(5, { route: '/chat' });
  const hist = meter.createHistogram('latency', { unit: 's' });
  for (const v of [0.004, 0.02, 0.3, 7]) hist.record(v);
  await reader.forceFlush();
  await provider.shutdown();
  await t.collector.flush();
}

describe.each([
  ['http/json', (url: string) => new JsonMetricExporter({ url: `${url}/v1/metrics`, temporalityPreference: AggregationTemporality.CUMULATIVE })],
  ['http/protobuf', (url: string) => new ProtoMetricExporter({ url: `${url}/v1/metrics`, temporalityPreference: AggregationTemporality.DELTA })],
])('stock OTel JS metrics SDK over %s', (protocol, makeExporter) => {
  it('stores gauges, sums and histograms and normalizes DCGM and hw.gpu names', async () => {
    const service = `gpu-svc-${protocol.replace('/', '-')}`;
    await exportWithSdk(service, makeExporter(t.url));
    const rows = await pointsOf(service);
    const by = new Map(rows.map((r) => [r.name, r]));
    expect([...by.keys()].sort()).toEqual(
      ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_POWER_USAGE', 'hw.gpu.memory.usage', 'hw.gpu.utilization', 'latency', 'requests'],
    );
    const util = by.get('DCGM_FI_DEV_GPU_UTIL')!;
    expect(util).toMatchObject({ type: 'gauge', value: 73, canonical: 'gpu.utilization', gpu_uuid: 'GPU-1111-aaaa', gpu_index: '0', gpu_model: 'NVIDIA A100-SXM4-80GB' });
    expect(util.canonical_value).toBeCloseTo(0.73, 12);
    // The resource's host.name wins over the exporter's Hostname label.
    expect(util.host).toBe(`${service}-node`);
    expect(by.get('DCGM_FI_DEV_FB_USED')!.canonical_value).toBe(40_000 * 1024 * 1024);
    expect(by.get('DCGM_FI_DEV_POWER_USAGE')).toMatchObject({ canonical: 'gpu.power_watts', canonical_value: 312.5 });
    expect(by.get('hw.gpu.utilization')).toMatchObject({ canonical: 'gpu.utilization', canonical_value: 0.42, gpu_uuid: 'GPU-2222-bbbb', gpu_model: 'NVIDIA H100' });
    expect(by.get('hw.gpu.memory.usage')).toMatchObject({ canonical: 'gpu.memory.used_bytes', canonical_value: 21_474_836_480 });
    const temporality = protocol === 'http/json' ? 'cumulative' : 'delta';
    expect(by.get('requests')).toMatchObject({ type: 'sum', monotonic: true, value: 5, temporality, unit: '{request}', canonical: '' });
    const latency = by.get('latency')!;
    expect(latency).toMatchObject({ type: 'histogram', temporality, count: 4, unit: 's' });
    expect(latency.sum).toBeCloseTo(7.324, 9);
    expect(latency.bucket_counts.map(Number).reduce((a, b) => a + b, 0)).toBe(4);
    expect(latency.bucket_counts.length).toBe(latency.bounds.length + 1);
  });
});

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
function jsonBody(service: string): string {
  const t0 = String(NOW_NS - 60_000_000_000n);
  const t1 = String(NOW_NS);
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [
          {
            scope: { name: 'handmade' },
            metrics: [
              { name: 'vllm:num_requests_waiting', gauge: { dataPoints: [{ timeUnixNano: t1, asDouble: 3, attributes: [{ key: 'model_name', value: { stringValue: 'llama-3-70b' } }] }] } },
              {
                name: 'tokens',
                sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE', isMonotonic: true, dataPoints: [{ startTimeUnixNano: t0, timeUnixNano: t1, asInt: '1234' }] },
              },
              {
                name: 'size',
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  dataPoints: [{ startTimeUnixNano: t0, timeUnixNano: t1, count: '6', sum: 21, scale: 1, zeroCount: '1', positive: { offset: -1, bucketCounts: ['2', '3'] } }],
                },
              },
              {
                name: 'rpc_seconds',
                summary: {
                  dataPoints: [{ startTimeUnixNano: t0, timeUnixNano: t1, count: '10', sum: 2.5, quantileValues: [{ quantile: 0.5, value: 0.2 }, { quantile: 0.99, value: 0.9 }] }],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('/v1/metrics over HTTP', () => {
  it('stores exponential histograms and summaries, gzip accepted', async () => {
    const res = await post(new Uint8Array(gzipSync(jsonBody('handmade'))), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    await t.collector.flush();
    const rows = await t.store.query<{ name: string; type: string; count: number; exp_scale: number; exp_zero_count: number; exp_positive_offset: number; exp_positive: number[]; quantiles: number[]; quantile_values: number[]; value: number | null; canonical: string; model_name: string; temporality: string }>(
      sql`SELECT name, type, count, exp_scale, exp_zero_count, exp_positive_offset, exp_positive, quantiles, quantile_values, value, canonical, model_name, temporality
          FROM metric_points FINAL WHERE service = 'handmade' ORDER BY name`,
    );
    const by = new Map(rows.map((r) => [r.name, r]));
    expect(by.get('size')).toMatchObject({ type: 'exponential_histogram', count: 6, exp_scale: 1, exp_zero_count: 1, exp_positive_offset: -1, exp_positive: [2, 3], temporality: 'delta' });
    expect(by.get('rpc_seconds')).toMatchObject({ type: 'summary', count: 10, quantiles: [0.5, 0.99], quantile_values: [0.2, 0.9] });
    expect(by.get('tokens')).toMatchObject({ type: 'sum', value: 1234, temporality: 'cumulative' });
    expect(by.get('vllm:num_requests_waiting')).toMatchObject({ canonical: 'inference.requests_waiting', model_name: 'llama-3-70b' });
  });

  it('stores a re-delivered batch once', async () => {
    const body = jsonBody('redelivered');
    for (let i = 0; i < 3; i++) expect((await post(body)).status).toBe(200);
    await t.collector.flush();
    const [row] = await t.store.query<{ n: string }>(sql`SELECT count() AS n FROM metric_points FINAL WHERE service = 'redelivered'`);
    expect(Number(row!.n)).toBe(4);
  });

  it('answers 400 naming the field for a malformed body, 400 for broken protobuf', async () => {
    const bad = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [{ timeUnixNano: '1', asDouble: {} }] } }] }] }] });
    const res = await post(bad);
    expect(res.status).toBe(400);
    const err = (await res.json()) as { message: string };
    expect(err.message).toContain('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble');
    const proto = await fetch(`${t.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0x0a, 0x05, 0x12, 0x10]) });
    expect(proto.status).toBe(400);
  });

  it('rejects a point without a time alone (partial_success)', async () => {
    const body = JSON.stringify({
      resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'partial' } }] }, scopeMetrics: [{ metrics: [
        { name: 'g', gauge: { dataPoints: [{ asDouble: 1 }, { timeUnixNano: String(NOW_NS), asDouble: 2 }] } },
      ] }] }],
    });
    const res = await post(body);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    expect(out.partialSuccess.rejectedDataPoints).toBe('1');
    expect(out.partialSuccess.errorMessage).toContain('timeUnixNano');
  });
});

describe('metrics in the WAL', () => {
  it('replays acknowledged metric records left by a previous run', async () => {
    const walDir = join(mkdtempSync(join(tmpdir(), 'plumb-metrics-wal-')), 'wal');
    const wal = await Wal.open(walDir, { fsync: false });
    await wal.append({ signal: 'metrics', format: 'json', projectId: 'default', body: Buffer.from(jsonBody('replayed')) }, 4);
    await wal.close();
    // A second collector on the same store (one engine per process), with the WAL left behind.
    const again = await startTestCollector({ walDir }, { store: t.store, dir: t.dir });
    try {
      const [row] = await t.store.query<{ n: string }>(sql`SELECT count() AS n FROM metric_points FINAL WHERE service = 'replayed'`);
      expect(Number(row!.n)).toBe(4);
    } finally {
      await again.stop();
    }
  });
});
