import { filterOptions, metricsCatalog, queryMetrics } from '@plumb/store';
import { filterOptionsQuery, metricsQuery, toMetricsQuery, window } from '../schemas/index.ts';
import { protectedProcedure, router } from '../trpc.ts';
import { ensurePricesForMeasures } from '../cost/prices.ts';

export const metricsRouter = router({
  query: protectedProcedure.input(metricsQuery).query(async ({ ctx, input }) => {
    await ensurePricesForMeasures(ctx.store, ctx.projectId, input.measures);
    return queryMetrics(ctx.store, toMetricsQuery(input, ctx.projectId));
  }),
  /** Measures and dimensions with labels and units (for pickers). */
  catalog: protectedProcedure.query(() => metricsCatalog()),
});

export const filtersRouter = router({
  options: protectedProcedure.input(filterOptionsQuery).query(({ ctx, input }) => {
    const { from, to } = window(input);
    return filterOptions(ctx.store, ctx.projectId, from, to);
  }),
});
