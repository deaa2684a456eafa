import { describe, expect, it } from 'vitest';
import { collectorConfigFromEnv } from './config.ts';

const ALL = [
  'PLUMB_COLLECTOR_PORT', 'PLUMB_COLLECTOR_HOST', 'PLUMB_COLLECTOR_GRPC_PORT', 'PLUMB_INGEST_KEY', 'PLUMB_WAL_DIR', 'PLUMB_WAL_FSYNC',
  'PLUMB_BATCH_MAX_ROWS', 'PLUMB_BATCH_MAX_DELAY_MS', 'PLUMB_MAX_BODY_BYTES', 'PLUMB_MAX_DECOMPRESSED_BYTES',
  'PLUMB_MAX_SPANS_PER_REQUEST', 'PLUMB_MAX_INFLIGHT_BYTES', 'PLUMB_MAX_ATTRIBUTE_LENGTH', 'PLUMB_MAX_TEXT_LENGTH',
  'PLUMB_CONTEXT_HOLD_MS', 'PLUMB_TENANT_KEYS', 'PLUMB_REQUEST_TYPE_KEYS', 'PLUMB_DEDUPE_KEYS',
  'PLUMB_METRICS_BATCH_MAX_ROWS',
];

describe('collectorConfigFromEnv', () => {
  it("treats '' (and blanks) as unset: docker compose's ${PLUMB_INGEST_KEY:-} is the default, not an error", () => {
    const empty = Object.fromEntries(ALL.map((k) => [k, '']));
    expect(collectorConfigFromEnv(empty)).toEqual(collectorConfigFromEnv({}));
    expect(collectorConfigFromEnv({ PLUMB_INGEST_KEY: '  ' }).ingestKey).toBeUndefined();
    // '' must not coerce to 0: port 0 would listen on a random port.
    expect(collectorConfigFromEnv({ PLUMB_COLLECTOR_PORT: '' }).port).toBe(4318);
  });

  it('still rejects a set but invalid value, naming the variable', () => {
    expect(() => collectorConfigFromEnv({ PLUMB_INGEST_KEY: 'short' })).toThrow(/PLUMB_INGEST_KEY: must be at least 16/);
    expect(() => collectorConfigFromEnv({ PLUMB_COLLECTOR_PORT: 'x' })).toThrow(/PLUMB_COLLECTOR_PORT/);
  });

  it('sizes the re-send filter from PLUMB_DEDUPE_KEYS (its memory bound), with a floor', () => {
    expect(collectorConfigFromEnv({}).dedupeKeys).toBe(500_000);
    expect(collectorConfigFromEnv({ PLUMB_DEDUPE_KEYS: '100000' }).dedupeKeys).toBe(100_000);
    expect(() => collectorConfigFromEnv({ PLUMB_DEDUPE_KEYS: '10' })).toThrow(/PLUMB_DEDUPE_KEYS/);
  });

  it('batches metric points separately from spans (small rows: larger inserts)', () => {
    expect(collectorConfigFromEnv({})).toMatchObject({ batchMaxRows: 10_000, metricsBatchMaxRows: 50_000 });
    expect(collectorConfigFromEnv({ PLUMB_METRICS_BATCH_MAX_ROWS: '2000' })).toMatchObject({ batchMaxRows: 10_000, metricsBatchMaxRows: 2_000 });
  });
});
