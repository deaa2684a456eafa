import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../types.ts';
import { decodeTraceRequestProtobuf as decode } from './decode-trace.ts';
import { encode, hexBytes, kv, pb, request, spanAttr } from '../testing/pb.ts';
import { benchSpans, toProtobuf } from '../testing/otel-fixtures.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

const onlySpan = (buf: Uint8Array) => decode(buf).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
const attrOf = (...value: Parameters<typeof pb.msg>[1][]) => onlySpan(request(spanAttr('k', ...value))).attributes.k;

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decodeError(buf: Uint8Array): string {
  try {
    decode(buf);
  } catch (err) {
    expect(err).toBeInstanceOf(OtlpDecodeError);
    return (err as Error).message;
  }
  throw new Error('expected decode to fail');
}

describe('decodeTraceRequestProtobuf', () => {
  it('decodes an empty body as an empty request', () => {
    expect(decode(new Uint8Array(0))).toEqual({ resourceSpans: [] });
  });

  it('skips unknown fields of every wire type at every level', () => {
    const junk = [
      pb.varint(90, 2 ** 40),
      pb.fixed64(91, 123n),
      pb.fixed32(92, 7),
      pb.string(93, 'ignored'),
      pb.group(94, pb.varint(1, 5), pb.group(2, pb.string(3, 'deep')), pb.fixed32(4, 1)),
    ];
    const buf = encode(
      ...junk,
      pb.msg(
        1,
        ...junk,
        pb.msg(1, ...junk, kv('service.name', ...junk, pb.string(1, 'svc'))),
        pb.msg(
          2,
          ...junk,
          pb.msg(1, ...junk, pb.string(1, 'scope')),
          pb.msg(
            2,
            ...junk,
            pb.bytes(1, TRACE),
            pb.bytes(2, SPAN),
            pb.string(5, 'op'),
            pb.varint(6, 3),
            pb.varint(10, 4), // dropped_attributes_count
            pb.varint(12, 5), // dropped_events_count
            pb.varint(14, 6), // dropped_links_count
            pb.fixed32(16, 0x301), // flags
            pb.msg(15, pb.varint(1, 2) /* deprecated code */, pb.string(2, 'msg'), pb.varint(3, 1), ...junk),
            pb.msg(11, ...junk, pb.fixed64(1, 99n), pb.string(2, 'ev'), pb.varint(4, 1)),
            pb.msg(13, ...junk, pb.bytes(1, TRACE), pb.bytes(2, SPAN), pb.varint(5, 1), pb.fixed32(6, 0x100)),
            spanAttr('a', ...junk, pb.varint(3, 9)),
          ),
        ),
      ),
    );
    const rs = decode(buf).resourceSpans;
    expect(rs).toHaveLength(1);
    expect(rs[0]!.resource).toEqual({ 'service.name': 'svc' });
    expect(rs[0]!.scopeSpans[0]!.scope.name).toBe('scope');
    expect(rs[0]!.scopeSpans[0]!.spans).toEqual([
      {
        traceId: TRACE,
        spanId: SPAN,
        parentSpanId: '',
        traceState: '',
        name: 'op',
        kind: 3,
        startTimeUnixNano: 0n,
        endTimeUnixNano: 0n,
        attributes: { a: 9 },
        events: [{ timeUnixNano: 99n, name: 'ev', attributes: {} }],
        links: [{ traceId: TRACE, spanId: SPAN, traceState: '', attributes: {} }],
        status: { code: 1, message: 'msg' },
        flags: 0x301,
      },
    ]);
  });

  it('types int64 values as number when safe and bigint otherwise', () => {
    const cases: [bigint, number | bigint][] = [
      [0n, 0],
      [-1n, -1],
      [300n, 300],
      [2n ** 31n, 2 ** 31],
      [-(2n ** 31n) - 1n, -(2 ** 31) - 1],
      [2n ** 32n + 5n, 2 ** 32 + 5],
      [BigInt(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
      [BigInt(Number.MIN_SAFE_INTEGER), Number.MIN_SAFE_INTEGER],
      [BigInt(Number.MAX_SAFE_INTEGER) + 1n, 2n ** 53n],
      [BigInt(Number.MIN_SAFE_INTEGER) - 1n, -(2n ** 53n)],
      [2n ** 63n - 1n, 2n ** 63n - 1n],
      [-(2n ** 63n), -(2n ** 63n)],
      [-(2n ** 62n) - 12345n, -(2n ** 62n) - 12345n],
    ];
    for (const [input, expected] of cases) expect(attrOf(pb.int64(3, input))).toBe(expected);
  });

  it('decodes doubles, bools, bytes, empty and last-wins AnyValues', () => {
    expect(attrOf(pb.double(4, -0.5))).toBe(-0.5);
    expect(attrOf(pb.double(4, NaN))).toBeNaN();
    expect(attrOf(pb.varint(2, 1))).toBe(true);
    expect(attrOf(pb.varint(2, 0))).toBe(false);
    expect(attrOf(pb.bytes(7, 'deadbeef'))).toEqual(hexBytes('deadbeef'));
    expect(attrOf()).toBeNull();
    expect(attrOf(pb.string(1, 'first'), pb.varint(3, 2))).toBe(2);
  });

  it('copies bytes values out of the request buffer', () => {
    const buf = request(spanAttr('k', pb.bytes(7, '0102')));
    const value = onlySpan(buf).attributes.k as Uint8Array;
    buf.fill(0);
    expect([...value]).toEqual([1, 2]);
  });

  it('keeps __proto__ as an own attribute and lets duplicate keys overwrite', () => {
    const span = onlySpan(
      request(spanAttr('__proto__', pb.string(1, 'x')), spanAttr('dup', pb.varint(3, 1)), spanAttr('dup', pb.varint(3, 2))),
    );
    expect(Object.getPrototypeOf(span.attributes)).toBe(Object.prototype);
    expect(Object.keys(span.attributes)).toEqual(['__proto__', 'dup']);
    expect(span.attributes['__proto__']).toBe('x');
    expect(span.attributes.dup).toBe(2);
  });

  it('hex-encodes ids in lower case and keeps odd-length ids for validation', () => {
    const span = onlySpan(request(pb.bytes(1, 'ABCDEF0123456789ABCDEF0123456789'), pb.bytes(2, 'ab'), pb.bytes(4, '')));
    expect(span.traceId).toBe('abcdef0123456789abcdef0123456789');
    expect(span.spanId).toBe('ab');
    expect(span.parentSpanId).toBe('');
  });

  it('decodes a view at a non-zero offset of a larger buffer (e.g. a pooled Buffer)', () => {
    const inner = toProtobuf(benchSpans(3));
    const backing = new Uint8Array(inner.length + 11);
    backing.set(inner, 7);
    const view = backing.subarray(7, 7 + inner.length);
    expect(decode(view)).toEqual(decode(inner));
    expect(decode(Buffer.from(view))).toEqual(decode(inner));
  });

  it('replaces invalid UTF-8 instead of failing', () => {
    const bad = concat([0x0a, 0x03], [0x61, 0xff, 0x62]); // "a\xffb" as string_value
    const buf = request(pb.msg(9, pb.string(1, 'k'), (w) => void w.uint32(18).bytes(bad)));
    expect(onlySpan(buf).attributes.k).toBe('a\ufffdb');
  });
});

describe('decodeTraceRequestProtobuf on malformed input', () => {
  it('names the truncated length-delimited field and its offset', () => {
    expect(decodeError(new Uint8Array([0x0a, 0x05, 0x01]))).toBe(
      'invalid protobuf: truncated length-delimited field at offset 1',
    );
  });

  it('rejects a nested length that runs past its parent message', () => {
    // resource_spans (len 3) containing scope_spans with length 10, followed by padding.
    const buf = concat([0x0a, 0x03, 0x12, 0x0a, 0x00], new Array<number>(20).fill(0));
    expect(decodeError(buf)).toBe('invalid protobuf: truncated length-delimited field at offset 3');
  });

  it('rejects a scalar that overruns its message end', () => {
    // resource_spans (len 2) holding a fixed64 field whose 8 bytes extend past the message.
    const buf = concat([0x0a, 0x02, 0x19, 0x00], new Array<number>(10).fill(0));
    expect(decodeError(buf)).toMatch(/field overruns the end of its message at offset 4$/);
  });

  it.each([
    ['field number 0', [0x00, 0x00], 'invalid protobuf: invalid field number 0 at offset 1'],
    ['wire type 6', [0x0e], 'invalid protobuf: invalid wire type 6 (field 1) at offset 1'],
    ['wire type 7', [0x0f], 'invalid protobuf: invalid wire type 7 (field 1) at offset 1'],
    ['stray end-group', [0x0c], 'invalid protobuf: invalid wire type 4 (field 1) at offset 1'],
    ['truncated varint', [0x08, 0x80], 'invalid protobuf: truncated varint at offset 1'],
    ['11-byte varint', [0x08, ...new Array<number>(10).fill(0xff), 0x01], 'invalid protobuf: varint longer than 10 bytes at offset 1'],
    ['truncated fixed32', [0x0d, 1, 2], 'invalid protobuf: truncated fixed32 at offset 1'],
    ['truncated fixed64', [0x09, 1, 2, 3], 'invalid protobuf: truncated fixed64 at offset 1'],
    ['unterminated group', [0x0b, 0x08, 0x01], 'invalid protobuf: unterminated group at offset 1'],
    ['mismatched end-group', [0x0b, 0x14], 'invalid protobuf: mismatched end-group tag at offset 1'],
  ])('rejects %s', (_name, bytes, message) => {
    expect(decodeError(new Uint8Array(bytes))).toBe(message);
  });

  it('throws OtlpDecodeError for every truncation of a real request', () => {
    const buf = toProtobuf(benchSpans(2, 6));
    for (let n = 1; n < buf.length; n++) {
      expect(decodeError(buf.subarray(0, n))).toMatch(/^invalid protobuf: .+ at offset \d+$/);
    }
  });

  it('limits AnyValue nesting depth', () => {
    let value = pb.string(1, 'leaf');
    for (let i = 0; i < 100; i++) value = pb.msg(5, pb.msg(1, value));
    expect(decodeError(request(spanAttr('deep', value)))).toMatch(/values nested deeper than 64/);
  });

  it('never throws anything but OtlpDecodeError on random or corrupted bytes', () => {
    let seed = 42;
    const rand = () => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
    const real = toProtobuf(benchSpans(2, 6));
    for (let round = 0; round < 3000; round++) {
      const buf =
        round % 2 === 0
          ? Uint8Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))
          : real.map((b) => (rand() < 0.01 ? Math.floor(rand() * 256) : b));
      try {
        decode(buf);
      } catch (err) {
        expect(err).toBeInstanceOf(OtlpDecodeError);
      }
    }
  });
});

describe('decodeTraceRequestProtobuf string validity', () => {
  const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
  const rawString = (field: number, bytes: number[]) => (w: Parameters<ReturnType<typeof pb.string>>[0]) =>
    void w.uint32((field << 3) | 2).bytes(Uint8Array.from(bytes));

  it.each([
    ['a surrogate encoded as UTF-8 (WTF-8 / CESU)', [0x61, 0xed, 0xa0, 0xbd, 0x62]],
    ['a surrogate pair encoded as two 3-byte sequences', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
    ['a 4-byte sequence cut short', [0x61, 0xf0, 0x9f, 0x98]],
    ['an overlong encoding', [0xc0, 0xaf, 0x61]],
    ['a long value with a stray continuation byte', [...new Array<number>(40).fill(0x61), 0x80, 0x62]],
  ])('decodes %s to U+FFFD, never a lone surrogate', (_name, bytes) => {
    const span = onlySpan(request(pb.msg(9, rawString(1, bytes), pb.msg(2, rawString(1, bytes))), rawString(5, bytes)));
    for (const s of [span.name, ...Object.keys(span.attributes), ...Object.values(span.attributes) as string[]]) {
      expect(isWellFormed(s)).toBe(true);
      expect(s).toContain('\ufffd');
    }
  });
});

describe('decodeTraceRequestProtobuf nesting limits', () => {
  it.each([
    ['at the top level', (inner: Uint8Array) => inner],
    ['inside a span', wrapSpan],
  ])('rejects deeply nested groups %s with OtlpDecodeError, not a stack overflow', (_where, place) => {
    const depth = 200_000;
    const groups = concat(new Array<number>(depth).fill(0x0b), new Array<number>(depth).fill(0x0c));
    expect(decodeError(place(groups))).toMatch(/groups nested deeper than \d+/);
  });

  it('still skips a shallow unknown group', () => {
    const groups = concat(new Array<number>(10).fill(0x5b), new Array<number>(10).fill(0x5c)); // field 11
    expect(onlySpan(wrapSpan(groups)).name).toBe('x');
  });
});

/** A request with one span named "x" followed by `raw` bytes inside the span message. */
function wrapSpan(raw: Uint8Array): Uint8Array {
  return request(pb.string(5, 'x'), (w) => {
    for (const b of raw) w.uint32(b);
  });
}
