/**
 * Scores and labels written through the API (migration 0011). Both attach to a trace (and
 * optionally one of its spans) that must exist: unknown ids are reported per item, never stored
 * and never silently dropped. Rows are versioned by id (ReplacingMergeTree, read with FINAL),
 * so a retried batch counts each id once.
 *
 * When written, a row copies its subject's context (start time, service, version, model,
 * request type, tenant) so quality queries read one table: a span-level score takes the span's,
 * a trace-level one the trace's head span (root, else earliest) and the served model of the
 * trace's largest model call (most output tokens).
 */
import { sql } from './sql.ts';
import type { Store } from './store.ts';

export const SCORE_SOURCES = ['human', 'llm-judge', 'code'] as const;
export type ScoreSource = (typeof SCORE_SOURCES)[number];
export type ScoreDataType = 'numeric' | 'boolean' | 'categorical';

export interface ScoreInput {
  id: string;
  traceId: string;
  spanId?: string;
  name: string;
  value: number | boolean | string;
  source: ScoreSource;
  comment?: string;
  /** When the score was given (epoch ms); default now. */
  timestampMs?: number;
}

export interface LabelInput {
  id: string;
  traceId: string;
  spanId?: string;
  name: string;
  value: string;
  comment?: string;
  timestampMs?: number;
}

export interface Rejected {
  index: number;
  id: string;
  traceId: string;
  spanId?: string;
  reason: 'unknown_trace' | 'unknown_span';
  message: string;
}

export interface WriteResult {
  /** Distinct ids stored by this call (an id repeated in the batch is stored once: the last). */
  accepted: number;
  /** Items whose id appeared again later in the same batch (the later one was kept). */
  duplicates: number;
  rejected: Rejected[];
}

interface Subject {
  startNs: string;
  service: string;
  serviceVersion: string;
  model: string;
  requestType: string;
  tenant: string;
}

/** Context of the traces and spans named (key `trace` or `trace:span`), in one pass over their hours. */
async function lookupSubjects(store: Store, projectId: string, items: ReadonlyArray<{ traceId: string; spanId?: string }>): Promise<Map<string, Subject>> {
  const traceIds = [...new Set(items.map((i) => i.traceId))];
  const out = new Map<string, Subject>();
  if (traceIds.length === 0) return out;
  const ranges = await store.query<{ trace_id: string; lo: string; hi: string }>(
    sql`SELECT trace_id, toString(min(start_time)) AS lo, toString(max(start_time)) AS hi
        FROM trace_index WHERE project_id = ${projectId} AND trace_id IN ${traceIds} GROUP BY trace_id`,
  );
  if (ranges.length === 0) return out;
  const known = ranges.map((r) => r.trace_id);
  const lo = ranges.reduce((a, r) => (r.lo < a ? r.lo : a), ranges[0]!.lo);
  const hi = ranges.reduce((a, r) => (r.hi > a ? r.hi : a), ranges[0]!.hi);
  const spanIds = [...new Set(items.flatMap((i) => (i.spanId ? [i.spanId] : [])))];
  const rows = await store.query<{
    trace_id: string; span_id: string; head: number; start_ns: string; service: string; service_version: string;
    model: string; request_type: string; tenant: string; top_model: string;
  }>(sql`
    SELECT trace_id, span_id, span_id = head_span AS head, start_ns, service, service_version, model, request_type, tenant, top_model FROM (
      SELECT trace_id,
             argMin(span_id, (toUInt8(parent_span_id != ''), toUInt8(NOT is_root), start_time)) AS head_span,
             argMax(response_model, if(response_model = '', 0, output_tokens + 1)) AS top_model,
             groupArray((span_id, toString(toUnixTimestamp64Nano(start_time)), toString(service), toString(service_version),
                         toString(response_model), toString(request_type), toString(tenant))) AS spans
      FROM spans FINAL
      WHERE project_id = ${projectId}
        AND toStartOfHour(start_time) >= toStartOfHour(toDateTime64(${lo}, 9)) AND start_time <= toDateTime64(${hi}, 9)
        AND trace_id IN ${known}
      GROUP BY trace_id
    )
    ARRAY JOIN spans.1 AS span_id, spans.2 AS start_ns, spans.3 AS service, spans.4 AS service_version,
               spans.5 AS model, spans.6 AS request_type, spans.7 AS tenant
    WHERE span_id = head_span OR span_id IN ${spanIds.length > 0 ? spanIds : ['']}`);
  for (const r of rows) {
    const s: Subject = { startNs: r.start_ns, service: r.service, serviceVersion: r.service_version, model: r.model, requestType: r.request_type, tenant: r.tenant };
    out.set(`${r.trace_id}:${r.span_id}`, s);
    if (Number(r.head)) out.set(r.trace_id, { ...s, model: r.top_model });
  }
  return out;
}

function nsToSeconds(ns: string): string {
  const padded = ns.padStart(10, '0');
  return `${padded.slice(0, -9) || '0'}.${padded.slice(-9)}`;
}

function msToSeconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Last occurrence of each id wins; returns the kept items with their batch index. */
function dedupe<T extends { id: string }>(items: readonly T[]): { kept: Array<{ item: T; index: number }>; duplicates: number } {
  const last = new Map<string, number>();
  items.forEach((it, i) => last.set(it.id, i));
  const kept = items.flatMap((item, index) => (last.get(item.id) === index ? [{ item, index }] : []));
  return { kept, duplicates: items.length - kept.length };
}

function resolve<T extends { id: string; traceId: string; spanId?: string }>(kept: Array<{ item: T; index: number }>, subjects: Map<string, Subject>) {
  const rejected: Rejected[] = [];
  const ok: Array<{ item: T; subject: Subject }> = [];
  for (const { item, index } of kept) {
    const trace = subjects.get(item.traceId);
    if (!trace) {
      rejected.push({ index, id: item.id, traceId: item.traceId, reason: 'unknown_trace', message: `no trace ${item.traceId} in this project` });
      continue;
    }
    if (item.spanId) {
      const span = subjects.get(`${item.traceId}:${item.spanId}`);
      if (!span) {
        rejected.push({ index, id: item.id, traceId: item.traceId, spanId: item.spanId, reason: 'unknown_span', message: `trace ${item.traceId} has no span ${item.spanId}` });
        continue;
      }
      ok.push({ item, subject: span });
    } else ok.push({ item, subject: trace });
  }
  return { ok, rejected };
}

export function scoreDataType(value: ScoreInput['value']): ScoreDataType {
  return typeof value === 'number' ? 'numeric' : typeof value === 'boolean' ? 'boolean' : 'categorical';
}

export async function writeScores(store: Store, projectId: string, items: readonly ScoreInput[]): Promise<WriteResult> {
  const { kept, duplicates } = dedupe(items);
  const { ok, rejected } = resolve(kept, await lookupSubjects(store, projectId, kept.map((k) => k.item)));
  if (ok.length > 0) {
    const now = Date.now();
    const lines = ok.map(({ item, subject }, i) => {
      const type = scoreDataType(item.value);
      return JSON.stringify({
        project_id: projectId,
        id: item.id,
        trace_id: item.traceId,
        span_id: item.spanId ?? '',
        name: item.name,
        data_type: type,
        value: type === 'numeric' ? item.value : type === 'boolean' ? (item.value ? 1 : 0) : null,
        string_value: type === 'categorical' ? item.value : type === 'boolean' ? String(item.value) : '',
        source: item.source,
        comment: item.comment ?? '',
        scored_at: msToSeconds(item.timestampMs ?? now),
        subject_start: nsToSeconds(subject.startNs),
        service: subject.service,
        service_version: subject.serviceVersion,
        model: subject.model,
        request_type: subject.requestType,
        tenant: subject.tenant,
        // Later writes of an id win; within one call, order by position.
        _version: now * 1000 + (i % 1000),
      });
    });
    await store.insertRaw('scores', SCORE_COLUMNS, `${lines.join('\n')}\n`, 'JSONEachRow', { caller: 'writeScores' });
  }
  return { accepted: ok.length, duplicates, rejected };
}

const SCORE_COLUMNS = ['project_id', 'id', 'trace_id', 'span_id', 'name', 'data_type', 'value', 'string_value', 'source', 'comment', 'scored_at',
  'subject_start', 'service', 'service_version', 'model', 'request_type', 'tenant', '_version'];
const LABEL_COLUMNS = ['project_id', 'id', 'trace_id', 'span_id', 'name', 'value', 'comment', 'labeled_at', 'subject_start', '_version'];

export async function writeLabels(store: Store, projectId: string, items: readonly LabelInput[]): Promise<WriteResult> {
  const { kept, duplicates } = dedupe(items);
  const { ok, rejected } = resolve(kept, await lookupSubjects(store, projectId, kept.map((k) => k.item)));
  if (ok.length > 0) {
    const now = Date.now();
    const lines = ok.map(({ item, subject }, i) =>
      JSON.stringify({
        project_id: projectId,
        id: item.id,
        trace_id: item.traceId,
        span_id: item.spanId ?? '',
        name: item.name,
        value: item.value,
        comment: item.comment ?? '',
        labeled_at: msToSeconds(item.timestampMs ?? now),
        subject_start: nsToSeconds(subject.startNs),
        _version: now * 1000 + (i % 1000),
      }),
    );
    await store.insertRaw('labels', LABEL_COLUMNS, `${lines.join('\n')}\n`, 'JSONEachRow', { caller: 'writeLabels' });
  }
  return { accepted: ok.length, duplicates, rejected };
}

/** The default label id: one label per (trace, span, label set), so a correction replaces it. */
export function defaultLabelId(traceId: string, spanId: string | undefined, name: string): string {
  return `${traceId}:${spanId ?? ''}:${name}`;
}

export interface StoredScore {
  id: string;
  traceId: string;
  spanId: string;
  name: string;
  dataType: ScoreDataType;
  value: number | null;
  stringValue: string;
  source: ScoreSource;
  comment: string;
  scoredAt: string;
}

/** The scores of one trace (span detail, tests). */
export async function listTraceScores(store: Store, projectId: string, traceId: string): Promise<StoredScore[]> {
  const rows = await store.query<Record<string, string | number | null>>(
    sql`SELECT id, trace_id, span_id, name, data_type, value, string_value, source, comment, toString(scored_at) AS scored_at
        FROM scores FINAL WHERE project_id = ${projectId} AND id IN (SELECT id FROM scores WHERE project_id = ${projectId} AND trace_id = ${traceId})
        ORDER BY scored_at, id`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    name: String(r.name),
    dataType: r.data_type as ScoreDataType,
    value: r.value === null ? null : Number(r.value),
    stringValue: String(r.string_value),
    source: r.source as ScoreSource,
    comment: String(r.comment),
    scoredAt: String(r.scored_at),
  }));
}
