import { getSpanDetail, getTrace, listTraces } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { analyzeTrace } from '../analysis.ts';
import { listTracesInput, spanInput, traceIdInput } from '../inputs.ts';
import { protectedProcedure, router } from '../trpc.ts';

/** A trace with its spans, trace-level context and every analysis; NOT_FOUND when unknown. */
export async function loadTrace(store: Parameters<typeof getTrace>[0], projectId: string, traceId: string) {
  const trace = await getTrace(store, projectId, traceId);
  if (!trace) throw new TRPCError({ code: 'NOT_FOUND', message: `trace ${traceId} not found` });
  const root = trace.spans.find((s) => s.parentSpanId === '') ?? trace.spans[0]!;
  const context = { tenant: root.tenant, requestType: root.requestType, sessionId: root.sessionId, userId: root.userId };
  return { ...trace, context, ...analyzeTrace(trace.spans) };
}

const spanDetail = protectedProcedure
  .input(spanInput)
  .query(({ ctx, input }) => getSpanDetail(ctx.store, ctx.projectId, input.traceId, input.spanId));

export const tracesRouter = router({
  list: protectedProcedure.input(listTracesInput).query(({ ctx, input }) => listTraces(ctx.store, { ...input, projectId: ctx.projectId })),
  get: protectedProcedure.input(traceIdInput).query(({ ctx, input }) => loadTrace(ctx.store, ctx.projectId, input.traceId)),
  /** Alias of spans.detail (null when the span is unknown). */
  span: spanDetail,
});

export const spansRouter = router({ detail: spanDetail });
