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
