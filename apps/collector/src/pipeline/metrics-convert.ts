import { attrToString, truncateUtf16, type Attributes, type MetricsRequest, type OtlpMetric } from '@plumb/otlp';
import { normalizeGpuPoint } from '@plumb/semconv';
import { resourceColumns, type MetricPointRow, type TemporalityName } from '@plumb/store';
import { MAX_TIME_NS } from './bounds.ts';

export interface MetricsConvertResult {
  rows: MetricPointRow[];
  received: number;
  rejected: number;
  firstRejection: string;
}

const TEMPORALITY: TemporalityName[] = ['unspecified', 'delta', 'cumulative'];

/**
 * The distribution arrays of a gauge / sum point: one frozen empty array shared by every row
 * (six fresh ones per point were a visible part of the metrics path's garbage). fillValues
 * replaces them, never mutates them; frozen, a mutation would throw.
 */
const NONE = Object.freeze([]) as unknown as number[];

function flatten(attrs: Attributes, max: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in attrs) {
    const v = attrToString(attrs[key]!);
    out[key] = v.length > max ? truncateUtf16(v, max) : v;
  }
  return out;
}

/** Why a point cannot be stored, or null. Times past DateTime64(9) would fail the whole batch. */
function invalidPoint(timeNs: bigint, startNs: bigint): string | null {
  if (timeNs <= 0n) return 'timeUnixNano is missing or zero';
  if (timeNs >= MAX_TIME_NS || startNs >= MAX_TIME_NS) return 'timestamp after 2262-04-11 (out of range)';
  return null;
}

/**
 * Decoded OTLP metrics → stored data points: validate times, flatten attributes, and normalize
 * GPU / inference-server conventions (@plumb/semconv) into the canonical columns. A bad point is
 * rejected alone (partial_success); the rest of the request is kept.
 */
export function convertMetrics(req: MetricsRequest, projectId: string, maxAttributeLength: number): MetricsConvertResult {
  const rows: MetricPointRow[] = [];
  let received = 0;
  let rejected = 0;
  let firstRejection = '';
  for (const rm of req.resourceMetrics) {
    const resourceAttributes = flatten(rm.resource, maxAttributeLength);
    const resource = resourceColumns(resourceAttributes);
    const service = resourceAttributes['service.name'] ?? '';
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.type === 'empty') continue;
        for (const p of m.points) {
          received++;
          const why = invalidPoint(p.timeUnixNano, p.startTimeUnixNano);
          if (why) {
            rejected++;
            if (!firstRejection) firstRejection = `metric ${JSON.stringify(m.name)}: ${why}`;
            continue;
          }
          const attributes = flatten(p.attributes, maxAttributeLength);
          const row = baseRow(projectId, m, p.timeUnixNano, p.startTimeUnixNano, attributes, resourceAttributes, sm.scope.name, service, p.flags);
          row.resourceHash = resource.resourceHash;
          row.host = resource.host;
          row.k8sNamespace = resource.k8sNamespace;
          row.k8sPod = resource.k8sPod;
          fillValues(row, m, p);
          const gpu = normalizeGpuPoint(m.name, m.unit, attributes, row.value);
          if (gpu) {
            row.canonical = gpu.canonical;
            row.canonicalValue = gpu.value;
            row.gpuUuid = gpu.gpuUuid;
            row.gpuIndex = gpu.gpuIndex;
            row.gpuModel = gpu.gpuModel;
            row.modelName = gpu.modelName;
            // The resource says where the exporter runs; a scraped exporter's labels say where the GPU is.
            if (!row.host) row.host = gpu.host;
            if (!row.k8sPod) row.k8sPod = gpu.k8sPod;
            if (!row.k8sNamespace) row.k8sNamespace = gpu.k8sNamespace;
          }
          rows.push(row);
        }
      }
    }
  }
  return { rows, received, rejected, firstRejection };
}

function baseRow(
  projectId: string,
  m: Exclude<OtlpMetric, { type: 'empty' }>,
  timeNs: bigint,
  startTimeNs: bigint,
  attributes: Record<string, string>,
  resourceAttributes: Record<string, string>,
  scopeName: string,
  service: string,
  flags: number,
): MetricPointRow {
  return {
    projectId,
    name: m.name,
    type: m.type,
    unit: m.unit,
    temporality: 'temporality' in m ? (TEMPORALITY[m.temporality] ?? 'unspecified') : 'unspecified',
    monotonic: m.type === 'sum' ? m.monotonic : false,
    timeNs,
    startTimeNs: startTimeNs < MAX_TIME_NS ? startTimeNs : 0n,
    attributes,
    resourceHash: '0',
    resourceAttributes,
    scopeName,
    service,
    host: '',
    k8sNamespace: '',
    k8sPod: '',
    value: NaN,
    count: 0,
    sum: NaN,
    min: NaN,
    max: NaN,
    bounds: NONE,
    bucketCounts: NONE,
    expScale: 0,
    expZeroCount: 0,
    expZeroThreshold: 0,
    expPositiveOffset: 0,
    expPositive: NONE,
    expNegativeOffset: 0,
    expNegative: NONE,
    quantiles: NONE,
    quantileValues: NONE,
    flags,
    canonical: '',
    canonicalValue: NaN,
    gpuUuid: '',
    gpuIndex: '',
    gpuModel: '',
    modelName: '',
  };
}

function fillValues(row: MetricPointRow, m: Exclude<OtlpMetric, { type: 'empty' }>, p: OtlpMetric['points'][number]): void {
  switch (m.type) {
    case 'gauge':
    case 'sum':
      row.value = (p as { value: number }).value;
      return;
    case 'histogram': {
      const h = p as (typeof m.points)[number];
      Object.assign(row, { count: h.count, sum: h.sum, min: h.min, max: h.max, bounds: h.explicitBounds, bucketCounts: h.bucketCounts });
      return;
    }
    case 'exponential_histogram': {
      const h = p as (typeof m.points)[number];
      Object.assign(row, {
        count: h.count, sum: h.sum, min: h.min, max: h.max, expScale: h.scale, expZeroCount: h.zeroCount, expZeroThreshold: h.zeroThreshold,
        expPositiveOffset: h.positive.offset, expPositive: h.positive.bucketCounts, expNegativeOffset: h.negative.offset, expNegative: h.negative.bucketCounts,
      });
      return;
    }
    case 'summary': {
      const s = p as (typeof m.points)[number];
      row.count = s.count;
      row.sum = s.sum;
      row.quantiles = s.quantiles.map((q) => q.quantile);
      row.quantileValues = s.quantiles.map((q) => q.value);
      return;
    }
  }
}
