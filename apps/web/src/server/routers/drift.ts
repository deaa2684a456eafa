import { DRIFT_HELP } from '@plumb/analytics';
import {
  createDriftMonitor, deleteDriftMonitor, driftHistory, evaluateDriftMonitor, getDriftMonitor, latestDriftResults, listDriftMonitors, updateDriftMonitor,
  type DriftEvaluation, type DriftMonitor, type Store,
} from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { driftHistoryInput, driftMonitorId, driftMonitorInput, driftMonitorUpdate, toDefinition } from '../schemas/drift.ts';
import { editorProcedure, protectedProcedure, router } from '../trpc.ts';

export interface MonitorWithLatest { monitor: DriftMonitor; latest: DriftEvaluation | null }

/** The project's monitors with their latest evaluation, flagged ones first. */
export async function monitorsWithLatest(store: Store, projectId: string): Promise<MonitorWithLatest[]> {
  const [monitors, latest] = await Promise.all([listDriftMonitors(store, projectId), latestDriftResults(store, projectId)]);
  const rank = (m: MonitorWithLatest) => (m.latest?.result.severity === 'critical' ? 0 : m.latest?.result.flagged ? 1 : m.latest ? 2 : 3);
  return monitors.map((monitor) => ({ monitor, latest: latest.get(monitor.id) ?? null })).sort((a, b) => rank(a) - rank(b) || a.monitor.name.localeCompare(b.monitor.name));
}

/** One monitor, its latest evaluation and its score history (default: the last 30 days). */
export async function monitorDetail(store: Store, projectId: string, id: string, fromMs?: number, toMs?: number) {
  const monitor = await getDriftMonitor(store, projectId, id);
  if (!monitor) return null;
  const to = toMs ?? Date.now() + 1;
  const [history, latest] = await Promise.all([driftHistory(store, projectId, id, fromMs ?? to - 30 * 86_400_000, to), latestDriftResults(store, projectId)]);
  return { monitor, latest: latest.get(id) ?? null, history, help: DRIFT_HELP };
}

/** Evaluates now (current window ending now); null when the reference has no values yet. */
export async function evaluateNow(store: Store, projectId: string, id: string): Promise<DriftEvaluation | null | undefined> {
  const monitor = await getDriftMonitor(store, projectId, id);
  if (!monitor) return undefined;
  return evaluateDriftMonitor(store, projectId, monitor, Date.now());
}

const notFound = (id: string) => new TRPCError({ code: 'NOT_FOUND', message: `no drift monitor ${JSON.stringify(id)} in this project` });

export const driftRouter = router({
  list: protectedProcedure.query(async ({ ctx }) => ({ monitors: await monitorsWithLatest(ctx.store, ctx.projectId), help: DRIFT_HELP })),
  get: protectedProcedure.input(driftHistoryInput).query(async ({ ctx, input }) => {
    const d = await monitorDetail(ctx.store, ctx.projectId, input.id, input.from?.getTime(), input.to?.getTime());
    if (!d) throw notFound(input.id);
    return d;
  }),
  create: editorProcedure.input(driftMonitorInput).mutation(async ({ ctx, input }) => createDriftMonitor(ctx.store, ctx.projectId, toDefinition(input))),
  update: editorProcedure.input(driftMonitorUpdate).mutation(async ({ ctx, input }) => {
    const m = await updateDriftMonitor(ctx.store, ctx.projectId, input.id, toDefinition(input.monitor));
    if (!m) throw notFound(input.id);
    return m;
  }),
  delete: editorProcedure.input(driftMonitorId).mutation(async ({ ctx, input }) => {
    if (!(await deleteDriftMonitor(ctx.store, ctx.projectId, input.id))) throw notFound(input.id);
    return { deleted: true };
  }),
  evaluate: editorProcedure.input(driftMonitorId).mutation(async ({ ctx, input }) => {
    const e = await evaluateNow(ctx.store, ctx.projectId, input.id);
    if (e === undefined) throw notFound(input.id);
    return { evaluation: e };
  }),
});
