import { envWithoutBlanks } from '@plumb/store';
import { z } from 'zod';
import { DEFAULT_CONTEXT_MAX_BYTES } from './pipeline/context.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const schema = z.object({
  PLUMB_COLLECTOR_PORT: z.coerce.number().int().min(0).max(65535).default(4318),
  PLUMB_COLLECTOR_HOST: z.string().default('0.0.0.0'),
  PLUMB_COLLECTOR_GRPC_PORT: z.coerce.number().int().min(-1).max(65535).default(4317),
  PLUMB_INGEST_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PLUMB_WAL_DIR: z.string().default('./data/wal'),
  PLUMB_WAL_FSYNC: bool.default(true),
  PLUMB_WAL_SEGMENT_MAX_AGE_MS: z.coerce.number().int().min(10).default(10_000),
  PLUMB_BATCH_MAX_ROWS: z.coerce.number().int().min(1).default(10_000),
  PLUMB_BATCH_MAX_DELAY_MS: z.coerce.number().int().min(1).default(1_000),
  PLUMB_METRICS_BATCH_MAX_ROWS: z.coerce.number().int().min(1).default(50_000),
  PLUMB_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  PLUMB_MAX_DECOMPRESSED_BYTES: z.coerce.number().int().min(1024).default(64 * 1024 * 1024),
  PLUMB_MAX_SPANS_PER_REQUEST: z.coerce.number().int().min(1).default(50_000),
  PLUMB_INGEST_KEY_RATE_LIMIT: z.coerce.number().min(0).default(1_000),
  PLUMB_MAX_INFLIGHT_BYTES: z.coerce.number().int().min(1024).default(64 * 1024 * 1024),
  PLUMB_WAL_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).default(1024 * 1024 * 1024),
  PLUMB_MAX_BODY_BYTES_IN_FLIGHT: z.coerce.number().int().min(1024).default(128 * 1024 * 1024),
  PLUMB_MAX_ATTRIBUTE_LENGTH: z.coerce.number().int().min(16).default(16 * 1024),
  PLUMB_MAX_TEXT_LENGTH: z.coerce.number().int().min(16).default(32 * 1024),
  PLUMB_CONTEXT_HOLD_MS: z.coerce.number().int().min(0).default(2_000),
  PLUMB_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(10_000),
  PLUMB_WRITER_STUCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  PLUMB_CONTEXT_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).default(DEFAULT_CONTEXT_MAX_BYTES),
  PLUMB_DEDUPE_KEYS: z.coerce.number().int().min(1_000).default(500_000),
  PLUMB_SCRAPE_TARGETS: list.optional(),
  PLUMB_SCRAPE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(15_000),
  PLUMB_SCRAPE_PROJECT: z.string().default('default'),
  PLUMB_TENANT_KEYS: list.optional(),
  PLUMB_REQUEST_TYPE_KEYS: list.optional(),
});

export type CollectorConfig = {
  port: number;
  host: string;
  /** OTLP/gRPC port (same host); -1 turns the gRPC receiver off, 0 picks a free port. */
  grpcPort: number;
  ingestKey: string | undefined;
  walDir: string;
  walFsync: boolean;
  /** A segment is sealed this long after it was opened (so drained segments get deleted). */
  walSegmentMaxAgeMs: number;
  batchMaxRows: number;
  batchMaxDelayMs: number;
  /**
   * Metric points per insert. A point's line is ~250 bytes against a span's ~900, and at 10k rows
   * the engine's merges of the many small parts took ~25 % of the collector's CPU in bench:metrics;
   * 50k cut the collector's CPU per point ~20 % (A/B, same run).
   */
  metricsBatchMaxRows: number;
  maxBodyBytes: number;
  maxDecompressedBytes: number;
  maxSpansPerRequest: number;
  /** Export requests per second per ingest key (burst twice that); 0 = unlimited. Past it 429 + Retry-After. */
  ingestKeyRateLimit: number;
  /** Writer backlog (serialized rows not yet inserted) past which requests get 429. */
  maxInflightBytes: number;
  /**
   * WAL backlog (acknowledged, not yet inserted) past which requests are refused. While the store
   * is down the collector keeps accepting into its WAL up to this bound, then answers 503 +
   * Retry-After (429 when the store is up but inserts lag this far behind).
   */
  walMaxBytes: number;
  /**
   * Decompressed request bytes held at once across concurrent requests (read, decoded, not yet
   * answered); past it 429. Never below `maxDecompressedBytes`, so one largest body always fits.
   */
  maxBodyBytesInFlight: number;
  maxAttributeLength: number;
  maxTextLength: number;
  /** How long spans of a trace whose tenant/request type is unknown wait for their root. */
  contextHoldMs: number;
  /**
   * Bound on a graceful stop (SIGTERM). The writer gets this minus 2 s to store queued rows; the
   * rest stays in the WAL. `plumb start` exits when the bound passes, whatever is still running.
   */
  shutdownTimeoutMs: number;
  /** No insert progress for this long with rows queued: /healthz and /readyz answer 503. */
  writerStuckMs: number;
  /** Byte budget of the context stage's per-trace state (trace map, span trees, agent maps). */
  contextMaxBytes: number;
  /**
   * Span keys per generation of the collector's re-send filter (two generations are kept: up to
   * 2× this many, ~180 bytes of heap each, so ~180 MiB at the 500k default when full).
   */
  dedupeKeys: number;
  tenantKeys: string[] | undefined;
  requestTypeKeys: string[] | undefined;
  /**
   * Prometheus text endpoints to pull (dcgm-exporter :9400/metrics, vLLM /metrics), each
   * `url` or `job=url`; scraped every `scrapeIntervalMs` into `scrapeProject`.
   */
  scrapeTargets: string[];
  scrapeIntervalMs: number;
  scrapeProject: string;
};

/** Collector settings from the environment ('' = unset); throws an Error naming the bad variable. */
export function collectorConfigFromEnv(env: Record<string, string | undefined> = process.env): CollectorConfig {
  const parsed = schema.safeParse(envWithoutBlanks(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PLUMB_COLLECTOR_PORT,
    host: e.PLUMB_COLLECTOR_HOST,
    grpcPort: e.PLUMB_COLLECTOR_GRPC_PORT,
    ingestKey: e.PLUMB_INGEST_KEY,
    walDir: e.PLUMB_WAL_DIR,
    walFsync: e.PLUMB_WAL_FSYNC,
    walSegmentMaxAgeMs: e.PLUMB_WAL_SEGMENT_MAX_AGE_MS,
    batchMaxRows: e.PLUMB_BATCH_MAX_ROWS,
    batchMaxDelayMs: e.PLUMB_BATCH_MAX_DELAY_MS,
    metricsBatchMaxRows: e.PLUMB_METRICS_BATCH_MAX_ROWS,
    maxBodyBytes: e.PLUMB_MAX_BODY_BYTES,
    maxDecompressedBytes: e.PLUMB_MAX_DECOMPRESSED_BYTES,
    maxSpansPerRequest: e.PLUMB_MAX_SPANS_PER_REQUEST,
    ingestKeyRateLimit: e.PLUMB_INGEST_KEY_RATE_LIMIT,
    maxInflightBytes: e.PLUMB_MAX_INFLIGHT_BYTES,
    walMaxBytes: e.PLUMB_WAL_MAX_BYTES,
    maxBodyBytesInFlight: Math.max(e.PLUMB_MAX_BODY_BYTES_IN_FLIGHT, e.PLUMB_MAX_DECOMPRESSED_BYTES),
    maxAttributeLength: e.PLUMB_MAX_ATTRIBUTE_LENGTH,
    maxTextLength: e.PLUMB_MAX_TEXT_LENGTH,
    contextHoldMs: e.PLUMB_CONTEXT_HOLD_MS,
    shutdownTimeoutMs: e.PLUMB_SHUTDOWN_TIMEOUT_MS,
    writerStuckMs: e.PLUMB_WRITER_STUCK_MS,
    contextMaxBytes: e.PLUMB_CONTEXT_MAX_BYTES,
    dedupeKeys: e.PLUMB_DEDUPE_KEYS,
    tenantKeys: e.PLUMB_TENANT_KEYS,
    requestTypeKeys: e.PLUMB_REQUEST_TYPE_KEYS,
    scrapeTargets: e.PLUMB_SCRAPE_TARGETS ?? [],
    scrapeIntervalMs: e.PLUMB_SCRAPE_INTERVAL_MS,
    scrapeProject: e.PLUMB_SCRAPE_PROJECT,
  };
}
