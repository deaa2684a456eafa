import { TRPCError } from '@trpc/server';
import { deployMarkers, getRequestStages, latencyRegression, stageBreakdown, type RegressionResult, type StageFilters, type Store } from '@plumb/store';
import { markersQuery, regressionQuery, resolveWindows, stagesQuery, windowProblem, type RegressionInput, type StagesInput } from '../schemas/latency-regression.ts';
import { protectedProcedure, router } from '../trpc.ts';

const HOUR = 3_600_000;

/** Thrown for input that parses but cannot be answered; tRPC maps it to BAD_REQUEST, REST to 400. */
export class LatencyInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** The regression analysis for one validated input (shared by tRPC and REST). */
export async function runRegression(store: Store, projectId: string, input: RegressionInput, nowMs = Date.now()): Promise<RegressionResult> {
  const windows = resolveWindows(input, nowMs);
  const problem = windowProblem(windows);
  if (problem) throw new LatencyInputError(problem.field, problem.message);
  return latencyRegression(store, projectId, {
    ...windows,
    ...(input.dimensions ? { dimensions: input.dimensions as never } : {}),
    ...(input.filter ? { filters: input.filter as StageFilters } : {}),
  });
}

/** One request's stages (traceId) or the aggregated breakdown of a window. */
export async function runStages(store: Store, projectId: string, input: StagesInput, nowMs = Date.now()) {
  if (input.traceId) {
    const row = await getRequestStages(store, projectId, input.traceId);
    return { kind: 'request' as const, request: row };
  }
  const toMs = input.to?.getTime() ?? nowMs;
  const fromMs = input.from?.getTime() ?? toMs - HOUR;
  const b = await stageBreakdown(store, projectId, {
    window: { fromMs, toMs },
    ...(input.groupBy ? { groupBy: input.groupBy as never } : {}),
    ...(input.filter ? { filters: input.filter as StageFilters } : {}),
    ...(input.limit ? { limit: input.limit } : {}),
  });
  return { kind: 'aggregate' as const, fromMs, toMs, groupBy: input.groupBy ?? null, ...b };
}

const badRequest = (err: unknown): never => {
  if (err instanceof LatencyInputError) throw new TRPCError({ code: 'BAD_REQUEST', message: `\`${err.field}\` ${err.message}` });
  throw err;
};

export const latencyRegressionRouter = router({
  analyze: protectedProcedure.input(regressionQuery).query(({ ctx, input }) => runRegression(ctx.store, ctx.projectId, input).catch(badRequest)),
  stages: protectedProcedure.input(stagesQuery).query(({ ctx, input }) => runStages(ctx.store, ctx.projectId, input)),
  /** Deploy markers (new service / model versions) first seen in the window (default: the last 7 days). */
  markers: protectedProcedure.input(markersQuery).query(({ ctx, input }) => {
    const toMs = input.to?.getTime() ?? Date.now();
    const fromMs = input.from?.getTime() ?? toMs - 7 * 24 * HOUR;
    return deployMarkers(ctx.store, ctx.projectId, fromMs, toMs);
  }),
});
