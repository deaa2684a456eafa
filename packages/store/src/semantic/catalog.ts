/**
 * The semantic layer's vocabulary: every measure and dimension, declared once. Dashboard, REST
 * `metrics`, alerts and exports all compile queries from these declarations, so a number means
 * the same thing on every page.
 *
 * Every measure is an aggregate over `spans FINAL` (re-delivered spans never double count) and
 * ranges over one of these span sets, always intersected with the query's time range, filters
 * and group values:
 *
 * - `subject` — what a "request" is for this query. By default the REQUEST spans
 *   (`is_request`): exactly one per trace — its root, or, while the root has not arrived or its
 *   parent is remote, the trace's head from `trace_heads` (see views.ts) — so `requests` =
 *   traces and latency = end-to-end request latency. When a *subject dimension* (model, response_model, provider, tool,
 *   operation, category, agent) appears in `groupBy` or `filters`, the subject becomes the spans
 *   of that kind instead, because no root span carries a model or tool: `p95_latency_ms` by
 *   model is the latency of model calls, `requests` by tool is the number of tool calls. Each
 *   subject dimension says which spans it selects (see SUBJECT_RULES); with several, the most
 *   specific one wins (model/tool calls inside an agent, not the agent runs). A trace whose root
 *   span has not arrived yet still counts one request (its head stands in), and once only when
 *   the root arrives late.
 * - `usage` — spans with `usage_counted` (one span per model call; wrappers that repeat their
 *   children's usage are excluded). Token and cost sums never depend on the subject, so cost by
 *   tenant adds up to total cost.
 * - `ttft` — spans that recorded a time to first token.
 * - `all` — every span.
 *
 * Percentiles read from raw rows are exact with linear interpolation between closest ranks (R-7,
 * numpy's default, Excel PERCENTILE.INC): `quantileExactInclusive`. Read from the hourly rollup
 * they merge DDSketch states (`quantileDD`, 1 % relative accuracy); such results are flagged
 * `approximate` (see MeasureInfo). Sums and counts are exact on both paths.
 *
 * Each measure carries its SQL for every view it can be read from: `expr` over raw span rows,
 * `rollup` over the states of `rollup_hourly` (views.ts). Key columns of the rollup are named as
 * in `spans`, so predicates (`$S`, usage_counted, status_code…) are the same text on both.
 */
import { BUDGET_DIMENSIONS, BUDGET_MEASURES } from './budget-view.ts';
import { COST_MEASURES } from './cost-catalog.ts';
import { GPU_COST_MEASURES, GPU_DIMENSIONS, GPU_MEASURES } from './gpu-catalog.ts';
import { QUALITY_DIMENSIONS, QUALITY_MEASURES, type QualityView } from './quality-catalog.ts';

export type Unit = 'count' | 'ratio' | 'ms' | 'usd' | 'tokens' | 'bytes' | 'watts' | 'celsius' | 'score' | 'tokens_per_s' | 'per_s';
export type SpanSet = 'subject' | 'usage' | 'ttft' | 'all';

export interface MeasureDef {
  name: string;
  label: string;
  unit: Unit;
  spanSet: SpanSet;
  /** Sums and counts: an empty time bucket is 0. Otherwise (percentiles, ratios) it is null. */
  additive: boolean;
  description: string;
  /** ClickHouse aggregate over raw span rows; `$S` is replaced by the subject predicate. */
  expr: string;
  /** The same measure over `rollup_hourly` states (merges; `$S` as above). */
  rollup: string;
  /** The rollup value comes from a quantile sketch (approximate, ≤ 1–2 % relative error). */
  sketch?: boolean;
  /** `rollup` for the default subject (requests), when a narrower state column answers it. */
  rollupRequests?: string;
  /**
   * 'gpu': a measure of the GPU view over metric_points (gpu-catalog.ts, gpu-view.ts); 'gpu_cost':
   * self-hosted GPU cost and its tenant split (gpu-cost-view.ts); 'budget': of budgets
   * (budget-view.ts); 'scores', 'labels', 'drift': the quality views (quality-catalog.ts,
   * quality-view.ts); spans otherwise.
   */
  view?: 'gpu' | 'gpu_cost' | 'budget' | QualityView;
  /** The hourly rollup keeps no state for it (distinct sessions): queries using it read raw spans. */
  rawOnly?: boolean;
  /**
   * Rollup key columns the `rollup` SQL reads beyond `$S` and the core keys (views.ts
   * ROLLUP_CORE_KEYS): such a measure is read from rollup_hourly, never rollup_hourly_core.
   */
  rollupKeys?: readonly string[];
  /** The expression reads the span's catalog price (`__p_*` columns; cost-catalog.ts pricesJoin): raw spans only. */
  joinPrices?: boolean;
  /**
   * The only rows the measure can be non-zero on (SQL over span columns). When every measure of
   * a query has one, the compiler reads only those rows (before any join); a group without such
   * rows is then not a row of the result (its value would be 0).
   */
  rowFilter?: string;
}

// Every percentile of one value is an element of ONE multi-level aggregate: ClickHouse computes
// identical aggregate calls once, so p50/p90/p95/p99 sort (raw) or merge sketches (rollup) once.
// The merge's levels need not be the state's (a DDSketch state is level-free; the rollup's
// columns were declared with 0.5, 0.95, 0.99 and are finalized at these levels).
const LEVELS = [0.5, 0.9, 0.95, 0.99] as const;
const at = (level: number) => {
  const i = LEVELS.indexOf(level as (typeof LEVELS)[number]);
  if (i < 0) throw new Error(`no percentile level ${level}`);
  return i + 1;
};
const pct = (level: number, value: string, cond: string) => `quantilesExactInclusiveIf(${LEVELS.join(', ')})(${value}, ${cond})[${at(level)}]`;
const dd = (level: number, state: string, cond: string) => `quantilesDDMergeIf(0.01, ${LEVELS.join(', ')})(${state}, ${cond})[${at(level)}]`;
const LATENCY = 'duration_ns / 1e6';
const TTFT = 'assumeNotNull(ttft_ms)';
const HAS_TTFT = 'isNotNull(ttft_ms)';
const U = 'usage_counted';

/**
 * Finish-reason mix of model calls (usage-counted llm spans; a span's finish_reason is the first
 * of `gen_ai.response.finish_reasons`): calls that ended with the reason / all model calls, so
 * the rates of one group add up to 1 minus the share of calls with another or no reason.
 * `refusal_rate` counts the refusals a provider reports: finish reason content_filter (OpenAI,
 * Azure) or refusal (Anthropic's stop_reason, as instrumentations map it). Refusals in the text
 * of an answer need a judge: send them as a score (e.g. name `refusal`) and read score measures.
 */
const CALL = `${U} AND category = 'llm'`;
const finishRate = (name: string, label: string, reasons: readonly string[], description: string): MeasureDef => {
  const cond = `finish_reason IN (${reasons.map((r) => `'${r}'`).join(', ')})`;
  return {
    name, label, unit: 'ratio', spanSet: 'usage', additive: false, description, rollupKeys: ['finish_reason'],
    expr: `countIf(${CALL} AND ${cond}) / nullIf(countIf(${CALL}), 0)`,
    rollup: `sumIf(spans, ${CALL} AND ${cond}) / nullIf(sumIf(spans, ${CALL}), 0)`,
  };
};
const FINISH_RATES: readonly MeasureDef[] = [
  finishRate('finish_stop_rate', 'Finish: stop', ['stop'], 'Model calls that finished normally (finish reason stop) / model calls (0–1).'),
  finishRate('finish_length_rate', 'Truncation rate', ['length'], 'Model calls cut at the token limit (finish reason length) / model calls (0–1).'),
  finishRate('finish_content_filter_rate', 'Finish: content filter', ['content_filter'], 'Model calls stopped by the content filter / model calls (0–1).'),
  finishRate('finish_tool_calls_rate', 'Finish: tool calls', ['tool_calls'], 'Model calls that ended to call tools (finish reason tool_calls) / model calls (0–1).'),
  finishRate('refusal_rate', 'Refusal rate', ['content_filter', 'refusal'], 'Model calls the provider reports as refused (finish reason content_filter or refusal) / model calls (0–1).'),
];

/** Latency thresholds that have SLO good-event measures (`good_requests_500ms` … `good_requests_10s`). */
export const SLO_LATENCY_MS = [500, 1000, 2000, 5000, 10000] as const;
const sloSuffix = (ms: number) => (ms < 1000 ? `${ms}ms` : `${ms / 1000}s`);

export const MEASURES: readonly MeasureDef[] = [
  { name: 'requests', label: 'Requests', unit: 'count', spanSet: 'subject', additive: true, expr: 'countIf($S)', rollup: 'sumIf(spans, $S)',
    description: 'Root spans (= traces); with a subject dimension, the spans of that kind (model calls, tool calls, agent runs).' },
  { name: 'spans', label: 'Spans', unit: 'count', spanSet: 'all', additive: true, expr: 'count()', rollup: 'sum(spans)',
    description: 'All spans.' },
  { name: 'errors', label: 'Errors', unit: 'count', spanSet: 'subject', additive: true, expr: "countIf($S AND status_code = 'error')", rollup: "sumIf(spans, $S AND status_code = 'error')",
    description: 'Requests (subject spans) whose status is error.' },
  { name: 'error_rate', label: 'Error rate', unit: 'ratio', spanSet: 'subject', additive: false,
    expr: "countIf($S AND status_code = 'error') / nullIf(countIf($S), 0)",
    rollup: "sumIf(spans, $S AND status_code = 'error') / nullIf(sumIf(spans, $S), 0)",
    description: 'errors / requests (0–1); null without requests.' },
  { name: 'cost_usd', label: 'Cost', unit: 'usd', spanSet: 'usage', additive: true, expr: `sumIf(cost_usd, ${U})`, rollup: `sumIf(cost_usd, ${U})`,
    description: 'Exact Decimal sum of cost over usage-counted spans, in USD.' },
  { name: 'unpriced_spans', label: 'Unpriced spans', unit: 'count', spanSet: 'usage', additive: true,
    expr: `countIf(${U} AND pricing_status = 'unpriced')`, rollup: `sumIf(spans, ${U} AND pricing_status = 'unpriced')`,
    description: 'Usage-counted spans with tokens but no matching price (their cost is missing from cost_usd).' },
  { name: 'input_tokens', label: 'Input tokens', unit: 'tokens', spanSet: 'usage', additive: true, expr: `sumIf(input_tokens, ${U})`, rollup: `sumIf(input_tokens, ${U})`, description: 'Input (prompt) tokens.' },
  { name: 'output_tokens', label: 'Output tokens', unit: 'tokens', spanSet: 'usage', additive: true, expr: `sumIf(output_tokens, ${U})`, rollup: `sumIf(output_tokens, ${U})`, description: 'Output (completion) tokens.' },
  { name: 'cache_read_tokens', label: 'Cache read tokens', unit: 'tokens', spanSet: 'usage', additive: true, expr: `sumIf(cache_read_tokens, ${U})`, rollup: `sumIf(cache_read_tokens, ${U})`, description: 'Prompt-cache read tokens.' },
  { name: 'cache_write_tokens', label: 'Cache write tokens', unit: 'tokens', spanSet: 'usage', additive: true, expr: `sumIf(cache_write_tokens, ${U})`, rollup: `sumIf(cache_write_tokens, ${U})`, description: 'Prompt-cache write tokens.' },
  { name: 'reasoning_tokens', label: 'Reasoning tokens', unit: 'tokens', spanSet: 'usage', additive: true, expr: `sumIf(reasoning_tokens, ${U})`, rollup: `sumIf(reasoning_tokens, ${U})`, description: 'Reasoning tokens.' },
  { name: 'total_tokens', label: 'Total tokens', unit: 'tokens', spanSet: 'usage', additive: true, expr: `sumIf(input_tokens + output_tokens, ${U})`, rollup: `sumIf(input_tokens + output_tokens, ${U})`,
    description: 'input_tokens + output_tokens (cache and reasoning tokens are already inside those by convention).' },
  { name: 'llm_calls', label: 'LLM calls', unit: 'count', spanSet: 'usage', additive: true, expr: `countIf(${U} AND category = 'llm')`, rollup: `sumIf(spans, ${U} AND category = 'llm')`,
    description: 'Usage-counted spans of category llm (one per model call).' },
  { name: 'p50_latency_ms', label: 'p50 latency', unit: 'ms', spanSet: 'subject', additive: false, expr: pct(0.5, LATENCY, '$S'), rollup: dd(0.5, 'latency_ms', '$S'), rollupRequests: dd(0.5, 'request_latency_ms', '1'), sketch: true, description: 'Median request (subject span) duration.' },
  { name: 'p90_latency_ms', label: 'p90 latency', unit: 'ms', spanSet: 'subject', additive: false, expr: pct(0.9, LATENCY, '$S'), rollup: dd(0.9, 'latency_ms', '$S'), rollupRequests: dd(0.9, 'request_latency_ms', '1'), sketch: true, description: '90th percentile request duration.' },
  { name: 'p95_latency_ms', label: 'p95 latency', unit: 'ms', spanSet: 'subject', additive: false, expr: pct(0.95, LATENCY, '$S'), rollup: dd(0.95, 'latency_ms', '$S'), rollupRequests: dd(0.95, 'request_latency_ms', '1'), sketch: true, description: '95th percentile request duration.' },
  { name: 'p99_latency_ms', label: 'p99 latency', unit: 'ms', spanSet: 'subject', additive: false, expr: pct(0.99, LATENCY, '$S'), rollup: dd(0.99, 'latency_ms', '$S'), rollupRequests: dd(0.99, 'request_latency_ms', '1'), sketch: true, description: '99th percentile request duration.' },
  { name: 'avg_latency_ms', label: 'Average latency', unit: 'ms', spanSet: 'subject', additive: false, expr: `avgIf(${LATENCY}, $S)`, rollup: 'sumIf(duration_ns, $S) / nullIf(sumIf(spans, $S), 0) / 1e6', description: 'Mean request duration.' },
  { name: 'ttft_p50_ms', label: 'TTFT p50', unit: 'ms', spanSet: 'ttft', additive: false, expr: pct(0.5, TTFT, HAS_TTFT), rollup: dd(0.5, 'ttft_ms', 'ttft_count > 0'), sketch: true, description: 'Median time to first token over spans that recorded one.' },
  { name: 'ttft_p95_ms', label: 'TTFT p95', unit: 'ms', spanSet: 'ttft', additive: false, expr: pct(0.95, TTFT, HAS_TTFT), rollup: dd(0.95, 'ttft_ms', 'ttft_count > 0'), sketch: true, description: '95th percentile time to first token.' },
  // Quality (issue 12). Finish-reason rates read finish_reason, a key of rollup_hourly but not of
  // rollup_hourly_core (rollupKeys keeps them off the core table).
  { name: 'tool_error_rate', label: 'Tool failure rate', unit: 'ratio', spanSet: 'all', additive: false,
    expr: "countIf(category = 'tool' AND status_code = 'error') / nullIf(countIf(category = 'tool'), 0)",
    rollup: "sumIf(spans, category = 'tool' AND status_code = 'error') / nullIf(sumIf(spans, category = 'tool'), 0)",
    description: 'Failed tool calls / tool calls (0–1).' },
  { name: 'avg_output_tokens', label: 'Output tokens per call', unit: 'tokens', spanSet: 'usage', additive: false,
    expr: `sumIf(output_tokens, ${U} AND category = 'llm') / nullIf(countIf(${U} AND category = 'llm'), 0)`,
    rollup: `sumIf(output_tokens, ${U} AND category = 'llm') / nullIf(sumIf(spans, ${U} AND category = 'llm'), 0)`,
    description: 'Mean output tokens per model call.' },
  ...FINISH_RATES,
  // Unit economics of the cost page (issue 9): cost per agent run, per tool call.
  { name: 'agent_runs', label: 'Agent runs', unit: 'count', spanSet: 'all', additive: true, expr: "countIf(category = 'agent')", rollup: "sumIf(spans, category = 'agent')",
    description: 'Agent invocation spans (category agent).' },
  { name: 'tool_calls', label: 'Tool calls', unit: 'count', spanSet: 'all', additive: true, expr: "countIf(category = 'tool')", rollup: "sumIf(spans, category = 'tool')",
    description: 'Tool execution spans (category tool).' },
  // Cost per unit of work as measures (issue 9), so alert rules can watch them. Per request:
  // cost of the model calls / requests of the query's subject (per agent run when grouped by
  // agent, per trace otherwise). Per conversation: cost of spans in a session / sessions.
  { name: 'cost_per_request', label: 'Cost per request', unit: 'usd', spanSet: 'all', additive: false,
    expr: `toFloat64(sumIf(cost_usd, ${U})) / nullIf(countIf($S), 0)`, rollup: `toFloat64(sumIf(cost_usd, ${U})) / nullIf(sumIf(spans, $S), 0)`,
    description: 'cost_usd / requests (USD per request of the subject: per trace; per agent run by agent; per model call by model).' },
  { name: 'conversations', label: 'Conversations', unit: 'count', spanSet: 'all', additive: false, rawOnly: true,
    expr: "uniqExactIf(session_id, session_id != '')", rollup: "throwIf(1, 'conversations are read from raw spans')",
    description: 'Distinct sessions (session.id / gen_ai.conversation.id) with a span in the group; not additive across groups or buckets.' },
  { name: 'cost_per_conversation', label: 'Cost per conversation', unit: 'usd', spanSet: 'all', additive: false, rawOnly: true,
    expr: `toFloat64(sumIf(cost_usd, ${U} AND session_id != '')) / nullIf(uniqExactIf(session_id, session_id != ''), 0)`,
    rollup: "throwIf(1, 'cost_per_conversation is read from raw spans')",
    description: 'Cost of spans that belong to a session / conversations (USD per conversation); spans without a session are left out of both.' },
  // Good events of a latency SLO (issue 13: "requests under 2 s and not errors" / requests).
  // Exact counts need each request's duration, which the rollup keeps only as a sketch, so they
  // read raw spans; an SLO's burn windows (≤ 6 h) keep that scan small.
  ...SLO_LATENCY_MS.map((ms): MeasureDef => ({
    name: `good_requests_${sloSuffix(ms)}`, label: `Good requests (≤ ${sloSuffix(ms)}, no error)`, unit: 'count', spanSet: 'subject', additive: true, rawOnly: true,
    expr: `countIf($S AND status_code != 'error' AND duration_ns <= ${ms * 1_000_000})`,
    rollup: `throwIf(1, 'good_requests_${sloSuffix(ms)} is read from raw spans')`,
    description: `Requests (subject spans) that finished within ${sloSuffix(ms)} and not in error: the good events of a latency SLO (total: requests).`,
  })),
  ...GPU_MEASURES,
  ...BUDGET_MEASURES,
  ...QUALITY_MEASURES,
  ...GPU_COST_MEASURES,
  ...COST_MEASURES,
];

export type DimensionKind = 'context' | 'span' | 'subject' | 'gpu' | 'budget' | 'quality';

export interface DimensionDef {
  name: string;
  label: string;
  /** ClickHouse expression (a closed set chosen here, never user text); the same text on spans and the rollup. */
  expr: string;
  /** Stored as a key of `rollup_hourly` (queries grouping or filtering by it can read the rollup). */
  rollup: boolean;
  /**
   * context: trace-level, copied onto every span (tenant, request type);
   * span: a property of each span that applies to whatever the subject is (root service = entry service);
   * subject: selects which spans are "requests" (see the module comment);
   * gpu: a GPU metric dimension (gpu-catalog.ts), not on spans; budget: of budgets (budget-view.ts);
   * quality: a dimension of the scores / labels / drift views only (quality-catalog.ts).
   */
  kind: DimensionKind;
}

export const DIMENSIONS: readonly DimensionDef[] = [
  { name: 'tenant', label: 'Tenant', expr: 'tenant', kind: 'context', rollup: true },
  { name: 'request_type', label: 'Request type', expr: 'request_type', kind: 'context', rollup: true },
  { name: 'route', label: 'Route', expr: 'route', kind: 'context', rollup: true },
  { name: 'environment', label: 'Environment', expr: 'environment', kind: 'span', rollup: true },
  { name: 'service', label: 'Service', expr: 'service', kind: 'span', rollup: true },
  { name: 'service_version', label: 'Service version', expr: 'service_version', kind: 'span', rollup: true },
  { name: 'host', label: 'Host', expr: 'host', kind: 'span', rollup: true },
  { name: 'status', label: 'Status', expr: 'toString(status_code)', kind: 'span', rollup: true },
  { name: 'finish_reason', label: 'Finish reason', expr: 'finish_reason', kind: 'span', rollup: true },
  { name: 'span_name', label: 'Span name', expr: 'name', kind: 'span', rollup: false },
  { name: 'model', label: 'Model', expr: 'request_model', kind: 'subject', rollup: true },
  { name: 'response_model', label: 'Response model', expr: 'response_model', kind: 'subject', rollup: true },
  { name: 'provider', label: 'Provider', expr: 'provider', kind: 'subject', rollup: true },
  { name: 'tool', label: 'Tool', expr: 'tool_name', kind: 'subject', rollup: false },
  { name: 'operation', label: 'Operation', expr: 'operation', kind: 'subject', rollup: false },
  { name: 'category', label: 'Category', expr: 'category', kind: 'subject', rollup: true },
  { name: 'agent', label: 'Agent', expr: 'agent_name', kind: 'subject', rollup: true },
  ...GPU_DIMENSIONS,
  ...BUDGET_DIMENSIONS,
  ...QUALITY_DIMENSIONS,
];

/**
 * Which spans a subject dimension makes the "requests". Higher rank = more specific; the query
 * uses the predicates of the highest rank present. A rule names a KIND of span (model calls,
 * tool calls, agent runs), never "the dimension is set": a model call whose model is unknown is
 * still a model call, a request of the empty group "(no model)". So grouped by a subject
 * dimension the empty group is a row like any other: usage measures (tokens, cost) add up to
 * their totals, counts of the kind (requests by model = model calls) add up to the number of
 * such spans, and percentiles show for the empty group only where it has spans of that kind.
 * Model dimensions skip wrappers that repeat a child's model (`usage_counted` marks leaf model
 * calls); `agent` alone means agent runs, since the pipeline also stamps the enclosing agent onto
 * its child spans.
 */
export const SUBJECT_RULES: Record<string, { rank: number; predicate: string }> = {
  agent: { rank: 1, predicate: "category = 'agent'" },
  operation: { rank: 2, predicate: '1' },
  category: { rank: 2, predicate: '1' },
  tool: { rank: 3, predicate: "category = 'tool' OR tool_name != ''" },
  model: { rank: 3, predicate: 'usage_counted' },
  response_model: { rank: 3, predicate: 'usage_counted' },
  provider: { rank: 3, predicate: 'usage_counted' },
};

/**
 * The default subject: the span that is its trace's request. A column of `rollup_hourly`; on
 * raw spans the compiler defines `is_request` as an alias (views.ts `requestExpr`).
 */
export const ROOT_PREDICATE = 'is_request';

export const MEASURE_BY_NAME: ReadonlyMap<string, MeasureDef> = new Map(MEASURES.map((m) => [m.name, m]));
export const DIMENSION_BY_NAME: ReadonlyMap<string, DimensionDef> = new Map(DIMENSIONS.map((d) => [d.name, d]));

/** The subject predicate for a query that uses these dimensions (groupBy ∪ filter keys). */
export function subjectPredicate(dimensions: Iterable<string>): string {
  let best = 0;
  const preds: string[] = [];
  for (const d of new Set(dimensions)) {
    const rule = SUBJECT_RULES[d];
    if (!rule) continue;
    if (rule.rank > best) {
      best = rule.rank;
      preds.length = 0;
    }
    if (rule.rank === best) preds.push(rule.predicate);
  }
  return best === 0 ? ROOT_PREDICATE : preds.map((p) => `(${p})`).join(' AND ');
}
