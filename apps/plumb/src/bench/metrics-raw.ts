import { convertMetrics } from '@plumb/collector';
import { decodeMetricsRequestProtobuf } from '@plumb/otlp';
import { insertMetricBatch, metricSeriesId, serializeMetricPoint, serializeMetricSeries, type Store } from '@plumb/store';
import { metricsBody, type MetricsBodyShape } from './metrics-template.ts';

export interface RawInsertResult {
  points: number;
  wallSec: number;
  cpuSec: number;
}

/**
 * The engine alone: the same dcgm-shaped points the load generator sends, decoded, converted and
 * serialized BEFORE the clock starts, then inserted with the collector writer's own insert
 * (insertMetricBatch: series and resources first seen in a batch, then the points) in batches of
 * `batchRows`, one after another. The bench prints the pipeline's rate as a ratio of this one,
 * so a slow machine moves both. Rows go to their own project so they never collapse with the
 * pipeline's.
 */
export async function rawMetricsInsert(store: Store, shape: MetricsBodyShape, points: number, batchRows: number): Promise<RawInsertResult> {
  const batches: { points: Buffer; series: Buffer }[] = [];
  const seen = new Set<string>();
  let lines: string[] = [];
  let series: string[] = [];
  let total = 0;
  for (let req = 0; total < points; req++) {
    const body = metricsBody(shape, (req % 16) * shape.hosts, 1_700_000_000_000_000_000n + BigInt(req) * 1_000_000_000n);
    for (const r of convertMetrics(decodeMetricsRequestProtobuf(body), 'bench-raw-engine', 4096).rows) {
      const id = metricSeriesId(r);
      if (!seen.has(id)) {
        seen.add(id);
        series.push(serializeMetricSeries(r));
      }
      lines.push(serializeMetricPoint(r));
      total++;
      if (lines.length === batchRows) {
        batches.push({ points: Buffer.from(lines.join('')), series: Buffer.from(series.join('')) });
        lines = [];
        series = [];
      }
    }
  }
  if (lines.length > 0) batches.push({ points: Buffer.from(lines.join('')), series: Buffer.from(series.join('')) });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const b of batches) await insertMetricBatch(store, b.points, b.series.length > 0 ? b.series : null);
  const wallSec = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { points: total, wallSec, cpuSec: (c.user + c.system) / 1e6 };
}
