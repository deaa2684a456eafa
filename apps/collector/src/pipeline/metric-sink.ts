import { insertMetricBatch, serializeMetricPoint, serializeResourceRow, type MetricPointRow } from '@plumb/store';
import type { RowSink } from './writer.ts';

/** The writer's sink for OTLP metric data points (table `metric_points`). */
export const METRIC_SINK: RowSink<MetricPointRow> = {
  what: 'metric point',
  serialize: serializeMetricPoint,
  resourceKey: (r) => `${r.projectId} ${r.resourceHash}`,
  serializeResource: (r) => serializeResourceRow(r.projectId, r.resourceHash, r.resourceAttributes),
  insert: insertMetricBatch,
  counted(metrics, written, dropped) {
    metrics.pointsWritten.inc({}, written);
    if (dropped) metrics.pointsRejected.inc({ reason: 'store_rejected' }, dropped);
  },
  idOf(line) {
    try {
      const v = JSON.parse(line.slice(1)) as unknown[]; // after the N / D shape byte
      return `metric ${JSON.stringify(v[1])} at ${String(v[6])}`;
    } catch {
      return 'metric ?';
    }
  },
};
