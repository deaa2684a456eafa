import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { StoreConfig } from './config.ts';
import { closeEmbedded, embeddedRawInserter, openClient } from './connection.ts';
import { loadMigrations, renderForCluster, type Migration } from './migrations.ts';
import { render, sql, type SqlFragment } from './sql.ts';

export type RawFormat = 'JSONCompactEachRow' | 'JSONEachRow' | 'TabSeparated';

/**
 * chDB's raw insert reports engine errors as `code: 'CHDB_INSERT'` with "Code: N." in the
 * message; callers (the writer's permanent-error test) read the engine's code, as the client
 * path gives it.
 */
function withEngineCode(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const m = /\bCode: (\d+)\./.exec(err.message);
  if (!m) return err;
  return Object.assign(new Error(err.message.replace(/^Code: \d+\. (DB::Exception: )?/, ''), { cause: err }), { code: m[1] });
}

/**
 * The one place that talks to ClickHouse. Embedded (chDB) and server share every line here:
 * the only difference is the connection `openClient` builds.
 */
export class Store {
  private constructor(
    readonly client: ClickHouseClient,
    readonly config: StoreConfig,
  ) {}

  static async open(config: StoreConfig): Promise<Store> {
    return new Store(await openClient(config.target), config);
  }

  get embedded(): boolean {
    return this.config.target.kind === 'embedded';
  }

  async query<T = Record<string, unknown>>(fragment: SqlFragment, signal?: AbortSignal): Promise<T[]> {
    const { query, params } = render(fragment);
    const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow', abort_signal: signal });
    return (await result.json()) as T[];
  }

  async command(fragment: SqlFragment): Promise<void> {
    const { query, params } = render(fragment);
    await this.client.command({ query, query_params: params });
  }

  /**
   * Inserts pre-serialized rows (one per line) in one INSERT. `client.insert` would re-encode
   * JSON formats row by row, so the body goes as is: chDB's zero-copy raw insert when embedded,
   * else through `exec` (the HTTP body on a server). `via: 'exec'` forces the second path
   * (the ingest bench compares the two).
   */
  async insertRaw(table: string, columns: readonly string[], body: Buffer | string, format: RawFormat = 'JSONCompactEachRow', via: 'auto' | 'exec' = 'auto'): Promise<void> {
    for (const c of [table, ...columns]) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) throw new Error(`invalid identifier ${JSON.stringify(c)}`);
    const raw = via === 'auto' ? embeddedRawInserter(this.client) : null;
    if (raw) {
      try {
        await raw({ table, columns, format, values: typeof body === 'string' ? Buffer.from(body) : body });
      } catch (err) {
        throw withEngineCode(err);
      }
      return;
    }
    const result = await this.client.exec({
      query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`,
      values: Readable.from([typeof body === 'string' ? Buffer.from(body) : body]),
    });
    result.stream.resume();
    await new Promise<void>((resolve, reject) => {
      result.stream.once('end', resolve);
      result.stream.once('error', reject);
      result.stream.once('close', resolve);
    });
  }

  /** Applies pending migrations in order; returns the names applied now. Idempotent. */
  async migrate(migrations: Migration[] = loadMigrations()): Promise<string[]> {
    const cluster = this.config.cluster;
    await this.exec(
      renderForCluster(
        'CREATE TABLE IF NOT EXISTS schema_migrations (name String, checksum String, applied_at DateTime64(3) DEFAULT now64(3)) ENGINE = MergeTree ORDER BY name',
        cluster,
      ),
    );
    const applied = new Map(
      (await this.query<{ name: string; checksum: string }>(sql`SELECT name, any(checksum) AS checksum FROM schema_migrations GROUP BY name`)).map(
        (r) => [r.name, r.checksum],
      ),
    );
    const done: string[] = [];
    for (const m of migrations) {
      const previous = applied.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) {
          throw new Error(`migration ${m.name} was changed after it was applied (checksum ${previous} → ${m.checksum}); add a new migration instead`);
        }
        continue;
      }
      for (const statement of m.statements) await this.exec(renderForCluster(statement, cluster));
      await this.command(sql`INSERT INTO schema_migrations (name, checksum) VALUES (${m.name}, ${m.checksum})`);
      done.push(m.name);
    }
    await this.applyRetention(this.config.retentionDays);
    return done;
  }

  /** Sets the span TTL; days is a validated integer, so it is safe as DDL text. */
  async applyRetention(days: number): Promise<void> {
    if (!Number.isInteger(days) || days < 1) throw new Error(`invalid retention days: ${days}`);
    const rows = await this.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'spans'`);
    if (rows[0]?.q.includes(`toIntervalDay(${days})`)) return;
    await this.exec(renderForCluster(`ALTER TABLE spans MODIFY TTL toDateTime(start_time) + toIntervalDay(${days})`, this.config.cluster));
  }

  private async exec(statement: string): Promise<void> {
    await this.client.command({ query: statement });
  }

  async close(): Promise<void> {
    if (this.embedded) await closeEmbedded();
    else await this.client.close();
  }
}
