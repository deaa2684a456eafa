import { overview, overviewKpis, overviewSeries, overviewTop } from '@plumb/store';
import { overviewInput, rangeInput, TOP_DIMENSIONS, topInput } from '../inputs.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const overviewRouter = router({
  /** Everything on the overview page in one call. */
  get: protectedProcedure.input(overviewInput).query(({ ctx, input }) => overview(ctx.store, ctx.projectId, input.from, input.to, input.intervalMs)),
  kpis: protectedProcedure.input(rangeInput).query(({ ctx, input }) => overviewKpis(ctx.store, ctx.projectId, input.from, input.to)),
  timeseries: protectedProcedure
    .input(overviewInput)
    .query(({ ctx, input }) => overviewSeries(ctx.store, ctx.projectId, input.from, input.to, input.intervalMs)),
  top: protectedProcedure
    .input(topInput)
    .query(({ ctx, input }) => overviewTop(ctx.store, ctx.projectId, input.from, input.to, TOP_DIMENSIONS[input.dimension], input.limit)),
});
