'use client';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type {
  OverviewKpis,
  SessionDetail,
  SpanView,
  TimeSeries,
  TopDimension,
  TopRow,
  TraceDetail,
  TraceListPage,
} from './api-types.ts';
import { adaptKpis, adaptSession, adaptSeries, adaptSpan, adaptTop, adaptTrace, adaptTraceList } from './api-adapt.ts';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '@/server/router';
import type { ExplorerState } from './trace-filters.ts';
import { useRpc } from './trpc.tsx';

/**
 * Data hooks, one per view. Procedure paths and input shapes live here only; outputs go
 * through api-adapt.ts. `placeholderData: keepPreviousData` keeps the old numbers on screen
 * while a new window loads, so auto-refresh never flashes skeletons.
 */

export interface Window {
  fromMs: number;
  toMs: number;
}

export function useOverviewKpis(w: Window): UseQueryResult<OverviewKpis> {
  const rpc = useRpc();
  return useQuery({
    queryKey: ['overview.kpis', w.fromMs, w.toMs],
    queryFn: async () => adaptKpis(await rpc.overview.kpis.query({ from: w.fromMs, to: w.toMs })),
    placeholderData: keepPreviousData,
  });
}

export function useOverviewSeries(w: Window): UseQueryResult<TimeSeries> {
  const rpc = useRpc();
  return useQuery({
    queryKey: ['overview.timeseries', w.fromMs, w.toMs],
    queryFn: async () => adaptSeries(await rpc.overview.timeseries.query({ from: w.fromMs, to: w.toMs })),
    placeholderData: keepPreviousData,
  });
}

export function useTop(dimension: TopDimension, w: Window, limit = 8, enabled = true): UseQueryResult<TopRow[]> {
  const rpc = useRpc();
  return useQuery({
    queryKey: ['overview.top', dimension, w.fromMs, w.toMs, limit],
    queryFn: async () => adaptTop(await rpc.overview.top.query({ from: w.fromMs, to: w.toMs, dimension, limit })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useTraceList(state: ExplorerState, w: Window, limit = 50): UseQueryResult<TraceListPage> {
  const rpc = useRpc();
  const input = traceListInput(state, w, limit);
  return useQuery({
    queryKey: ['traces.list', input],
    queryFn: async () => adaptTraceList(await rpc.traces.list.query(input)),
    placeholderData: keepPreviousData,
  });
}

/** Explorer state → the store's ListTracesQuery shape (lists for dimension filters). */
type TraceListInput = inferRouterInputs<AppRouter>['traces']['list'];

export function traceListInput(state: ExplorerState, w: Window, limit: number): TraceListInput {
  const f = state.filters;
  const input: TraceListInput = { from: w.fromMs, to: w.toMs, sort: state.sort, order: state.order, limit };
  for (const key of ['service', 'tenant', 'requestType', 'model', 'agent'] as const) {
    const v = f[key];
    if (v) input[key] = [v];
  }
  if (f.sessionId) input.sessionId = f.sessionId;
  if (f.status) input.status = f.status;
  if (f.minDurationMs) input.minDurationMs = f.minDurationMs;
  if (f.minCostUsd) input.minCostUsd = f.minCostUsd;
  if (f.attributes?.length) input.attributes = Object.fromEntries(f.attributes.map((a) => [a.key, a.value]));
  if (f.q) input.text = f.q;
  if (state.cursor) input.cursor = state.cursor;
  return input;
}

export function useTrace(traceId: string): UseQueryResult<TraceDetail | null> {
  const rpc = useRpc();
  return useQuery({
    queryKey: ['traces.get', traceId],
    queryFn: async () => adaptTrace(await rpc.traces.get.query({ traceId })),
    staleTime: 60_000,
  });
}

export function useSession(sessionId: string): UseQueryResult<SessionDetail> {
  const rpc = useRpc();
  return useQuery({
    queryKey: ['sessions.get', sessionId],
    queryFn: async () => adaptSession(sessionId, await rpc.sessions.get.query({ sessionId })),
  });
}

/** Full detail of one span (attributes, events, prompt/completion text); null when not found. */
export function useSpanDetail(traceId: string, spanId: string | null): UseQueryResult<SpanView | null> {
  const rpc = useRpc();
  return useQuery({
    queryKey: ['traces.span', traceId, spanId],
    queryFn: async () => {
      const raw = await rpc.traces.span.query({ traceId, spanId: spanId! });
      return raw ? adaptSpan(raw) : null;
    },
    enabled: spanId !== null,
    staleTime: 60_000,
  });
}
