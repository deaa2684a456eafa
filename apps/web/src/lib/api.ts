'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { SessionListInput, TraceListInput, TraceSummaryInput } from '@/server/schemas';
import { overviewInput } from './overview-input.ts';
import type { ExplorerState, GlobalFilters, TraceFilters } from './trace-filters.ts';
import { useTRPC } from './trpc.tsx';
import { unpackTrace, type TraceViewWire } from './trace-wire.ts';
import type { Packed } from './packed.ts';
import { overviewView, sessionListView, sessionView, spanDetailView, traceListView, traceSummaryView, traceView } from './view.ts';

/** Stable (module-level), so TanStack Query runs it once per fetched trace, not per render. */
const traceViewFromWire = (p: Packed<TraceViewWire>) => traceView(unpackTrace(p));

/**
 * Data hooks, one per view: the procedure's `queryOptions` (key, fetcher and output type inferred
 * from the router) plus the view conversion of view.ts as `select`. `placeholderData:
 * keepPreviousData` keeps the old numbers on screen while a new window loads, so auto-refresh
 * never flashes skeletons. Results are typed end to end: data is the view type, and error is
 * the router's TRPCClientError (error.data.code: NOT_FOUND, BAD_REQUEST…).
 */

export interface Window {
  fromMs: number;
  toMs: number;
}

/** The whole overview page (KPIs, series, four top tables) in one call, under the global filters. */
export function useOverview(w: Window, filters: GlobalFilters = {}) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.overview.get.queryOptions(overviewInput(w, filters)), select: overviewView, placeholderData: keepPreviousData });
}


/** Distinct tenants, models, agents… in the window, for the filter fields' suggestions. */
export function useFilterOptions(w: Window, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.filters.options.queryOptions({ from: w.fromMs, to: w.toMs }), enabled, placeholderData: keepPreviousData });
}

export function useTraceList(state: ExplorerState, w: Window, limit = 50) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.traces.list.queryOptions(traceListInput(state, w, limit)), select: traceListView, placeholderData: keepPreviousData });
}

/** Count, failures, p50/p95, cost and tokens of everything the explorer's filter selects. */
export function useTraceSummary(filters: TraceFilters, w: Window) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.traces.summary.queryOptions(traceSummaryInput(filters, w)), select: traceSummaryView, placeholderData: keepPreviousData });
}

/** Explorer filters → the summary query (the list's query without paging). */
export function traceSummaryInput(f: TraceFilters, w: Window): TraceSummaryInput {
  const filter: NonNullable<TraceSummaryInput['filter']> = {};
  if (f.service?.length) filter.service = f.service;
  if (f.environment?.length) filter.environment = f.environment;
  if (f.tenant?.length) filter.tenant = f.tenant;
  if (f.requestType?.length) filter.request_type = f.requestType;
  // '' is the empty group (filter[tenant]= in REST terms: "(no tenant)"), undefined no filter.
  if (f.model !== undefined) filter.model = [f.model];
  if (f.agent !== undefined) filter.agent = [f.agent];
  if (f.sessionId) filter.session = f.sessionId;
  if (f.status) filter.status = f.status;
  const input: TraceSummaryInput = { from: w.fromMs, to: w.toMs };
  if (Object.keys(filter).length) input.filter = filter;
  if (f.minDurationMs) input.minDurationMs = f.minDurationMs;
  if (f.minCostUsd) input.minCostUsd = f.minCostUsd;
  if (f.attributes?.length) input.attr = Object.fromEntries(f.attributes.map((a) => [a.key, a.value]));
  if (f.q) input.q = f.q;
  return input;
}

/** Explorer state → the trace-list query (the same object REST builds from its URL). */
export function traceListInput(state: ExplorerState, w: Window, limit: number): TraceListInput {
  const input: TraceListInput = { ...traceSummaryInput(state.filters, w), sort: state.sort, order: state.order, limit };
  if (state.cursor) input.cursor = state.cursor;
  return input;
}

/** One trace with every analysis; the error is NOT_FOUND when the trace is unknown. */
export function useTrace(traceId: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.traceView.get.queryOptions({ traceId }), select: traceViewFromWire, staleTime: 60_000 });
}

export function useSession(sessionId: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.sessions.get.queryOptions({ sessionId }), select: sessionView });
}

/** Attributes, events and texts of one span; null when the span is unknown. */
export function useSpanDetail(traceId: string, spanId: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.spans.detail.queryOptions({ traceId, spanId }), select: spanDetailView, staleTime: 60_000 });
}

/** A page of the sessions list (sessions with activity in the window). */
export function useSessionList(input: SessionListInput) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.sessions.list.queryOptions(input), select: sessionListView, placeholderData: keepPreviousData });
}
