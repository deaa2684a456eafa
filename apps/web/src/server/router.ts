import { alertsRouter } from './routers/alerts.ts';
import { authRouter } from './routers/auth.ts';
import { costRouter } from './routers/cost.ts';
import { driftRouter } from './routers/drift.ts';
import { qualityRouter } from './routers/quality.ts';
import { keysRouter } from './routers/keys.ts';
import { membersRouter } from './routers/members.ts';
import { contentRouter } from './routers/content.ts';
import { filtersRouter, metricsRouter } from './routers/metrics.ts';
import { overviewRouter } from './routers/overview.ts';
import { sessionsRouter } from './routers/sessions.ts';
import { spansRouter, tracesRouter } from './routers/traces.ts';
import { traceViewRouter } from './routers/trace-view.ts';
import { retentionRouter } from './routers/retention.ts';
import { gpuRouter } from './routers/gpu.ts';
import { latencyRouter } from './routers/latency.ts';
import { latencyRegressionRouter } from './routers/latency-regression.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  overview: overviewRouter,
  traces: tracesRouter,
  spans: spansRouter,
  sessions: sessionsRouter,
  metrics: metricsRouter,
  filters: filtersRouter,
  auth: authRouter,
  keys: keysRouter,
  drift: driftRouter,
  quality: qualityRouter,
  cost: costRouter,
  traceView: traceViewRouter,
  retention: retentionRouter,
  members: membersRouter,
  content: contentRouter,
  gpu: gpuRouter,
  latency: latencyRouter,
  latencyRegression: latencyRegressionRouter,
  alerts: alertsRouter,
});

export type AppRouter = typeof appRouter;

/** In-process caller (server components, tests): `createCaller(context)`. */
export const createCaller = createCallerFactory(appRouter);
