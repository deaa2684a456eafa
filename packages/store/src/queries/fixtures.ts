import { RESOURCE_COLUMNS, resourceColumns, rowVersion, serializeResourceRow, serializeSpanRow, SPAN_COLUMNS, type SpanRow } from '../spans.ts';
import type { Store } from '../store.ts';
import { picoToDecimal } from './money.ts';

export { decimalToPico, picoToDecimal } from './money.ts';

/**
 * A small, deterministic multi-agent workload for integration tests of the query layer (and a
 * seed for UI development). Every trace: root `POST /chat|/summarize` → agent `planner` → LLM
 * gpt-4o + agent `researcher` → LLM claude-sonnet-4 (or an unpriced model) + tool `search`.
 * Some traces fail in the tool and the error propagates to the root. `rows` also holds exact
 * re-deliveries of LLM spans and a stale, context-less copy of one span, so only FINAL reads
 * give the totals computed from `spans`.
 */
export interface FixtureOptions {
  projectId?: string;
  start?: Date;
  traces?: number;
}

export interface Fixture {
  /** The logical spans (one per span id) — the truth for expected values. */
  spans: SpanRow[];
  /** Insert batches: originals, then re-deliveries and stale copies (separate parts on purpose). */
  batches: SpanRow[][];
}

const DAY_MS = 86_400_000;
/** Yesterday 10:30 UTC: recent enough for the retention TTL, with traces crossing an hour boundary. */
export const FIXTURE_START = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS + 10.5 * 3_600_000);
export const TENANTS = ['acme', 'globex', 'initech'] as const;
const MS = 1_000_000n;

/** USD per 1M tokens, as integer micro-dollars, so costs are exact in picodollars. */
const PRICES: Record<string, { input: bigint; output: bigint; cacheRead: bigint }> = {
  'gpt-4o': { input: 2_500_000n, output: 10_000_000n, cacheRead: 1_250_000n },
  'claude-sonnet-4': { input: 3_000_000n, output: 15_000_000n, cacheRead: 300_000n },
};

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
export function fixtureTraceId(i: number): string {
  return `f1f1${hex(i, 28)}`;
}

const NO_RESOURCE: Record<string, string> = {};

export function baseSpan(over: Partial<SpanRow> & Pick<SpanRow, 'traceId' | 'spanId'>): SpanRow {
  return {
    projectId: 'default', parentSpanId: '', traceState: '', finishReason: '', route: '', name: 'span', kind: 1, service: 'api',
    serviceVersion: '1.0.0', environment: 'test', scopeName: 'fixture', startTimeUnixNano: 0n, endTimeUnixNano: 0n,
    statusCode: 'unset', statusMessage: '', errorType: '', operation: '', category: 'other', provider: '',
    requestModel: '', responseModel: '', agentName: '', agentId: '', toolName: '', sessionId: '', userId: '',
    tenant: '', requestType: '', inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0,
    reasoningTokens: 0, usageCounted: true, ttftMs: null, costUsd: '0', pricingStatus: 'none', priceId: '',
    inputText: '', outputText: '', attributes: {}, resourceAttributes: {}, events: [], links: [],
    contextResolved: true, version: rowVersion(true, 1_700_000_000_000), attributesPromoted: 0,
    ...resourceColumns(over.resourceAttributes ?? NO_RESOURCE),
    ...over,
    isRoot: over.isRoot ?? (over.parentSpanId ?? '') === '',
  };
}

function llmCost(model: string, input: number, output: number, cacheRead: number): { cost: bigint; status: SpanRow['pricingStatus'] } {
  const p = PRICES[model];
  if (!p) return { cost: 0n, status: 'unpriced' };
  return { cost: BigInt(input) * p.input + BigInt(output) * p.output + BigInt(cacheRead) * p.cacheRead, status: 'priced' };
}

export function buildFixture(o: FixtureOptions = {}): Fixture {
  const projectId = o.projectId ?? 'default';
  const start = BigInt((o.start ?? FIXTURE_START).getTime()) * MS;
  const spans: SpanRow[] = [];
  const redelivered: SpanRow[] = [];
  for (let i = 0; i < (o.traces ?? 12); i++) {
    const traceId = fixtureTraceId(i);
    const sid = (k: number) => `${hex(i, 12)}${hex(k, 4)}`;
    const tenant = TENANTS[i % 3]!;
    const requestType = i % 2 === 0 ? 'chat' : 'summarize';
    const failed = i % 4 === 3;
    const t0 = start + BigInt(i) * 5n * 60_000n * MS;
    const rootMs = 1000n + BigInt(i) * 100n;
    const ctx = {
      projectId, traceId, tenant, requestType, userId: `user-${tenant}`,
      sessionId: tenant === 'acme' ? 'sess-acme' : `sess-${i}`,
      resourceAttributes: { 'host.name': i % 2 ? 'web-1' : 'web-2' },
      host: i % 2 ? 'web-1' : 'web-2',
    };
    const status = (err: boolean): SpanRow['statusCode'] => (err ? 'error' : 'ok');
    const at = (fromMs: bigint, durMs: bigint) => ({ startTimeUnixNano: t0 + fromMs * MS, endTimeUnixNano: t0 + (fromMs + durMs) * MS });

    const m2 = i % 5 === 4 ? 'mystery-model' : 'claude-sonnet-4';
    const c1 = llmCost('gpt-4o', 1000 + i, 200, 0);
    const c2 = llmCost(m2, 500, 100, 200);
    const llm = (k: number, parent: number, model: string, provider: string, agent: string, from: bigint, dur: bigint, input: number, output: number, cacheRead: number, c: { cost: bigint; status: SpanRow['pricingStatus'] }) =>
      baseSpan({
        ...ctx, spanId: sid(k), parentSpanId: sid(parent), name: `chat ${model}`, kind: 3, category: 'llm', operation: 'chat',
        provider, requestModel: model, responseModel: `${model}-2025`, agentName: agent, ...at(from, dur), statusCode: 'ok',
        inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, ttftMs: 100 + i * 10, costUsd: picoToDecimal(c.cost),
        pricingStatus: c.status, priceId: c.status === 'priced' ? `${provider}/${model}` : '',
        inputText: `question ${i}`, outputText: `answer ${i}`, attributes: { 'gen_ai.request.temperature': '0.2' },
      });
    const trace: SpanRow[] = [
      // Only leaf model calls are usage-counted (as the collector marks them): roots, agents and tools are not.
      baseSpan({ ...ctx, spanId: sid(1), name: i % 2 === 0 ? 'POST /chat' : 'POST /summarize', kind: 2, category: 'chain', usageCounted: false,
        ...at(0n, rootMs), statusCode: status(failed), statusMessage: failed ? 'upstream failure' : '',
        attributes: { 'http.route': i % 2 === 0 ? '/chat' : '/summarize' }, inputText: `user message ${i}`, outputText: failed ? '' : `reply ${i}` }),
      baseSpan({ ...ctx, spanId: sid(2), parentSpanId: sid(1), name: 'invoke_agent planner', category: 'agent', operation: 'invoke_agent',
        agentName: 'planner', ...at(10n, rootMs - 20n), statusCode: status(failed), usageCounted: false,
        inputTokens: 1500 + i, outputTokens: 300 }),
      llm(3, 2, 'gpt-4o', 'openai', 'planner', 20n, 300n, 1000 + i, 200, 0, c1),
      baseSpan({ ...ctx, spanId: sid(4), parentSpanId: sid(2), name: 'invoke_agent researcher', category: 'agent', operation: 'invoke_agent',
        agentName: 'researcher', ...at(350n, rootMs - 400n), statusCode: status(failed), usageCounted: false }),
      llm(5, 4, m2, m2 === 'mystery-model' ? 'acme-ai' : 'anthropic', 'researcher', 360n, 200n, 500, 100, 200, c2),
      baseSpan({ ...ctx, spanId: sid(6), parentSpanId: sid(4), name: 'execute_tool search', service: 'search-svc', category: 'tool',
        operation: 'execute_tool', toolName: 'search', agentName: 'researcher', ...at(570n, 100n), statusCode: status(failed), usageCounted: false,
        errorType: failed ? 'timeout' : '', statusMessage: failed ? 'search timed out' : '',
        attributes: i % 2 === 0 ? { 'search.query': 'weather' } : {} }),
    ];
    spans.push(...trace);
    // At-least-once delivery: LLM spans of even traces arrive twice.
    if (i % 2 === 0) for (const s of trace) if (s.category === 'llm') redelivered.push({ ...s, version: s.version + 1 });
    // …and some roots too (the trace list pages over root rows).
    if (i % 3 === 0) redelivered.push({ ...trace[0]!, version: trace[0]!.version + 1 });
    // A child exported before its root was seen: stale context-less copy, lower version.
    if (i === 1) redelivered.push({ ...trace[2]!, tenant: '', requestType: '', contextResolved: false, version: rowVersion(false, 1_800_000_000_000) });
  }
  return { spans, batches: [spans, redelivered] };
}

export async function insertSpanRows(store: Store, rows: readonly SpanRow[]): Promise<void> {
  if (rows.length === 0) return;
  // Through the client's JSON encoder: Store.insertRaw hands a non-object-mode body to a JSON
  // format, which @clickhouse/client rejects/re-encodes (it only passes raw text for TSV/CSV).
  await store.client.insert({
    table: 'spans',
    columns: SPAN_COLUMNS as [string, ...string[]],
    values: rows.map((r) => JSON.parse(serializeSpanRow(r)) as unknown[]),
    format: 'JSONCompactEachRow',
  });
  const resources = new Map(rows.map((r) => [`${r.projectId} ${r.resourceHash}`, r]));
  await store.client.insert({
    table: 'span_resources',
    columns: RESOURCE_COLUMNS as [string, ...string[]],
    values: [...resources.values()].map((r) => JSON.parse(serializeResourceRow(r.projectId, r.resourceHash, r.resourceAttributes)) as unknown[]),
    format: 'JSONCompactEachRow',
  });
}

/** Inserts every batch of a fixture as its own INSERT. */
export async function insertFixture(store: Store, f: Fixture): Promise<void> {
  for (const batch of f.batches) await insertSpanRows(store, batch);
}
