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

/**
 * Cache bounds of the embedded engine (server settings, fixed when the engine starts). chDB
 * keeps a server's defaults: 5 GiB each for the mark, primary index and skip-index mark caches,
 * sized for a machine given to ClickHouse; here the engine shares the process with the
 * collector (and the web and worker under `plumb start`), so a long-lived process would grow by
 * whatever its queries touched. Marks of 10M spans take a few MB; 256 MiB serves stores far
 * larger. (The uncompressed cache is already off; query-condition and compiled-expression
 * caches default to 100 and 128 MiB.)
 */
export const EMBEDDED_CACHE_BYTES = {
  index_mark_cache_size: 64 * 1024 * 1024,
  mark_cache_size: 256 * 1024 * 1024,
  primary_index_cache_size: 128 * 1024 * 1024,
} as const;

/** chDB's zero-copy insert: the Buffer goes to the engine's (parallel) parser untouched. */
export type RawInserter = (p: { table: string; columns: readonly string[]; format: string; values: Buffer; settings?: Readonly<Record<string, number>> }) => Promise<unknown>;

interface EmbeddedHandle {
  path: string;
  client: ClickHouseClient;
  rawInsert: RawInserter | null;
  /** The connection that started the engine with EMBEDDED_CACHE_BYTES (closed last). */
  starter: { close(): void } | null;
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
  // chdb/connection has no way to pass engine arguments, and server settings are fixed when the
  // engine starts: a plain Session opened first with them starts the engine, and the client's
  // connection to the same directory joins it. (':memory:' keeps the defaults: chdb/connection
  // puts it in a directory of its own choosing.)
  let starter: EmbeddedHandle['starter'] = null;
  if (path !== ':memory:') {
    const { Session } = await import('chdb');
    const args = Object.entries(EMBEDDED_CACHE_BYTES).map(([k, v]) => `--${k}=${v}`);
    starter = new Session(path, { connectionArgs: args });
  }
  let connection;
  try {
    connection = createChdbConnection({ path });
  } catch (err) {
    starter?.close();
    throw err;
  }
  const client = createClient({
    connection: connection as never,
    clickhouse_settings: { ...CLIENT_SETTINGS },
  } as never) as ClickHouseClient;
  const ext = (connection as { chdb?: { rawInsert?: RawInserter } }).chdb;
  g[GLOBAL_KEY] = { path, client, rawInsert: ext?.rawInsert ? (p) => ext.rawInsert!(p) : null, starter };
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
  handle.starter?.close();
}
