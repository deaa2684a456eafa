import { z } from 'zod';
import { DEFAULT_CONTEXT_MAX_BYTES } from './pipeline/context.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const schema = z.object({
  PLUMB_COLLECTOR_PORT: z.coerce.number().int().min(0).max(65535).default(4318),
  PLUMB_COLLECTOR_HOST: z.string().default('0.0.0.0'),
  PLUMB_INGEST_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PLUMB_WAL_DIR: z.string().default('./data/wal'),
  PLUMB_WAL_FSYNC: bool.default(true),
  PLUMB_BATCH_MAX_ROWS: z.coerce.number().int().min(1).default(10_000),
  PLUMB_BATCH_MAX_DELAY_MS: z.coerce.number().int().min(1).default(1_000),
  PLUMB_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  PLUMB_MAX_DECOMPRESSED_BYTES: z.coerce.number().int().min(1024).default(64 * 1024 * 1024),
  PLUMB_MAX_SPANS_PER_REQUEST: z.coerce.number().int().min(1).default(50_000),
  PLUMB_MAX_INFLIGHT_BYTES: z.coerce.number().int().min(1024).default(64 * 1024 * 1024),
  PLUMB_MAX_ATTRIBUTE_LENGTH: z.coerce.number().int().min(16).default(16 * 1024),
  PLUMB_MAX_TEXT_LENGTH: z.coerce.number().int().min(16).default(32 * 1024),
  PLUMB_CONTEXT_HOLD_MS: z.coerce.number().int().min(0).default(2_000),
  PLUMB_CONTEXT_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).default(DEFAULT_CONTEXT_MAX_BYTES),
  PLUMB_TENANT_KEYS: list.optional(),
  PLUMB_REQUEST_TYPE_KEYS: list.optional(),
});

export type CollectorConfig = {
  port: number;
  host: string;
  ingestKey: string | undefined;
  walDir: string;
  walFsync: boolean;
  batchMaxRows: number;
  batchMaxDelayMs: number;
  maxBodyBytes: number;
  maxDecompressedBytes: number;
  maxSpansPerRequest: number;
  maxInflightBytes: number;
  maxAttributeLength: number;
  maxTextLength: number;
  /** How long spans of a trace whose tenant/request type is unknown wait for their root. */
  contextHoldMs: number;
  /** Byte budget of the context stage's per-trace state (trace map, span trees, agent maps). */
  contextMaxBytes: number;
  tenantKeys: string[] | undefined;
  requestTypeKeys: string[] | undefined;
};

export function collectorConfigFromEnv(env: Record<string, string | undefined> = process.env): CollectorConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PLUMB_COLLECTOR_PORT,
    host: e.PLUMB_COLLECTOR_HOST,
    ingestKey: e.PLUMB_INGEST_KEY,
    walDir: e.PLUMB_WAL_DIR,
    walFsync: e.PLUMB_WAL_FSYNC,
    batchMaxRows: e.PLUMB_BATCH_MAX_ROWS,
    batchMaxDelayMs: e.PLUMB_BATCH_MAX_DELAY_MS,
    maxBodyBytes: e.PLUMB_MAX_BODY_BYTES,
    maxDecompressedBytes: e.PLUMB_MAX_DECOMPRESSED_BYTES,
    maxSpansPerRequest: e.PLUMB_MAX_SPANS_PER_REQUEST,
    maxInflightBytes: e.PLUMB_MAX_INFLIGHT_BYTES,
    maxAttributeLength: e.PLUMB_MAX_ATTRIBUTE_LENGTH,
    maxTextLength: e.PLUMB_MAX_TEXT_LENGTH,
    contextHoldMs: e.PLUMB_CONTEXT_HOLD_MS,
    contextMaxBytes: e.PLUMB_CONTEXT_MAX_BYTES,
    tenantKeys: e.PLUMB_TENANT_KEYS,
    requestTypeKeys: e.PLUMB_REQUEST_TYPE_KEYS,
  };
}
