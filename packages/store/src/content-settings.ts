import { sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Content controls of a project (migration 0018), applied by the collector to every request
 * BEFORE it is written anywhere (WAL included; apps/collector/src/content/policy.ts):
 * - capture: prompt / completion content kept, truncated to `captureMaxBytes`, or dropped;
 * - redactKeys: attributes whose values are replaced (case-insensitive key; `prefix.*` globs);
 * - redactPatterns: built-in names (email, api_key, card, bearer) or custom regular expressions
 *   whose matches in any string value are replaced;
 * - maxValueBytes / maxSpanBytes: limits on one value and on a span's content (0 = none).
 */
export type CaptureMode = 'keep' | 'truncate' | 'off';
export const CAPTURE_MODES: readonly CaptureMode[] = ['keep', 'truncate', 'off'];

export interface ContentSettings {
  capture: CaptureMode;
  captureMaxBytes: number;
  redactKeys: string[];
  redactPatterns: string[];
  maxValueBytes: number;
  maxSpanBytes: number;
}

export const DEFAULT_CONTENT_SETTINGS: ContentSettings = { capture: 'keep', captureMaxBytes: 0, redactKeys: [], redactPatterns: [], maxValueBytes: 0, maxSpanBytes: 0 };

/** The project's settings, with their version (0 = never set: the defaults). */
export async function getContentSettings(store: Store, projectId: string): Promise<ContentSettings & { version: number }> {
  const [row] = await store.query<{ capture: string; cmb: number; keys: string[]; patterns: string[]; mvb: number; msb: number; v: string }>(
    sql`SELECT capture, capture_max_bytes AS cmb, redact_keys AS keys, redact_patterns AS patterns, max_value_bytes AS mvb, max_span_bytes AS msb, toString(_version) AS v
        FROM project_content_settings FINAL WHERE project_id = ${projectId} LIMIT 1`,
    { kind: 'auth', caller: 'content-settings.get' },
  );
  if (!row) return { ...DEFAULT_CONTENT_SETTINGS, version: 0 };
  const capture = (CAPTURE_MODES as readonly string[]).includes(row.capture) ? (row.capture as CaptureMode) : 'keep';
  return { capture, captureMaxBytes: Number(row.cmb), redactKeys: row.keys, redactPatterns: row.patterns, maxValueBytes: Number(row.mvb), maxSpanBytes: Number(row.msb), version: Number(row.v) };
}

export async function saveContentSettings(store: Store, projectId: string, s: ContentSettings): Promise<void> {
  await store.command(
    sql`INSERT INTO project_content_settings (project_id, capture, capture_max_bytes, redact_keys, redact_patterns, max_value_bytes, max_span_bytes, _version)
        VALUES (${projectId}, ${s.capture}, ${s.captureMaxBytes}, ${s.redactKeys}, ${s.redactPatterns}, ${s.maxValueBytes}, ${s.maxSpanBytes}, ${Date.now()})`,
    { kind: 'auth', caller: 'content-settings.save' },
  );
}
