import { createHash } from 'node:crypto';
import { RESOURCE_COLUMNS, serializeResourceRow } from './schema/resources.ts';
import { nanosToDateTime64 } from './schema/spans.ts';
import type { Store } from './store.ts';

/**
 * One stored OTLP data point (table `metric_points`, migrations 0010 and 0022) and its series
 * (table `metric_series`, 0022: attributes, resource hash and scope, once per series). The
 * serializers and column lists below are the only writers of both tables; `series_id` is
 * computed here (metricSeriesId), the same function migration 0022 applies in SQL.
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
  /** metricSeriesId of the row, filled on first use (the series line and the point line share it). */
  seriesId?: string;
}

/**
 * The series a point belongs to: the first 8 bytes (big-endian, as UInt64 decimal text) of SHA-1
 * over name, type, resource hash and the attributes as key/value pairs in the sender's order,
 * NUL-separated. Migration 0022 computes the same for rows stored before it (SHA1, mapKeys /
 * mapValues in insertion order), so a series keeps one id across the upgrade; a re-delivered
 * point gets the same id, hence the same sorting key, hence one row after FINAL.
 */
export function metricSeriesId(r: Pick<MetricPointRow, 'name' | 'type' | 'resourceHash' | 'attributes' | 'seriesId'>): string {
  if (r.seriesId !== undefined) return r.seriesId;
  const e = seriesEntry(r);
  lastRow = r;
  lastEntry = e;
  r.seriesId = e.id;
  return e.id;
}

/** The row metricSeriesId saw last and its entry: the writer asks for the id, then the line. */
let lastRow: object | null = null;
let lastEntry: SeriesEntry | null = null;

/**
 * What the serializer keeps per recently seen series (a trie, below): its id (a SHA-1 per point
 * was ~3 µs, the largest single cost of the metrics path in the bench:metrics profile) and the
 * JSON text of the gauge / sum line up to the first per-point column, with the values it was
 * built from (checked on every use: a row that differs gets its own text). A series repeats every
 * export, so most points only append time, value and flags. Cleared when full.
 */
interface SeriesEntry {
  id: string;
  /**
   * The constant text as UTF-8, copied into the batch as bytes (re-encoding it per point was the
   * largest JS cost); the string form is derived from it where a whole line is wanted.
   */
  head: Buffer;
  of: readonly unknown[] | null;
}
const MAX_CACHED_SERIES = 50_000;
/**
 * Bound on the trie's memory, estimated as ~64 bytes a node plus its key (attribute values can be
 * long, and points with many long-tail attributes make deep paths). Cleared when reached.
 */
const MAX_TRIE_BYTES = 64 * 1024 * 1024;
const nodeBytes = (k: string) => 64 + 2 * k.length;
const EMPTY = Buffer.alloc(0);

/**
 * The cache is a trie over name, type, resource hash, then each attribute key and value in
 * order: every step is a lookup of a string the decoder already interned (its hash cached, most
 * comparisons by identity), where a joined key string had to be built, flattened and hashed per
 * point. A node's first child is held inline, more in a Map (most paths are a single chain).
 */
class TrieNode {
  key: string | null = null;
  next: TrieNode | null = null;
  more: Map<string, TrieNode> | null = null;
  entry: SeriesEntry | null = null;

  child(k: string): TrieNode {
    if (this.key === k) return this.next!;
    if (this.key === null) {
      this.key = k;
      trieBytes += nodeBytes(k);
      return (this.next = new TrieNode());
    }
    this.more ??= new Map();
    let c = this.more.get(k);
    if (c === undefined) {
      c = new TrieNode();
      trieBytes += nodeBytes(k);
      this.more.set(k, c);
    }
    return c;
  }
}
let trie = new TrieNode();
let cachedSeries = 0;
let trieBytes = 0;

/** The series cache's size (tests): series held and the trie's estimated bytes. */
export function metricSeriesCacheSize(): { series: number; bytes: number } {
  return { series: cachedSeries, bytes: trieBytes };
}

function trieLeaf(r: Pick<MetricPointRow, 'name' | 'type' | 'resourceHash' | 'attributes'>): TrieNode {
  let n = trie.child(r.name).child(r.type).child(r.resourceHash);
  for (const k in r.attributes) n = n.child(k).child(r.attributes[k]!);
  return n;
}

function seriesEntry(r: Pick<MetricPointRow, 'name' | 'type' | 'resourceHash' | 'attributes'>): SeriesEntry {
  let n = trieLeaf(r);
  if (n.entry !== null) return n.entry;
  if (cachedSeries >= MAX_CACHED_SERIES || trieBytes >= MAX_TRIE_BYTES) {
    trie = new TrieNode();
    cachedSeries = 0;
    trieBytes = 0;
    n = trieLeaf(r);
  }
  let key = `${r.name}\0${r.type}\0${r.resourceHash}`;
  for (const k in r.attributes) key += `\0${k}\0${r.attributes[k]!}`;
  cachedSeries++;
  return (n.entry = { id: createHash('sha1').update(key).digest().readBigUInt64BE(0).toString(), head: EMPTY, of: null });
}

export const METRIC_POINT_COLUMNS: readonly string[] = [
  'project_id', 'name', 'type', 'unit', 'temporality', 'monotonic', 'time', 'start_time', 'series_id',
  'service', 'host', 'k8s_namespace', 'k8s_pod', 'value', 'count', 'sum', 'min', 'max', 'bounds', 'bucket_counts',
  'exp_scale', 'exp_zero_count', 'exp_zero_threshold', 'exp_positive_offset', 'exp_positive', 'exp_negative_offset', 'exp_negative',
  'quantiles', 'quantile_values', 'flags', 'canonical', 'canonical_value', 'gpu_uuid', 'gpu_index', 'gpu_model', 'model_name',
];

/**
 * The gauge / sum row: the columns that are the same for every point of a series first, the
 * per-point ones (time, start_time, value, flags, canonical_value) last, so the serializer can
 * reuse a series' text up to them. Distribution columns are left out (their defaults).
 */
export const NUMBER_POINT_COLUMNS: readonly string[] = [
  'project_id', 'name', 'type', 'unit', 'temporality', 'monotonic', 'series_id', 'service', 'host', 'k8s_namespace', 'k8s_pod',
  'canonical', 'gpu_uuid', 'gpu_index', 'gpu_model', 'model_name', 'time', 'start_time', 'value', 'flags', 'canonical_value',
];

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
      metricSeriesId(r), r.service, r.host, r.k8sNamespace, r.k8sPod, num(r.value),
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

/** The series-constant values of a gauge / sum line, in NUMBER_POINT_COLUMNS order (after the id). */
const constants = (r: MetricPointRow): unknown[] => [
  r.projectId, r.unit, r.temporality, r.monotonic, r.service, r.host, r.k8sNamespace, r.k8sPod, r.canonical, r.gpuUuid, r.gpuIndex, r.gpuModel, r.modelName,
];

function sameConstants(of: readonly unknown[], r: MetricPointRow): boolean {
  return of[0] === r.projectId && of[1] === r.unit && of[2] === r.temporality && of[3] === r.monotonic && of[4] === r.service && of[5] === r.host &&
    of[6] === r.k8sNamespace && of[7] === r.k8sPod && of[8] === r.canonical && of[9] === r.gpuUuid && of[10] === r.gpuIndex && of[11] === r.gpuModel &&
    of[12] === r.modelName;
}

/** The series entry of a gauge / sum row, its constant text (re)built when the row's constants differ. */
function numberEntry(r: MetricPointRow): SeriesEntry {
  const e = r === lastRow && lastEntry !== null ? lastEntry : seriesEntry(r);
  r.seriesId = e.id;
  if (e.of === null || !sameConstants(e.of, r)) {
    e.of = constants(r);
    e.head = Buffer.from(`N[${jsonString(r.projectId)},${jsonString(r.name)},"${r.type}",${jsonString(r.unit)},"${r.temporality}",${r.monotonic},"${e.id}",` +
      `${jsonString(r.service)},${jsonString(r.host)},${jsonString(r.k8sNamespace)},${jsonString(r.k8sPod)},${jsonString(r.canonical)},` +
      `${jsonString(r.gpuUuid)},${jsonString(r.gpuIndex)},${jsonString(r.gpuModel)},${jsonString(r.modelName)},`);
  }
  return e;
}

/**
 * Time text of the last time seen, per column: the points of one export share their time (and
 * usually their start time), so most points format neither.
 */
function timeMemo(): (ns: bigint) => string {
  let lastNs = -1n;
  let lastText = '';
  return (ns) => (ns === lastNs ? lastText : ((lastNs = ns), (lastText = nanosToDateTime64(ns))));
}
const timeText = timeMemo();
const startText = timeMemo();

/** The per-point end of a gauge / sum line (pure ASCII: times, numbers). */
const numberTail = (r: MetricPointRow): string =>
  `"${timeText(r.timeNs)}","${startText(r.startTimeNs)}",${jsonNum(r.value)},${r.flags >>> 0},${jsonNum(r.canonicalValue)}]\n`;

/**
 * The gauge / sum line, written by hand: the same bytes as JSON.stringify of the row array
 * (metric-points.test.ts checks it), the series-constant part taken from the series cache.
 */
function serializeNumberPoint(r: MetricPointRow): string {
  return numberEntry(r).head.toString('utf8') + numberTail(r);
}

/**
 * Where the collector's writer puts a batch's lines: a whole line, or one given as UTF-8 bytes
 * followed by ASCII text (apps/collector pipeline/lines.ts).
 */
export interface LineOut {
  push(line: string): number;
  pushHead(head: Uint8Array, asciiTail: string): number;
}

/**
 * Appends serializeMetricPoint(r) to `out` (the same bytes): a gauge / sum point as its series'
 * cached UTF-8 head plus its per-point tail, so the long constant part is never encoded again.
 */
export function writeMetricPoint(r: MetricPointRow, out: LineOut): number {
  if (r.type !== 'gauge' && r.type !== 'sum') return out.push(serializeMetricPoint(r));
  return out.pushHead(numberEntry(r).head, numberTail(r));
}

/** The reference the fast path must equal (tests). */
export function serializeNumberPointReference(r: MetricPointRow): string {
  return (
    'N' +
    JSON.stringify([
      r.projectId, r.name, r.type, r.unit, r.temporality, r.monotonic, metricSeriesId(r), r.service, r.host, r.k8sNamespace, r.k8sPod,
      r.canonical, r.gpuUuid, r.gpuIndex, r.gpuModel, r.modelName, nanosToDateTime64(r.timeNs), nanosToDateTime64(r.startTimeNs),
      num(r.value), r.flags >>> 0, num(r.canonicalValue),
    ]) +
    '\n'
  );
}

/** "metric <name> at <time>" of a serialized line (N or D), for the log line of a dropped row. */
export function describeMetricLine(line: string): string {
  try {
    const v = JSON.parse(line.slice(1)) as unknown[];
    return `metric ${JSON.stringify(v[1])} at ${String(line[0] === 'N' ? v[NUMBER_POINT_COLUMNS.indexOf('time')] : v[METRIC_POINT_COLUMNS.indexOf('time')])}`;
  } catch {
    return 'metric ?';
  }
}

const N = 'N'.charCodeAt(0);

/** Splits a batch of serialized lines (serializeMetricPoint) into the number rows and the distribution rows, prefixes dropped. */
export function splitMetricBatch(body: Buffer): { numbers: Buffer; distributions: Buffer } {
  const { matching, other } = splitByFirstByte(body, N);
  return { numbers: matching, distributions: other };
}

export const METRIC_SERIES_COLUMNS: readonly string[] = ['project_id', 'series_id', 'name', 'type', 'resource_hash', 'scope_name', 'attributes'];

/**
 * What a point's series adds to a batch the first time the writer sees that series: `R` + its
 * resource's `span_resources` line and `S` + its `metric_series` line (split again by
 * insertMetricBatch). A resource shared by many series is written once per series: a few
 * hundred small rows per batch at most, collapsed by the table.
 */
export function serializeMetricSeries(r: MetricPointRow): string {
  return (
    'R' + serializeResourceRow(r.projectId, r.resourceHash, r.resourceAttributes) +
    'S' + JSON.stringify([r.projectId, metricSeriesId(r), r.name, r.type, r.resourceHash, r.scopeName, r.attributes]) + '\n'
  );
}

/** Lines of `body` by their first byte (`first`), prefix dropped, and the rest as they are. */
function splitByFirstByte(body: Buffer, first: number): { matching: Buffer; other: Buffer } {
  const matching: Buffer[] = [];
  const other: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(10, start);
    end = end < 0 ? body.length : end + 1;
    (body[start] === first ? matching : other).push(body.subarray(start + 1, end));
    start = end;
  }
  return { matching: Buffer.concat(matching), other: Buffer.concat(other) };
}

/**
 * Inserts one batch of serialized metric points, the resources and series first seen in it
 * first (serializeMetricSeries). Re-inserting after a failure is harmless: every table collapses
 * re-written rows (ReplacingMergeTree on the row's identity).
 */
export async function insertMetricBatch(store: Store, points: Buffer, series: Buffer | null): Promise<void> {
  if (series && series.length > 0) {
    const { matching: resources, other: seriesRows } = splitByFirstByte(series, 'R'.charCodeAt(0));
    if (resources.length > 0) await store.insertRaw('span_resources', RESOURCE_COLUMNS, resources);
    if (seriesRows.length > 0) await store.insertRaw('metric_series', METRIC_SERIES_COLUMNS, seriesRows);
  }
  if (points.length === 0) return;
  const { numbers, distributions } = splitMetricBatch(points);
  if (numbers.length > 0) await store.insertRaw('metric_points', NUMBER_POINT_COLUMNS, numbers);
  if (distributions.length > 0) await store.insertRaw('metric_points', METRIC_POINT_COLUMNS, distributions);
}
