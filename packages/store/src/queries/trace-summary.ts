import { join, sql, unsafeRaw } from '../sql.ts';
import type { Store } from '../store.ts';
import { COST_SQL, HEAD_ORDER } from '../semantic/views.ts';
import { traceSet, traceSetHaving, traceSetSpans, type ListTracesQuery } from './traces.ts';

/** The explorer's numbers for everything its filter selects (not just the page shown). */
export interface TraceListSummary {
  /** Traces in the set. */
  traces: number;
  /** Traces whose root failed (status error): the failed requests. */
  failed: number;
  /** Traces with at least one error span, failed or recovered. */
  withErrors: number;
  /** Root (request) duration percentiles, exact; null on an empty set. */
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  /** Priced spend of the set, USD (unpriced spans add nothing: see unpricedSpans). */
  costUsd: number;
  costUsdExact: string;
  /** Usage-counted spans whose model matched no price: their cost is unknown and not in costUsd. */
  unpricedSpans: number;
  inputTokens: number;
  outputTokens: number;
}

export type TraceSummaryQuery = Omit<ListTracesQuery, 'sort' | 'order' | 'cursor' | 'limit'>;

/**
 * Count, failures, duration percentiles, cost and tokens of the traces a list query selects, in
 * ONE statement over the same TraceSet as listTraces (same filters, same window, same per-trace
 * rules): per trace, the same aggregates traceSummaries shows in the rows; then their totals.
 * Per-trace sums read the trace's spans in the list's skew/tail-widened window.
 */
export async function summarizeTraces(store: Store, q: TraceSummaryQuery): Promise<TraceListSummary> {
  const set = await traceSet(store, q);
  // The request span's duration and status: the root's, else (root not received) the head's,
  // exactly as traceSummaries picks them for the rows.
  const R = 'empty(parent_span_id)';
  const pick = (col: string) => unsafeRaw(`if(countIf(${R}) > 0, argMinIf(${col}, start_time, ${R}), argMin(${col}, ${HEAD_ORDER}))`);
  const [row] = await store.query<{
    traces: number; failed: number; withErrors: number; p50: number | null; p95: number | null;
    cost: string; unpriced: number; inputTokens: number; outputTokens: number;
  }>(sql`SELECT count() AS traces,
      countIf(root_failed) AS failed,
      countIf(error_spans > 0) AS withErrors,
      if(count() = 0, NULL, quantileExactInclusive(0.5)(root_ns) / 1e6) AS p50,
      if(count() = 0, NULL, quantileExactInclusive(0.95)(root_ns) / 1e6) AS p95,
      toString(sum(trace_cost)) AS cost,
      sum(trace_unpriced) AS unpriced,
      sum(in_tokens) AS inputTokens,
      sum(out_tokens) AS outputTokens
    FROM (
      SELECT trace_id,
        ${pick('duration_ns')} AS root_ns,
        ${pick("status_code = 'error'")} AS root_failed,
        countIf(status_code = 'error') AS error_spans,
        ${unsafeRaw(COST_SQL)} AS trace_cost,
        countIf(usage_counted AND pricing_status = 'unpriced') AS trace_unpriced,
        sumIf(input_tokens, usage_counted) AS in_tokens,
        sumIf(output_tokens, usage_counted) AS out_tokens
      FROM spans FINAL
      WHERE ${traceSetSpans(set)}
      GROUP BY trace_id
      HAVING ${join(traceSetHaving(set), ' AND ')}
    )`);
  const n = (v: unknown) => Number(v ?? 0);
  const costText = row?.cost ?? '0';
  return {
    traces: n(row?.traces),
    failed: n(row?.failed),
    withErrors: n(row?.withErrors),
    p50DurationMs: row?.p50 == null ? null : Number(row.p50),
    p95DurationMs: row?.p95 == null ? null : Number(row.p95),
    costUsd: Number(costText),
    costUsdExact: costText,
    unpricedSpans: n(row?.unpriced),
    inputTokens: n(row?.inputTokens),
    outputTokens: n(row?.outputTokens),
  };
}
