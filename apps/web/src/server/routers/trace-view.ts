import { packTrace } from '../../lib/trace-wire.ts';
import { traceQuery } from '../schemas/index.ts';
import { protectedProcedure, router } from '../trpc.ts';
import { loadTrace } from './traces.ts';

/** A trace with every analysis, as `traces.get` returns it. */
export type LoadedTrace = Awaited<ReturnType<typeof loadTrace>>;

export const traceViewRouter = router({
  /**
   * The trace page's copy of `traces.get` (same trace and analyses, NOT_FOUND when unknown),
   * packed (lib/packed.ts): on a 20,000-span trace superjson's walk of ~1M values took seconds
   * on each side.
   */
  get: protectedProcedure.input(traceQuery).query(async ({ ctx, input }) => packTrace(await loadTrace(ctx.store, ctx.projectId, input.traceId))),
});
