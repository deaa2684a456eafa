import { Store, storeConfigFromEnv } from '@plumb/store';

export async function openStore(): Promise<Store> {
  const config = storeConfigFromEnv();
  try {
    return await Store.open(config);
  } catch (err) {
    const msg = (err as Error).message;
    if (/lock/i.test(msg) && config.target.kind === 'embedded') {
      throw new Error(
        `the embedded store at ${config.target.path} is in use by another process (a running \`plumb start\`?). chDB allows one process per data directory: stop it first, or run Plumb against a ClickHouse server. (${msg})`,
      );
    }
    throw err;
  }
}

export async function migrate(): Promise<void> {
  const store = await openStore();
  try {
    const applied = await store.migrate();
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  } finally {
    await store.close();
  }
}
