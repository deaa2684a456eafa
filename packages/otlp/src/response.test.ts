import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeExportTraceResponse } from './response.ts';

/* Round trips through the OTel JS exporter's own response parsers. */
describe('encodeExportTraceResponse', () => {
  it('omits partial_success on full success', () => {
    expect(encodeExportTraceResponse(0, '', 'protobuf')).toEqual(new Uint8Array(0));
    expect(encodeExportTraceResponse(0, '', 'json')).toBe('{}');
    expect(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(0))).toEqual({});
  });

  it.each([
    [3, 'invalid traceId'],
    [1, ''],
    [0, 'warning: clock skew'],
    [300, 'ü'.repeat(200)], // multi-byte length prefix, non-ASCII
    [2 ** 40, 'x'],
  ])('round-trips rejected=%i through the protobuf parser', (rejected, message) => {
    const bytes = encodeExportTraceResponse(rejected, message, 'protobuf');
    expect(bytes).toBeInstanceOf(Uint8Array);
    const parsed = ProtobufTraceSerializer.deserializeResponse(bytes as Uint8Array);
    expect(parsed.partialSuccess).toEqual({
      ...(rejected ? { rejectedSpans: rejected } : {}),
      ...(message ? { errorMessage: message } : {}),
    });
  });

  it('writes the exact protobuf bytes', () => {
    // partial_success { rejected_spans: 2, error_message: "no" }
    expect([...(encodeExportTraceResponse(2, 'no', 'protobuf') as Uint8Array)]).toEqual([
      0x0a, 0x06, 0x08, 0x02, 0x12, 0x02, 0x6e, 0x6f,
    ]);
  });

  it('writes JSON with int64 as a string, parseable by the JSON exporter', () => {
    const text = encodeExportTraceResponse(5, 'bad ids', 'json') as string;
    expect(JSON.parse(text)).toEqual({ partialSuccess: { rejectedSpans: '5', errorMessage: 'bad ids' } });
    const parsed = JsonTraceSerializer.deserializeResponse(new TextEncoder().encode(text));
    expect(Number(parsed.partialSuccess?.rejectedSpans)).toBe(5);
  });

  it('clamps nonsensical counts to zero', () => {
    expect(encodeExportTraceResponse(-4, '', 'json')).toBe('{}');
    expect(encodeExportTraceResponse(NaN, '', 'protobuf')).toEqual(new Uint8Array(0));
  });
});
