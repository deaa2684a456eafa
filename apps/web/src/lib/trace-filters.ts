import { timeRangeParams, type TimeRange } from './time-range.ts';

/**
 * Trace explorer filters as they live in the URL. Every aggregate number in the UI links to
 * `/traces?…` built with explorerHref, so the keys here are a shareable, public-ish contract:
 * service, tenant, requestType, model, agent, status, minDuration (ms), minCost (USD),
 * attr (repeatable `key=value`), q (text in span names), sort, order, cursor.
 * A text filter given empty (`tenant=`) is the empty group: traces without a tenant, the
 * "(no tenant)" row of a breakdown (for model / agent: a model call naming none / outside any
 * agent); the filter value is then ''. Absent means no filter.
 */
export interface TraceFilters {
  service?: string;
  tenant?: string;
  requestType?: string;
  model?: string;
  agent?: string;
  sessionId?: string;
  status?: 'ok' | 'error';
  minDurationMs?: number;
  minCostUsd?: number;
  /** Attribute equality filters. */
  attributes?: { key: string; value: string }[];
  /** Substring of any span name in the trace. */
  q?: string;
}

/** Sorts the store can page by keyset (see @plumb/store listTraces). */
export const SORT_FIELDS = ['startTime', 'durationMs', 'spanCount', 'costUsd'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

export interface ExplorerState {
  filters: TraceFilters;
  sort: SortField;
  order: SortOrder;
  cursor: string | null;
}

/** Text filters, in the order the filter bar shows them. */
export const TEXT_FILTERS = ['service', 'tenant', 'requestType', 'model', 'agent', 'sessionId'] as const;
export type TextFilterKey = (typeof TEXT_FILTERS)[number];

export const FILTER_LABELS: Record<TextFilterKey, string> = {
  service: 'Service',
  tenant: 'Tenant',
  requestType: 'Request type',
  model: 'Model',
  agent: 'Agent',
  sessionId: 'Session',
};

interface ParamReader {
  get(name: string): string | null;
  getAll(name: string): string[];
}

function positiveNumber(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `key=value` → {key, value}; the first '=' splits, so values may contain '='. */
export function parseAttributeFilter(text: string): { key: string; value: string } | null {
  const i = text.indexOf('=');
  if (i <= 0) return null;
  const key = text.slice(0, i).trim();
  return key ? { key, value: text.slice(i + 1).trim() } : null;
}

export function parseExplorerState(params: ParamReader): ExplorerState {
  const filters: TraceFilters = {};
  for (const key of TEXT_FILTERS) {
    const raw = params.get(key);
    // Exactly '' (the parameter given empty) is the empty group, except for the session id;
    // whitespace alone is junk.
    const v = raw?.trim();
    if (v) filters[key] = v;
    else if (raw === '' && key !== 'sessionId') filters[key] = '';
  }
  const status = params.get('status');
  if (status === 'ok' || status === 'error') filters.status = status;
  const minDuration = positiveNumber(params.get('minDuration'));
  if (minDuration !== undefined) filters.minDurationMs = minDuration;
  const minCost = positiveNumber(params.get('minCost'));
  if (minCost !== undefined) filters.minCostUsd = minCost;
  const attributes = params.getAll('attr').flatMap((a) => parseAttributeFilter(a) ?? []);
  if (attributes.length > 0) filters.attributes = attributes;
  const q = params.get('q')?.trim();
  if (q) filters.q = q;

  const sortParam = params.get('sort');
  const sort = (SORT_FIELDS as readonly string[]).includes(sortParam ?? '') ? (sortParam as SortField) : 'startTime';
  const order: SortOrder = params.get('order') === 'asc' ? 'asc' : 'desc';
  return { filters, sort, order, cursor: params.get('cursor') || null };
}

/** Filters → URL params (stable key order; '' kept: the empty group). */
export function filterParams(filters: TraceFilters): [string, string][] {
  const out: [string, string][] = [];
  for (const key of TEXT_FILTERS) {
    const v = filters[key];
    if (v || (v === '' && key !== 'sessionId')) out.push([key, v]);
  }
  if (filters.status) out.push(['status', filters.status]);
  if (filters.minDurationMs) out.push(['minDuration', String(filters.minDurationMs)]);
  if (filters.minCostUsd) out.push(['minCost', String(filters.minCostUsd)]);
  for (const a of filters.attributes ?? []) out.push(['attr', `${a.key}=${a.value}`]);
  if (filters.q) out.push(['q', filters.q]);
  return out;
}

export function explorerSearch(state: Partial<ExplorerState> & { range?: TimeRange }): string {
  const params = new URLSearchParams();
  if (state.range) for (const [k, v] of Object.entries(timeRangeParams(state.range))) params.set(k, v);
  for (const [k, v] of filterParams(state.filters ?? {})) params.append(k, v);
  if (state.sort && state.sort !== 'startTime') params.set('sort', state.sort);
  if (state.order && state.order !== 'desc') params.set('order', state.order);
  if (state.cursor) params.set('cursor', state.cursor);
  return params.toString();
}

/** Link into the trace explorer with the given filters (and the current time range). */
export function explorerHref(filters: TraceFilters, range?: TimeRange): string {
  const search = explorerSearch({ filters, range });
  return search ? `/traces?${search}` : '/traces';
}

export function hasActiveFilters(filters: TraceFilters): boolean {
  return filterParams(filters).length > 0;
}
