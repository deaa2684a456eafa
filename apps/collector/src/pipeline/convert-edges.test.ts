import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson, type TraceRequest } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { convertRequest, type ConvertOptions } from './convert.ts';

/*
 * Input edges of convert: whatever a decoded request holds, every row it produces is one the
 * store accepts (valid strings, kind in UInt8 range, event times DateTime64(9) can hold, token
 * counts that cannot wrap a sum), and a span it cannot store is rejected on its own.
 */

const OPTS: ConvertOptions = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 16, maxTextLength: 16 };
const prices = new PriceCatalog();
const TRACE = '5b8efff798038103d269b633813fc60c';
const START_NS = 1_700_000_000_000_000_000n;
let spanSeq = 0;

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function span(extra: Record<string, unknown> = {}): Record<string, unknown> {
  spanSeq++;
  return {
    traceId: TRACE,
    spanId: spanSeq.toString(16).padStart(16, 'a'),
    name: 'op',
    kind: 1,
    startTimeUnixNano: START_NS.toString(),
    endTimeUnixNano: (START_NS + 1_000_000n).toString(),
    ...extra,
  };
}

function request(...spans: Record<string, unknown>[]): TraceRequest {
  return decodeTraceRequestJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
}

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number | string) => ({ key, value: { intValue: String(v) } });

describe('convert: strings are cut on code point boundaries', () => {
  it('truncates an attribute with an emoji at the limit without leaving half a surrogate pair', () => {
    const atLimit = 'x'.repeat(15) + '\u{1F600}tail'; // the pair sits at units 15-16 of a 16-unit limit
    const req = request(
      span({
        attributes: [str('a', atLimit), { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'xxxxxxxxxxx\u{1F600}' }] } } }],
        events: [{ name: 'e', timeUnixNano: START_NS.toString(), attributes: [str('ea', atLimit)] }],
        links: [{ traceId: TRACE, spanId: 'bbbbbbbbbbbbbbbb', attributes: [str('la', atLimit)] }],
      }),
    );
    const { rows } = convertRequest(req, 'p', prices, OPTS, 0);
    const row = rows[0]!;
    const values = [
      ...Object.values(row.attributes),
      ...row.events.flatMap((e) => Object.values(e.attributes)),
      ...row.links.flatMap((l) => Object.values(l.attributes)),
    ];
    expect(values.filter((v) => !isWellFormed(v))).toEqual([]);
    expect(row.attributes.a).toBe('x'.repeat(15));
  });

  it('keeps texts (prompts) valid when cut at the text limit', () => {
    const req = request(span({ attributes: [str('gen_ai.prompt', 'y'.repeat(15) + '\u{1F600}')] }));
    const { rows } = convertRequest(req, 'p', prices, OPTS, 0);
    expect(isWellFormed(rows[0]!.inputText)).toBe(true);
  });
});

describe('convert: values the store cannot hold', () => {
  it('clamps a span kind outside 0..5 to UNSPECIFIED (the column is UInt8)', () => {
    const kinds = [5, 6, 255, 256, -1, 2 ** 31 - 1, 1e20];
    const req = request(...kinds.map((kind) => span({ kind })));
    const { rows } = convertRequest(req, 'p', prices, OPTS, 0);
    expect(rows.map((r) => r.kind)).toEqual([5, 0, 0, 0, 0, 0, 0]);
  });

  it('gives an event with a missing (0) or out-of-range time the span start time, keeping the span and the event', () => {
    const year2300 = BigInt(Date.UTC(2300, 0, 1)) * 1_000_000n;
    const ok = START_NS + 5n;
    const req = request(
      span({
        events: [
          { name: 'zero', timeUnixNano: '0' },
          { name: 'future', timeUnixNano: year2300.toString() },
          { name: 'max', timeUnixNano: ((1n << 64n) - 1n).toString() },
          { name: 'fine', timeUnixNano: ok.toString() },
        ],
      }),
    );
    const { rows, received } = convertRequest(req, 'p', prices, OPTS, 0);
    expect(received).toBe(1);
    expect(rows[0]!.events.map((e) => [e.name, e.timeUnixNano])).toEqual([
      ['zero', START_NS],
      ['future', START_NS],
      ['max', START_NS],
      ['fine', ok],
    ]);
  });

  it('rejects a span reporting more than 10^9 tokens in one bucket (partial_success), keeping the others', () => {
    const usage = (input: number | string, output = 10) => [
      str('gen_ai.operation.name', 'chat'), str('gen_ai.provider.name', 'openai'), str('gen_ai.request.model', 'gpt-4o'),
      int('gen_ai.usage.input_tokens', input), int('gen_ai.usage.output_tokens', output),
    ];
    const req = request(
      span({ name: 'fine', attributes: usage(1_000_000_000) }),
      span({ name: 'huge-input', attributes: usage(1_000_000_001) }),
      span({ name: 'huge-output', attributes: usage(1, 4_000_000_000) }),
      span({ name: 'int64-max', attributes: usage('9223372036854775807') }),
      span({ name: 'cache', attributes: [...usage(5), int('gen_ai.usage.cache_read.input_tokens', 2e9)] }),
    );
    const { rows, received, rejected, firstRejection } = convertRequest(req, 'p', prices, OPTS, 0);
    expect(received).toBe(5);
    expect(rows.map((r) => r.name)).toEqual(['fine']);
    expect(rows[0]!.inputTokens).toBe(1_000_000_000);
    expect([...rejected.values()].reduce((a, b) => a + b, 0)).toBe(4);
    expect(firstRejection).toMatch(/huge-input.*token count .* above 1000000000/);
  });
});
