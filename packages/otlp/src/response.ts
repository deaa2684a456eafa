/**
 * ExportTraceServiceResponse body. Per the OTLP spec `partial_success` is omitted when
 * nothing was rejected and there is no message (a plain success: empty protobuf, `{}` JSON).
 *
 * ExportTraceServiceResponse { partial_success = 1 }
 * ExportTracePartialSuccess  { int64 rejected_spans = 1; string error_message = 2 }
 */
export function encodeExportTraceResponse(
  rejectedSpans: number,
  errorMessage: string,
  format: 'protobuf' | 'json',
): Uint8Array | string {
  return encodePartialSuccess(rejectedSpans, errorMessage, format, 'rejectedSpans');
}

/**
 * ExportMetricsServiceResponse: the same wire shape (ExportMetricsPartialSuccess
 * { int64 rejected_data_points = 1; string error_message = 2 }), JSON name `rejectedDataPoints`.
 */
export function encodeExportMetricsResponse(
  rejectedPoints: number,
  errorMessage: string,
  format: 'protobuf' | 'json',
): Uint8Array | string {
  return encodePartialSuccess(rejectedPoints, errorMessage, format, 'rejectedDataPoints');
}

function encodePartialSuccess(
  rejectedSpans: number,
  errorMessage: string,
  format: 'protobuf' | 'json',
  jsonName: string,
): Uint8Array | string {
  const rejected = Number.isFinite(rejectedSpans) && rejectedSpans > 0 ? Math.floor(rejectedSpans) : 0;
  if (format === 'json') {
    if (rejected === 0 && errorMessage === '') return '{}';
    // proto3 JSON mapping: int64 as a decimal string.
    return JSON.stringify({ partialSuccess: { [jsonName]: String(rejected), errorMessage } });
  }
  if (rejected === 0 && errorMessage === '') return new Uint8Array(0);
  const message = new TextEncoder().encode(errorMessage);
  const inner: number[] = [];
  if (rejected !== 0) {
    inner.push(0x08); // field 1, varint
    pushVarint(inner, rejected);
  }
  if (message.length > 0) {
    inner.push(0x12); // field 2, length-delimited
    pushVarint(inner, message.length);
  }
  const innerLen = inner.length + message.length;
  const head: number[] = [0x0a]; // field 1 (partial_success), length-delimited
  pushVarint(head, innerLen);
  const out = new Uint8Array(head.length + innerLen);
  out.set(head, 0);
  out.set(inner, head.length);
  out.set(message, head.length + inner.length);
  return out;
}

/** Unsigned varint of a non-negative safe integer. */
function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}
