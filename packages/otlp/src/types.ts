/**
 * Plain records decoded from OTLP (protobuf or JSON). No I/O, no ClickHouse knowledge.
 *
 * Contract shared by both decoders:
 * - ids are lowercase hex (`traceId` 32 chars, `spanId` 16 chars, `parentSpanId` '' when absent).
 *   The decoder does NOT validate them; `validateSpanIds` does (see validate.ts), so the
 *   pipeline can reject a bad span and keep the rest (`partial_success`).
 * - timestamps are unix nanoseconds as `bigint` (JS numbers cannot hold ns precision).
 * - attribute values keep their OTLP type: string, boolean, number (double), int64,
 *   Uint8Array (bytes, a copy), arrays and key/value lists (plain objects); an empty AnyValue
 *   is null. int values are number when safe, bigint otherwise (|v| > 2^53 - 1), so a
 *   consumer must accept both; `attrToString` gives the canonical string form.
 * - fields absent from the input read as proto defaults ('' / 0 / 0n / {} / []).
 */
export type AttrValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | null
  | AttrValue[]
  | { [key: string]: AttrValue };

export type Attributes = Record<string, AttrValue>;

export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** Bit masks of `Span.flags` (opentelemetry-proto trace.proto, enum SpanFlags). */
export const SpanFlags = {
  TRACE_FLAGS_MASK: 0x0ff,
  /** The sender knows whether the parent is remote (bit 8)... */
  CONTEXT_HAS_IS_REMOTE_MASK: 0x100,
  /** ...and it is (bit 9). Without bit 8 this bit means nothing. */
  CONTEXT_IS_REMOTE_MASK: 0x200,
} as const;

/**
 * Whether the span's parent lives in another process (propagated `traceparent`): such a span is
 * the local root of its trace here, even though its parent span id is set.
 */
export function parentIsRemote(flags: number | undefined): boolean {
  if (flags === undefined) return false;
  const both = SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK | SpanFlags.CONTEXT_IS_REMOTE_MASK;
  return (flags & both) === both;
}

export interface OtlpEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  status: { code: number; message: string };
  /**
   * `Span.flags` (fixed32): W3C trace flags in bits 0-7, and whether the parent is remote in
   * bits 8-9 (see `SpanFlags`). Undefined when the sender did not set the field (older SDKs).
   */
  flags?: number;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: Attributes;
}

export interface OtlpScopeSpans {
  scope: OtlpScope;
  schemaUrl: string;
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: Attributes;
  schemaUrl: string;
  scopeSpans: OtlpScopeSpans[];
}

/** A decoded ExportTraceServiceRequest. */
export interface TraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** Thrown for a body that cannot be decoded at all: the receiver answers 400 with `message`. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
