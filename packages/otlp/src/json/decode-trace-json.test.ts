import { describe, expect, it } from 'vitest';
import { OtlpDecodeError, type OtlpSpan } from '../types.ts';
import { decodeTraceRequestJson as decode } from './decode-trace-json.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

/** One span inside one resource / scope, as a JSON string. */
function body(span: Record<string, unknown>): string {
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
}
const onlySpan = (span: Record<string, unknown>): OtlpSpan =>
  decode(body(span)).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
const attr = (value: unknown) => onlySpan({ attributes: [{ key: 'k', value }] }).attributes.k;

function errorOf(input: string | Uint8Array): string {
  try {
    decode(input);
  } catch (err) {
    expect(err).toBeInstanceOf(OtlpDecodeError);
    return (err as Error).message;
  }
  throw new Error('expected decode to fail');
}

describe('decodeTraceRequestJson', () => {
  it('decodes the spec example shape (camelCase, int64 strings, integer enums)', () => {
    const json = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my.service' } }] },
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
          scopeSpans: [
            {
              scope: {
                name: 'my.library',
                version: '1.0.0',
                attributes: [{ key: 'my.scope.attribute', value: { stringValue: 'some scope attribute' } }],
              },
              spans: [
                {
                  traceId: TRACE,
                  spanId: SPAN,
                  parentSpanId: '',
                  traceState: 'a=b',
                  name: 'I am a span!',
                  startTimeUnixNano: '1544712660000000000',
                  endTimeUnixNano: '1544712661000000000',
                  kind: 2,
                  attributes: [
                    { key: 'my.span.attr', value: { stringValue: 'some value' } },
                    { key: 'n', value: { intValue: '42' } },
                    { key: 'd', value: { doubleValue: 0.5 } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'arr', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'x' }, {}] } } },
                    {
                      key: 'kv',
                      value: { kvlistValue: { values: [{ key: 'inner', value: { bytesValue: 'AAH/' } }] } },
                    },
                  ],
                  events: [{ timeUnixNano: '1544712660500000000', name: 'ev', attributes: [] }],
                  links: [{ traceId: TRACE, spanId: SPAN, traceState: '', attributes: [] }],
                  status: { code: 2, message: 'oops' },
                  droppedAttributesCount: 0,
                  flags: 257,
                },
              ],
            },
          ],
        },
      ],
    };
    const req = decode(new TextEncoder().encode(JSON.stringify(json)));
    const rs = req.resourceSpans[0]!;
    expect(rs.resource).toEqual({ 'service.name': 'my.service' });
    expect(rs.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(rs.scopeSpans[0]!.scope).toEqual({
      name: 'my.library',
      version: '1.0.0',
      attributes: { 'my.scope.attribute': 'some scope attribute' },
    });
    expect(rs.scopeSpans[0]!.spans[0]).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      parentSpanId: '',
      traceState: 'a=b',
      name: 'I am a span!',
      kind: 2,
      startTimeUnixNano: 1544712660000000000n,
      endTimeUnixNano: 1544712661000000000n,
      attributes: {
        'my.span.attr': 'some value',
        n: 42,
        d: 0.5,
        b: true,
        arr: [1, 'x', null],
        kv: { inner: new Uint8Array([0, 1, 255]) },
      },
      events: [{ timeUnixNano: 1544712660500000000n, name: 'ev', attributes: {} }],
      links: [{ traceId: TRACE, spanId: SPAN, traceState: '', attributes: {} }],
      status: { code: 2, message: 'oops' },
      flags: 257,
    });
  });

  it('fills proto defaults for absent and null fields', () => {
    expect(decode('{}')).toEqual({ resourceSpans: [] });
    const req = decode('{"resourceSpans":[{"resource":null,"scopeSpans":[{"spans":[{}]}]}]}');
    expect(req.resourceSpans[0]).toEqual({
      resource: {},
      schemaUrl: '',
      scopeSpans: [
        {
          scope: { name: '', version: '', attributes: {} },
          schemaUrl: '',
          spans: [
            {
              traceId: '',
              spanId: '',
              parentSpanId: '',
              traceState: '',
              name: '',
              kind: 0,
              startTimeUnixNano: 0n,
              endTimeUnixNano: 0n,
              attributes: {},
              events: [],
              links: [],
              status: { code: 0, message: '' },
            },
          ],
        },
      ],
    });
  });

  it('accepts snake_case field names', () => {
    const req = decode(
      JSON.stringify({
        resource_spans: [
          {
            schema_url: 's',
            scope_spans: [
              {
                spans: [
                  {
                    trace_id: TRACE,
                    span_id: SPAN,
                    parent_span_id: 'ABCDEF0123456789',
                    trace_state: 't',
                    start_time_unix_nano: '5',
                    end_time_unix_nano: 6,
                    attributes: [{ key: 'k', value: { int_value: '7' } }],
                    events: [{ time_unix_nano: '8', name: 'e' }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const span = req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(req.resourceSpans[0]!.schemaUrl).toBe('s');
    expect(span).toMatchObject({
      traceId: TRACE,
      spanId: SPAN,
      parentSpanId: 'abcdef0123456789',
      traceState: 't',
      startTimeUnixNano: 5n,
      endTimeUnixNano: 6n,
      attributes: { k: 7 },
    });
    expect(span.events[0]!.timeUnixNano).toBe(8n);
  });

  it('lowercases hex ids and converts base64 ids from non-conforming senders', () => {
    const span = onlySpan({ traceId: TRACE.toUpperCase(), spanId: 'AAAAAAAAAAE=', parentSpanId: 'not-an-id' });
    expect(span.traceId).toBe(TRACE);
    expect(span.spanId).toBe('0000000000000001');
    expect(span.parentSpanId).toBe('not-an-id'); // left for validateSpanIds to reject
    expect(onlySpan({ traceId: 'W47/95gDgQPSabYzgT/GDA==' }).traceId).toBe(TRACE);
  });

  it.each([
    [2, 2],
    ['SPAN_KIND_SERVER', 2],
    ['SPAN_KIND_CONSUMER', 5],
    ['CLIENT', 3],
    ['4', 4],
  ])('reads span kind %j as %i', (kind, expected) => {
    expect(onlySpan({ kind }).kind).toBe(expected);
  });

  it.each([
    [{ code: 'STATUS_CODE_ERROR', message: 'x' }, { code: 2, message: 'x' }],
    [{ code: 'STATUS_CODE_OK' }, { code: 1, message: '' }],
    [{ code: 0 }, { code: 0, message: '' }],
  ])('reads status %j', (status, expected) => {
    expect(onlySpan({ status }).status).toEqual(expected);
  });

  it.each([
    [{ intValue: 42 }, 42],
    [{ intValue: '-12' }, -12],
    [{ intValue: '9007199254740991' }, 9007199254740991],
    [{ intValue: '9007199254740993' }, 9007199254740993n],
    [{ intValue: '-9223372036854775808' }, -9223372036854775808n],
    [{ intValue: 2 ** 60 }, 2n ** 60n],
    [{ doubleValue: 1.25 }, 1.25],
    [{ doubleValue: '2.5' }, 2.5],
    [{ doubleValue: 'Infinity' }, Infinity],
    [{ doubleValue: '-Infinity' }, -Infinity],
    [{ boolValue: false }, false],
    [{ stringValue: '' }, ''],
    [{ bytesValue: '' }, new Uint8Array(0)],
    [{ bytesValue: '3q2-7w' }, new Uint8Array([0xde, 0xad, 0xbe, 0xef])],
    [{}, null],
    [null, null],
  ])('reads AnyValue %j', (value, expected) => {
    expect(attr(value)).toEqual(expected);
    expect(typeof attr(value)).toBe(typeof expected);
  });

  it('reads doubleValue "NaN"', () => {
    expect(attr({ doubleValue: 'NaN' })).toBeNaN();
  });

  it('decodes a UTF-8 body with or without a byte-order mark', () => {
    const bytes = new TextEncoder().encode(body({ name: 'naïve ✓' }));
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    for (const b of [bytes, withBom]) expect(decode(b).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name).toBe('naïve ✓');
  });

  it('ignores unknown fields', () => {
    const span = onlySpan({ name: 'n', futureField: { a: 1 }, attributes: [{ key: 'k', value: { stringValue: 'v' }, x: 1 }] });
    expect(span.name).toBe('n');
    expect(span.attributes).toEqual({ k: 'v' });
  });
});

describe('decodeTraceRequestJson errors', () => {
  it('rejects a body that is not JSON', () => {
    expect(errorOf('{"resourceSpans": [')).toMatch(/^invalid JSON: /);
    expect(errorOf(new Uint8Array([0x7b, 0x7b]))).toMatch(/^invalid JSON: /);
  });

  it.each([
    ['[]', 'expected a JSON object'],
    ['"x"', 'expected a JSON object'],
    ['{"resourceSpans": {}}', 'resourceSpans: expected array'],
    ['{"resourceSpans": [3]}', 'resourceSpans[0]: expected object'],
    ['{"resourceSpans": [{"resource": {"attributes": 1}}]}', 'resourceSpans[0].resource.attributes: expected array'],
    ['{"resourceSpans": [{"scopeSpans": [{"scope": {"name": 5}}]}]}', 'resourceSpans[0].scopeSpans[0].scope.name: expected string'],
  ])('reports the path for %s', (input, message) => {
    expect(errorOf(input)).toBe(message);
  });

  it('names the full path of a bad span field', () => {
    const spans = [{}, {}, {}, { startTimeUnixNano: '12.5' }];
    const input = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [] }, { spans }] }] });
    expect(errorOf(input)).toBe('resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected integer string');
  });

  it.each([
    [{ traceId: 12 }, 'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected string'],
    [{ kind: 'SPAN_KIND_SIDEWAYS' }, 'resourceSpans[0].scopeSpans[0].spans[0].kind: expected SPAN_KIND_* enum name or integer'],
    [{ kind: 'constructor' }, 'resourceSpans[0].scopeSpans[0].spans[0].kind: expected SPAN_KIND_* enum name or integer'],
    [{ status: { code: 'BAD' } }, 'resourceSpans[0].scopeSpans[0].spans[0].status.code: expected STATUS_CODE_* enum name or integer'],
    [{ endTimeUnixNano: '18446744073709551616' }, 'resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano: out of uint64 range'],
    [{ events: [{}, { timeUnixNano: true }] }, 'resourceSpans[0].scopeSpans[0].spans[0].events[1].timeUnixNano: expected integer string'],
    [{ links: [{ traceId: [] }] }, 'resourceSpans[0].scopeSpans[0].spans[0].links[0].traceId: expected string'],
    [
      { attributes: [{ key: 'a', value: {} }, { key: 'b', value: { intValue: 'x' } }] },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[1].value.intValue: expected integer string',
    ],
    [
      { attributes: [{ key: 'a', value: { intValue: '9223372036854775808' } }] },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: out of int64 range',
    ],
    [
      { attributes: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { doubleValue: 'abc' }] } } }] },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[1].doubleValue: expected number',
    ],
    [
      { attributes: [{ key: 'a', value: { kvlistValue: { values: [{ key: 'x', value: { bytesValue: '%%' } }] } } }] },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.kvlistValue.values[0].value.bytesValue: expected base64 string',
    ],
    [{ attributes: [{ key: 1, value: {} }] }, 'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].key: expected string'],
    [
      { attributes: [{ key: 'a', value: { boolValue: 'true' } }] },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.boolValue: expected boolean',
    ],
  ])('reports %j', (span, message) => {
    expect(errorOf(body(span))).toBe(message);
  });

  it('does not leak the path of a failed decode into the next one', () => {
    errorOf(body({ name: 1 }));
    expect(errorOf('{"resourceSpans": 1}')).toBe('resourceSpans: expected array');
  });

  it('limits AnyValue nesting depth', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 100; i++) value = { arrayValue: { values: [value] } };
    expect(errorOf(body({ attributes: [{ key: 'deep', value }] }))).toMatch(/values nested deeper than 64$/);
  });
});

describe('decodeTraceRequestJson string validity', () => {
  const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

  it('replaces lone surrogates (escaped \\ud83d) with U+FFFD in every string it returns', () => {
    // JSON.stringify of a lone surrogate writes the escape `"\ud83d"`, as a hostile sender would.
    const text = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'r\ud83d', value: { stringValue: '\ude00r' } }] },
          scopeSpans: [
            {
              scope: { name: 's\ud83d', version: 'v\ud83d', attributes: [] },
              spans: [
                {
                  name: 'n\ud83d',
                  traceState: 't\udfff',
                  attributes: [
                    { key: 'k\ud83d', value: { stringValue: 'v\ud83d' } },
                    { key: 'arr', value: { arrayValue: { values: [{ stringValue: '\ud800' }] } } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: '\udbff', value: { stringValue: 'x' } }] } } },
                    { key: 'pair', value: { stringValue: 'ok \ud83d\ude00' } },
                  ],
                  events: [{ name: 'e\ud83d', attributes: [{ key: 'ek', value: { stringValue: '\ud83d' } }] }],
                  links: [{ traceState: '\ud83d', attributes: [{ key: 'lk', value: { stringValue: '\ud83d' } }] }],
                  status: { message: 'm\ud83d' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(text).toContain('\\ud83d');
    const req = decode(text);
    const seen: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') seen.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
        for (const [k, x] of Object.entries(v)) {
          seen.push(k);
          walk(x);
        }
      }
    };
    walk(req);
    expect(seen.filter((s) => !isWellFormed(s))).toEqual([]);
    const span = req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.name).toBe('n\ufffd');
    expect(span.attributes['k\ufffd']).toBe('v\ufffd');
    expect(span.attributes.pair).toBe('ok \ud83d\ude00');
    expect(span.status.message).toBe('m\ufffd');
  });
});
