import type { PromFamily, PromSample } from './prom-text.ts';

/**
 * Parsed Prometheus families → an OTLP/JSON ExportMetricsServiceRequest body, so a scrape takes
 * exactly the path of a pushed export (decode, convert, GPU normalization, WAL, writer), with
 * its durability and dedupe. Mapping (as the OpenTelemetry Collector's Prometheus receiver does):
 * gauge and untyped → gauge; counter → cumulative monotonic sum; histogram → cumulative
 * histogram (`le` buckets de-accumulated, `+Inf` implicit); summary → summary. A sample without
 * a timestamp takes the scrape time; cumulative points start at `startNs` (when this scraper
 * first ran), so a re-scrape of an unchanged target collapses into the stored point only when the
 * exporter stamps its samples.
 */
export interface ScrapeResource {
  /** Resource attributes of the target (service.name = job, the target URL). */
  attributes: Record<string, string>;
}

type JsonAttr = { key: string; value: { stringValue: string } };
const attrs = (o: Record<string, string>): JsonAttr[] => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));

/** JSON has no NaN / Inf: the OTLP JSON mapping writes them as strings. */
const dbl = (v: number): number | string => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

function without(labels: Record<string, string>, drop: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (k !== drop) out[k] = v;
  return out;
}

/** Groups samples by their labels minus `drop` (`le`, `quantile`), in first-seen order. */
function bySeries(samples: PromSample[], drop: string): Map<string, { labels: Record<string, string>; samples: PromSample[] }> {
  const out = new Map<string, { labels: Record<string, string>; samples: PromSample[] }>();
  for (const s of samples) {
    const labels = without(s.labels, drop);
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let g = out.get(key);
    if (!g) out.set(key, (g = { labels, samples: [] }));
    g.samples.push(s);
  }
  return out;
}

const nanos = (s: PromSample | undefined, scrapeNs: bigint): string => (s && s.timestampMs !== null ? String(BigInt(s.timestampMs) * 1_000_000n) : String(scrapeNs));

export function familiesToOtlpJson(families: PromFamily[], resource: ScrapeResource, scrapeNs: bigint, startNs: bigint): string {
  const metrics: unknown[] = [];
  const start = String(startNs);
  for (const f of families) {
    if (f.type === 'gauge' || f.type === 'untyped' || f.type === 'counter') {
      const dataPoints = f.samples.map((s) => ({
        attributes: attrs(s.labels),
        timeUnixNano: nanos(s, scrapeNs),
        ...(f.type === 'counter' ? { startTimeUnixNano: start } : {}),
        asDouble: dbl(s.value),
      }));
      metrics.push(
        f.type === 'counter'
          ? { name: f.name, description: f.help, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints } }
          : { name: f.name, description: f.help, gauge: { dataPoints } },
      );
    } else if (f.type === 'histogram') {
      const dataPoints = [];
      for (const { labels, samples } of bySeries(f.samples, 'le').values()) {
        const buckets = samples
          .filter((s) => s.name === `${f.name}_bucket` && s.labels.le !== undefined)
          .map((s) => ({ le: Number(s.labels.le === '+Inf' ? Infinity : s.labels.le), v: s.value }))
          .sort((a, b) => a.le - b.le);
        const sum = samples.find((s) => s.name === `${f.name}_sum`);
        const count = samples.find((s) => s.name === `${f.name}_count`);
        const inf = buckets.find((b) => b.le === Infinity)?.v;
        const total = count?.value ?? inf ?? buckets.at(-1)?.v ?? 0;
        const finite = buckets.filter((b) => Number.isFinite(b.le));
        const bucketCounts: string[] = [];
        let prev = 0;
        for (const b of finite) {
          bucketCounts.push(String(Math.max(0, Math.round(b.v - prev))));
          prev = b.v;
        }
        bucketCounts.push(String(Math.max(0, Math.round(total - prev))));
        dataPoints.push({
          attributes: attrs(labels),
          startTimeUnixNano: start,
          timeUnixNano: nanos(count ?? sum ?? samples[0], scrapeNs),
          count: String(Math.max(0, Math.round(total))),
          ...(sum ? { sum: dbl(sum.value) } : {}),
          explicitBounds: finite.map((b) => b.le),
          bucketCounts,
        });
      }
      metrics.push({ name: f.name, description: f.help, histogram: { aggregationTemporality: 2, dataPoints } });
    } else {
      const dataPoints = [];
      for (const { labels, samples } of bySeries(f.samples, 'quantile').values()) {
        const sum = samples.find((s) => s.name === `${f.name}_sum`);
        const count = samples.find((s) => s.name === `${f.name}_count`);
        const quantileValues = samples
          .filter((s) => s.name === f.name && s.labels.quantile !== undefined)
          .map((s) => ({ quantile: Number(s.labels.quantile), value: dbl(s.value) }));
        dataPoints.push({
          attributes: attrs(labels),
          startTimeUnixNano: start,
          timeUnixNano: nanos(count ?? sum ?? samples[0], scrapeNs),
          count: String(Math.max(0, Math.round(count?.value ?? 0))),
          sum: dbl(sum?.value ?? 0),
          quantileValues,
        });
      }
      metrics.push({ name: f.name, description: f.help, summary: { dataPoints } });
    }
  }
  return JSON.stringify({
    resourceMetrics: [{ resource: { attributes: attrs(resource.attributes) }, scopeMetrics: [{ scope: { name: 'plumb.scrape' }, metrics }] }],
  });
}
