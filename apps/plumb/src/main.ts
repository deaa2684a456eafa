import { parseArgs } from 'node:util';

const HELP = `plumb — observability and cost attribution for AI agents

Usage: plumb <command> [options]

  start                 collector (:4318 HTTP, :4317 gRPC), worker and dashboard (:3000) in one process
  collector             the OTLP collector alone (HTTP and gRPC)
  worker                background jobs alone
  web                   the dashboard and REST API alone
  migrate               apply ClickHouse migrations and exit
  migrate --print [--cluster NAME]
                        print the schema as applied (rendered for a cluster with --cluster)
  doctor [--json]       check configuration, store, schema version, WAL backlog and disk space
  backup --out DIR      copy the embedded store (Plumb stopped) with a manifest
  restore --from DIR [--force]
                        restore a backup into the (empty) embedded store directory and verify it
  demo [--rate N] [--duration S] [--protocol http/json|http/protobuf]
                        send a multi-agent demo workload to the collector
  demo --backfill [--days D] [--spans N]
                        write history straight into the store (stop Plumb first when embedded)
  bench ingest|metrics|query  benchmarks (see README)
  keys create --scope ingest,read [--name N] [--project P]
  keys list | keys revoke <id>
  prices set --model M --input USD --output USD [--provider P] [--from DATE] | prices list
                        price overrides (USD per 1M tokens) for models without a public price
  verify <bundle.json> [--public-key key.pem]
                        check a signed trace bundle (GET/POST /api/v1/bundles) offline

Environment: CLICKHOUSE_URL (file:<dir> embedded, default file:./data/clickhouse; or
http(s)://user:pass@host:8123/db), PLUMB_INGEST_KEY, PLUMB_ADMIN_EMAIL, PLUMB_ADMIN_PASSWORD,
PORT (3000), PLUMB_COLLECTOR_PORT (4318), PLUMB_COLLECTOR_GRPC_PORT (4317; -1 off).`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await (await import('./commands/start.ts')).start({ collector: true, worker: true, web: true });
      case 'collector':
        return await (await import('./commands/start.ts')).start({ collector: true, worker: false, web: false });
      case 'worker':
        return await (await import('./commands/start.ts')).start({ collector: false, worker: true, web: false });
      case 'web':
        return await (await import('./commands/start.ts')).start({ collector: false, worker: false, web: true });
      case 'migrate':
        return await (await import('./commands/migrate.ts')).migrate(rest);
      case 'doctor':
        return await (await import('./commands/doctor.ts')).doctor(rest);
      case 'backup':
        return await (await import('./commands/backup.ts')).backup(rest);
      case 'restore':
        return await (await import('./commands/backup.ts')).restore(rest);
      case 'demo':
        return await (await import('./commands/demo.ts')).demo(rest);
      case 'bench':
        return await (await import('./commands/bench.ts')).bench(rest);
      case 'keys':
        return await (await import('./commands/keys.ts')).keys(rest);
      case 'prices':
        return await (await import('./commands/prices.ts')).prices(rest);
      case 'verify':
        return (await import('./commands/verify.ts')).verify(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return;
      default:
        console.error(`plumb: unknown command ${JSON.stringify(command)}\n\n${HELP}`);
        process.exitCode = 2;
    }
  } catch (err) {
    console.error(`plumb ${command}: ${(err as Error).message}`);
    if (process.env.PLUMB_DEBUG) console.error(err);
    process.exitCode = 1;
  }
}

export { parseArgs };
