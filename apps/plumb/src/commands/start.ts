import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  closeGrpc, Collector, collectorConfigFromEnv, createCollectorServer, createGrpcServer, listen, listenGrpc, parseScrapeTarget, Scraper,
} from '@plumb/collector';
import { egressPolicyFromEnv } from '@plumb/alerts/egress';
import { HttpMetrics, logFn, logger, newRequestId, processMetrics, withRequestId, WorkerMetrics, type LogFn } from '@plumb/ops';
import { bootstrapProjects, ensureAdminUser } from '@plumb/store';
import { alertsJob, compactJob, CorrectionStats, correctionsJob, driftJob, pricesSyncJob, repriceJob, retentionJob, rollupsJob, stagesJob, startWorker } from '@plumb/worker';
import { z } from 'zod';
import { openStore } from './migrate.ts';
import { webEnvFromEnv } from './web-env.ts';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web');

/** Structured (JSON) lines per role; see @plumb/ops log.ts for PLUMB_LOG_FORMAT / PLUMB_LOG_LEVEL. */
const log: LogFn = logFn(logger('plumb'));

/** Builds the dashboard once when no build exists (a fresh clone's first `npm start`). */
export function ensureWebBuild(): void {
  if (existsSync(resolve(WEB_DIR, '.next/BUILD_ID'))) return;
  log('plumb: building the dashboard (first start only)…');
  const r = spawnSync('npx', ['next', 'build'], { cwd: WEB_DIR, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error('next build failed');
}

/**
 * The web role's server: Next's handler inside a plain http server that gives every request an
 * id (x-request-id, carried into log lines), counts it (plumb_web_*) and writes one access line.
 */
async function startWeb(port: number, host: string, metrics: HttpMetrics): Promise<Server> {
  const access = logger('web');
  ensureWebBuild();
  const next = (await import('next')).default as unknown as (o: object) => {
    prepare(): Promise<void>;
    getRequestHandler(): (req: unknown, res: unknown) => Promise<void>;
  };
  const app = next({ dev: false, dir: WEB_DIR, hostname: host, port });
  await app.prepare();
  const handler = app.getRequestHandler();
  const server = createServer((req, res) => {
    const reqId = newRequestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', reqId);
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    metrics.inFlight.inc({}, 1);
    res.once('close', () => {
      const seconds = (performance.now() - t0) / 1000;
      metrics.inFlight.inc({}, -1);
      metrics.observe(path, req.method ?? 'GET', res.statusCode, seconds);
      const line = { reqId, method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) };
      if (res.statusCode >= 500) access.warn(line, 'request');
      else if (HttpMetrics.routeClass(path) === 'static') access.debug(line, 'request');
      else access.info(line, 'request');
    });
    withRequestId(reqId, () => handler(req, res)).catch((err: unknown) => {
      access.error({ reqId, err }, 'web request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await listen(server, port, host);
  return server;
}

/** PLUMB_METRICS_PORT: where `plumb worker` / `plumb web` serve /metrics (default 9464; -1 off). */
export function metricsPortFromEnv(env: Record<string, string | undefined> = process.env): number {
  const parsed = z.coerce.number().int().min(-1).max(65535).default(9464).safeParse(env.PLUMB_METRICS_PORT?.trim() || undefined);
  if (!parsed.success) throw new Error(`invalid PLUMB_METRICS_PORT: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export interface StartParts {
  collector: boolean;
  worker: boolean;
  web: boolean;
}

export async function start(parts: StartParts): Promise<void> {
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  const collectorConfig = parts.collector ? collectorConfigFromEnv() : null;
  const web = parts.web ? webEnvFromEnv() : null;
  const store = await openStore();
  await store.migrate();
  await bootstrapProjects(store, process.env.PLUMB_INGEST_KEY?.trim() || undefined);
  const closers: (() => Promise<void>)[] = [];
  // Context corrections run in the worker; in one process their counters join the collector's /metrics.
  const correctionStats = new CorrectionStats();
  const workerMetrics = parts.worker ? new WorkerMetrics() : null;
  const webMetrics = web ? new HttpMetrics() : null;

  if (web) {
    const admin = await ensureAdminUser(store, web.PLUMB_ADMIN_EMAIL, web.PLUMB_ADMIN_PASSWORD);
    if (admin.generatedPassword) {
      log(`plumb: created admin user ${admin.email} with password ${admin.generatedPassword} (shown once; set PLUMB_ADMIN_EMAIL / PLUMB_ADMIN_PASSWORD to choose them)`);
    } else if (admin.created) log(`plumb: created admin user ${admin.email}`);
  }

  if (collectorConfig) {
    const clog = logFn(logger('collector'));
    const collector = await Collector.start(store, collectorConfig, clog);
    if (parts.worker) collector.metrics.addSource(() => correctionStats.render());
    // One process, one scrape: the worker's and the web server's series join the collector's.
    if (workerMetrics) collector.metrics.addSource(() => workerMetrics.registry.render().trimEnd());
    if (webMetrics) collector.metrics.addSource(() => webMetrics.registry.render().trimEnd());
    collector.metrics.addSource(() => processMetrics(parts.worker || web ? 'plumb' : 'collector'));
    const server = createCollectorServer(collector, { log: clog });
    const port = await listen(server, collectorConfig.port, collectorConfig.host);
    log(`plumb: OTLP/HTTP collector on http://${collectorConfig.host}:${port}/v1/traces and /v1/metrics`);
    // gRPC is a second door to the same pipeline: if its port is taken (another collector, a
    // local OpenTelemetry Collector on 4317), say so loudly and keep the HTTP receiver running.
    let grpc = collectorConfig.grpcPort >= 0 ? createGrpcServer(collector, { log }) : null;
    if (grpc) {
      try {
        const grpcPort = await listenGrpc(grpc, collectorConfig.grpcPort, collectorConfig.host);
        log(`plumb: OTLP/gRPC collector on ${collectorConfig.host}:${grpcPort} (traces and metrics)`);
      } catch (err) {
        log(`plumb: ERROR: OTLP/gRPC receiver not started, could not listen on ${collectorConfig.host}:${collectorConfig.grpcPort}: ${(err as Error).message} (set PLUMB_COLLECTOR_GRPC_PORT; -1 turns it off)`);
        grpc.forceShutdown();
        grpc = null;
      }
    }
    const targets = collectorConfig.scrapeTargets.map(parseScrapeTarget);
    const scraper = targets.length > 0 ? new Scraper(collector, targets, { intervalMs: collectorConfig.scrapeIntervalMs, projectId: collectorConfig.scrapeProject, log }) : null;
    if (scraper) {
      collector.metrics.addSource(() => scraper.render());
      scraper.start();
      log(`plumb: scraping ${targets.map((t) => t.url).join(', ')} every ${collectorConfig.scrapeIntervalMs / 1000} s`);
    }
    closers.push(async () => {
      await scraper?.stop();
      if (grpc) await closeGrpc(grpc);
      // Stop accepting; idle keep-alive connections end now, busy ones get a second to answer.
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), 1_000);
      await closed;
      clearTimeout(grace);
      await collector.stop();
    });
  }
  if (parts.worker) {
    // A bad PLUMB_ALERT_EGRESS stops the start here, naming the variable, not at the first alert.
    egressPolicyFromEnv();
    const wlog = logFn(logger('worker'));
    const worker = startWorker(store, {
      log: wlog,
      jobs: [
        compactJob(wlog),
        correctionsJob(wlog, { stats: correctionStats }),
        rollupsJob(wlog),
        driftJob(wlog),
        repriceJob(wlog),
        pricesSyncJob(wlog),
        retentionJob(wlog),
        stagesJob(wlog),
        alertsJob({ log: wlog, externalUrl: process.env.PLUMB_EXTERNAL_URL ?? `http://localhost:${web?.PORT ?? 3000}` }),
      ],
      onRun: (job, outcome, seconds) => workerMetrics!.observe(job, outcome, seconds),
    });
    closers.push(() => worker.stop());
  }
  if (web) {
    const server = await startWeb(web.PORT, web.HOST, webMetrics!);
    log(`plumb: dashboard and REST API on http://localhost:${web.PORT}`);
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
  }
  // A worker or web role without a collector in its process serves its series on its own port.
  if (!collectorConfig && (workerMetrics || webMetrics)) {
    const port = metricsPortFromEnv();
    if (port >= 0) {
      const server = createServer((req, res) => {
        const ok = (req.url ?? '').split('?')[0] === '/metrics';
        res.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
        const role = workerMetrics && webMetrics ? 'plumb' : workerMetrics ? 'worker' : 'web';
        const parts = [workerMetrics?.registry.render(), workerMetrics ? `${correctionStats.render()}\n` : '', webMetrics?.registry.render(), `${processMetrics(role)}\n`];
        res.end(ok ? parts.filter(Boolean).join('') : 'metrics are at /metrics\n');
      });
      await listen(server, port, process.env.HOST?.trim() || '0.0.0.0');
      log(`plumb: Prometheus metrics on :${port}/metrics`);
      closers.push(() => new Promise<void>((r) => server.close(() => r())));
    }
  }

  // A stop is bounded whatever the parts are doing: the collector writes what it can in this
  // time (minus a margin) and leaves the rest in its WAL; past the bound the process exits.
  const shutdownMs = collectorConfig?.shutdownTimeoutMs ?? 10_000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`plumb: ${signal}, shutting down (writing queued spans, at most ${shutdownMs / 1000} s)…`);
    setTimeout(() => {
      log(`plumb: shutdown took longer than ${shutdownMs} ms; exiting now (spans not yet stored stay in the WAL)`);
      process.exit(1);
    }, shutdownMs).unref();
    for (const close of closers.reverse()) await close().catch((e) => log(`plumb: ${(e as Error).message}`));
    await store.close();
    process.exit(0);
  };
  const onSignal = (signal: string) =>
    stop(signal).catch((err: unknown) => {
      log(`plumb: shutdown failed: ${(err as Error).stack ?? err}`);
      process.exit(1);
    });
  process.on('SIGINT', () => void onSignal('SIGINT'));
  process.on('SIGTERM', () => void onSignal('SIGTERM'));
}
