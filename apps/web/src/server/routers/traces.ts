import { getSpanDetail, getTrace, listTraces, summarizeTraces, type Store } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { analyzeTrace } from '../analysis.ts';
import { spanQuery, toListTracesQuery, toTraceSummaryQuery, traceListQuery, traceQuery, traceSummaryQuery } from '../schemas/index.ts';
import { protectedProcedure, router } from '../trpc.ts';

/** A trace with its spans, trace-level context and every analysis; NOT_FOUND when unknown. */
export async function loadTrace(store: Store, projectId: string, traceId: string) {
  const trace = await getTrace(store, projectId, traceId);
  if (!trace) throw new TRPCError({ code: 'NOT_FOUND', message: `trace ${traceId} not found` });
  const root = trace.spans.find((s) => s.parentSpanId === '') ?? trace.spans[0]!;
  const context = { tenant: root.tenant, requestType: root.requestType, sessionId: root.sessionId, userId: root.userId };
  return { ...trace, context, ...analyzeTrace(trace.spans) };
}

export const tracesRouter = router({
  list: protectedProcedure.input(traceListQuery).query(({ ctx, input }) => listTraces(ctx.store, toListTracesQuery(input, ctx.projectId))),
  /** Count, failures, p50/p95 duration, cost and tokens of every trace the list's filter selects (one query). */
  summary: protectedProcedure.input(traceSummaryQuery).query(({ ctx, input }) => summarizeTraces(ctx.store, toTraceSummaryQuery(input, ctx.projectId))),
  get: protectedProcedure.input(traceQuery).query(({ ctx, input }) => loadTrace(ctx.store, ctx.projectId, input.traceId)),
});

export const spansRouter = router({
  /** Everything stored about one span (attributes, events, texts), or null when unknown. */
  detail: protectedProcedure.input(spanQuery).query(({ ctx, input }) => getSpanDetail(ctx.store, ctx.projectId, input.traceId, input.spanId)),
});
