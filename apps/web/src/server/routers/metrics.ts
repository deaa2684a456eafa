import { filterOptions, metricsCatalog, queryMetrics } from '@plumb/store';
import { metricsInput, rangeInput } from '../inputs.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const metricsRouter = router({
  query: protectedProcedure.input(metricsInput).query(({ ctx, input }) => queryMetrics(ctx.store, { ...input, projectId: ctx.projectId })),
  /** Measures and dimensions with labels and units (for pickers). */
  catalog: protectedProcedure.query(() => metricsCatalog()),
});

export const filtersRouter = router({
  options: protectedProcedure.input(rangeInput).query(({ ctx, input }) => filterOptions(ctx.store, ctx.projectId, input.from, input.to)),
});
