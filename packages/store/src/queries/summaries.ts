import { sql, unsafeRaw } from '../sql.ts';
import type { Store } from '../store.ts';
import { isoFromMicros } from '../semantic/errors.ts';
import { traceBounds } from './rows.ts';
import { COST_SQL, HEAD_ORDER } from '../semantic/views.ts';

/** One trace as the explorer lists it. Root-derived fields come from the root span. */
export interface TraceListItem {
  traceId: string;
  rootSpanId: string;
  /** Name of the request span: the root, or — root not received — the trace's topmost span. */
  rootName: string;
  /**
   * false: the root has not arrived (yet); the trace's topmost span stands in for it (its name,
   * start, duration and status are shown). A root whose parent is remote counts as received.
   */
  rootReceived: boolean;
  service: string;
  /** Root start, ISO with µs (earliest span start when no root). */
  startTime: string;
  /** Root duration (0 when no root). */
  durationMs: number;
  spanCount: number;
  errorCount: number;
  /** 'error' when the root span's status is error, else 'ok' (child errors may have been handled). */
  status: 'ok' | 'error';
  tenant: string;
  requestType: string;
  sessionId: string;
  userId: string;
  /** Distinct requested models / agent names, sorted. */
  models: string[];
  agents: string[];
  /** Usage-counted spans only. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** The exact cost as decimal text. */
  costUsdExact: string;
  /** Usage-counted spans whose model matched no price: their cost is unknown (not in costUsd). */
  unpricedSpans: number;
}

export interface TraceTextItem extends TraceListItem {
  /** First span input / last span output of the trace, truncated to 4000 characters. */
  input: string;
  output: string;
}

interface Raw extends Omit<TraceListItem, 'startTime' | 'costUsd' | 'costUsdExact' | 'status' | 'rootReceived'> {
  startUs: number;
  received: number;
  rootError: number;
  costUsdText: string;
  input?: string;
  output?: string;
}

/**
 * Per-trace aggregates for a known set of trace ids (a page of the list, a conversation): reads
 * only the hours trace_index says these traces live in. Returned in the order of `traceIds`.
 */
export async function traceSummaries(store: Store, projectId: string, traceIds: readonly string[], withText: true): Promise<TraceTextItem[]>;
export async function traceSummaries(store: Store, projectId: string, traceIds: readonly string[], withText?: false): Promise<TraceListItem[]>;
export async function traceSummaries(store: Store, projectId: string, traceIds: readonly string[], withText = false): Promise<TraceListItem[]> {
  if (traceIds.length === 0) return [];
  const ids = [...traceIds];
  const text = withText
    ? sql`, substringUTF8(argMinIf(input_text, start_time, input_text != ''), 1, 4000) AS input,
          substringUTF8(argMaxIf(output_text, end_time, output_text != ''), 1, 4000) AS output`
    : sql``;
  // The request span of each trace: its root, else — root remote or not received — its head,
  // the argMin of HEAD_ORDER over the trace's spans (all of them are read here, so this is
  // trace_heads' head without the join).
  const R = 'empty(parent_span_id)';
  const pick = (col: string) => unsafeRaw(`if(countIf(${R}) > 0, argMinIf(${col}, start_time, ${R}), argMin(${col}, ${HEAD_ORDER}))`);
  const rows = await store.query<Raw>(sql`SELECT trace_id AS traceId,
      ${pick('span_id')} AS rootSpanId,
      ${pick('name')} AS rootName,
      countIf(${unsafeRaw(R)}) > 0 OR argMin(is_root, ${unsafeRaw(HEAD_ORDER)}) AS received,
      ${pick('service')} AS service,
      ${pick('toUnixTimestamp64Micro(start_time)')} AS startUs,
      ${pick('duration_ns')} / 1e6 AS durationMs,
      count() AS spanCount,
      countIf(status_code = 'error') AS errorCount,
      ${pick("status_code = 'error'")} AS rootError,
      argMaxIf(tenant, ${unsafeRaw(R)}, tenant != '') AS tenant,
      argMaxIf(request_type, ${unsafeRaw(R)}, request_type != '') AS requestType,
      argMaxIf(session_id, ${unsafeRaw(R)}, session_id != '') AS sessionId,
      argMaxIf(user_id, ${unsafeRaw(R)}, user_id != '') AS userId,
      arraySort(groupUniqArrayIf(request_model, request_model != '')) AS models,
      arraySort(groupUniqArrayIf(agent_name, agent_name != '')) AS agents,
      sumIf(input_tokens, usage_counted) AS inputTokens,
      sumIf(output_tokens, usage_counted) AS outputTokens,
      toString(${unsafeRaw(COST_SQL)}) AS costUsdText,
      countIf(usage_counted AND pricing_status = 'unpriced') AS unpricedSpans
      ${text}
    FROM spans FINAL
    WHERE project_id = ${projectId} AND trace_id IN ${ids} AND ${traceBounds(projectId, ids)}
    GROUP BY trace_id`);
  const byId = new Map(rows.map((r) => [r.traceId, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const { startUs, rootError, costUsdText, received, ...rest } = r;
    return [{ ...rest, rootReceived: Boolean(received), startTime: isoFromMicros(startUs), status: rootError ? ('error' as const) : ('ok' as const), costUsd: Number(costUsdText), costUsdExact: costUsdText }];
  });
}
