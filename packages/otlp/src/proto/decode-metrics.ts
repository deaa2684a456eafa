import { newAttributes } from '../attributes.ts';
import type {
  ExpBuckets,
  ExpHistogramPoint,
  HistogramPoint,
  MetricsRequest,
  NumberPoint,
  OtlpMetric,
  OtlpResourceMetrics,
  OtlpScopeMetrics,
  SummaryPoint,
} from '../metrics-types.ts';
import { readKeyValue, readResource, readScope } from './decode-trace.ts';
import { ProtoReader } from './reader.ts';

/*
 * Direct decoder of opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest, in the
 * style of decode-trace.ts: each message switches on the full tag (field << 3 | wire type), a
 * known field with an unexpected wire type is skipped like an unknown one, every nested length is
 * bounded by its parent. Repeated scalars are accepted packed (the proto3 default) and unpacked.
 * Unread: Metric.metadata, exemplars.
 */

/**
 * Decodes an OTLP protobuf metrics export body (HTTP body or gRPC message).
 * @throws OtlpDecodeError on truncated or malformed input.
 */
export function decodeMetricsRequestProtobuf(buf: Uint8Array): MetricsRequest {
  const r = new ProtoReader(buf);
  const end = buf.length;
  const resourceMetrics: OtlpResourceMetrics[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) resourceMetrics.push(readResourceMetrics(r, r.lenEnd(end)));
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return { resourceMetrics };
}

function readResourceMetrics(r: ProtoReader, end: number): OtlpResourceMetrics {
  const out: OtlpResourceMetrics = { resource: newAttributes(), schemaUrl: '', scopeMetrics: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) readResource(r, r.lenEnd(end), out.resource);
    else if (tag === 18) out.scopeMetrics.push(readScopeMetrics(r, r.lenEnd(end)));
    else if (tag === 26) out.schemaUrl = r.string(end);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return out;
}

function readScopeMetrics(r: ProtoReader, end: number): OtlpScopeMetrics {
  const out: OtlpScopeMetrics = { scope: { name: '', version: '', attributes: newAttributes() }, schemaUrl: '', metrics: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) readScope(r, r.lenEnd(end), out.scope);
    else if (tag === 18) out.metrics.push(readMetric(r, r.lenEnd(end)));
    else if (tag === 26) out.schemaUrl = r.string(end);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return out;
}

function readMetric(r: ProtoReader, end: number): OtlpMetric {
  let name = '';
  let description = '';
  let unit = '';
  let metric: OtlpMetric | null = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        name = r.string(end);
        break;
      case 18:
        description = r.string(end);
        break;
      case 26:
        unit = r.string(end);
        break;
      case 42: // gauge
        metric = { name, description, unit, type: 'gauge', points: readAggregate(r, r.lenEnd(end), readNumberPoint).points };
        break;
      case 58: {
        // sum
        const a = readAggregate(r, r.lenEnd(end), readNumberPoint);
        metric = { name, description, unit, type: 'sum', temporality: a.temporality, monotonic: a.monotonic, points: a.points };
        break;
      }
      case 74: {
        const a = readAggregate(r, r.lenEnd(end), readHistogramPoint);
        metric = { name, description, unit, type: 'histogram', temporality: a.temporality, points: a.points };
        break;
      }
      case 82: {
        const a = readAggregate(r, r.lenEnd(end), readExpHistogramPoint);
        metric = { name, description, unit, type: 'exponential_histogram', temporality: a.temporality, points: a.points };
        break;
      }
      case 90: // summary
        metric = { name, description, unit, type: 'summary', points: readAggregate(r, r.lenEnd(end), readSummaryPoint).points };
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  // name/description/unit may follow the data field on the wire: apply the final values.
  if (metric === null) return { name, description, unit, type: 'empty', points: [] };
  metric.name = name;
  metric.description = description;
  metric.unit = unit;
  return metric;
}

/** Gauge / Sum / Histogram / ExponentialHistogram / Summary: points = 1, temporality = 2, monotonic = 3. */
function readAggregate<P>(r: ProtoReader, end: number, readPoint: (r: ProtoReader, end: number) => P) {
  const points: P[] = [];
  let temporality = 0;
  let monotonic = false;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) points.push(readPoint(r, r.lenEnd(end)));
    else if (tag === 16) temporality = r.uint32() | 0;
    else if (tag === 24) monotonic = r.uint32() !== 0;
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return { points, temporality, monotonic };
}

function sfixed64(r: ProtoReader): number {
  if (r.pos + 8 > r.len) r.fail('truncated fixed64');
  const v = Number(r.view.getBigInt64(r.pos, true));
  r.pos += 8;
  return v;
}

const u64 = (v: number | bigint): number => (typeof v === 'bigint' ? Number(BigInt.asUintN(64, v)) : v < 0 ? Number(BigInt.asUintN(64, BigInt(v))) : v);

function readNumberPoint(r: ProtoReader, end: number): NumberPoint {
  const p: NumberPoint = { attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, value: 0, flags: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 17:
        p.startTimeUnixNano = r.fixed64();
        break;
      case 25:
        p.timeUnixNano = r.fixed64();
        break;
      case 33:
        p.value = r.double();
        break;
      case 49:
        p.value = sfixed64(r);
        break;
      case 58:
        readKeyValue(r, r.lenEnd(end), p.attributes, 0);
        break;
      case 64:
        p.flags = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return p;
}

/** Repeated fixed64 (packed, wire type 2, or one value, wire type 1) appended to `out`. */
function fixed64s(r: ProtoReader, tag: number, end: number, out: number[]): void {
  if ((tag & 7) === 1) {
    out.push(Number(r.fixed64()));
    return;
  }
  const e = r.lenEnd(end);
  if ((e - r.pos) % 8 !== 0) r.fail('packed fixed64 length not a multiple of 8');
  while (r.pos < e) out.push(Number(r.fixed64()));
}

function doubles(r: ProtoReader, tag: number, end: number, out: number[]): void {
  if ((tag & 7) === 1) {
    out.push(r.double());
    return;
  }
  const e = r.lenEnd(end);
  if ((e - r.pos) % 8 !== 0) r.fail('packed double length not a multiple of 8');
  while (r.pos < e) out.push(r.double());
}

function readHistogramPoint(r: ProtoReader, end: number): HistogramPoint {
  const p: HistogramPoint = {
    attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: NaN, min: NaN, max: NaN,
    bucketCounts: [], explicitBounds: [], flags: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 17: p.startTimeUnixNano = r.fixed64(); break;
      case 25: p.timeUnixNano = r.fixed64(); break;
      case 33: p.count = Number(r.fixed64()); break;
      case 41: p.sum = r.double(); break;
      case 49: case 50: fixed64s(r, tag, end, p.bucketCounts); break;
      case 57: case 58: doubles(r, tag, end, p.explicitBounds); break;
      case 74: readKeyValue(r, r.lenEnd(end), p.attributes, 0); break;
      case 80: p.flags = r.uint32(); break;
      case 89: p.min = r.double(); break;
      case 97: p.max = r.double(); break;
      default: r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return p;
}

function readBuckets(r: ProtoReader, end: number): ExpBuckets {
  const b: ExpBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) b.offset = zigzag(r.uint32());
    else if (tag === 16) b.bucketCounts.push(u64(r.int64()));
    else if (tag === 18) {
      const e = r.lenEnd(end);
      while (r.pos < e) b.bucketCounts.push(u64(r.int64()));
      r.expectEnd(e);
    } else r.skip(tag, end);
  }
  r.expectEnd(end);
  return b;
}

const zigzag = (n: number): number => (n >>> 1) ^ -(n & 1);

function readExpHistogramPoint(r: ProtoReader, end: number): ExpHistogramPoint {
  const p: ExpHistogramPoint = {
    attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: NaN, min: NaN, max: NaN,
    scale: 0, zeroCount: 0, zeroThreshold: 0, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] }, flags: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10: readKeyValue(r, r.lenEnd(end), p.attributes, 0); break;
      case 17: p.startTimeUnixNano = r.fixed64(); break;
      case 25: p.timeUnixNano = r.fixed64(); break;
      case 33: p.count = Number(r.fixed64()); break;
      case 41: p.sum = r.double(); break;
      case 48: p.scale = zigzag(r.uint32()); break;
      case 57: p.zeroCount = Number(r.fixed64()); break;
      case 66: p.positive = readBuckets(r, r.lenEnd(end)); break;
      case 74: p.negative = readBuckets(r, r.lenEnd(end)); break;
      case 80: p.flags = r.uint32(); break;
      case 97: p.min = r.double(); break;
      case 105: p.max = r.double(); break;
      case 113: p.zeroThreshold = r.double(); break;
      default: r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return p;
}

function readSummaryPoint(r: ProtoReader, end: number): SummaryPoint {
  const p: SummaryPoint = { attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: 0, quantiles: [], flags: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 17: p.startTimeUnixNano = r.fixed64(); break;
      case 25: p.timeUnixNano = r.fixed64(); break;
      case 33: p.count = Number(r.fixed64()); break;
      case 41: p.sum = r.double(); break;
      case 50: {
        const e = r.lenEnd(end);
        const q = { quantile: 0, value: 0 };
        while (r.pos < e) {
          const t = r.uint32();
          if (t === 9) q.quantile = r.double();
          else if (t === 17) q.value = r.double();
          else r.skip(t, e);
        }
        r.expectEnd(e);
        p.quantiles.push(q);
        break;
      }
      case 58: readKeyValue(r, r.lenEnd(end), p.attributes, 0); break;
      case 64: p.flags = r.uint32(); break;
      default: r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return p;
}
