'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TraceListInput } from '@/server/schemas';
import type { ExplorerState } from './trace-filters.ts';
import { useTRPC } from './trpc.tsx';
import { unpackTrace, type TraceViewWire } from './trace-wire.ts';
import type { Packed } from './packed.ts';
import { overviewView, sessionView, spanDetailView, traceListView, traceView } from './view.ts';

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

/** The whole overview page (KPIs, series, four top tables) in one call. */
export function useOverview(w: Window) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.overview.get.queryOptions({ from: w.fromMs, to: w.toMs }), select: overviewView, placeholderData: keepPreviousData });
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

/** Explorer state → the trace-list query (the same object REST builds from its URL). */
export function traceListInput(state: ExplorerState, w: Window, limit: number): TraceListInput {
  const f = state.filters;
  const filter: NonNullable<TraceListInput['filter']> = {};
  if (f.service) filter.service = [f.service];
  if (f.tenant) filter.tenant = [f.tenant];
  if (f.requestType) filter.request_type = [f.requestType];
  if (f.model) filter.model = [f.model];
  if (f.agent) filter.agent = [f.agent];
  if (f.sessionId) filter.session = f.sessionId;
  if (f.status) filter.status = f.status;
  const input: TraceListInput = { from: w.fromMs, to: w.toMs, sort: state.sort, order: state.order, limit };
  if (Object.keys(filter).length) input.filter = filter;
  if (f.minDurationMs) input.minDurationMs = f.minDurationMs;
  if (f.minCostUsd) input.minCostUsd = f.minCostUsd;
  if (f.attributes?.length) input.attr = Object.fromEntries(f.attributes.map((a) => [a.key, a.value]));
  if (f.q) input.q = f.q;
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
