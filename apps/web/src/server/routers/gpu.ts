import { randomUUID } from 'node:crypto';
import { deleteGpuPrice, gpuCost, listGpuPrices, saveGpuPrice, type GpuJoin } from '@plumb/store';
import { gpuCostQuery, gpuPriceId, gpuPriceInput } from '../schemas/gpu.ts';
import { editorProcedure, protectedProcedure, router } from '../trpc.ts';

/**
 * The GPU page's own procedures: GPU-hour prices and the self-hosted GPU cost split. Charts and
 * tables of utilization, memory, power and model servers read `metrics.query` (GPU measures).
 */
export const gpuRouter = router({
  cost: protectedProcedure.input(gpuCostQuery).query(({ ctx, input }) =>
    gpuCost(ctx.store, { projectId: ctx.projectId, from: input.from, to: input.to, join: input.join as GpuJoin | undefined, spreadIdle: input.spreadIdle })),
  prices: protectedProcedure.query(({ ctx }) => listGpuPrices(ctx.store, ctx.projectId)),
  savePrice: editorProcedure.input(gpuPriceInput).mutation(async ({ ctx, input }) => {
    const id = input.id ?? `gpu-${randomUUID()}`;
    await saveGpuPrice(ctx.store, ctx.projectId, {
      id, matchKind: input.matchKind, match: input.match.trim(), usdPerGpuHour: input.usdPerGpuHour,
      effectiveFrom: input.effectiveFrom?.getTime() ?? 0, effectiveTo: null, updatedBy: ctx.user?.email ?? '',
    });
    return { id };
  }),
  deletePrice: editorProcedure.input(gpuPriceId).mutation(async ({ ctx, input }) => {
    await deleteGpuPrice(ctx.store, ctx.projectId, input.id, ctx.user?.email ?? '');
    return { ok: true };
  }),
});
