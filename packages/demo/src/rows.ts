/**
 * Planned traces → stored span rows (JSONCompactEachRow lines), shaped as the collector would
 * store them after context propagation: tenant / request type / user / session on every row,
 * context_resolved true, cost priced exactly from the token buckets. Pure: no I/O.
 *
 * One mutable SpanRow is reused for every span (serializeSpanRow only reads it), so the hot
 * loop allocates little beyond the output strings.
 */
import type { PriceCatalog, TokenUsage } from '@plumb/pricing';
import { promoteRow, resourceColumns, rowVersion, serializeResourceRow, serializeSpanRow, type SpanRow } from '@plumb/store';
import { ENVIRONMENT, exceptionEvent, resourceAttributes, SCOPE_NAME, SERVICE_VERSION, spanAttributes } from './attributes.ts';
import type { PlannedKind, PlannedTrace } from './scenario.ts';

/** OTLP span kind numbers (as stored). */
const OTLP_KIND: Record<PlannedKind, number> = { internal: 1, server: 2, client: 3 };
const NS_PER_MS = 1_000_000n;
const NONE: never[] = [];

/**
 * 'full': every span attribute, exactly as the collector stores it (keys a column holds are
 * flagged in attributes_promoted rather than repeated in the map; span detail rebuilds them).
 * 'lean': attributes already carried by a typed column (operation, provider, models, token
 * buckets, agent, tool, conversation, tenant, request type, user, error.type, messages, TTFT)
 * are left out of the map. No information is lost, rows are ~40% smaller, and the engine parses
 * them ~1.4x faster — the backfill default.
 */
export type AttributeMode = 'full' | 'lean';

const PROMOTED = new Set([
  'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.request.model', 'gen_ai.response.model',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.reasoning.output_tokens', 'gen_ai.agent.name',
  'gen_ai.tool.name', 'gen_ai.conversation.id', 'tenant.id', 'plumb.request_type', 'user.id', 'error.type',
  'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.response.time_to_first_chunk',
]);

export interface RowTotals {
  spans: number;
  costPico: bigint;
  pricedSpans: number;
  unpricedSpans: number;
}

export class SpanRowWriter {
  readonly totals: RowTotals = { spans: 0, costPico: 0n, pricedSpans: 0, unpricedSpans: 0 };
  private readonly row: SpanRow;
  private readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  private readonly resources = new Map<string, Record<string, string>>();

  constructor(
    projectId: string,
    private readonly catalog: PriceCatalog,
    ingestMs: number,
    private readonly attributeMode: AttributeMode = 'full',
  ) {
    this.row = {
      projectId, traceId: '', spanId: '', parentSpanId: '', isRoot: false, traceState: '', name: '', kind: 1, service: '',
      serviceVersion: SERVICE_VERSION, environment: ENVIRONMENT, host: '', scopeName: SCOPE_NAME,
      startTimeUnixNano: 0n, endTimeUnixNano: 0n, statusCode: 'ok', statusMessage: '', errorType: '',
      operation: '', category: '', provider: '', requestModel: '', responseModel: '', finishReason: '', agentName: '', agentId: '',
      toolName: '', sessionId: '', userId: '', tenant: '', requestType: '', route: '', inputTokens: 0, outputTokens: 0,
      cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, usageCounted: false, ttftMs: null,
      costUsd: '0', pricingStatus: 'none', priceId: '', inputText: '', outputText: '', attributes: {},
      resourceAttributes: {}, events: NONE, links: NONE, contextResolved: true, version: rowVersion(true, ingestMs),
      attributesPromoted: 0, resourceHash: '0', serviceInstance: '', k8sNamespace: '', k8sPod: '',
    };
  }

  /**
   * Serialized rows of one trace starting at `startMs` (integer epoch ms), appended to `out`;
   * the `span_resources` line of each resource not written before, to `resourcesOut`.
   */
  write(t: PlannedTrace, startMs: number, out: string[], resourcesOut: string[] = []): void {
    const r = this.row;
    const u = this.usage;
    const baseNs = BigInt(startMs) * NS_PER_MS;
    r.traceId = t.traceId;
    r.sessionId = t.conversationId;
    r.userId = t.userId;
    r.tenant = t.tenant;
    r.requestType = t.requestType;
    // As the collector does: a span without an agent gets its nearest agent ancestor's name.
    const owner = new Map<string, string>();
    for (const s of t.spans) owner.set(s.spanId, s.agentName || owner.get(s.parentSpanId) || '');
    for (const s of t.spans) {
      r.spanId = s.spanId;
      r.parentSpanId = s.parentSpanId;
      r.isRoot = s.parentSpanId === '';
      r.name = s.name;
      r.kind = OTLP_KIND[s.kind];
      r.service = s.service;
      r.resourceAttributes = this.resource(s.service, resourcesOut);
      Object.assign(r, resourceColumns(r.resourceAttributes));
      r.startTimeUnixNano = baseNs + BigInt(Math.round(s.startMs * 1e6));
      r.endTimeUnixNano = baseNs + BigInt(Math.round(s.endMs * 1e6));
      r.statusCode = s.status;
      r.statusMessage = s.statusMessage;
      r.errorType = s.errorType;
      r.operation = s.operation;
      r.category = s.category;
      r.provider = s.provider;
      r.requestModel = s.requestModel;
      r.responseModel = s.status === 'ok' ? s.responseModel : '';
      // The scenario plans canonical reasons already ('stop' | 'length' | '').
      r.finishReason = s.finishReason;
      r.agentName = owner.get(s.spanId) ?? '';
      r.toolName = s.toolName;
      r.inputTokens = u.inputTokens = s.inputTokens;
      r.outputTokens = u.outputTokens = s.outputTokens;
      r.cacheReadTokens = u.cacheReadTokens = s.cacheReadTokens;
      r.cacheWriteTokens = u.cacheWriteTokens = s.cacheWriteTokens;
      r.reasoningTokens = u.reasoningTokens = s.reasoningTokens;
      r.usageCounted = s.operation === 'chat';
      r.ttftMs = s.ttftMs === null ? null : Math.round(s.ttftMs * 1000) / 1000;
      r.costUsd = '0';
      r.pricingStatus = 'none';
      r.priceId = '';
      if (r.usageCounted && s.inputTokens + s.outputTokens > 0) {
        // Priced as the collector does: response model, else request model, at the start millisecond.
        const cost = this.catalog.costForSpan(s.provider, r.responseModel, s.requestModel, startMs + Math.floor(s.startMs), u);
        if (cost.priced) {
          r.costUsd = cost.costUsd;
          r.pricingStatus = cost.unit === 'gpu_hour' ? 'gpu_hour' : 'priced';
          r.priceId = cost.priceId;
          this.totals.costPico += cost.costPico;
          this.totals.pricedSpans++;
        } else {
          r.pricingStatus = 'unpriced';
          this.totals.unpricedSpans++;
        }
      }
      r.inputText = s.inputMessages;
      r.outputText = s.outputMessages;
      r.attributes = stringAttributes(spanAttributes(t, s), this.attributeMode === 'lean' ? PROMOTED : null);
      // As the collector does: keys a column holds are left out of the map (rebuilt on read).
      promoteRow(r);
      const exception = exceptionEvent(s);
      r.events = exception ? [{ timeUnixNano: r.endTimeUnixNano, name: 'exception', attributes: exception }] : NONE;
      out.push(serializeSpanRow(r));
    }
    this.totals.spans += t.spans.length;
  }

  private resource(service: string, resourcesOut: string[]): Record<string, string> {
    let attrs = this.resources.get(service);
    if (!attrs) {
      attrs = stringAttributes(resourceAttributes(service), null);
      this.resources.set(service, attrs);
      resourcesOut.push(serializeResourceRow(this.row.projectId, resourceColumns(attrs).resourceHash, attrs));
    }
    return attrs;
  }
}

function stringAttributes(a: Record<string, string | number | boolean | string[]>, skip: Set<string> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in a) {
    if (skip?.has(k)) continue;
    const v = a[k]!;
    out[k] = typeof v === 'string' ? v : Array.isArray(v) ? JSON.stringify(v) : String(v);
  }
  return out;
}
