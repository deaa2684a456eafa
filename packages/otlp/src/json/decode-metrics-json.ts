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
import {
  asArray,
  asDouble,
  asEnum,
  asInt64,
  asNanos,
  asObject,
  asString,
  each,
  enter,
  fail,
  field,
  leave,
  parseRoot,
  readAttributes,
  readResource,
  readScope,
  type JsonObject,
} from './values.ts';

const TEMPORALITY_NAMES: Record<string, number> = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 };

/**
 * Decodes an OTLP/HTTP JSON metrics export body (lowerCamelCase names; snake_case accepted),
 * with the scalar rules of the trace decoder (values.ts).
 * @throws OtlpDecodeError naming the field's path, e.g.
 *   `resourceMetrics[0].scopeMetrics[0].metrics[2].gauge.dataPoints[1].asDouble: expected number`.
 */
export function decodeMetricsRequestJson(body: string | Uint8Array): MetricsRequest {
  const resourceMetrics = each(field(parseRoot(body), 'resourceMetrics', 'resource_metrics'), 'resourceMetrics', readResourceMetrics);
  return { resourceMetrics };
}

function readResourceMetrics(o: JsonObject): OtlpResourceMetrics {
  const out: OtlpResourceMetrics = { resource: newAttributes(), schemaUrl: asString(field(o, 'schemaUrl', 'schema_url'), 'schemaUrl'), scopeMetrics: [] };
  readResource(o, out.resource);
  out.scopeMetrics = each(field(o, 'scopeMetrics', 'scope_metrics'), 'scopeMetrics', readScopeMetrics);
  return out;
}

function readScopeMetrics(o: JsonObject): OtlpScopeMetrics {
  const out: OtlpScopeMetrics = {
    scope: readScope(o),
    schemaUrl: asString(field(o, 'schemaUrl', 'schema_url'), 'schemaUrl'),
    metrics: [],
  };
  out.metrics = each(o.metrics, 'metrics', readMetric);
  return out;
}

function readMetric(o: JsonObject): OtlpMetric {
  const name = asString(o.name, 'name');
  const description = asString(o.description, 'description');
  const unit = asString(o.unit, 'unit');
  const base = { name, description, unit };
  let x: JsonObject | undefined;
  if ((x = asObject(o.gauge, 'gauge'))) return { ...base, type: 'gauge', points: inside('gauge', () => points(x!, readNumberPoint)) };
  if ((x = asObject(o.sum, 'sum'))) {
    const s = x;
    return inside('sum', () => ({
      ...base,
      type: 'sum' as const,
      temporality: temporality(s),
      monotonic: bool(field(s, 'isMonotonic', 'is_monotonic'), 'isMonotonic'),
      points: points(s, readNumberPoint),
    }));
  }
  if ((x = asObject(o.histogram, 'histogram'))) {
    const h = x;
    return inside('histogram', () => ({ ...base, type: 'histogram' as const, temporality: temporality(h), points: points(h, readHistogramPoint) }));
  }
  if ((x = asObject(field(o, 'exponentialHistogram', 'exponential_histogram'), 'exponentialHistogram'))) {
    const h = x;
    return inside('exponentialHistogram', () => ({
      ...base,
      type: 'exponential_histogram' as const,
      temporality: temporality(h),
      points: points(h, readExpHistogramPoint),
    }));
  }
  if ((x = asObject(o.summary, 'summary'))) return { ...base, type: 'summary', points: inside('summary', () => points(x!, readSummaryPoint)) };
  return { ...base, type: 'empty', points: [] };
}

function inside<T>(seg: string, f: () => T): T {
  enter(seg);
  const v = f();
  leave();
  return v;
}

const points = <P>(o: JsonObject, read: (o: JsonObject) => P): P[] => each(field(o, 'dataPoints', 'data_points'), 'dataPoints', read);
const temporality = (o: JsonObject) => asEnum(field(o, 'aggregationTemporality', 'aggregation_temporality'), 'aggregationTemporality', 'AGGREGATION_TEMPORALITY_', TEMPORALITY_NAMES);

function bool(v: unknown, leaf: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail(leaf, 'expected boolean');
  return v;
}

/** uint64 / fixed64 counts as a number (decimal string or JSON number). */
function count(v: unknown, leaf: string): number {
  return Number(asNanos(v, leaf));
}

const optDouble = (v: unknown, leaf: string): number => (v === undefined || v === null ? NaN : asDouble(v, leaf));
const uint = (v: unknown, leaf: string): number => (v === undefined || v === null ? 0 : Number(asInt64(v, leaf)));

function common(o: JsonObject) {
  const attributes = newAttributes();
  readAttributes(o.attributes, 'attributes', attributes);
  return {
    attributes,
    startTimeUnixNano: asNanos(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
    timeUnixNano: asNanos(field(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    flags: uint(o.flags, 'flags'),
  };
}

function readNumberPoint(o: JsonObject): NumberPoint {
  const asD = field(o, 'asDouble', 'as_double');
  const asI = field(o, 'asInt', 'as_int');
  const value = asD !== undefined ? asDouble(asD, 'asDouble') : asI !== undefined ? Number(asInt64(asI, 'asInt')) : 0;
  return { ...common(o), value };
}

function counts(v: unknown, leaf: string): number[] {
  const list = asArray(v, leaf);
  enter(leaf);
  const out = list.map((c, i) => count(c, String(i)));
  leave();
  return out;
}

function readHistogramPoint(o: JsonObject): HistogramPoint {
  const bounds = asArray(field(o, 'explicitBounds', 'explicit_bounds'), 'explicitBounds');
  enter('explicitBounds');
  const explicitBounds = bounds.map((b, i) => asDouble(b, String(i)));
  leave();
  const bucketCounts = counts(field(o, 'bucketCounts', 'bucket_counts'), 'bucketCounts');
  return {
    ...common(o),
    count: count(o.count, 'count'),
    sum: optDouble(o.sum, 'sum'),
    min: optDouble(o.min, 'min'),
    max: optDouble(o.max, 'max'),
    bucketCounts,
    explicitBounds,
  };
}

function readBuckets(v: unknown, leaf: string): ExpBuckets {
  const o = asObject(v, leaf);
  if (o === undefined) return { offset: 0, bucketCounts: [] };
  return inside(leaf, () => ({ offset: uint(o.offset, 'offset'), bucketCounts: counts(field(o, 'bucketCounts', 'bucket_counts'), 'bucketCounts') }));
}

function readExpHistogramPoint(o: JsonObject): ExpHistogramPoint {
  return {
    ...common(o),
    count: count(o.count, 'count'),
    sum: optDouble(o.sum, 'sum'),
    min: optDouble(o.min, 'min'),
    max: optDouble(o.max, 'max'),
    scale: uint(o.scale, 'scale'),
    zeroCount: count(field(o, 'zeroCount', 'zero_count'), 'zeroCount'),
    zeroThreshold: optDouble(field(o, 'zeroThreshold', 'zero_threshold'), 'zeroThreshold') || 0,
    positive: readBuckets(o.positive, 'positive'),
    negative: readBuckets(o.negative, 'negative'),
  };
}

function readSummaryPoint(o: JsonObject): SummaryPoint {
  const quantiles = each(field(o, 'quantileValues', 'quantile_values'), 'quantileValues', (q) => ({
    quantile: optDouble(q.quantile, 'quantile') || 0,
    value: optDouble(q.value, 'value') || 0,
  }));
  return { ...common(o), count: count(o.count, 'count'), sum: optDouble(o.sum, 'sum') || 0, quantiles };
}
