import { dependencyHealth, latencyHeatmap, latencyPercentiles, latencyRegion, latencySaturation, modelSpeed } from '@plumb/store';
import {
  latencyHeatmapQuery, latencyPercentilesQuery, latencyRegionQuery, latencySaturationQuery, latencyWindow, latencyWindowQuery,
} from '../schemas/latency-explore.ts';
import { protectedProcedure, router } from '../trpc.ts';

/**
 * The /latency page (issue 10 items 1, 4, 5). Every procedure reads through @plumb/store's
 * latency queries; percentiles go through the semantic layer (rollup sketches merged, never
 * averaged). The regression view has its own router (routers/latency-regression.ts).
 */
export const latencyRouter = router({
  /** p50/p90/p95/p99 over time and over the window, per group of one dimension. */
  percentiles: protectedProcedure.input(latencyPercentilesQuery).query(({ ctx, input }) => {
    const w = latencyWindow(input);
    return latencyPercentiles(ctx.store, { projectId: ctx.projectId, ...w, dimension: input.dimension, limit: input.limit });
  }),
  /** Time × duration heatmap of the subject spans. */
  heatmap: protectedProcedure.input(latencyHeatmapQuery).query(({ ctx, input }) => {
    const w = latencyWindow(input);
    // Heatmap columns: about 60 across the window, never finer than the chart's bucket.
    const intervalMs = input.interval ?? Math.max(60_000, Math.ceil((w.to.getTime() - w.from.getTime()) / 60 / 60_000) * 60_000);
    return latencyHeatmap(ctx.store, { projectId: ctx.projectId, ...w, intervalMs, dimension: input.dimension });
  }),
  /** The spans (and traces) of a heatmap region, slowest first. */
  region: protectedProcedure.input(latencyRegionQuery).query(({ ctx, input }) => {
    const w = latencyWindow(input);
    return latencyRegion(ctx.store, { projectId: ctx.projectId, from: w.from, to: w.to, filters: w.filters, dimension: input.dimension, minMs: input.minMs, maxMs: input.maxMs, limit: input.limit });
  }),
  /** Requests/s, tokens/s, in flight, error / timeout / retry counts per bucket. */
  saturation: protectedProcedure.input(latencySaturationQuery).query(({ ctx, input }) => {
    const w = latencyWindow(input);
    return latencySaturation(ctx.store, { projectId: ctx.projectId, ...w });
  }),
  /** TTFT and time-per-output-token p95 by model, and dependency health per provider and endpoint. */
  models: protectedProcedure.input(latencyWindowQuery).query(async ({ ctx, input }) => {
    const { from, to, filters } = latencyWindow(input);
    const q = { projectId: ctx.projectId, from, to, filters };
    const speed = await modelSpeed(ctx.store, q);
    const dependencies = await dependencyHealth(ctx.store, q);
    return { speed, dependencies };
  }),
});
