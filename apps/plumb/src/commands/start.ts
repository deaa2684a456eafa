import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collector, collectorConfigFromEnv, createCollectorServer, listen } from '@plumb/collector';
import { bootstrapProjects, ensureAdminUser } from '@plumb/store';
import { compactJob, rollupsJob, startWorker } from '@plumb/worker';
import { z } from 'zod';
import { openStore } from './migrate.ts';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web');

const webEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PLUMB_ADMIN_EMAIL: z.string().email('must be an email address').optional(),
  PLUMB_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
});

function validate<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

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
  const server = createServer((req, res) => void handler(req, res));
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
  const web = parts.web ? validate(webEnv, process.env) : null;
  const store = await openStore();
  await store.migrate();
  await bootstrapProjects(store, process.env.PLUMB_INGEST_KEY);
  const closers: (() => Promise<void>)[] = [];

  if (web) {
    const admin = await ensureAdminUser(store, web.PLUMB_ADMIN_EMAIL, web.PLUMB_ADMIN_PASSWORD);
    if (admin.generatedPassword) {
      log(`plumb: created admin user ${admin.email} with password ${admin.generatedPassword} (shown once; set PLUMB_ADMIN_EMAIL / PLUMB_ADMIN_PASSWORD to choose them)`);
    } else if (admin.created) log(`plumb: created admin user ${admin.email}`);
  }

  if (collectorConfig) {
    const collector = await Collector.start(store, collectorConfig, log);
    const server = createCollectorServer(collector, { log });
    const port = await listen(server, collectorConfig.port, collectorConfig.host);
    log(`plumb: OTLP/HTTP collector on http://${collectorConfig.host}:${port}/v1/traces`);
    closers.push(async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await collector.stop();
    });
  }
  if (parts.worker) {
    const worker = startWorker(store, { log, jobs: [compactJob(log), rollupsJob(log)] });
    closers.push(() => worker.stop());
  }
  if (web) {
    const server = await startWeb(web.PORT, web.HOST);
    log(`plumb: dashboard and REST API on http://localhost:${web.PORT}`);
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`plumb: ${signal}, shutting down (writing queued spans)…`);
    for (const close of closers.reverse()) await close().catch((e) => log(`plumb: ${(e as Error).message}`));
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
