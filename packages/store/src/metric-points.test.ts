import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeMetricPoint, serializeNumberPointReference, splitMetricBatch, type MetricPointRow } from './metric-points.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-metric-points-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

describe('metric_points', () => {
  it('expires with the same retention as spans', async () => {
    await store.applyRetention(9);
    const [row] = await store.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'metric_points'`);
    expect(row!.q).toContain('TTL toDateTime(time) + toIntervalDay(9)');
  });

  it('splits a batch into number rows and distribution rows by their shape byte', () => {
    const { numbers, distributions } = splitMetricBatch(Buffer.from('N[1]\nD[2,3]\nN[4]\n'));
    expect(numbers.toString()).toBe('[1]\n[4]\n');
    expect(distributions.toString()).toBe('[2,3]\n');
  });
});

describe('the gauge / sum line written by hand', () => {
  const base = {
    projectId: 'default', name: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', unit: '%', temporality: 'unspecified', monotonic: false, timeNs: 1_795_718_382_205_000_123n,
    startTimeNs: 0n, attributes: { gpu: '0', UUID: 'GPU-1', modelName: 'NVIDIA H100 80GB HBM3' }, resourceHash: '16870889905655761071', resourceAttributes: {},
    scopeName: 'dcgm', service: 'dcgm-exporter', host: 'gpu-node-0', k8sNamespace: '', k8sPod: '', value: 77, count: 0, sum: NaN, min: NaN, max: NaN,
    bounds: [], bucketCounts: [], expScale: 0, expZeroCount: 0, expZeroThreshold: 0, expPositiveOffset: 0, expPositive: [], expNegativeOffset: 0, expNegative: [],
    quantiles: [], quantileValues: [], flags: 1, canonical: 'gpu.utilization', canonicalValue: 0.77, gpuUuid: 'GPU-1', gpuIndex: '0', gpuModel: 'H100', modelName: '',
  } satisfies MetricPointRow;
  const tricky = ['', 'plain', 'quote " and \\ backslash', 'line\nbreak\ttab\u0000nul\u001f', 'emoji 🎉', 'lone \ud800 surrogate', '\u2028\u2029', 'ünïcødé', '1'];
  it('equals JSON.stringify of the row for every kind of text and number', () => {
    const rows: MetricPointRow[] = [base, { ...base, type: 'sum', temporality: 'cumulative', monotonic: true, value: NaN, canonicalValue: -Infinity, flags: -1 }];
    for (const t of tricky) {
      rows.push({ ...base, name: t, unit: t, host: t, modelName: t, attributes: { [t]: t, '2': t, a: t }, value: -0, canonicalValue: 1e21 });
      rows.push({ ...base, projectId: t, scopeName: t, service: t, resourceHash: t, k8sPod: t, k8sNamespace: t, gpuUuid: t, gpuIndex: t, gpuModel: t, canonical: t, value: 1.5e-7 });
    }
    for (const r of rows) expect(serializeMetricPoint(r)).toBe(serializeNumberPointReference(r));
  });
});
