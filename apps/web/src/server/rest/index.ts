import { getStore } from '../store.ts';
import { alertRulesHandler, alertsHandler, silencesHandler } from './alerts.ts';
import { loginHandler, logoutHandler } from './auth.ts';
import { bundlesHandler, signingKeysHandler } from './bundles.ts';
import { costExportHandler, costExportSessionHandler, monthExportHandler, pricesHandler, repriceHandler } from './cost.ts';
import type { Handler, RestDeps } from './http.ts';
import { driftMonitorsHandler } from './drift.ts';
import { labelsHandler, scoresHandler } from './feedback.ts';
import { gpuPricesHandler } from './gpu-prices.ts';
import { keyByIdHandler, keysHandler } from './keys.ts';
import { latencyRegressionHandler, latencyStagesHandler } from './latency.ts';
import { metricsHandler } from './metrics.ts';
import { openApiHandler } from './openapi.ts';
import { latencyPercentilesHandler } from './latency-percentiles.ts';
import { getTraceHandler, listTracesHandler, traceSummaryHandler } from './traces.ts';

export interface RestApi {
  listTraces: Handler;
  getTrace: Handler;
  /** GET /api/v1/traces/summary */
  traceSummary: Handler;
  metrics: Handler;
  openapi: Handler;
  login: Handler;
  logout: Handler;
  /** GET / POST /api/v1/keys */
  keys: Handler;
  /** DELETE /api/v1/keys/{id} */
  keyById: Handler;
  /** POST /api/v1/scores */
  scores: Handler;
  /** POST /api/v1/labels */
  labels: Handler;
  /** /api/v1/drift-monitors[/{id}[/evaluate]] */
  driftMonitors: Handler;
  /** GET /api/v1/cost/export */
  costExport: Handler;
  /** GET /api/cost-export (session cookie: the dashboard export buttons) */
  costExportSession: Handler;
  /** GET / POST /api/v1/prices */
  prices: Handler;
  /** GET /api/v1/cost/month-export?month=YYYY-MM */
  monthExport: Handler;
  /** GET /api/cost-export/month?month=YYYY-MM (session) */
  monthExportSession: Handler;
  /** GET / POST /api/v1/reprice */
  reprice: Handler;
  /** GET /api/v1/latency/percentiles */
  latencyPercentiles: Handler;
  /** GET /api/v1/latency/regression */
  latencyRegression: Handler;
  /** GET /api/v1/latency/stages */
  latencyStages: Handler;
  /** /api/v1/alert-rules[/{id}] */
  alertRules: Handler;
  /** GET /api/v1/alerts */
  alerts: Handler;
  /** /api/v1/silences[/{id}] */
  silences: Handler;
  /** POST /api/v1/bundles */
  bundles: Handler;
  /** GET / POST /api/v1/signing-keys */
  signingKeys: Handler;
  /** GET /api/v1/gpu-prices, PUT /api/v1/gpu-prices/{id} */
  gpuPrices: Handler;
}

/** All REST handlers as plain `(Request) => Promise<Response>` functions. */
export function createRestApi(deps: RestDeps = { getStore }): RestApi {
  return {
    listTraces: listTracesHandler(deps),
    getTrace: getTraceHandler(deps),
    traceSummary: traceSummaryHandler(deps),
    metrics: metricsHandler(deps),
    openapi: openApiHandler,
    login: loginHandler(deps.getStore),
    logout: logoutHandler(deps.getStore),
    keys: keysHandler(deps),
    keyById: keyByIdHandler(deps),
    scores: scoresHandler(deps),
    labels: labelsHandler(deps),
    driftMonitors: driftMonitorsHandler(deps),
    costExport: costExportHandler(deps),
    costExportSession: costExportSessionHandler(deps),
    prices: pricesHandler(deps),
    monthExport: monthExportHandler(deps, false),
    monthExportSession: monthExportHandler(deps, true),
    reprice: repriceHandler(deps),
    latencyPercentiles: latencyPercentilesHandler(deps),
    latencyRegression: latencyRegressionHandler(deps),
    latencyStages: latencyStagesHandler(deps),
    alertRules: alertRulesHandler(deps),
    alerts: alertsHandler(deps),
    silences: silencesHandler(deps),
    bundles: bundlesHandler(deps),
    signingKeys: signingKeysHandler(deps),
    gpuPrices: gpuPricesHandler(deps),
  };
}

let api: RestApi | undefined;
/** The handlers bound to the process-wide store (what the Next routes call). */
export function restApi(): RestApi {
  api ??= createRestApi();
  return api;
}

export { openApiDocument } from './openapi.ts';
export { apiError, type Handler, type RestDeps } from './http.ts';
