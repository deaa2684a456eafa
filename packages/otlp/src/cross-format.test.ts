import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf, validateSpanIds, type OtlpSpan } from './index.ts';
import { benchSpans, makeSpan, resourceFromAttributes, toJson, toProtobuf } from './testing/otel-fixtures.ts';

/*
 * Requests built by the real OTel JS serializers (@opentelemetry/otlp-transformer), decoded
 * from both wire formats: the records must be identical and match what the SDK spans held.
 */
const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';

const resourceA = resourceFromAttributes(
  { 'service.name': 'svc-a', 'host.cpu.count': 3, 'pi.approx': 3.14 },
  { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
);
const resourceB = resourceFromAttributes({ 'service.name': 'svc-b' });
const scopeOne = {
  name: 'lib-one',
  version: '1.2.3',
  schemaUrl: 'https://example.com/schema',
  attributes: { 'scope.flag': true },
};
const scopeTwo = { name: 'lib-two' };

const LONG = 'x'.repeat(150) + '—end';
const BYTES = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);

const richAttributes: Record<string, unknown> = {
  'str.plain': 'hello',
  'str.unicode': 'héllo ✓ 日本語 🚀',
  'str.empty': '',
  'str.long': LONG,
  'bool.true': true,
  'bool.false': false,
  'int.zero': 0,
  'int.small': 42,
  'int.negative': -7,
  'int.max_safe': Number.MAX_SAFE_INTEGER,
  'int.min_safe': Number.MIN_SAFE_INTEGER,
  'int.big': 2 ** 60,
  'int.big_negative': -(2 ** 62),
  'double.half': 1.5,
  'double.negative': -0.25,
  'double.tiny': 1e-300,
  'array.strings': ['a', 'b', ''],
  'array.mixed': [1, 'two', true, 2.5],
  'array.empty': [],
  'bytes.value': BYTES,
  'kvlist.value': { a: 1, nested: { c: 'd', list: [1, 2] }, flag: false },
  'ключ.юникод': 'значение',
  'empty.value': undefined,
};

function fixtureSpans() {
  return [
    makeSpan({
      traceId: TRACE_A,
      spanId: '00f067aa0ba902b7',
      traceState: 'vendor=abc,other=x',
      name: 'root operation',
      apiKind: 1, // SERVER
      start: [1_700_000_000, 123_456_789],
      end: [1_700_000_002, 1],
      attributes: richAttributes,
      events: [
        { name: 'exception', time: [1_700_000_001, 999_999_999], attributes: { 'exception.type': 'Boom', n: 3 } },
        { name: 'no-attrs', time: [1_700_000_001, 5] },
      ],
      links: [
        { traceId: TRACE_B, spanId: 'b7ad6b7169203331', traceState: 'k=v', attributes: { 'link.kind': 'follows' } },
        { traceId: TRACE_B, spanId: '1111111111111111' },
      ],
      status: { code: 2, message: 'it failed' },
      resource: resourceA,
      scope: scopeOne,
    }),
    ...[0, 2, 3, 4].map((apiKind, i) =>
      makeSpan({
        traceId: TRACE_A,
        spanId: `a${i}00000000000001`,
        parentSpanId: '00f067aa0ba902b7',
        name: `child ${i}`,
        apiKind,
        start: [1_700_000_000, i],
        end: [1_700_000_000, i + 1],
        attributes: { i },
        status: { code: i === 0 ? 1 : 0 },
        resource: resourceA,
        scope: i < 2 ? scopeOne : scopeTwo,
      }),
    ),
    makeSpan({
      traceId: TRACE_B,
      spanId: 'ffffffffffffffff',
      name: '',
      apiKind: 0,
      start: [0, 0],
      end: [4_102_444_800, 999_999_999], // year 2100
      attributes: {},
      resource: resourceB,
      scope: scopeTwo,
    }),
  ];
}

describe('protobuf and JSON decode of SDK-serialized requests', () => {
  const spans = fixtureSpans();
  const fromProto = decodeTraceRequestProtobuf(toProtobuf(spans));
  const fromJson = decodeTraceRequestJson(toJson(spans));

  it('gives identical records from both formats', () => {
    expect(fromJson).toEqual(fromProto);
    // toEqual treats number and bigint as different, so int typing is checked too.
    expect(fromProto.resourceSpans).toHaveLength(2);
  });

  it('decodes resource, schema urls and scopes', () => {
    for (const req of [fromProto, fromJson]) {
      const [rsA, rsB] = req.resourceSpans;
      expect(rsA?.resource).toEqual({ 'service.name': 'svc-a', 'host.cpu.count': 3, 'pi.approx': 3.14 });
      expect(rsA?.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
      expect(rsA?.scopeSpans.map((s) => s.scope)).toEqual([
        { name: 'lib-one', version: '1.2.3', attributes: { 'scope.flag': true } },
        { name: 'lib-two', version: '', attributes: {} },
      ]);
      expect(rsA?.scopeSpans[0]?.schemaUrl).toBe('https://example.com/schema');
      expect(rsA?.scopeSpans.map((s) => s.spans.length)).toEqual([3, 2]);
      expect(rsB?.resource).toEqual({ 'service.name': 'svc-b' });
      expect(rsB?.schemaUrl).toBe('');
    }
  });

  it('decodes every field of the rich span exactly', () => {
    const expected: OtlpSpan = {
      traceId: TRACE_A,
      spanId: '00f067aa0ba902b7',
      parentSpanId: '',
      traceState: 'vendor=abc,other=x',
      name: 'root operation',
      kind: 2,
      startTimeUnixNano: 1_700_000_000_123_456_789n,
      endTimeUnixNano: 1_700_000_002_000_000_001n,
      attributes: {
        'str.plain': 'hello',
        'str.unicode': 'héllo ✓ 日本語 🚀',
        'str.empty': '',
        'str.long': LONG,
        'bool.true': true,
        'bool.false': false,
        'int.zero': 0,
        'int.small': 42,
        'int.negative': -7,
        'int.max_safe': Number.MAX_SAFE_INTEGER,
        'int.min_safe': Number.MIN_SAFE_INTEGER,
        'int.big': 1n << 60n,
        'int.big_negative': -(1n << 62n),
        'double.half': 1.5,
        'double.negative': -0.25,
        'double.tiny': 1e-300,
        'array.strings': ['a', 'b', ''],
        'array.mixed': [1, 'two', true, 2.5],
        'array.empty': [],
        'bytes.value': BYTES,
        'kvlist.value': { a: 1, nested: { c: 'd', list: [1, 2] }, flag: false },
        'ключ.юникод': 'значение',
        'empty.value': null,
      },
      events: [
        {
          timeUnixNano: 1_700_000_001_999_999_999n,
          name: 'exception',
          attributes: { 'exception.type': 'Boom', n: 3 },
        },
        { timeUnixNano: 1_700_000_001_000_000_005n, name: 'no-attrs', attributes: {} },
      ],
      links: [
        { traceId: TRACE_B, spanId: 'b7ad6b7169203331', traceState: 'k=v', attributes: { 'link.kind': 'follows' } },
        { traceId: TRACE_B, spanId: '1111111111111111', traceState: '', attributes: {} },
      ],
      status: { code: 2, message: 'it failed' },
      flags: 257, // sampled + HAS_IS_REMOTE (a local root: no remote parent)
    };
    for (const req of [fromProto, fromJson]) {
      const span = req.resourceSpans[0]?.scopeSpans[0]?.spans[0];
      expect(span).toEqual(expected);
      expect(span?.attributes['bytes.value']).toBeInstanceOf(Uint8Array);
      expect(validateSpanIds(span!)).toBeNull();
    }
  });

  it('maps kinds, parents, status codes and extreme timestamps', () => {
    for (const req of [fromProto, fromJson]) {
      const all = req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      expect(all.map((s) => s.kind)).toEqual([2, 1, 3, 4, 5, 1]);
      expect(all.map((s) => s.status.code)).toEqual([2, 1, 0, 0, 0, 0]);
      expect(all.slice(1, 5).every((s) => s.parentSpanId === '00f067aa0ba902b7')).toBe(true);
      expect(all.slice(1, 5).map((s) => s.startTimeUnixNano)).toEqual([
        1_700_000_000_000_000_000n,
        1_700_000_000_000_000_001n,
        1_700_000_000_000_000_002n,
        1_700_000_000_000_000_003n,
      ]);
      const last = all[5]!;
      expect(last.startTimeUnixNano).toBe(0n);
      expect(last.endTimeUnixNano).toBe(4_102_444_800_999_999_999n);
      expect(last.name).toBe('');
      expect(last.status).toEqual({ code: 0, message: '' });
    }
  });

  it('agrees on a large batch that cycles the string caches', () => {
    const batch = benchSpans(3000, 24);
    const p = decodeTraceRequestProtobuf(toProtobuf(batch));
    const j = decodeTraceRequestJson(toJson(batch));
    expect(p).toEqual(j);
    const decoded = p.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(decoded).toHaveLength(3000);
    expect(decoded[2999]!.attributes['user.id']).toBe(`user-${2999 % 97}`);
    expect(decoded[2999]!.attributes['extra.attr_23']).toBe('value-24');
  });
});
