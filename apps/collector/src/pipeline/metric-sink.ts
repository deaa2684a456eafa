import { describeMetricLine, insertMetricBatch, metricSeriesId, serializeMetricSeries, writeMetricPoint, type MetricPointRow } from '@plumb/store';
import type { RowSink } from './writer.ts';

/**
 * The writer's sink for OTLP metric data points (table `metric_points`). Its "resource" is the
 * point's series: the writer queues a series' `metric_series` row (and its resource's
 * `span_resources` row) the first time it sees the series, so the attributes map is written
 * once per series, not on every point (store metric-points.ts).
 */
export const METRIC_SINK: RowSink<MetricPointRow> = {
  what: 'metric point',
  write: writeMetricPoint,
  resourceKey: (r) => `${r.projectId} ${metricSeriesId(r)}`,
  serializeResource: serializeMetricSeries,
  insert: insertMetricBatch,
  counted(metrics, written, dropped) {
    metrics.pointsWritten.inc({}, written);
    if (dropped) metrics.pointsRejected.inc({ reason: 'store_rejected' }, dropped);
  },
  idOf: describeMetricLine,
};
