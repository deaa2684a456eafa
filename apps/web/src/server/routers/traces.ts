import { getSpanDetail, getTrace, listTraces, type Store } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { analyzeTrace } from '../analysis.ts';
import { spanQuery, toListTracesQuery, traceListQuery, traceQuery } from '../schemas/index.ts';
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
  get: protectedProcedure.input(traceQuery).query(({ ctx, input }) => loadTrace(ctx.store, ctx.projectId, input.traceId)),
});

export const spansRouter = router({
  /** Everything stored about one span (attributes, events, texts), or null when unknown. */
  detail: protectedProcedure.input(spanQuery).query(({ ctx, input }) => getSpanDetail(ctx.store, ctx.projectId, input.traceId, input.spanId)),
});
