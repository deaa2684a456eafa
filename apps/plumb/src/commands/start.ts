import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  closeGrpc, Collector, collectorConfigFromEnv, createCollectorServer, createGrpcServer, listen, listenGrpc, parseScrapeTarget, Scraper,
} from '@plumb/collector';
import { bootstrapProjects, ensureAdminUser } from '@plumb/store';
import { alertsJob, compactJob, CorrectionStats, correctionsJob, driftJob, pricesSyncJob, repriceJob, rollupsJob, startWorker } from '@plumb/worker';
import { z } from 'zod';
import { openStore } from './migrate.ts';
import { webEnvFromEnv } from './web-env.ts';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web');

const log = (msg: string) => console.log(msg);

/** Builds the dashboard once when no build exists (a fresh clone's first `npm start`). */
export function ensureWebBuild(): void {
  if (existsSync(resolve(WEB_DIR, '.next/BUILD_ID'))) return;
  log('plumb: building the dashboard (first start only)…');
  const r = spawnSync('npx', ['next', 'build'], { cwd: WEB_DIR, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error('next build failed');
}

async function startWeb(port: number, host: string): Promise<Server> {
  ensureWebBuild();
  const next = (await import('next')).default as unknown as (o: object) => {
    prepare(): Promise<void>;
    getRequestHandler(): (req: unknown, res: unknown) => Promise<void>;
  };
  const app = next({ dev: false, dir: WEB_DIR, hostname: host, port });
  await app.prepare();
  const handler = app.getRequestHandler();
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      log(`plumb: web request failed: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await listen(server, port, host);
  return server;
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

  if (web) {
    const admin = await ensureAdminUser(store, web.PLUMB_ADMIN_EMAIL, web.PLUMB_ADMIN_PASSWORD);
    if (admin.generatedPassword) {
      log(`plumb: created admin user ${admin.email} with password ${admin.generatedPassword} (shown once; set PLUMB_ADMIN_EMAIL / PLUMB_ADMIN_PASSWORD to choose them)`);
    } else if (admin.created) log(`plumb: created admin user ${admin.email}`);
  }

  if (collectorConfig) {
    const collector = await Collector.start(store, collectorConfig, log);
    if (parts.worker) collector.metrics.addSource(() => correctionStats.render());
    const server = createCollectorServer(collector, { log });
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
    const worker = startWorker(store, { log, jobs: [compactJob(log), correctionsJob(log, { stats: correctionStats }), rollupsJob(log), driftJob(log), repriceJob(log), pricesSyncJob(log), alertsJob({ log, externalUrl: process.env.PLUMB_EXTERNAL_URL ?? `http://localhost:${web?.PORT ?? 3000}` })] });
    closers.push(() => worker.stop());
  }
  if (web) {
    const server = await startWeb(web.PORT, web.HOST);
    log(`plumb: dashboard and REST API on http://localhost:${web.PORT}`);
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
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
