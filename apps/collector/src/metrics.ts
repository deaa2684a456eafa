/** Prometheus text exposition for the collector's own health, with no dependency. */
type Labels = Record<string, string>;

class Series {
  private values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = JSON.stringify(labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels, value: by });
  }
  set(value: number, labels: Labels = {}): void {
    this.values.set(JSON.stringify(labels), { labels, value });
  }
  get(labels: Labels = {}): number {
    return this.values.get(JSON.stringify(labels))?.value ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.values.values()) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
      lines.push(`${this.name}${l.length ? `{${l.join(',')}}` : ''} ${value}`);
    }
    return lines.join('\n');
  }
}

class Histogram {
  private counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

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
