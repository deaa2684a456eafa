import { overview } from '@plumb/store';
import { overviewQuery, toOverviewFilters, window } from '../schemas/index.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const overviewRouter = router({
  /** Everything on the overview page in one call: KPIs, the time series and the four top-10 tables, all under the global filters. */
  get: protectedProcedure.input(overviewQuery).query(({ ctx, input }) => {
    const { from, to } = window(input);
    return overview(ctx.store, ctx.projectId, from, to, input.interval, toOverviewFilters(input.filter));
  }),
});
