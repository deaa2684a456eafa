import type { StoreConfig } from './config.ts';
import { parseClickhouseUrl } from './config.ts';

/**
 * Store config for tests: the embedded engine in `dir`, or — when CLICKHOUSE_URL names a
 * server — that server, so the same tests run against both.
 */
export function testStoreConfig(dir: string): StoreConfig {
  const url = process.env.CLICKHOUSE_URL;
  const target = url && /^https?:/.test(url) ? parseClickhouseUrl(url) : { kind: 'embedded' as const, path: dir };
  return { target, cluster: process.env.CLICKHOUSE_CLUSTER ?? '', retentionDays: 30 };
}
