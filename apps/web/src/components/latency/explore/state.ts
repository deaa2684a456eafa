import type { TimeRange } from '@/lib/time-range';
import { explorerHref, type TraceFilterPatch } from '@/lib/trace-filters';

/** The latency page's dimensions (store LATENCY_DIMENSIONS) with their labels. */
export const DIMENSIONS = [
  { key: 'model', label: 'Model', subject: 'model calls' },
  { key: 'response_model', label: 'Model version', subject: 'model calls' },
  { key: 'provider', label: 'Provider', subject: 'model calls' },
  { key: 'tenant', label: 'Tenant', subject: 'requests' },
  { key: 'request_type', label: 'Request type', subject: 'requests' },
  { key: 'agent', label: 'Agent', subject: 'agent runs' },
  { key: 'service', label: 'Service', subject: 'requests' },
  { key: 'route', label: 'Route', subject: 'requests' },
  { key: 'service_version', label: 'Service version', subject: 'requests' },
  { key: 'environment', label: 'Environment', subject: 'requests' },
] as const;
export type Dimension = (typeof DIMENSIONS)[number]['key'];
export const FILTER_KEYS = [...DIMENSIONS.map((d) => d.key), 'status'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string[]>>;

export const dimensionLabel = (d: string): string => DIMENSIONS.find((x) => x.key === d)?.label ?? (d === 'status' ? 'Status' : d);
export const emptyLabel = (d: string): string => `(no ${dimensionLabel(d).toLowerCase()})`;

/** URL: `by=<dimension>`, `f.<dimension>=<value>` (repeatable), `p=p95`. */
export function parseState(params: URLSearchParams): { by: Dimension | null; filters: Filters; pct: Pct } {
  const by = DIMENSIONS.find((d) => d.key === params.get('by'))?.key ?? null;
  const filters: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.getAll(`f.${k}`);
    if (v.length) filters[k] = v;
  }
  const p = params.get('p');
  return { by, filters, pct: (PCTS as readonly string[]).includes(p ?? '') ? (p as Pct) : 'p95' };
}

export const PCTS = ['p50', 'p90', 'p95', 'p99'] as const;
export type Pct = (typeof PCTS)[number];

export const PALETTE = [
  'var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)',
  'light-dark(#db2777, #f472b6)', 'light-dark(#4d7c0f, #a3e635)', 'light-dark(#475569, #94a3b8)',
];

/**
 * The explorer link for traces behind a number: the page's filters (and a group value) mapped to
 * the explorer's URL keys. Dimensions the explorer cannot filter by (route, provider, model
 * version, service version) are dropped from the link: the inline trace list of a heatmap region
 * keeps every filter.
 */
export function tracesHref(filters: Filters, range: TimeRange, extra: { minDurationMs?: number; status?: 'error' } = {}): string {
  const f: TraceFilterPatch = {};
  const one = (k: FilterKey) => filters[k]?.[0];
  if (filters.tenant) f.tenant = filters.tenant;
  if (filters.request_type) f.requestType = filters.request_type;
  if (filters.service) f.service = filters.service;
  if (filters.environment) f.environment = filters.environment;
  if (one('model') !== undefined) f.model = one('model');
  else if (one('response_model') !== undefined) f.model = one('response_model');
  if (one('agent') !== undefined) f.agent = one('agent');
  if (extra.status ?? (one('status') === 'error' ? 'error' : undefined)) f.status = 'error';
  if (extra.minDurationMs !== undefined) f.minDurationMs = Math.floor(extra.minDurationMs);
  return explorerHref(f, range);
}

/** Filters not expressible in the explorer link (said beside such links). */
export function unlinkedFilters(filters: Filters): string[] {
  return (['route', 'provider', 'service_version'] as const).filter((k) => filters[k]?.length).map(dimensionLabel);
}
