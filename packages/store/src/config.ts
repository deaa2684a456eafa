import { z } from 'zod';

/** Where the data lives: the embedded engine (chDB, one process per directory) or a server. */
export type StoreTarget =
  | { kind: 'embedded'; path: string }
  | { kind: 'server'; url: string; username: string; password: string; database: string };

export interface StoreConfig {
  target: StoreTarget;
  /** Render migrations for a cluster (`ON CLUSTER`, Replicated engines). Server only. */
  cluster: string;
  /** Span retention; applied as a table TTL at start-up. */
  retentionDays: number;
}

const schema = z.object({
  CLICKHOUSE_URL: z.string().default('file:./data/clickhouse'),
  CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]*$/, 'must be a cluster name (letters, digits, _ - { })')
    .default(''),
  PLUMB_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

/**
 * The environment with empty (or blank) variables removed: `''` means unset in every Plumb env
 * parser. docker compose passes `${PLUMB_INGEST_KEY:-}` as an empty string, and `z.coerce.number()`
 * would read `''` as 0 (port 0 = a random port), so blanks must never reach validation.
 */
export function envWithoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}

/** Parses `CLICKHOUSE_URL` and friends; throws an Error naming the bad variable. */
export function storeConfigFromEnv(env: Record<string, string | undefined> = process.env): StoreConfig {
  const parsed = schema.safeParse(envWithoutBlanks(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid ${issue.path.join('.')}: ${issue.message}`);
  }
  const { CLICKHOUSE_URL: raw, CLICKHOUSE_CLUSTER: cluster, PLUMB_RETENTION_DAYS: retentionDays } = parsed.data;
  return { target: parseClickhouseUrl(raw), cluster, retentionDays };
}

export function parseClickhouseUrl(raw: string): StoreTarget {
  const value = raw.trim();
  if (value === '' || value.startsWith('file:')) {
    const path = value === '' ? './data/clickhouse' : value.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error('invalid CLICKHOUSE_URL: file: needs a directory, e.g. file:./data/clickhouse');
    return { kind: 'embedded', path };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`invalid CLICKHOUSE_URL ${JSON.stringify(raw)}: expected file:<dir> or http(s)://user:pass@host:8123/db`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid CLICKHOUSE_URL: unsupported scheme ${url.protocol} (use file:, http: or https:)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'default';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`invalid CLICKHOUSE_URL: bad database name ${database}`);
  const username = decodeURIComponent(url.username) || 'default';
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.pathname = '/';
  return { kind: 'server', url: url.toString().replace(/\/$/, ''), username, password, database };
}
