import { RESOURCE_COLUMNS } from './schema/resources.ts';
import { nanosToDateTime64 } from './schema/spans.ts';
import type { Store } from './store.ts';

/**
 * One stored OTLP data point (table `metric_points`, migration 0010). The serializer and the
 * column list below are the only writers of that table; `series_id` is left to the engine
 * (DEFAULT sipHash64 of name, type, resource hash and attributes).
 */
export type MetricTypeName = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
export type TemporalityName = 'unspecified' | 'delta' | 'cumulative';

export interface MetricPointRow {
  projectId: string;
  name: string;
  type: MetricTypeName;
  unit: string;
  temporality: TemporalityName;
  monotonic: boolean;
  timeNs: bigint;
  startTimeNs: bigint;
  attributes: Record<string, string>;
  resourceHash: string;
  /** The resource map, written once per hash to `span_resources`. */
  resourceAttributes: Record<string, string>;
  scopeName: string;
  service: string;
  host: string;
  k8sNamespace: string;
  k8sPod: string;
  /** gauge/sum value; NaN = absent (stored NULL). */
  value: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  bounds: number[];
  bucketCounts: number[];
  expScale: number;
  expZeroCount: number;
  expZeroThreshold: number;
  expPositiveOffset: number;
  expPositive: number[];
  expNegativeOffset: number;
  expNegative: number[];
  quantiles: number[];
  quantileValues: number[];
  flags: number;
  /** Normalized meaning ('' when the metric is not one the conventions map) and its value. */
  canonical: string;
  canonicalValue: number;
  gpuUuid: string;
  gpuIndex: string;
  gpuModel: string;
  modelName: string;
}

export const METRIC_POINT_COLUMNS: readonly string[] = [
  'project_id', 'name', 'type', 'unit', 'temporality', 'monotonic', 'time', 'start_time', 'attributes', 'resource_hash',
  'scope_name', 'service', 'host', 'k8s_namespace', 'k8s_pod', 'value', 'count', 'sum', 'min', 'max', 'bounds', 'bucket_counts',
  'exp_scale', 'exp_zero_count', 'exp_zero_threshold', 'exp_positive_offset', 'exp_positive', 'exp_negative_offset', 'exp_negative',
  'quantiles', 'quantile_values', 'flags', 'canonical', 'canonical_value', 'gpu_uuid', 'gpu_index', 'gpu_model', 'model_name',
];

/** Distribution columns: a gauge or sum point leaves them out (their defaults), a narrower row to parse. */
const DISTRIBUTION_COLUMNS = new Set([
  'count', 'sum', 'min', 'max', 'bounds', 'bucket_counts', 'exp_scale', 'exp_zero_count', 'exp_zero_threshold', 'exp_positive_offset',
  'exp_positive', 'exp_negative_offset', 'exp_negative', 'quantiles', 'quantile_values',
]);
export const NUMBER_POINT_COLUMNS: readonly string[] = METRIC_POINT_COLUMNS.filter((c) => !DISTRIBUTION_COLUMNS.has(c));

/** Finite numbers as themselves; NaN and ±Infinity as null (JSON has no NaN; the column is Nullable). */
const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
/** Arrays of finite doubles: an infinite bound (+Inf) is implicit in OTLP, never sent; clamp any other. */
const finite = (a: number[]): number[] => (a.every(Number.isFinite) ? a : a.map((v) => (Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE)));
const counts = (a: number[]): number[] => (a.every((v) => Number.isSafeInteger(v) && v >= 0) ? a : a.map((v) => (Number.isFinite(v) && v > 0 ? Math.floor(v) : 0)));

/**
 * One line of a metric batch: `N` + a JSONCompactEachRow row in NUMBER_POINT_COLUMNS order for a
 * gauge or sum point, `D` + a row in METRIC_POINT_COLUMNS order for a distribution (histogram,
 * exponential histogram, summary). insertMetricBatch splits a batch by that first byte into one
 * insert per shape: most points are gauges, and the engine parses the narrow row ~1.4× faster.
 */
export function serializeMetricPoint(r: MetricPointRow): string {
  if (r.type === 'gauge' || r.type === 'sum') return serializeNumberPoint(r);
  return (
    'D' +
    JSON.stringify([
      r.projectId, r.name, r.type, r.unit, r.temporality, r.monotonic, nanosToDateTime64(r.timeNs), nanosToDateTime64(r.startTimeNs),
      r.attributes, r.resourceHash, r.scopeName, r.service, r.host, r.k8sNamespace, r.k8sPod, num(r.value),
      Number.isSafeInteger(r.count) && r.count >= 0 ? r.count : 0, num(r.sum), num(r.min), num(r.max),
      finite(r.bounds), counts(r.bucketCounts), r.expScale | 0, Math.max(0, Math.floor(r.expZeroCount) || 0), num(r.expZeroThreshold) ?? 0,
      r.expPositiveOffset | 0, counts(r.expPositive), r.expNegativeOffset | 0, counts(r.expNegative), finite(r.quantiles), finite(r.quantileValues),
      r.flags >>> 0, r.canonical, num(r.canonicalValue), r.gpuUuid, r.gpuIndex, r.gpuModel, r.modelName,
    ]) +
    '\n'
  );
}

/**
 * JSON text of a string, as JSON.stringify writes it: quoted as is when nothing in it needs an
 * escape (the common case: names, labels, hosts), else JSON.stringify's own escaping (control
 * characters, quotes, backslashes, lone surrogates — any surrogate takes that path).
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
export const jsonString = (v: string): string => (NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`);
const jsonNum = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

function jsonMap(m: Record<string, string>): string {
  let out = '{';
  for (const k in m) out += `${out.length > 1 ? ',' : ''}${jsonString(k)}:${jsonString(m[k]!)}`;
  return `${out}}`;
}

/**
 * The gauge / sum line, written field by field: the same bytes as JSON.stringify of the row
 * array (metric-points.test.ts checks it) at about twice the speed — serialization was the
 * largest cost per point on the metrics ingest path (bench:metrics).
 */
function serializeNumberPoint(r: MetricPointRow): string {
  return `N[${jsonString(r.projectId)},${jsonString(r.name)},"${r.type}",${jsonString(r.unit)},"${r.temporality}",${r.monotonic},` +
    `"${nanosToDateTime64(r.timeNs)}","${nanosToDateTime64(r.startTimeNs)}",${jsonMap(r.attributes)},${jsonString(r.resourceHash)},` +
    `${jsonString(r.scopeName)},${jsonString(r.service)},${jsonString(r.host)},${jsonString(r.k8sNamespace)},${jsonString(r.k8sPod)},` +
    `${jsonNum(r.value)},${r.flags >>> 0},${jsonString(r.canonical)},${jsonNum(r.canonicalValue)},${jsonString(r.gpuUuid)},` +
    `${jsonString(r.gpuIndex)},${jsonString(r.gpuModel)},${jsonString(r.modelName)}]\n`;
}

/** The reference the fast path must equal (tests). */
export function serializeNumberPointReference(r: MetricPointRow): string {
  return (
    'N' +
    JSON.stringify([
      r.projectId, r.name, r.type, r.unit, r.temporality, r.monotonic, nanosToDateTime64(r.timeNs), nanosToDateTime64(r.startTimeNs),
      r.attributes, r.resourceHash, r.scopeName, r.service, r.host, r.k8sNamespace, r.k8sPod, num(r.value),
      r.flags >>> 0, r.canonical, num(r.canonicalValue), r.gpuUuid, r.gpuIndex, r.gpuModel, r.modelName,
    ]) +
    '\n'
  );
}

const N = 'N'.charCodeAt(0);

/** Splits a batch of serialized lines (serializeMetricPoint) into the number rows and the distribution rows, prefixes dropped. */
export function splitMetricBatch(body: Buffer): { numbers: Buffer; distributions: Buffer } {
  const numbers: Buffer[] = [];
  const distributions: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(10, start);
    end = end < 0 ? body.length : end + 1;
    (body[start] === N ? numbers : distributions).push(body.subarray(start + 1, end));
    start = end;
  }
  return { numbers: Buffer.concat(numbers), distributions: Buffer.concat(distributions) };
}

/**
 * Inserts one batch of serialized metric points, their new resources first (same table and hash
 * as span resources). Re-inserting after a failure is harmless: both tables collapse re-written
 * rows (ReplacingMergeTree on the point's identity).
 */
export async function insertMetricBatch(store: Store, points: Buffer, resources: Buffer | null): Promise<void> {
  if (resources && resources.length > 0) await store.insertRaw('span_resources', RESOURCE_COLUMNS, resources);
  if (points.length === 0) return;
  const { numbers, distributions } = splitMetricBatch(points);
  if (numbers.length > 0) await store.insertRaw('metric_points', NUMBER_POINT_COLUMNS, numbers);
  if (distributions.length > 0) await store.insertRaw('metric_points', METRIC_POINT_COLUMNS, distributions);
}
