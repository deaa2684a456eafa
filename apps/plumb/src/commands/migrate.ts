import { parseArgs } from 'node:util';
import { renderSchema, Store, storeConfigFromEnv } from '@plumb/store';

export async function openStore(config = storeConfigFromEnv()): Promise<Store> {
  try {
    return await Store.open(config);
  } catch (err) {
    const msg = (err as Error).message;
    // chDB says "Cannot lock file …/status" or "Failed to create connection for path …".
    if (/lock|Failed to create connection/i.test(msg) && config.target.kind === 'embedded') {
      throw new Error(
        `the embedded store at ${config.target.path} is in use by another process (a running \`plumb start\`?). chDB allows one process per data directory: stop it first, or run Plumb against a ClickHouse server. (${msg})`,
      );
    }
    throw err;
  }
}

/**
 * `plumb migrate` applies pending migrations; `--print [--cluster NAME]` prints the whole schema
 * as it would be applied (single-node, or rendered for a cluster) without touching a store.
 */
export async function migrate(args: string[] = []): Promise<void> {
  const { values } = parseArgs({ args, options: { print: { type: 'boolean' }, cluster: { type: 'string' } } });
  if (values.print) {
    process.stdout.write(renderSchema(values.cluster ?? process.env.CLICKHOUSE_CLUSTER ?? ''));
    return;
  }
  const store = await openStore();
  try {
    const applied = await store.migrate();
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  } finally {
    await store.close();
  }
}
