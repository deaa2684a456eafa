/**
 * Request stage rows (migration 0013): written once per trace by the worker's `stages` job,
 * read by the stage breakdown and the regression analysis (regression.ts). The spans of a trace
 * are loaded into Node only here, by the job; queries read the rows.
 */
import { requestStages, STAGES, type LlmTiming, type Stage, type StageSpan } from '@plumb/analytics';
import { sql, unsafeRaw } from './sql.ts';
import type { Store } from './store.ts';
import { traceBounds } from './queries/rows.ts';

export { STAGES, type Stage } from '@plumb/analytics';

/** Segment dimensions of a request (public names; the column is the snake_case one). */
export const STAGE_DIMENSIONS = [
  'model', 'response_model', 'provider', 'tenant', 'request_type', 'agent', 'service', 'service_version', 'environment', 'route',
] as const;
export type StageDimension = (typeof STAGE_DIMENSIONS)[number];

export interface RequestStageRow {
  traceId: string;
  startTime: string;
  durationMs: number;
  stages: Record<Stage, number>;
  outputTokens: number;
  llmCalls: number;
  isError: boolean;
  rootName: string;
  dimensions: Record<StageDimension, string>;
}

/** Settle time: a root ingested less than this ago may still see children arrive. */
const DEFAULT_SETTLE_MS = 10_000;
const BATCH_TRACES = 2_000;

interface RootRow {
  trace_id: string;
  s: string;
  e: string;
  err: number;
  name: string;
  tenant: string;
  request_type: string;
  service: string;
  service_version: string;
  environment: string;
  route: string;
  agent_name: string;
}

type SpanTuple = [
  trace: string, span: string, parent: string, startUs: string, endUs: string, category: string, model: string, responseModel: string,
  provider: string, agent: string, outputTokens: string, usageCounted: number, ttft: number | null, queue: string, prefill: string, decode: string,
];

/** (project, hour) pairs within [fromMs, toMs) holding traces with a root that have no stage row yet. */
export async function unstagedHours(store: Store, fromMs: number, toMs: number): Promise<{ projectId: string; hourMs: number; traces: number }[]> {
  const from = new Date(Math.floor(fromMs / 3_600_000) * 3_600_000);
  const to = new Date(toMs);
  const rows = await store.query<{ project_id: string; hour_ms: string; traces: string }>(sql`
    SELECT project_id, toUnixTimestamp(hour) * 1000 AS hour_ms, count() AS traces
    FROM (
      SELECT project_id, hour, trace_id FROM trace_hours
      WHERE hour >= ${from} AND hour < ${to}
      GROUP BY project_id, hour, trace_id HAVING max(has_true_root) = 1
    )
    WHERE (project_id, hour, trace_id) NOT IN (
      SELECT project_id, toStartOfHour(start_time), trace_id FROM request_stages WHERE start_time >= ${from}
    )
    GROUP BY project_id, hour ORDER BY hour, project_id`);
  return rows.map((r) => ({ projectId: r.project_id, hourMs: Number(r.hour_ms), traces: Number(r.traces) }));
}

/**
 * (project, hour) pairs within [fromMs, …) where a root span was ingested after `sinceMs`: old
 * data arriving late (a replay, a backfill through the collector) outside the incremental
 * look-back still gets its stage rows on the next pass, not at the next sweep.
 */
export async function recentlyIngestedRootHours(store: Store, fromMs: number, sinceMs: number): Promise<{ projectId: string; hourMs: number }[]> {
  const rows = await store.query<{ project_id: string; hour_ms: string }>(sql`
    SELECT project_id, toUnixTimestamp(toStartOfHour(start_time)) * 1000 AS hour_ms
    FROM spans
    WHERE start_time >= ${new Date(fromMs)} AND parent_span_id = '' AND _ingested_at > fromUnixTimestamp64Milli(${Math.floor(sinceMs)})
    GROUP BY project_id, hour_ms ORDER BY hour_ms, project_id`);
  return rows.map((r) => ({ projectId: r.project_id, hourMs: Number(r.hour_ms) }));
}

const seconds = (v: string): number | null => {
  if (v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : null;
};

function toStageSpan(t: SpanTuple): StageSpan & { responseModel: string; agentName: string } {
  const [traceId, spanId, parentSpanId, s, e, category, model, responseModel, provider, agentName, out, usage, ttft, q, p, d] = t;
  const timing: LlmTiming | undefined =
    category === 'llm' ? { queueMs: seconds(q), ttftMs: ttft, prefillMs: seconds(p), decodeMs: seconds(d) } : undefined;
  return {
    traceId, spanId, parentSpanId, name: '', service: '', startMs: Number(s) / 1000, endMs: Number(e) / 1000, status: 'unset',
    statusMessage: '', errorType: '', category: category as StageSpan['category'], operation: '', agent: agentName, tool: '', model, provider,
    inputTokens: 0, outputTokens: Number(out), cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0,
    usageCounted: usage === 1, links: [], timing, responseModel, agentName,
  };
}

/** One request's stage row from its spans (root given): model and agent = of the call with most critical-path time. */
export function stageRowOf(root: RootRow, spans: ReturnType<typeof toStageSpan>[]): RequestStageRow {
  const r = requestStages(spans);
  let top: ReturnType<typeof toStageSpan> | undefined;
  let topMs = -1;
  let outputTokens = 0;
  let llmCalls = 0;
  for (const s of spans) {
    if (s.category !== 'llm') continue;
    if (s.usageCounted) {
      outputTokens += s.outputTokens;
      llmCalls++;
    }
    const ms = r.selfTimeBySpan[s.spanId] ?? 0;
    if (s.model !== '' && ms > topMs) {
      top = s;
      topMs = ms;
    }
  }
  return {
    traceId: root.trace_id,
    startTime: root.s,
    durationMs: r.totalMs,
    stages: r.stages,
    outputTokens,
    llmCalls,
    isError: root.err === 1,
    rootName: root.name,
    dimensions: {
      model: top?.model ?? '',
      response_model: top?.responseModel ?? '',
      provider: top?.provider ?? '',
      tenant: root.tenant,
      request_type: root.request_type,
      // The agent that made the call with most critical-path time (the root's agent is usually
      // the same orchestrator for every request), else the root's.
      agent: top?.agentName || root.agent_name,
      service: root.service,
      service_version: root.service_version,
      environment: root.environment,
      route: root.route,
    },
  };
}

const COLUMNS = [
  'project_id', 'start_time', 'trace_id', 'duration_ms', ...STAGES.map((s) => `${s}_ms`), 'output_tokens', 'llm_calls', 'is_error', 'root_name',
  ...STAGE_DIMENSIONS, '_version',
];

/**
 * Computes and writes the stage rows of up to `limit` unstaged traces whose root started in the
 * hour (roots ingested at least `settleMs` ago). Returns how many rows were written.
 */
export async function computeStagesForHour(
  store: Store,
  projectId: string,
  hourMs: number,
  opts: { settleMs?: number; limit?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const hour = new Date(hourMs);
  const settle = (opts.settleMs ?? DEFAULT_SETTLE_MS) / 1000;
  const roots = await store.query<RootRow>(sql`
    SELECT trace_id, toString(start_time) AS s, toString(toUnixTimestamp64Micro(end_time)) AS e, toUInt8(status_code = 'error') AS err,
      toString(name) AS name, toString(tenant) AS tenant, toString(request_type) AS request_type, toString(service) AS service,
      toString(service_version) AS service_version, toString(environment) AS environment, toString(route) AS route, toString(agent_name) AS agent_name
    FROM spans FINAL
    WHERE project_id = ${projectId} AND toStartOfHour(start_time) = ${hour} AND parent_span_id = ''
      AND _ingested_at < now64(3) - toIntervalMillisecond(${Math.round(settle * 1000)})
      AND trace_id NOT IN (SELECT trace_id FROM request_stages WHERE project_id = ${projectId} AND toStartOfHour(start_time) = ${hour})
    ORDER BY trace_id, end_time - start_time DESC
    LIMIT 1 BY trace_id
    LIMIT ${opts.limit ?? 1_000_000}`);
  let written = 0;
  for (let i = 0; i < roots.length; i += BATCH_TRACES) {
    if (opts.signal?.aborted) break;
    const batch = roots.slice(i, i + BATCH_TRACES);
    const ids = batch.map((r) => r.trace_id);
    const lastEndUs = batch.reduce((m, r) => Math.max(m, Number(r.e)), 0);
    const tuples = await store.query<{ t: SpanTuple }>(sql`
      SELECT (trace_id, span_id, parent_span_id, toString(toUnixTimestamp64Micro(start_time)), toString(toUnixTimestamp64Micro(end_time)),
        toString(category), toString(request_model), toString(response_model), toString(provider), toString(agent_name), toString(output_tokens),
        toUInt8(usage_counted), ttft_ms, attributes['gen_ai.latency.time_in_queue'], attributes['gen_ai.latency.time_in_model_prefill'],
        attributes['gen_ai.latency.time_in_model_decode']) AS t
      FROM spans FINAL
      WHERE project_id = ${projectId} AND start_time >= ${hour} AND start_time <= fromUnixTimestamp64Micro(${lastEndUs}) AND trace_id IN ${ids}`);
    const byTrace = new Map<string, ReturnType<typeof toStageSpan>[]>();
    for (const { t } of tuples) {
      const s = toStageSpan(t);
      const list = byTrace.get(s.traceId);
      if (list) list.push(s);
      else byTrace.set(s.traceId, [s]);
    }
    const version = Date.now();
    const lines: string[] = [];
    for (const root of batch) {
      const row = stageRowOf(root, byTrace.get(root.trace_id) ?? []);
      lines.push(
        JSON.stringify([
          projectId, row.startTime, row.traceId, row.durationMs, ...STAGES.map((s) => row.stages[s]), row.outputTokens, row.llmCalls, row.isError ? 1 : 0,
          row.rootName, ...STAGE_DIMENSIONS.map((d) => row.dimensions[d]), version,
        ]),
      );
    }
    if (lines.length > 0) await store.insertRaw('request_stages', COLUMNS, lines.join('\n'));
    written += lines.length;
  }
  return written;
}

interface StageRowSql {
  trace_id: string; start_text: string; duration_ms: number; output_tokens: string; llm_calls: number; is_error: number; root_name: string;
  [column: string]: unknown;
}

export function toRequestStageRow(r: StageRowSql): RequestStageRow {
  return {
    traceId: r.trace_id,
    startTime: `${r.start_text.replace(' ', 'T')}Z`,
    durationMs: r.duration_ms,
    stages: Object.fromEntries(STAGES.map((s) => [s, Number(r[`${s}_ms`])])) as Record<Stage, number>,
    outputTokens: Number(r.output_tokens),
    llmCalls: Number(r.llm_calls),
    isError: r.is_error === 1,
    rootName: r.root_name,
    dimensions: Object.fromEntries(STAGE_DIMENSIONS.map((d) => [d, String(r[d] ?? '')])) as Record<StageDimension, string>,
  };
}

// Column lists chosen by code from the closed stage / dimension sets.
export const STAGE_ROW_SELECT = sql`trace_id, toString(start_time) AS start_text, duration_ms, ${unsafeRaw(STAGES.map((s) => `${s}_ms`).join(', '))},
  toString(output_tokens) AS output_tokens, llm_calls, is_error, toString(root_name) AS root_name,
  ${unsafeRaw(STAGE_DIMENSIONS.map((d) => `toString(${d}) AS ${d}`).join(', '))}`;

/** The stage row of one request (null: unknown trace, no root, or not computed yet). */
export async function getRequestStages(store: Store, projectId: string, traceId: string): Promise<RequestStageRow | null> {
  // The newest version without FINAL: one key's rows, no merge of the hours' other parts.
  const [row] = await store.query<StageRowSql>(sql`SELECT ${STAGE_ROW_SELECT}
    FROM request_stages
    WHERE project_id = ${projectId} AND trace_id = ${traceId} AND ${traceBounds(projectId, [traceId])}
    ORDER BY _version DESC LIMIT 1`);
  return row ? toRequestStageRow(row) : null;
}
