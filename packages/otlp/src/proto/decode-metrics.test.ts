import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../types.ts';
import { encode, pb, type Field } from '../testing/pb.ts';
import { decodeMetricsRequestProtobuf } from './decode-metrics.ts';

/** Packed repeated field (wire type 2) built from the given element writer. */
const packed = (field: number, write: (w: Parameters<Field>[0]) => void): Field => (w) => {
  w.uint32((field << 3) | 2).fork();
  write(w);
  w.ldelim();
};

const request = (...metric: Field[]) => encode(pb.msg(1, pb.msg(2, pb.msg(1, pb.string(1, 'scope')), pb.msg(2, ...metric))));

describe('decodeMetricsRequestProtobuf', () => {
  it('reads a gauge with as_int (sfixed64, negative) and attributes, name after the data field', () => {
    const sfixed = (v: bigint): Field => (w) => void w.uint32((6 << 3) | 1).sfixed64({ low: Number(BigInt.asUintN(64, v) & 0xffffffffn) | 0, high: Number(BigInt.asUintN(64, v) >> 32n) | 0, unsigned: false } as never);
    const buf = request(
      pb.msg(5, pb.msg(1, pb.fixed64(3, 1_700_000_000_000_000_000n), sfixed(-42n), pb.msg(7, pb.string(1, 'gpu'), pb.msg(2, pb.string(1, '3'))))),
      pb.string(1, 'temp'),
      pb.string(3, 'Cel'),
    );
    const m = decodeMetricsRequestProtobuf(buf).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    expect(m).toMatchObject({ name: 'temp', unit: 'Cel', type: 'gauge' });
    expect(m.points[0]).toMatchObject({ value: -42, timeUnixNano: 1_700_000_000_000_000_000n, attributes: { gpu: '3' } });
  });

  it('reads sum temporality and monotonic flag, histogram buckets packed and unpacked', () => {
    const buf = request(
      pb.string(1, 'reqs'),
      pb.msg(7, pb.msg(1, pb.fixed64(3, 5n), pb.double(4, 7)), pb.varint(2, 2), pb.varint(3, 1)),
    );
    const sum = decodeMetricsRequestProtobuf(buf).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    expect(sum).toMatchObject({ type: 'sum', temporality: 2, monotonic: true });

    const hist = (counts: Field[], bounds: Field[]) =>
      decodeMetricsRequestProtobuf(request(pb.string(1, 'h'), pb.msg(9, pb.msg(1, pb.fixed64(3, 5n), pb.fixed64(4, 6n), pb.double(5, 1.5), ...counts, ...bounds), pb.varint(2, 1))))
        .resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    const packedH = hist(
      [packed(6, (w) => void w.fixed64({ low: 1, high: 0, unsigned: false } as never).fixed64({ low: 5, high: 0, unsigned: false } as never))],
      [packed(7, (w) => void w.double(0.5))],
    );
    const unpackedH = hist([pb.fixed64(6, 1n), pb.fixed64(6, 5n)], [pb.double(7, 0.5)]);
    for (const h of [packedH, unpackedH]) {
      expect(h).toMatchObject({ type: 'histogram', temporality: 1 });
      expect(h.points[0]).toMatchObject({ count: 6, sum: 1.5, bucketCounts: [1, 5], explicitBounds: [0.5] });
      expect(Number.isNaN((h.points[0] as { min: number }).min)).toBe(true);
    }
  });

  it('reads exponential histograms (sint32 scale and offsets) and summaries', () => {
    const zz = (n: number) => (n << 1) ^ (n >> 31);
    const exp = decodeMetricsRequestProtobuf(
      request(pb.string(1, 'e'), pb.msg(10, pb.msg(1, pb.fixed64(3, 5n), pb.fixed64(4, 4n), pb.varint(6, zz(-2)), pb.fixed64(7, 1n),
        pb.msg(8, pb.varint(1, zz(-3)), packed(2, (w) => void w.uint64(2).uint64(1))), pb.msg(9, pb.varint(1, zz(4)), pb.varint(2, 7))))),
    ).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    expect(exp.points[0]).toMatchObject({ count: 4, scale: -2, zeroCount: 1, positive: { offset: -3, bucketCounts: [2, 1] }, negative: { offset: 4, bucketCounts: [7] } });

    const summary = decodeMetricsRequestProtobuf(
      request(pb.string(1, 's'), pb.msg(11, pb.msg(1, pb.fixed64(3, 5n), pb.fixed64(4, 10n), pb.double(5, 2.5), pb.msg(6, pb.double(1, 0.99), pb.double(2, 0.9))))),
    ).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    expect(summary).toMatchObject({ type: 'summary', points: [{ count: 10, sum: 2.5, quantiles: [{ quantile: 0.99, value: 0.9 }] }] });
  });

  it('throws OtlpDecodeError for truncated input and a packed length that is not whole doubles', () => {
    expect(() => decodeMetricsRequestProtobuf(Uint8Array.from([0x0a, 0x05, 0x12]))).toThrow(OtlpDecodeError);
    const badPacked = request(pb.string(1, 'h'), pb.msg(9, pb.msg(1, packed(7, (w) => void w.fixed32(1)))));
    expect(() => decodeMetricsRequestProtobuf(badPacked)).toThrow(/packed double/);
  });
});
