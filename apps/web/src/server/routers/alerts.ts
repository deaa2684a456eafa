import { RuleError } from '@plumb/alerts';
import { deleteContactPoint, expireSilence, listDeliveries, listTransitions, saveSilence } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import {
  alertsQuery, contactPointInput, deliveriesInput, historyInput, previewInput, ruleId, ruleInput, ruleUpdate, silenceInput,
} from '../schemas/alerts.ts';
import { editorProcedure, protectedProcedure, router } from '../trpc.ts';
import {
  contactPoints, createRule, currentAlerts, deleteAlertRule, getAlertRule, previewRule, rulesWithState, silencesWithState, updateRule, upsertContactPoint,
} from './alerts-data.ts';

/** A RuleError (bad rule, unknown measure…) is the caller's mistake: BAD_REQUEST naming the field. */
async function asBadRequest<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RuleError) throw new TRPCError({ code: 'BAD_REQUEST', message: e.message, cause: e });
    throw e;
  }
}

const notFound = (what: string, id: string) => new TRPCError({ code: 'NOT_FOUND', message: `no ${what} ${JSON.stringify(id)} in this project` });
const DAY = 86_400_000;
const who = (u: { email: string } | null) => u?.email ?? '';

export const alertsRouter = router({
  /** Rules with the state of every instance, worst first. */
  rules: protectedProcedure.query(({ ctx }) => rulesWithState(ctx.store, ctx.projectId)),
  rule: protectedProcedure.input(ruleId).query(async ({ ctx, input }) => {
    const r = await getAlertRule(ctx.store, ctx.projectId, input.id);
    if (!r) throw notFound('alert rule', input.id);
    return r;
  }),
  alerts: protectedProcedure.input(alertsQuery).query(({ ctx, input }) => currentAlerts(ctx.store, ctx.projectId, input)),
  history: protectedProcedure.input(historyInput).query(({ ctx, input }) => {
    const to = input.to ?? Date.now() + 1;
    return listTransitions(ctx.store, ctx.projectId, { ruleId: input.ruleId, fromMs: input.from ?? to - 7 * DAY, toMs: to });
  }),
  preview: protectedProcedure.input(previewInput).query(({ ctx, input }) => asBadRequest(() => previewRule(ctx.store, ctx.projectId, input.rule, input.hours))),
  create: editorProcedure.input(ruleInput).mutation(({ ctx, input }) => asBadRequest(() => createRule(ctx.store, ctx.projectId, input, who(ctx.user)))),
  update: editorProcedure.input(ruleUpdate).mutation(async ({ ctx, input }) => {
    const r = await asBadRequest(() => updateRule(ctx.store, ctx.projectId, input.id, input.rule, who(ctx.user)));
    if (!r) throw notFound('alert rule', input.id);
    return r;
  }),
  delete: editorProcedure.input(ruleId).mutation(async ({ ctx, input }) => {
    if (!(await deleteAlertRule(ctx.store, ctx.projectId, input.id))) throw notFound('alert rule', input.id);
    return { deleted: true };
  }),
  silences: protectedProcedure.query(({ ctx }) => silencesWithState(ctx.store, ctx.projectId)),
  createSilence: editorProcedure.input(silenceInput).mutation(({ ctx, input }) =>
    saveSilence(ctx.store, ctx.projectId, { matchers: input.matchers, startsAt: input.startsAt ?? Date.now(), endsAt: input.endsAt, comment: input.comment, createdBy: who(ctx.user) })),
  expireSilence: editorProcedure.input(ruleId).mutation(async ({ ctx, input }) => {
    if (!(await expireSilence(ctx.store, ctx.projectId, input.id))) throw notFound('silence', input.id);
    return { expired: true };
  }),
  contactPoints: protectedProcedure.query(({ ctx }) => contactPoints(ctx.store, ctx.projectId)),
  saveContactPoint: editorProcedure.input(contactPointInput).mutation(({ ctx, input }) => asBadRequest(() => upsertContactPoint(ctx.store, ctx.projectId, input))),
  deleteContactPoint: editorProcedure.input(ruleId).mutation(async ({ ctx, input }) => {
    if (!(await deleteContactPoint(ctx.store, ctx.projectId, input.id))) throw notFound('contact point', input.id);
    return { deleted: true };
  }),
  deliveries: protectedProcedure.input(deliveriesInput).query(async ({ ctx, input }) => {
    const to = input.to ?? Date.now() + 1;
    // The payload stays out of the list (it can be 100 kB); the log shows what was sent, to whom, and how it went.
    return (await listDeliveries(ctx.store, ctx.projectId, { contactPointId: input.contactPointId, fromMs: input.from ?? to - 7 * DAY, toMs: to })).map(({ payload, ...d }) => ({ ...d, bytes: payload.length }));
  }),
});
