import { attrToString, parentIsRemote, truncateUtf16, validateSpanIds, type Attributes, type TraceRequest } from '@plumb/otlp';
import type { PriceCatalog } from '@plumb/pricing';
import { normalizeSpan, type SemconvOptions } from '@plumb/semconv';
import { PROMOTED_ATTRIBUTES, resourceColumns, type SpanRow, type StatusCode } from '@plumb/store';
import { clampSpanKind, eventTime, MAX_TIME_NS, tokenOverflow } from './bounds.ts';

export interface ConvertOptions {
  semconv: SemconvOptions;
  maxAttributeLength: number;
  maxTextLength: number;
}

export interface ConvertResult {
  rows: SpanRow[];
  received: number;
  /** Rejected spans by reason (reported in `partial_success` and metrics). */
  rejected: Map<string, number>;
  firstRejection: string;
  truncatedAttributes: number;
}

const STATUS: StatusCode[] = ['unset', 'ok', 'error'];
function invalidTimes(startNs: bigint, endNs: bigint): string | null {
  if (startNs <= 0n) return 'startTimeUnixNano is missing or zero';
  if (startNs >= MAX_TIME_NS || endNs >= MAX_TIME_NS) return 'timestamp after 2262-04-11 (out of range)';
  return null;
}

/**
 * Attribute values as strings, each cut to `max` UTF-16 units on a code point boundary (a cut
 * between the halves of a surrogate pair would store a lone surrogate, which the engine refuses).
 */
function flatten(attrs: Attributes, max: number, counter: { truncated: number }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in attrs) {
    let v = attrToString(attrs[key]!);
    if (v.length > max) {
      v = truncateUtf16(v, max);
      counter.truncated++;
    }
    out[key] = v;
  }
  return out;
}

/** Index of each promoted attribute key in PROMOTED_ATTRIBUTES (its bit in `attributes_promoted`). */
const PROMOTED_INDEX = new Map(PROMOTED_ATTRIBUTES.map((pa, i) => [pa.key, i]));

/**
 * The span's attributes flattened like `flatten`, in the same pass leaving out each promoted key
 * whose column holds the same non-empty text (store's `promoteAttributes` rule, same map and
 * mask): one map per span instead of a flattened map and then a promoted copy of it.
 */
function flattenPromoted(attrs: Attributes, max: number, counter: { truncated: number }, row: SpanRow): void {
  const out: Record<string, string> = {};
  let mask = 0;
  for (const key in attrs) {
    let v = attrToString(attrs[key]!);
    if (v.length > max) {
      v = truncateUtf16(v, max);
      counter.truncated++;
    }
    if (v !== '') {
      const i = PROMOTED_INDEX.get(key);
      if (i !== undefined && String(row[PROMOTED_ATTRIBUTES[i]!.row]) === v) {
        mask |= 1 << i;
        continue;
      }
    }
    out[key] = v;
  }
  row.attributes = out;
  row.attributesPromoted = mask >>> 0;
}

const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Decoded OTLP → stored span rows: validate ids, normalize conventions, price the usage.
 * Trace-level context (tenant, request type) is filled later by the context stage.
 */
export function convertRequest(
  req: TraceRequest,
  projectId: string,
  prices: PriceCatalog,
  opts: ConvertOptions,
  ingestMs: number,
): ConvertResult {
  const rows: SpanRow[] = [];
  const rejected = new Map<string, number>();
  let firstRejection = '';
  let received = 0;
  const counter = { truncated: 0 };
  for (const rs of req.resourceSpans) {
    const resourceAttributes = flatten(rs.resource, opts.maxAttributeLength, counter);
    // Hash and promoted keys, once per resource; the map itself is written once per hash.
    const resource = resourceColumns(resourceAttributes);
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        received++;
        const invalid = validateSpanIds(span) ?? invalidTimes(span.startTimeUnixNano, span.endTimeUnixNano);
        if (invalid) {
          rejected.set(invalid, (rejected.get(invalid) ?? 0) + 1);
          if (!firstRejection) firstRejection = `span ${received - 1} (${span.name}): ${invalid}`;
          continue;
        }
        const n = normalizeSpan(rs.resource, ss.scope, span, opts.semconv, opts.maxTextLength);
        const overflow = tokenOverflow(n);
        if (overflow) {
          rejected.set(overflow, (rejected.get(overflow) ?? 0) + 1);
          if (!firstRejection) firstRejection = `span ${received - 1} (${span.name}): ${overflow}`;
          continue;
        }
        const isRoot = span.parentSpanId === '' || parentIsRemote(span.flags);
        const hasUsage = n.inputTokens + n.outputTokens > 0;
        const startMs = Number(span.startTimeUnixNano / 1_000_000n);
        let costUsd = '0';
        let pricingStatus: SpanRow['pricingStatus'] = 'none';
        let priceId = '';
        if (n.usageCounted && hasUsage) {
          const cost = prices.costForSpan(n.provider, n.responseModel, n.requestModel, startMs, n);
          if (cost.priced) {
            costUsd = cost.costUsd;
            pricingStatus = cost.unit === 'gpu_hour' ? 'gpu_hour' : 'priced';
            priceId = cost.priceId;
          } else {
            pricingStatus = 'unpriced';
          }
        }
        const row: SpanRow = {
          projectId,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          // The local root: no parent, or a parent in another process (OTLP span flags).
          isRoot,
          traceState: span.traceState,
          name: span.name,
          kind: clampSpanKind(span.kind),
          service: n.serviceName,
          serviceVersion: n.serviceVersion,
          environment: n.environment,
          // Spelled out, not spread: a spread mid-literal builds the row by slow property adds.
          resourceHash: resource.resourceHash,
          host: resource.host,
          serviceInstance: resource.serviceInstance,
          k8sNamespace: resource.k8sNamespace,
          k8sPod: resource.k8sPod,
          scopeName: ss.scope.name,
          startTimeUnixNano: span.startTimeUnixNano,
          endTimeUnixNano: span.endTimeUnixNano,
          statusCode: STATUS[span.status.code] ?? 'unset',
          statusMessage: span.status.message,
          errorType: n.errorType,
          operation: n.operation,
          category: n.category,
          provider: n.provider,
          requestModel: n.requestModel,
          responseModel: n.responseModel,
          finishReason: n.finishReason,
          agentName: n.agentName,
          agentId: n.agentId,
          toolName: n.toolName,
          sessionId: n.sessionId,
          userId: n.userId,
          tenant: n.tenant,
          requestType: n.requestType || (isRoot ? n.workflowName : ''),
          route: '',
          inputTokens: n.inputTokens,
          outputTokens: n.outputTokens,
          cacheReadTokens: n.cacheReadTokens,
          cacheWriteTokens: n.cacheWriteTokens,
          reasoningTokens: n.reasoningTokens,
          usageCounted: n.usageCounted,
          ttftMs: n.ttftMs,
          costUsd,
          pricingStatus,
          priceId,
          inputText: n.inputText,
          outputText: n.outputText,
          attributes: NO_ATTRIBUTES, // set below, once the columns it is compared with are filled
          attributesPromoted: 0,
          resourceAttributes,
          events: span.events.map((e) => ({
            timeUnixNano: eventTime(e.timeUnixNano, span.startTimeUnixNano),
            name: e.name,
            attributes: flatten(e.attributes, opts.maxAttributeLength, counter),
          })),
          links: span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: flatten(l.attributes, opts.maxAttributeLength, counter) })),
          contextResolved: false,
          version: ingestMs,
        };
        // Attributes a column already holds are not stored twice (rebuilt for span detail).
        flattenPromoted(span.attributes, opts.maxAttributeLength, counter, row);
        rows.push(row);
      }
    }
  }
  return { rows, received, rejected, firstRejection, truncatedAttributes: counter.truncated };
}
