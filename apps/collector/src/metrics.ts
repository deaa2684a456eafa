/** Prometheus text exposition for the collector's own health (series classes: @plumb/ops). */
import { Histogram, Series } from '@plumb/ops';

export class CollectorMetrics {
  readonly requests = new Series('plumb_collector_requests_total', 'OTLP export requests by outcome.', 'counter');
  readonly spansReceived = new Series('plumb_collector_spans_received_total', 'Spans decoded from requests.', 'counter');
  readonly spansAccepted = new Series('plumb_collector_spans_accepted_total', 'Spans accepted (durable in the WAL).', 'counter');
  readonly spansRejected = new Series('plumb_collector_spans_rejected_total', 'Spans rejected, by reason.', 'counter');
  readonly spansDuplicate = new Series('plumb_collector_spans_duplicate_total', 'Re-delivered spans dropped by the collector dedupe.', 'counter');
  readonly spansWritten = new Series('plumb_collector_spans_written_total', 'Span rows inserted into ClickHouse.', 'counter');
  readonly pointsReceived = new Series('plumb_collector_metric_points_received_total', 'OTLP metric data points decoded from requests.', 'counter');
  readonly pointsAccepted = new Series('plumb_collector_metric_points_accepted_total', 'Metric data points accepted (durable in the WAL).', 'counter');
  readonly pointsRejected = new Series('plumb_collector_metric_points_rejected_total', 'Metric data points rejected, by reason.', 'counter');
  readonly pointsWritten = new Series('plumb_collector_metric_points_written_total', 'Metric data point rows inserted into ClickHouse.', 'counter');
  readonly insertErrors = new Series('plumb_collector_insert_errors_total', 'Failed inserts (retried).', 'counter');
  readonly walErrors = new Series('plumb_collector_wal_errors_total', 'Failed WAL writes, fsyncs and segment opens (the request got 503).', 'counter');
  readonly walReplayCorruptBytes = new Series('plumb_collector_wal_replay_corrupt_bytes_total', 'WAL bytes skipped at replay as corrupt or torn.', 'counter');
  readonly walReplayCorruptRegions = new Series('plumb_collector_wal_replay_corrupt_regions_total', 'Corrupt or torn stretches skipped at WAL replay.', 'counter');
  readonly writerStalledSeconds = new Series('plumb_collector_writer_stalled_seconds', 'Seconds queued rows have waited without insert progress (0 when idle).', 'gauge');
  readonly contextBytes = new Series('plumb_collector_context_bytes', 'Estimated bytes of the context stage state (trace map, span trees, agent maps).', 'gauge');
  readonly contextEvictions = new Series('plumb_collector_context_evictions_total', 'Traces evicted from the context stage to stay within its byte budget (their corrections come from the store).', 'counter');
  readonly queueRows = new Series('plumb_collector_queue_rows', 'Rows waiting to be inserted (including held rows).', 'gauge');
  readonly heldRows = new Series('plumb_collector_held_rows', 'Rows held waiting for their trace context.', 'gauge');
  readonly walBacklogBytes = new Series('plumb_collector_wal_backlog_bytes', 'Bytes of WAL segments not yet deleted (acknowledged data not yet all inserted); bounded by PLUMB_WAL_MAX_BYTES.', 'gauge');
  readonly inflightBytes = new Series('plumb_collector_inflight_bytes', 'Bytes of accepted data not yet inserted.', 'gauge');
  readonly insertSeconds = new Histogram('plumb_collector_insert_duration_seconds', 'Insert latency.', [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  readonly walSyncSeconds = new Histogram('plumb_collector_wal_sync_duration_seconds', 'WAL append+fsync latency.', [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]);

  private readonly sources: (() => string)[] = [];

  /** Appends another component's series (e.g. the worker's corrections in `plumb start`). */
  addSource(render: () => string): void {
    this.sources.push(render);
  }

  render(): string {
    return (
      [
        this.requests, this.spansReceived, this.spansAccepted, this.spansRejected, this.spansDuplicate, this.spansWritten,
        this.insertErrors, this.contextBytes, this.contextEvictions, this.queueRows, this.heldRows, this.inflightBytes, this.walBacklogBytes, this.insertSeconds,
        this.walSyncSeconds, this.walErrors, this.walReplayCorruptBytes, this.walReplayCorruptRegions, this.writerStalledSeconds,
        this.pointsReceived, this.pointsAccepted, this.pointsRejected, this.pointsWritten,
      ]
        .map((s) => s.render())
        .concat(this.sources.map((render) => render()))
        .join('\n') + '\n'
    );
  }
}
