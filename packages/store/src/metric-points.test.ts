import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMetricBatch, metricSeriesCacheSize, metricSeriesId, serializeMetricPoint, writeMetricPoint, type LineOut, serializeMetricSeries, serializeNumberPointReference, splitMetricBatch, type MetricPointRow } from './metric-points.ts';
import { loadMigrations } from './migrations.ts';
import { param, sql } from './sql.ts';
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

const base = {
    projectId: 'default', name: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', unit: '%', temporality: 'unspecified', monotonic: false, timeNs: 1_795_718_382_205_000_123n,
    startTimeNs: 0n, attributes: { gpu: '0', UUID: 'GPU-1', modelName: 'NVIDIA H100 80GB HBM3' }, resourceHash: '16870889905655761071', resourceAttributes: {},
    scopeName: 'dcgm', service: 'dcgm-exporter', host: 'gpu-node-0', k8sNamespace: '', k8sPod: '', value: 77, count: 0, sum: NaN, min: NaN, max: NaN,
    bounds: [], bucketCounts: [], expScale: 0, expZeroCount: 0, expZeroThreshold: 0, expPositiveOffset: 0, expPositive: [], expNegativeOffset: 0, expNegative: [],
    quantiles: [], quantileValues: [], flags: 1, canonical: 'gpu.utilization', canonicalValue: 0.77, gpuUuid: 'GPU-1', gpuIndex: '0', gpuModel: 'H100', modelName: '',
  } satisfies MetricPointRow;

describe('metric_series (migration 0022)', () => {
  it('stores the attributes once per series and the point row refers to it by the id the collector computes', async () => {
    const a = { ...base, projectId: 'series-once', attributes: { gpu: '3', UUID: 'GPU-3' } };
    const rows = [0n, 1n, 2n].map((i) => ({ ...a, timeNs: a.timeNs + i * 1_000_000_000n }));
    await insertMetricBatch(store, Buffer.from(rows.map(serializeMetricPoint).join('')), Buffer.from(serializeMetricSeries(rows[0]!)));
    const got = await store.query<{ series_id: string; n: number; attributes: Record<string, string>; scope_name: string; resource_hash: string }>(
      sql`SELECT toString(p.series_id) AS series_id, count() AS n, any(s.attributes) AS attributes, any(s.scope_name) AS scope_name, toString(any(s.resource_hash)) AS resource_hash
          FROM metric_points AS p FINAL JOIN (SELECT * FROM metric_series FINAL) AS s ON s.project_id = p.project_id AND s.series_id = p.series_id
          WHERE p.project_id = 'series-once' GROUP BY p.series_id`,
    );
    expect(got).toEqual([{ series_id: metricSeriesId({ ...a }), n: 3, attributes: { gpu: '3', UUID: 'GPU-3' }, scope_name: 'dcgm', resource_hash: a.resourceHash }]);
  });

  it('gives a point stored before 0022 the series id the collector computes for the same series after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-metric-0022-'));
    await store.close();
    const old = await Store.open(testStoreConfig(dir));
    try {
      await old.migrate(loadMigrations().filter((m) => m.name < '0022'));
      const attrs = { UUID: 'GPU-9', gpu: '9', 'odd "key"': 'v\u0000 ü' }; // sender's order, not sorted
      await old.command(sql`INSERT INTO metric_points (project_id, name, type, unit, time, start_time, attributes, resource_hash, scope_name, canonical, canonical_value, value)
        VALUES ('p', 'DCGM_FI_DEV_GPU_UTIL', 'gauge', '%', now64(9), 0, ${param(attrs, 'Map(String, String)')}, 16870889905655761071, 'dcgm', 'gpu.utilization', 0.5, 50)`);
      expect(await old.migrate()).toContain('0022_metric_series');
      const [p] = await old.query<{ id: string; canonical_value: number }>(sql`SELECT toString(series_id) AS id, canonical_value FROM metric_points FINAL`);
      const [s] = await old.query<{ id: string; attributes: Record<string, string>; scope_name: string }>(sql`SELECT toString(series_id) AS id, attributes, scope_name FROM metric_series FINAL`);
      const expected = metricSeriesId({ name: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', resourceHash: '16870889905655761071', attributes: attrs });
      expect(p).toEqual({ id: expected, canonical_value: 0.5 });
      expect(s).toEqual({ id: expected, attributes: attrs, scope_name: 'dcgm' });
      const [t] = await old.query<{ n: string }>(sql`SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'metric_points_0022'`);
      expect(Number(t!.n)).toBe(0);
    } finally {
      await old.close();
      store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-metric-points-'))));
      await store.migrate();
    }
  });
});

/** The documented id: first 8 bytes of SHA-1 over the NUL-joined parts, as UInt64 decimal. */
const sha1Id = (...parts: string[]) => createHash('sha1').update(parts.join('\0')).digest().readBigUInt64BE(0).toString();

describe('the series id cache', () => {
  it('gives every series its SHA-1 id, also across the clears its memory bound forces (long attribute values)', () => {
    const long = 'v'.repeat(10_000);
    const ids = new Set<string>();
    for (let i = 0; i < 4_000; i++) {
      const attributes = { gpu: String(i % 8), label: `${long}${i}` };
      const r = { name: 'm', type: 'gauge' as const, resourceHash: '7', attributes };
      const expected = sha1Id('m', 'gauge', '7', 'gpu', String(i % 8), 'label', `${long}${i}`);
      expect(metricSeriesId({ ...r })).toBe(expected);
      ids.add(expected);
    }
    expect(ids.size).toBe(4_000);
    // ~80 MB of label text went through; the cache kept at most its bound (64 MiB) plus one path.
    expect(metricSeriesCacheSize().bytes).toBeLessThan(64 * 1024 * 1024 + 30_000);
    expect(metricSeriesCacheSize().series).toBeLessThan(4_000);
    // Seen again after the clears: still the same ids.
    expect(metricSeriesId({ name: 'm', type: 'gauge', resourceHash: '7', attributes: { gpu: '0', label: `${long}0` } })).toBe(
      sha1Id('m', 'gauge', '7', 'gpu', '0', 'label', `${long}0`),
    );
  });
});

describe('the gauge / sum line written by hand', () => {
  const tricky = ['', 'plain', 'quote " and \\ backslash', 'line\nbreak\ttab\u0000nul\u001f', 'emoji 🎉', 'lone \ud800 surrogate', '\u2028\u2029', 'ünïcødé', '1'];
  it('equals JSON.stringify of the row for every kind of text and number', () => {
    const rows: MetricPointRow[] = [base, { ...base, type: 'sum', temporality: 'cumulative', monotonic: true, value: NaN, canonicalValue: -Infinity, flags: -1 }];
    for (const t of tricky) {
      rows.push({ ...base, name: t, unit: t, host: t, modelName: t, attributes: { [t]: t, '2': t, a: t }, value: -0, canonicalValue: 1e21 });
      rows.push({ ...base, projectId: t, scopeName: t, service: t, resourceHash: t, k8sPod: t, k8sNamespace: t, gpuUuid: t, gpuIndex: t, gpuModel: t, canonical: t, value: 1.5e-7 });
    }
    for (const r of rows) expect(serializeMetricPoint(r)).toBe(serializeNumberPointReference(r));
  });

  it('writes the same bytes into a batch as the line text (cached UTF-8 head + per-point tail), distributions included', () => {
    const parts: Buffer[] = [];
    const out: LineOut = {
      push: (line) => parts.push(Buffer.from(line)) && Buffer.byteLength(line),
      pushHead: (head, tail) => parts.push(Buffer.concat([head, Buffer.from(tail, 'latin1')])) && head.length + tail.length,
    };
    const rows: MetricPointRow[] = [base, { ...base, type: 'histogram', bounds: [1, 2], bucketCounts: [1, 0, 3], count: 4, sum: 6 }];
    for (const t of tricky) rows.push({ ...base, name: t, host: t, attributes: { [t]: t }, timeNs: base.timeNs + 7n }, { ...base, gpuModel: t, startTimeNs: 5n });
    for (const r of rows) {
      const n = writeMetricPoint({ ...r }, out);
      const expected = serializeMetricPoint({ ...r });
      expect(parts.at(-1)!.toString()).toBe(expected);
      expect(n).toBe(Buffer.byteLength(expected));
    }
  });

  it('reuses a series\' text only while every series-constant value matches (same series, another host, project or canonical)', () => {
    const rows: MetricPointRow[] = [
      base, { ...base, host: 'gpu-node-9' }, { ...base, projectId: 'other' }, { ...base, canonical: '', canonicalValue: NaN }, { ...base, monotonic: true },
      { ...base, unit: 'W' }, { ...base, gpuModel: 'L4', value: 1 }, base, { ...base, timeNs: base.timeNs + 1n, value: 3, flags: 0 },
    ];
    const lines = rows.map((r) => serializeMetricPoint({ ...r }));
    expect(lines).toEqual(rows.map((r) => serializeNumberPointReference({ ...r })));
    expect(new Set(lines).size).toBe(rows.length - 1); // only the repeated `base` is the same line
  });
});
