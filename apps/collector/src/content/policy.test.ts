import { decodeTraceRequestJson, type TraceRequest } from '@plumb/otlp';
import { DEFAULT_CONTENT_SETTINGS, type ContentSettings } from '@plumb/store';
import { describe, expect, it } from 'vitest';
import { encodeTraceRequestJson } from './encode-json.ts';
import { ContentPolicy, DROPPED_COUNT, REDACTED_COUNT, TRUNCATED_COUNT, truncateUtf8 } from './policy.ts';

const request = (attributes: Record<string, unknown>, events: Record<string, unknown>[] = []): TraceRequest =>
  ({
    resourceSpans: [
      {
        resource: { 'service.name': 'svc' },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: {} },
            schemaUrl: '',
            spans: [
              {
                traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: '', traceState: '', name: 'n', kind: 1,
                startTimeUnixNano: 1_700_000_000_000_000_000n, endTimeUnixNano: 1_700_000_000_100_000_000n,
                attributes, events: events.map((a) => ({ timeUnixNano: 1_700_000_000_050_000_000n, name: 'e', attributes: a })), links: [],
                status: { code: 2, message: 'failed for bob@example.com' }, flags: 0x301,
              },
            ],
          },
        ],
      },
    ],
  }) as TraceRequest;
const policy = (s: Partial<ContentSettings>) => ContentPolicy.compile({ ...DEFAULT_CONTENT_SETTINGS, ...s })!;
const span = (r: TraceRequest) => r.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

describe('content policy', () => {
  it('is null for the defaults (no cost on the hot path)', () => {
    expect(ContentPolicy.compile(DEFAULT_CONTENT_SETTINGS)).toBeNull();
  });

  it('drops prompt and completion content when capture is off, and counts it', () => {
    const r = request({ 'gen_ai.prompt': 'hi', 'gen_ai.completion.0.content': 'there', 'llm.input_messages.0.message.content': 'x', other: 'kept' });
    policy({ capture: 'off' }).apply(r);
    expect(span(r).attributes).toEqual({ other: 'kept', [DROPPED_COUNT]: 3 });
  });

  it('redacts card numbers only when they pass the Luhn check, in nested values and the status message', () => {
    const r = request({ note: 'card 4242-4242-4242-4242, order 1234567890123', nested: { deep: ['to alice@example.com'] } });
    policy({ redactPatterns: ['card', 'email'] }).apply(r);
    expect(span(r).attributes.note).toBe('card [REDACTED:card], order 1234567890123');
    expect(span(r).attributes.nested).toEqual({ deep: ['to [REDACTED:email]'] });
    expect(span(r).status.message).toBe('failed for [REDACTED:email]');
    expect(span(r).attributes[REDACTED_COUNT]).toBe(3);
  });

  it('cuts values and spans past their byte limits on character boundaries', () => {
    expect(truncateUtf8('héllo', 2)).toBe('h');
    const r = request({ a: 'x'.repeat(100), b: 'y'.repeat(100), c: 'z' }, [{ msg: 'w'.repeat(100) }]);
    policy({ maxValueBytes: 80, maxSpanBytes: 120 }).apply(r);
    const s = span(r);
    expect((s.attributes.a as string).length).toBe(30);
    expect(s.attributes.c).toBe('z');
    expect((s.events[0]!.attributes.msg as string).length).toBe(30);
    expect(s.attributes[TRUNCATED_COUNT]).toBe(6);
  });

  it('re-encodes the changed request for the WAL so that it decodes to the same request', () => {
    const r = request({ s: 'v', i: 42, big: 2n ** 60n, d: 1.5, b: true, bytes: new Uint8Array([1, 2, 3]), arr: ['x', 1], kv: { k: 'v' } }, [{ e: 'v' }]);
    const back = decodeTraceRequestJson(encodeTraceRequestJson(r));
    expect(back).toEqual(r);
  });
});
