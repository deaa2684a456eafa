import { budgetStatuses, closeMonth, deleteBudget, monthCloseLog, reopenMonth, listRepriceRuns, requestReprice, saveBudget, spanCostBuckets } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { endOverride, ensurePrices, listPrices, PriceInputError, removeOverride, saveOverride, whatIf } from '../cost/prices.ts';
import { budgetIdInput, budgetInput, monthInput, reopenInput, endOverrideInput, priceListQuery, priceOverrideInput, removeOverrideInput, repriceInput, whatIfInput } from '../schemas/cost.ts';
import { spanQuery } from '../schemas/index.ts';
import { editorProcedure, protectedProcedure, router } from '../trpc.ts';

function badInput(err: unknown): never {
  if (err instanceof PriceInputError) throw new TRPCError({ code: 'BAD_REQUEST', message: `${err.field}: ${err.message}` });
  throw err;
}

/** Prices (catalog + overrides), repricing, and a span's cost per bucket. */
export const costRouter = router({
  spanBuckets: protectedProcedure.input(spanQuery).query(async ({ ctx, input }) => {
    await ensurePrices(ctx.store, ctx.projectId);
    return spanCostBuckets(ctx.store, ctx.projectId, input.traceId, input.spanId);
  }),
  prices: protectedProcedure.input(priceListQuery).query(({ ctx, input }) => listPrices(ctx.store, ctx.projectId, input.q ?? '', input.limit ?? 200)),
  saveOverride: editorProcedure.input(priceOverrideInput).mutation(({ ctx, input }) => saveOverride(ctx.store, ctx.projectId, input).catch(badInput)),
  endOverride: editorProcedure.input(endOverrideInput).mutation(async ({ ctx, input }) => {
    const ended = await endOverride(ctx.store, ctx.projectId, input.id, input.at ?? new Date()).catch(badInput);
    if (!ended) throw new TRPCError({ code: 'NOT_FOUND', message: `no override ${JSON.stringify(input.id)}` });
    return ended;
  }),
  removeOverride: editorProcedure.input(removeOverrideInput).mutation(async ({ ctx, input }) => {
    if (!(await removeOverride(ctx.store, ctx.projectId, input.id))) throw new TRPCError({ code: 'NOT_FOUND', message: `no override ${JSON.stringify(input.id)}` });
    return { removed: true };
  }),
  reprice: editorProcedure.input(repriceInput).mutation(({ ctx, input }) =>
    requestReprice(ctx.store, ctx.projectId, ctx.user?.email ?? 'unknown', input.from.getTime(), input.to.getTime()),
  ),
  repriceRuns: protectedProcedure.query(({ ctx }) => listRepriceRuns(ctx.store, ctx.projectId)),
  /** Monthly budgets with month-to-date spend, forecast (80 % interval), burn and status. */
  budgets: protectedProcedure.query(({ ctx }) => budgetStatuses(ctx.store, ctx.projectId)),
  saveBudget: editorProcedure.input(budgetInput).mutation(async ({ ctx, input }) => {
    const tenant = input.scope === 'tenant' ? (input.tenant ?? '').trim() : '';
    // One budget per scope: the id is the scope and tenant, so saving again edits it.
    const id = input.scope === 'tenant' ? `tenant:${tenant}` : 'project';
    await saveBudget(ctx.store, ctx.projectId, { id, scope: input.scope, tenant, monthlyUsd: input.monthlyUsd, createdBy: ctx.user?.email ?? '' });
    return { id };
  }),
  deleteBudget: editorProcedure.input(budgetIdInput).mutation(async ({ ctx, input }) => {
    await deleteBudget(ctx.store, ctx.projectId, input.id);
    return { deleted: true };
  }),
  /** Month close: freeze a month's export (byte-identical later), reopen explicitly, the log. */
  monthCloses: protectedProcedure.query(({ ctx }) => monthCloseLog(ctx.store, ctx.projectId)),
  closeMonth: editorProcedure.input(monthInput).mutation(({ ctx, input }) => closeMonth(ctx.store, ctx.projectId, input.month, ctx.user?.email ?? '')),
  reopenMonth: editorProcedure.input(reopenInput).mutation(async ({ ctx, input }) => {
    await reopenMonth(ctx.store, ctx.projectId, input.month, ctx.user?.email ?? '', input.reason);
    return { reopened: true };
  }),
  /** Routing what-if: the period re-priced with one model's calls served by another. */
  whatIf: protectedProcedure.input(whatIfInput).query(({ ctx, input }) => whatIf(ctx.store, ctx.projectId, input).catch(badInput)),
});
