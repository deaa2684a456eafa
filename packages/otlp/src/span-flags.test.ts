import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson } from './json/decode-trace-json.ts';
import { decodeTraceRequestProtobuf } from './proto/decode-trace.ts';
import { pb, request } from './testing/pb.ts';
import { OtlpDecodeError, parentIsRemote, SpanFlags } from './types.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const PARENT = '00f067aa0ba902b7';

const protoSpan = (flags?: number) =>
  decodeTraceRequestProtobuf(
    request(pb.bytes(1, TRACE), pb.bytes(2, SPAN), pb.bytes(4, PARENT), ...(flags === undefined ? [] : [pb.fixed32(16, flags)]), pb.string(5, 'entry')),
  ).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

const jsonSpan = (flags?: unknown) =>
  decodeTraceRequestJson(
    JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, parentSpanId: PARENT, name: 'entry', ...(flags === undefined ? {} : { flags }) }] }] }] }),
  ).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

describe('OTLP span flags (Span.flags, field 16, fixed32)', () => {
  it('decodes the flags from protobuf, and leaves them undefined when absent', () => {
    expect(protoSpan(0x301).flags).toBe(0x301);
    expect(protoSpan(0xffffffff).flags).toBe(0xffffffff);
    expect(protoSpan().flags).toBeUndefined();
    expect(protoSpan().name).toBe('entry');
  });

  it('decodes the flags from JSON (number, or a decimal string as proto3 JSON allows)', () => {
    expect(jsonSpan(0x301).flags).toBe(0x301);
    expect(jsonSpan('769').flags).toBe(769);
    expect(jsonSpan().flags).toBeUndefined();
  });

  it('rejects flags that are not a 32-bit unsigned integer in JSON', () => {
    for (const bad of [-1, 2 ** 32, 1.5, 'x', true]) {
      expect(() => jsonSpan(bad)).toThrow(OtlpDecodeError);
    }
  });

  it('reads the parent as remote only when HAS_IS_REMOTE (0x100) and IS_REMOTE (0x200) are both set', () => {
    expect(SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK).toBe(0x100);
    expect(SpanFlags.CONTEXT_IS_REMOTE_MASK).toBe(0x200);
    expect(parentIsRemote(0x301)).toBe(true);
    expect(parentIsRemote(0x300)).toBe(true);
    expect(parentIsRemote(0x101)).toBe(false); // known local parent
    expect(parentIsRemote(0x200)).toBe(false); // IS_REMOTE without HAS_IS_REMOTE: unknown, per the spec
    expect(parentIsRemote(0x01)).toBe(false);
    expect(parentIsRemote(undefined)).toBe(false);
  });
});
