import { timeRangeParams, type TimeRange } from './time-range.ts';

/**
 * Trace explorer filters as they live in the URL. Every aggregate number in the UI links to
 * `/traces?…` built with explorerHref, so the keys here are a shareable, public-ish contract:
 * service, environment, tenant, requestType (each repeatable: any of the values), model (the
 * requested or served model or one of its versions; `claude*` a plain prefix), agent, status, minDuration (ms), minCost (USD), attr
 * (repeatable `key=value`), q (text in span names), sort, order, cursor.
 *
 * service / environment / tenant / requestType are also the overview's global filters, under the
 * same URL keys: a link from the overview carries them, so the traces behind a number are the
 * set the number was computed over.
 *
 * A filter given empty (`tenant=`) is the empty group: traces without a tenant, the
 * "(no tenant)" row of a breakdown (for model / agent: a model call naming none / outside any
 * agent); the filter value (or list member) is then ''. Absent means no filter.
 */
export interface TraceFilters {
  service?: string[];
  environment?: string[];
  tenant?: string[];
  requestType?: string[];
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

/** Multi-valued filters (repeated URL params); the overview's global filters are these. */
export const LIST_FILTERS = ['service', 'environment', 'tenant', 'requestType'] as const;
export type ListFilterKey = (typeof LIST_FILTERS)[number];
export type GlobalFilters = Pick<TraceFilters, ListFilterKey>;

/** What a link may pass: one value where the filter takes a list. */
export type TraceFilterPatch = Omit<TraceFilters, ListFilterKey> & Partial<Record<ListFilterKey, string | string[]>>;

export const LIST_FILTER_LABELS: Record<ListFilterKey, string> = {
  service: 'Service',
  environment: 'Environment',
  tenant: 'Tenant',
  requestType: 'Request type',
};

/** Sorts the store can page by keyset (see @plumb/store listTraces). */
export const SORT_FIELDS = ['startTime', 'durationMs', 'spanCount', 'costUsd', 'totalTokens', 'errorCount'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

export interface ExplorerState {
  filters: TraceFilters;
  sort: SortField;
  order: SortOrder;
  cursor: string | null;
}

/** Single-value text filters, in the order the filter bar shows them. */
export const TEXT_FILTERS = ['model', 'agent', 'sessionId'] as const;
export type TextFilterKey = (typeof TEXT_FILTERS)[number];

export const FILTER_LABELS: Record<TextFilterKey, string> = {
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

/**
 * Distinct, trimmed values in first-seen order. A value given exactly empty is kept: it is the
 * empty group ('' = "(no tenant)"); whitespace alone is junk.
 */
function cleanList(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v === '' || v.trim() !== '').map((v) => v.trim()))];
}

/** The global filters (service, environment, tenant, request type) of a URL. */
export function parseGlobalFilters(params: ParamReader): GlobalFilters {
  const out: GlobalFilters = {};
  for (const key of LIST_FILTERS) {
    const values = cleanList(params.getAll(key));
    if (values.length) out[key] = values;
  }
  return out;
}

/** The global filters' URL params (repeated keys, stable order). */
export function globalFilterParams(filters: GlobalFilters): [string, string][] {
  return LIST_FILTERS.flatMap((key) => cleanList(filters[key] ?? []).map((v): [string, string] => [key, v]));
}

/** Only the global part of a filter set (what the overview passes on). */
export function globalPart(filters: TraceFilters): GlobalFilters {
  const out: GlobalFilters = {};
  for (const key of LIST_FILTERS) if (filters[key]?.length) out[key] = filters[key];
  return out;
}

/** A patch (single values allowed) → filters; an empty list or value drops the filter. */
export function normalizeFilters(p: TraceFilterPatch): TraceFilters {
  const { service, environment, tenant, requestType, ...rest } = p;
  const out: TraceFilters = { ...rest };
  const lists: Record<ListFilterKey, string | string[] | undefined> = { service, environment, tenant, requestType };
  for (const key of LIST_FILTERS) {
    const v = lists[key];
    const values = v === undefined ? [] : cleanList(typeof v === 'string' ? [v] : v);
    if (values.length) out[key] = values;
  }
  return out;
}

export function parseExplorerState(params: ParamReader): ExplorerState {
  const filters: TraceFilters = { ...parseGlobalFilters(params) };
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
  const out: [string, string][] = globalFilterParams(filters);
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

export function explorerSearch(state: Partial<Omit<ExplorerState, 'filters'>> & { filters?: TraceFilterPatch; range?: TimeRange }): string {
  const params = new URLSearchParams();
  if (state.range) for (const [k, v] of Object.entries(timeRangeParams(state.range))) params.set(k, v);
  for (const [k, v] of filterParams(normalizeFilters(state.filters ?? {}))) params.append(k, v);
  if (state.sort && state.sort !== 'startTime') params.set('sort', state.sort);
  if (state.order && state.order !== 'desc') params.set('order', state.order);
  if (state.cursor) params.set('cursor', state.cursor);
  return params.toString();
}

/** Link into the trace explorer with the given filters (and the current time range). */
export function explorerHref(filters: TraceFilterPatch, range?: TimeRange): string {
  const search = explorerSearch({ filters, range });
  return search ? `/traces?${search}` : '/traces';
}

export function hasActiveFilters(filters: TraceFilters): boolean {
  return filterParams(filters).length > 0;
}
