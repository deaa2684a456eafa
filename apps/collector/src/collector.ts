import {
  countDataPoints, decodeMetricsRequestJson, decodeMetricsRequestProtobuf, decodeTraceRequestJson, decodeTraceRequestProtobuf,
  OtlpDecodeError, type MetricsRequest, type TraceRequest,
} from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS, type SemconvOptions } from '@plumb/semconv';
import { bootstrapProjects, countIngestKeys, getContentSettings, KeyVerifier, listPriceOverrides, TokenBuckets, type MetricPointRow, type Store } from '@plumb/store';
import { ContentPolicy } from './content/policy.ts';
import { encodeTraceRequestJson } from './content/encode-json.ts';
import type { CollectorConfig } from './config.ts';
import { PermanentError, RetryableError } from './errors.ts';
import { CollectorMetrics } from './metrics.ts';
import { ContextStage } from './pipeline/context.ts';
import { convertRequest, type ConvertOptions } from './pipeline/convert.ts';
import { RecentSpans } from './pipeline/dedupe.ts';
import { METRIC_SINK } from './pipeline/metric-sink.ts';
import { convertMetrics } from './pipeline/metrics-convert.ts';
import type { QueuedRow } from './pipeline/types.ts';
import { Writer } from './pipeline/writer.ts';
import { Wal, WalFormatError, type WalFormat, type WalSignal } from './wal.ts';

export interface ExportResult {
  rejectedSpans: number;
  errorMessage: string;
}

const PRICE_REFRESH_MS = 60_000;
/** How soon a change of a project's content controls reaches this collector. */
const POLICY_REFRESH_MS = 5_000;

/**
 * The trace pipeline: decode → convert (validate, normalize, price) → dedupe → admit → WAL →
 * context → writer. `exportTraces` resolves once the spans are durable (in the WAL), which is
 * when the receiver may answer 200.
 */
export class Collector {
  readonly writer: Writer;
  /** Metric data points: their own batches into `metric_points`, same WAL, same failure rules. */
  readonly metricWriter: Writer<MetricPointRow>;
  private readonly context: ContextStage;
  private readonly recent: RecentSpans;
  private readonly verifier: KeyVerifier;
  private readonly keyLimits: TokenBuckets;
  private readonly convertOptions: ConvertOptions;
  private readonly catalogs = new Map<string, { catalog: PriceCatalog; loadedAt: number }>();
  private readonly policies = new Map<string, { policy: ContentPolicy | null; version: number; loadedAt: number }>();
  private ticker: NodeJS.Timeout | null = null;
  /** Sticky: once an ingest key has existed in this run, keyless ingest stays refused. */
  private anyIngestKey = true;

  private constructor(
    readonly store: Store,
    readonly config: CollectorConfig,
    private readonly wal: Wal,
    private readonly log: (msg: string) => void,
    readonly metrics: CollectorMetrics,
  ) {
    const semconv: SemconvOptions = {
      tenantKeys: config.tenantKeys ?? DEFAULT_SEMCONV_OPTIONS.tenantKeys,
      requestTypeKeys: config.requestTypeKeys ?? DEFAULT_SEMCONV_OPTIONS.requestTypeKeys,
    };
    this.convertOptions = { semconv, maxAttributeLength: config.maxAttributeLength, maxTextLength: config.maxTextLength };
    this.recent = new RecentSpans(config.dedupeKeys);
    this.writer = new Writer(
      store,
      { maxRows: config.batchMaxRows, maxDelayMs: config.batchMaxDelayMs, stuckAfterMs: config.writerStuckMs },
      wal,
      this.metrics,
      log,
    );
    this.metricWriter = new Writer(
      store,
      { maxRows: config.metricsBatchMaxRows, maxDelayMs: config.batchMaxDelayMs, stuckAfterMs: config.writerStuckMs },
      wal,
      this.metrics,
      log,
      METRIC_SINK,
    );
    this.context = new ContextStage({ holdMs: config.contextHoldMs, maxHeldRows: 200_000, maxBytes: config.contextMaxBytes }, (rows) =>
      this.writer.enqueue(rows),
    );
    this.verifier = new KeyVerifier(store);
    this.keyLimits = new TokenBuckets(config.ingestKeyRateLimit ?? 0);
  }

  /** Opens the WAL, replays what a previous run acknowledged but did not insert, starts timers. */
  static async start(store: Store, config: CollectorConfig, log: (msg: string) => void = console.error): Promise<Collector> {
    const boot = await bootstrapProjects(store, config.ingestKey);
    const metrics = new CollectorMetrics();
    const wal = await Wal.open(config.walDir, {
      fsync: config.walFsync,
      segmentMaxAgeMs: config.walSegmentMaxAgeMs,
      log,
      onError: (op, err) => {
        metrics.walErrors.inc({ op });
        log(`plumb collector: WAL ${op} failed (requests get 503 until it succeeds): ${err.message}`);
      },
    });
    const c = new Collector(store, config, wal, log, metrics);
    c.anyIngestKey = boot.anyIngestKey;
    await c.replay();
    // Gauges the ticker refreshes exist from the start: a scrape (or a test) in the first 250 ms
    // found no plumb_collector_wal_backlog_bytes sample at all (seen as a CI flake of the outage test).
    c.metrics.walBacklogBytes.set(wal.backlogBytes);
    c.ticker = setInterval(() => {
      c.context.tick(Date.now());
      c.metrics.heldRows.set(c.context.held);
      c.metrics.writerStalledSeconds.set(Math.round(c.writer.stalledMs / 1000));
      c.metrics.contextBytes.set(c.context.bytes);
      c.metrics.contextEvictions.set(c.context.evicted);
      c.metrics.walBacklogBytes.set(wal.backlogBytes);
      wal.tick().catch((err: unknown) => log(`plumb collector: WAL rotation failed: ${(err as Error).message}`));
    }, 250);
    c.ticker.unref();
    return c;
  }

  /**
   * Re-queues what a previous run acknowledged but did not insert. A corrupt stretch of a segment
   * is skipped (replay resynchronizes on the next valid record) and reported; a segment of a WAL
   * version this build cannot read is left in place, untouched, and reported.
   */
  private async replay(): Promise<void> {
    let spans = 0;
    let points = 0;
    for (const segment of this.wal.replaySegments) {
      let decoded;
      try {
        decoded = await this.wal.readSegment(segment);
      } catch (err) {
        const what = err instanceof WalFormatError ? 'cannot read' : 'could not read';
        this.log(`plumb collector: ${what} WAL segment ${segment}; leaving it in ${this.wal.dir}: ${(err as Error).message}`);
        continue; // keeps its replay reference: never deleted by this run
      }
      if (decoded.corruptBytes > 0) {
        this.metrics.walReplayCorruptBytes.inc({}, decoded.corruptBytes);
        this.metrics.walReplayCorruptRegions.inc({}, decoded.corruptRegions);
        this.log(
          `plumb collector: WAL segment ${segment}: skipped ${decoded.corruptBytes} corrupt or torn bytes in ${decoded.corruptRegions} place(s); replaying the ${decoded.records.length} valid records`,
        );
      }
      for (const record of decoded.records) {
        if (record.signal === 'metrics') {
          try {
            const { rows } = convertMetrics(this.decodeMetrics(record.body, record.format), record.projectId, this.config.maxAttributeLength);
            this.wal.retain(segment, rows.length);
            this.metricWriter.enqueue(rows.map((row) => ({ row, segment })));
            points += rows.length;
          } catch (err) {
            this.log(`plumb collector: skipping unreadable metrics WAL record in segment ${segment}: ${(err as Error).message}`);
          }
          continue;
        }
        try {
          const req = this.decode(record.body, record.format);
          (await this.policy(record.projectId))?.apply(req);
          const { rows } = convertRequest(req, record.projectId, await this.catalog(record.projectId), this.convertOptions, Date.now());
          this.wal.retain(segment, rows.length);
          this.recent.markRows(rows);
          this.context.push(rows.map((row) => ({ row, segment })), Date.now());
          spans += rows.length;
        } catch (err) {
          this.log(`plumb collector: skipping unreadable WAL record in segment ${segment}: ${(err as Error).message}`);
        }
      }
      this.wal.endReplay(segment);
    }
    if (spans > 0) {
      this.context.drain();
      await this.writer.flush();
      this.log(`plumb collector: replayed ${spans} spans from the write-ahead log`);
    }
    if (points > 0) {
      await this.metricWriter.flush();
      this.log(`plumb collector: replayed ${points} metric data points from the write-ahead log`);
    }
  }

  /**
   * Whether requests without a key are allowed: only while no INGEST key exists (read and write
   * keys, made for dashboards and scripts, leave it open). The count is cached briefly by the
   * store and invalidated when a key is created here, so the first ingest key created in this
   * process (UI, REST) closes it at once; one created elsewhere within ~10 s.
   */
  async openIngest(): Promise<boolean> {
    if (this.anyIngestKey) return false;
    this.anyIngestKey = (await countIngestKeys(this.store)) > 0;
    return !this.anyIngestKey;
  }

  /** The key verifier's cache and index sizes (tests, metrics). */
  verifierStats(): { hits: number; misses: number; indexed: number; reloads: number } {
    return { ...this.verifier.stats(), reloads: this.verifier.reloads };
  }

  /** Resolves a bearer key to its project; throws 401/403. */
  async authenticate(key: string): Promise<string> {
    const verified = await this.verifier.verify(key);
    if (!verified) throw new PermanentError(401, 'invalid API key');
    if (!verified.scopes.includes('ingest')) throw new PermanentError(403, 'this API key has no ingest scope');
    const wait = this.keyLimits.take(verified.keyId);
    if (wait > 0) throw new RetryableError(429, `this API key is over its limit of ${this.config.ingestKeyRateLimit} export requests/s; retry later`, wait);
    return verified.projectId;
  }

  private decode(body: Buffer, format: WalFormat): TraceRequest {
    return decodeOr400(() => (format === 'protobuf' ? decodeTraceRequestProtobuf(body) : decodeTraceRequestJson(body)), format);
  }

  private decodeMetrics(body: Buffer, format: WalFormat): MetricsRequest {
    return decodeOr400(() => (format === 'protobuf' ? decodeMetricsRequestProtobuf(body) : decodeMetricsRequestJson(body)), format);
  }


  private async catalog(projectId: string): Promise<PriceCatalog> {
    const hit = this.catalogs.get(projectId);
    const now = Date.now();
    if (hit && now - hit.loadedAt < PRICE_REFRESH_MS) return hit.catalog;
    const overrides = await listPriceOverrides(this.store, projectId).catch(() => null);
    if (hit) {
      if (overrides) hit.catalog.setOverrides(overrides);
      hit.loadedAt = now;
      return hit.catalog;
    }
    const catalog = new PriceCatalog(overrides ?? []);
    this.catalogs.set(projectId, { catalog, loadedAt: now });
    return catalog;
  }

  /**
   * The project's content controls, compiled once per settings version and re-read every 5 s.
   * A failed re-read keeps the last known policy; with none known yet the request gets 503 +
   * Retry-After — never stored under controls it may not meet.
   */
  private async policy(projectId: string): Promise<ContentPolicy | null> {
    const hit = this.policies.get(projectId);
    const now = Date.now();
    if (hit && now - hit.loadedAt < POLICY_REFRESH_MS) return hit.policy;
    let settings;
    try {
      settings = await getContentSettings(this.store, projectId);
    } catch (err) {
      if (hit) {
        hit.loadedAt = now;
        return hit.policy;
      }
      throw new RetryableError(503, `could not read the project's content controls: ${(err as Error).message}`, 5);
    }
    if (hit && hit.version === settings.version) {
      hit.loadedAt = now;
      return hit.policy;
    }
    const policy = ContentPolicy.compile(settings);
    this.policies.set(projectId, { policy, version: settings.version, loadedAt: now });
    return policy;
  }

  /**
   * Cheap admission, checked before any work on a request (before its body is read, and again
   * before it is decoded), always with Retry-After. A refused request has cost a few comparisons,
   * not a decode. Two bounds:
   * - the WAL backlog (acknowledged, not yet inserted) against PLUMB_WAL_MAX_BYTES;
   * - the writer's in-memory backlog plus what this body may add (about twice its size as
   *   serialized rows) against PLUMB_MAX_INFLIGHT_BYTES (an empty backlog admits any body, so
   *   no body is refused forever by a small limit).
   * While the store is down (inserts failing) requests are still accepted into the WAL until a
   * bound is reached, then 503 (the store's fault: retry later); with the store up, 429.
   */
  admit(bodyBytes: number): void {
    const outage = this.writer.unhealthy || this.metricWriter.unhealthy;
    const wal = this.wal.backlogBytes;
    const walFull = wal > 0 && wal + bodyBytes > this.config.walMaxBytes;
    const backlog = this.writer.backlogBytes + this.metricWriter.backlogBytes;
    const memoryFull = backlog > 0 && backlog + bodyBytes * 2 > this.config.maxInflightBytes;
    if (outage && (walFull || memoryFull)) {
      throw new RetryableError(503, `the store is unavailable and this collector's buffer is full (${wal} bytes in its WAL); retry later`, 5);
    }
    if (walFull || memoryFull) {
      // Counted as plumb_collector_requests_total{outcome="429"}: its spans were never decoded.
      throw new RetryableError(429, 'collector queue is full; retry later', 1);
    }
  }

  /** Bytes in the WAL not yet inserted (the outage buffer). */
  get walBacklogBytes(): number {
    return this.wal.backlogBytes;
  }

  async exportTraces(body: Buffer, format: WalFormat, projectId: string): Promise<ExportResult> {
    this.admit(body.length);
    const req = this.decode(body, format);
    // Count before converting: an oversized request is refused without normalizing its spans.
    let spans = 0;
    for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
    if (spans > this.config.maxSpansPerRequest) {
      throw new PermanentError(413, `request carries ${spans} spans; the limit is ${this.config.maxSpansPerRequest}`);
    }
    // Content controls first: the request is changed in place, and when anything was changed
    // the WAL gets the changed request, re-encoded — never the body as received. (A request the
    // controls left untouched holds nothing they remove: its own bytes are stored.)
    const policy = await this.policy(projectId);
    let walBody = body;
    let walFormat = format;
    if (policy) {
      const changed = policy.apply(req);
      if (changed.redacted + changed.truncated + changed.dropped > 0) {
        walBody = encodeTraceRequestJson(req);
        walFormat = 'json';
      }
    }
    const now = Date.now();
    const converted = convertRequest(req, projectId, await this.catalog(projectId), this.convertOptions, now);
    const { received, rejected, firstRejection } = converted;
    this.metrics.spansReceived.inc({}, received);
    for (const [reason, n] of rejected) this.metrics.spansRejected.inc({ reason: reasonLabel(reason) }, n);

    const { fresh, keys, duplicates } = this.recent.filter(converted.rows);
    if (duplicates) this.metrics.spansDuplicate.inc({}, duplicates);

    if (fresh.length > 0) {
      const segment = await this.appendWal('traces', walFormat, projectId, walBody, fresh.length);
      this.recent.mark(keys);
      this.metrics.spansAccepted.inc({}, fresh.length);
      const queued: QueuedRow[] = fresh.map((row) => ({ row, segment }));
      this.context.push(queued, Date.now());
      this.metrics.heldRows.set(this.context.held);
    }
    const rejectedSpans = received - converted.rows.length;
    return {
      rejectedSpans,
      errorMessage: rejectedSpans > 0 ? `${rejectedSpans} span(s) rejected; first: ${firstRejection}` : '',
    };
  }

  /**
   * OTLP metrics, with the rules of `exportTraces`: admission first, 400 for a body that does not
   * decode, 413 past the per-request limit (data points count like spans), a bad point rejected
   * alone (partial_success), durable in the WAL (signal `metrics`) before this resolves. No
   * collector-side dedupe: a re-delivered point has the same sorting key in `metric_points`
   * (ReplacingMergeTree), so it is stored once.
   */
  async exportMetrics(body: Buffer, format: WalFormat, projectId: string): Promise<ExportResult> {
    this.admit(body.length);
    const req = this.decodeMetrics(body, format);
    const n = countDataPoints(req);
    if (n > this.config.maxSpansPerRequest) {
      throw new PermanentError(413, `request carries ${n} data points; the limit is ${this.config.maxSpansPerRequest}`);
    }
    const converted = convertMetrics(req, projectId, this.config.maxAttributeLength);
    this.metrics.pointsReceived.inc({}, converted.received);
    if (converted.rejected) this.metrics.pointsRejected.inc({ reason: 'invalid' }, converted.rejected);
    if (converted.rows.length > 0) {
      const segment = await this.appendWal('metrics', format, projectId, body, converted.rows.length);
      this.metrics.pointsAccepted.inc({}, converted.rows.length);
      this.metricWriter.enqueue(converted.rows.map((row) => ({ row, segment })));
    }
    return {
      rejectedSpans: converted.rejected,
      errorMessage: converted.rejected > 0 ? `${converted.rejected} data point(s) rejected; first: ${converted.firstRejection}` : '',
    };
  }

  /** Appends durably; 503 + Retry-After when the WAL cannot take it. */
  private async appendWal(signal: WalSignal, format: WalFormat, projectId: string, body: Buffer, rows: number): Promise<number> {
    const t0 = performance.now();
    let segment: number;
    try {
      segment = await this.wal.append({ signal, format, projectId, body }, rows);
    } catch (err) {
      throw new RetryableError(503, `could not persist the batch: ${(err as Error).message}`, 1);
    }
    this.metrics.walSyncSeconds.observe((performance.now() - t0) / 1000);
    return segment;
  }

  /** Liveness, for /healthz: false once the writer is stuck (queued rows, no progress). */
  live(): { ok: boolean; reason: string } {
    if (this.metricWriter.stuck) {
      return { ok: false, reason: `writer stuck: ${this.metricWriter.backlogRows} metric points queued, no insert progress for ${Math.round(this.metricWriter.stalledMs / 1000)} s` };
    }
    if (this.writer.stuck) {
      return { ok: false, reason: `writer stuck: ${this.writer.backlogRows} rows queued, no insert progress for ${Math.round(this.writer.stalledMs / 1000)} s` };
    }
    return { ok: true, reason: '' };
  }

  /** The context stage's own accounting (estimated bytes, traces tracked, evicted so far). */
  get contextStats(): { bytes: number; traces: number; evicted: number } {
    return { bytes: this.context.bytes, traces: this.context.traceCount, evicted: this.context.evicted };
  }

  /** Rows the context stage holds waiting for their trace's root. */
  get heldRows(): number {
    return this.context.held;
  }

  /** Health of the write path, for /readyz. */
  async ready(): Promise<{ ok: boolean; reason: string }> {
    const live = this.live();
    if (!live.ok) return live;
    if (this.writer.unhealthy || this.metricWriter.unhealthy) return { ok: false, reason: 'inserts are failing' };
    try {
      const ping = await this.store.client.ping();
      if (!ping.success) return { ok: false, reason: `store unreachable: ${ping.error.message}` };
      return { ok: true, reason: '' };
    } catch (err) {
      return { ok: false, reason: `store unreachable: ${(err as Error).message}` };
    }
  }

  /** Writes everything accepted so far (tests, shutdown). */
  async flush(): Promise<void> {
    this.context.drain();
    await this.writer.flush();
    await this.metricWriter.flush();
  }

  /**
   * Stops within `config.shutdownTimeoutMs` whatever the store does: writes what it can in that
   * time; rows not stored keep their WAL segments, which the next start replays.
   */
  async stop(): Promise<{ complete: boolean }> {
    if (this.ticker) clearInterval(this.ticker);
    this.context.drain();
    const budget = Math.max(0, this.config.shutdownTimeoutMs - 2_000);
    const [spans, points] = await Promise.all([this.writer.close(budget), this.metricWriter.close(budget)]);
    const result = { complete: spans.complete && points.complete };
    if (!result.complete) {
      this.log(`plumb collector: stopped with ${this.writer.backlogRows} spans not yet stored; they stay in the WAL and are replayed at the next start`);
    }
    await this.wal.close();
    return result;
  }
}

/**
 * Decoding is pure and deterministic: whatever a decoder throws (a RangeError from input nested
 * past some limit we missed) would be thrown again on every retry, so it is the body's fault
 * (400), never a 503 the sender would retry forever.
 */
function decodeOr400<T>(decode: () => T, format: WalFormat): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw new PermanentError(400, err.message);
    throw new PermanentError(400, `could not decode the ${format} body: ${(err as Error).message}`);
  }
}

function reasonLabel(reason: string): string {
  if (reason.includes('token count')) return 'invalid_usage';
  if (/time/i.test(reason)) return 'invalid_timestamp';
  if (reason.includes('trace')) return 'invalid_trace_id';
  if (reason.includes('parent')) return 'invalid_parent_span_id';
  if (reason.includes('span')) return 'invalid_span_id';
  return 'invalid';
}
