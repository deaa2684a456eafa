import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { StoreTarget } from './config.ts';

/**
 * Settings sent with every query so the embedded engine and a server answer in the same
 * shape (chDB and the server differ in some defaults, e.g. 64-bit integer quoting in JSON).
 * date_time_input_format stays 'basic': 'best_effort' halves insert parsing speed, and rows
 * carry times as "seconds.nanoseconds", which basic parses exactly.
 */
export const CLIENT_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_decimals: 0,
  do_not_merge_across_partitions_select_final: 1,
} as const;

/** chDB's zero-copy insert: the Buffer goes to the engine's (parallel) parser untouched. */
export type RawInserter = (p: { table: string; columns: readonly string[]; format: string; values: Buffer; settings?: Readonly<Record<string, number>> }) => Promise<unknown>;

interface EmbeddedHandle {
  path: string;
  client: ClickHouseClient;
  rawInsert: RawInserter | null;
}

// chDB allows one data directory per process; Next.js route bundles and the collector must
// share the same client, so the handle lives on globalThis rather than in module state.
const GLOBAL_KEY = Symbol.for('plumb.store.embedded');
type GlobalWithStore = typeof globalThis & { [GLOBAL_KEY]?: EmbeddedHandle };

export async function openClient(target: StoreTarget): Promise<ClickHouseClient> {
  if (target.kind === 'server') {
    return createClient({
      url: target.url,
      username: target.username,
      password: target.password,
      database: target.database,
      clickhouse_settings: { ...CLIENT_SETTINGS },
      request_timeout: 120_000,
      compression: { request: false, response: true },
    });
  }
  const g = globalThis as GlobalWithStore;
  const path = target.path === ':memory:' ? target.path : resolve(target.path);
  const existing = g[GLOBAL_KEY];
  if (existing) {
    if (existing.path !== path) {
      throw new Error(
        `the embedded engine is already open on ${existing.path}; chDB allows one data directory per process (asked for ${path})`,
      );
    }
    return existing.client;
  }
  if (path !== ':memory:') mkdirSync(path, { recursive: true });
  // chdb is loaded lazily so a server deployment never needs the native addon.
  const { createChdbConnection } = await import('chdb/connection');
  const connection = createChdbConnection({ path });
  const client = createClient({
    connection: connection as never,
    clickhouse_settings: { ...CLIENT_SETTINGS },
  } as never) as ClickHouseClient;
  const ext = (connection as { chdb?: { rawInsert?: RawInserter } }).chdb;
  g[GLOBAL_KEY] = { path, client, rawInsert: ext?.rawInsert ? (p) => ext.rawInsert!(p) : null };
  return client;
}

/**
 * The embedded engine's raw insert for `client`, or null (a server, or a chDB without it).
 * Through `client.exec` chDB would decode the body to a string and append it to the statement
 * text (two copies of every batch on the JS thread, then the SQL parser over it).
 */
export function embeddedRawInserter(client: ClickHouseClient): RawInserter | null {
  const handle = (globalThis as GlobalWithStore)[GLOBAL_KEY];
  return handle && handle.client === client ? handle.rawInsert : null;
}

/** Closes the process-wide embedded client (tests, shutdown). */
export async function closeEmbedded(): Promise<void> {
  const g = globalThis as GlobalWithStore;
  const handle = g[GLOBAL_KEY];
  if (!handle) return;
  delete g[GLOBAL_KEY];
  await handle.client.close();
}
