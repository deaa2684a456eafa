/**
 * Quality per model version and request type (issue 12 item 2).
 *
 * Unit: the request (trace). Each trace of [from, to) is attributed to ONE version: its served
 * model (`model`: the response model of its largest model call, by output tokens), its root's
 * service version (`service_version`) or its prompt version (`prompt_version`: the
 * `gen_ai.prompt.version` / `llm.prompt_template.version` attribute of any span). Rates are over
 * the trace's spans of the relevant kind:
 * - error rate: requests whose root failed / requests; llm error rate: failed model calls / calls;
 * - finish reasons: model calls by finish reason (stop, length, content_filter, tool_calls, other);
 * - output length: output tokens per model call (mean, variance, p50, p95);
 * - tool failure rate: failed tool spans / tool spans;
 * - retry rate: failed model calls followed, in the same trace, by a later call of the same
 *   requested model that succeeded / model calls;
 * - refusal rate: model calls with finish reason content_filter or a `refusal` finish reason
 *   (where the provider reports it; text classifiers are not run here).
 * Scores join by trace id to the same attribution (mean, variance, count per score name);
 * feedback rate = requests with a `feedback` score / requests.
 */
import { sql, unsafeRaw, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

export const QUALITY_VERSIONS = ['model', 'service_version', 'prompt_version'] as const;
export type QualityVersion = (typeof QUALITY_VERSIONS)[number];

const VERSION_SQL: Record<QualityVersion, string> = {
  model: "argMaxIf(response_model, output_tokens + 1, category = 'llm' AND response_model != '')",
  service_version: 'argMin(service_version, (toUInt8(NOT is_root), start_time))',
  prompt_version: "anyIf(coalesce(nullIf(attributes['gen_ai.prompt.version'], ''), attributes['llm.prompt_template.version']), attributes['gen_ai.prompt.version'] != '' OR attributes['llm.prompt_template.version'] != '')",
};

export const FEEDBACK_SCORE = 'feedback';

export interface QualityQuery {
  from: Date;
  to: Date;
  version: QualityVersion;
  /** Restrict to these versions / request types (empty = all). */
  versions?: string[];
  requestTypes?: string[];
  /** Also split by request type (default true). */
  byRequestType?: boolean;
}

export interface QualityRow {
  version: string;
  requestType: string;
  requests: number;
  failedRequests: number;
  llmCalls: number;
  llmErrors: number;
  finish: { stop: number; length: number; content_filter: number; tool_calls: number; other: number };
  refusals: number;
  outputTokens: { mean: number | null; variance: number | null; p50: number | null; p95: number | null };
  toolCalls: number;
  toolErrors: number;
  retries: number;
  feedbackRequests: number;
  scores: Array<{ name: string; n: number; mean: number | null; variance: number | null }>;
}

/** Per-trace attribution and counts over [from, to) (the CTE both queries read). */
function perTrace(projectId: string, q: QualityQuery): SqlFragment {
  return sql`
    SELECT trace_id,
      ${unsafeRaw(VERSION_SQL[q.version])} AS version,
      any(request_type) AS request_type,
      maxIf(status_code = 'error', is_root) AS root_failed,
      countIf(category = 'llm' AND usage_counted) AS llm_calls,
      countIf(category = 'llm' AND usage_counted AND status_code = 'error') AS llm_errors,
      countIf(category = 'llm' AND usage_counted AND finish_reason = 'stop') AS f_stop,
      countIf(category = 'llm' AND usage_counted AND finish_reason = 'length') AS f_length,
      countIf(category = 'llm' AND usage_counted AND finish_reason = 'content_filter') AS f_filter,
      countIf(category = 'llm' AND usage_counted AND finish_reason = 'tool_calls') AS f_tools,
      countIf(category = 'llm' AND usage_counted AND finish_reason NOT IN ('stop', 'length', 'content_filter', 'tool_calls', '')) AS f_other,
      countIf(category = 'llm' AND usage_counted AND finish_reason IN ('content_filter', 'refusal')) AS refusals,
      groupArrayIf(toFloat64(output_tokens), category = 'llm' AND usage_counted AND status_code != 'error') AS outs,
      countIf(category = 'tool') AS tool_calls,
      countIf(category = 'tool' AND status_code = 'error') AS tool_errors,
      groupArrayIf((start_time, request_model, status_code = 'error'), category = 'llm' AND usage_counted) AS calls,
      arrayCount(x -> x.3 AND arrayExists(y -> y.2 = x.2 AND y.1 > x.1 AND NOT y.3, calls), calls) AS retries
    FROM spans FINAL
    WHERE project_id = ${projectId} AND start_time >= ${q.from} AND start_time < ${q.to}
    GROUP BY trace_id
    HAVING version != ''
      ${q.versions?.length ? sql`AND version IN ${q.versions}` : sql``}
      ${q.requestTypes?.length ? sql`AND request_type IN ${q.requestTypes}` : sql``}`;
}

export async function qualityByVersion(store: Store, projectId: string, q: QualityQuery): Promise<QualityRow[]> {
  const rt = q.byRequestType === false ? sql`''` : sql`request_type`;
  const traces = perTrace(projectId, q);
  const [rows, scoreRows] = await Promise.all([
    store.query<Record<string, unknown>>(sql`
      SELECT version, ${rt} AS rt, count() AS requests, countIf(root_failed) AS failed, sum(llm_calls) AS llm_calls, sum(llm_errors) AS llm_errors,
        sum(f_stop) AS f_stop, sum(f_length) AS f_length, sum(f_filter) AS f_filter, sum(f_tools) AS f_tools, sum(f_other) AS f_other, sum(refusals) AS refusals,
        avgArray(outs) AS out_mean, varSampArray(outs) AS out_var, quantilesExactInclusiveArray(0.5, 0.95)(outs) AS out_q,
        sum(tool_calls) AS tool_calls, sum(tool_errors) AS tool_errors, sum(retries) AS retries
      FROM (${traces}) GROUP BY version, rt ORDER BY requests DESC, version, rt LIMIT 500`),
    store.query<{ version: string; rt: string; name: string; n: string; mean: number | null; variance: number | null; traces: string }>(sql`
      SELECT t.version AS version, ${q.byRequestType === false ? sql`''` : sql`t.request_type`} AS rt, s.name AS name, count() AS n,
             avgIf(s.value, isNotNull(s.value)) AS mean, varSampIf(s.value, isNotNull(s.value)) AS variance, uniqExact(s.trace_id) AS traces
      FROM (SELECT trace_id, name, value FROM scores FINAL WHERE project_id = ${projectId} AND subject_start >= ${q.from} AND subject_start < ${q.to}) AS s
      INNER JOIN (SELECT trace_id, version, request_type FROM (${traces})) AS t ON s.trace_id = t.trace_id
      GROUP BY version, rt, name ORDER BY name`),
  ]);
  const num = (v: unknown) => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));
  return rows.map((r) => {
    const key = `${String(r.version)}\u0000${String(r.rt)}`;
    const scores = scoreRows.filter((s) => `${s.version}\u0000${s.rt}` === key);
    const q2 = (r.out_q as number[] | undefined) ?? [];
    const llm = Number(r.llm_calls);
    return {
      version: String(r.version),
      requestType: String(r.rt),
      requests: Number(r.requests),
      failedRequests: Number(r.failed),
      llmCalls: llm,
      llmErrors: Number(r.llm_errors),
      finish: { stop: Number(r.f_stop), length: Number(r.f_length), content_filter: Number(r.f_filter), tool_calls: Number(r.f_tools), other: Number(r.f_other) },
      refusals: Number(r.refusals),
      outputTokens: { mean: llm ? num(r.out_mean) : null, variance: llm > 1 ? num(r.out_var) : null, p50: llm ? num(q2[0]) : null, p95: llm ? num(q2[1]) : null },
      toolCalls: Number(r.tool_calls),
      toolErrors: Number(r.tool_errors),
      retries: Number(r.retries),
      feedbackRequests: Number(scores.find((s) => s.name === FEEDBACK_SCORE)?.traces ?? 0),
      scores: scores.map((s) => ({ name: s.name, n: Number(s.n), mean: num(s.mean), variance: num(s.variance) })),
    };
  });
}

export interface ClassificationCell { bucketMs: number; version: string; predicted: string; actual: string; count: number }

/**
 * Predicted vs true label per version and time bucket (of the prediction, not of the label):
 * labels of set `labelName` joined to the spans carrying `predictedAttribute` in the labelled
 * trace (the labelled span when the label names one). Accuracy etc. are computed from these
 * cells (@plumb/analytics classificationMetrics).
 */
export async function classificationCells(
  store: Store, projectId: string, o: { from: Date; to: Date; labelName: string; predictedAttribute: string; version: 'model' | 'service_version'; intervalSec: number },
): Promise<ClassificationCell[]> {
  const version = o.version === 'model' ? sql`response_model` : sql`service_version`;
  const rows = await store.query<{ b: number; version: string; predicted: string; actual: string; n: string }>(sql`
    SELECT toUnixTimestamp(toStartOfInterval(s.start_time, toIntervalSecond(${o.intervalSec}))) * 1000 AS b, s.version AS version,
           s.predicted AS predicted, l.value AS actual, count() AS n
    FROM (SELECT trace_id, span_id, value FROM labels FINAL WHERE project_id = ${projectId} AND name = ${o.labelName}
            AND subject_start >= ${o.from} AND subject_start < ${o.to}) AS l
    INNER JOIN (SELECT trace_id, span_id, start_time, toString(${version}) AS version, attributes[${o.predictedAttribute}] AS predicted FROM spans FINAL
            WHERE project_id = ${projectId} AND start_time >= ${o.from} AND start_time < ${o.to} AND attributes[${o.predictedAttribute}] != '') AS s
      ON l.trace_id = s.trace_id
    WHERE l.span_id = '' OR l.span_id = s.span_id
    GROUP BY b, version, predicted, actual ORDER BY b, version`);
  return rows.map((r) => ({ bucketMs: Number(r.b), version: r.version, predicted: r.predicted, actual: r.actual, count: Number(r.n) }));
}
