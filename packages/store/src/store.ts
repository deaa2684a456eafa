import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { StoreConfig } from './config.ts';
import { closeEmbedded, embeddedRawInserter, openClient } from './connection.ts';
import { localTable, loadMigrations, renderClusterStatements, renderForCluster, routeMutation, type Migration } from './migrations.ts';
import { currentQueryTag, embeddedQueue, QUERY_TIMEOUT_SEC, type QueryKind } from './scheduler.ts';
import { render, sql, type SqlFragment } from './sql.ts';

export type RawFormat = 'JSONCompactEachRow' | 'JSONEachRow' | 'TabSeparated';

/** Per-statement options; anything left out comes from the surrounding `withQueryTag`, then defaults. */
export interface QueryOptions {
  kind?: QueryKind;
  /** Names the caller in `log_comment` (system.query_log), e.g. "keys.verify". */
  caller?: string;
  signal?: AbortSignal;
  /** Overrides the kind's `max_execution_time` (seconds; 0 = none). */
  timeoutSec?: number;
}

/** A statement ran past its `max_execution_time` (ClickHouse TIMEOUT_EXCEEDED): overload, retry later. */
export class QueryTimeoutError extends Error {
  constructor(
    readonly kind: QueryKind,
    readonly caller: string,
    readonly timeoutSec: number,
    options?: { cause?: unknown },
  ) {
    super(`${kind} query ${caller} took longer than ${timeoutSec} s`, options);
    this.name = 'QueryTimeoutError';
  }
}

const isTimeout = (err: unknown) => err instanceof Error && /TIMEOUT_EXCEEDED|Timeout exceeded/i.test(err.message);

/**
 * The first stack frame outside this file, as "function (file.ts)": the default caller name
 * when neither the statement nor a `withQueryTag` names one. Best effort (bundlers may rename).
 */
function callerFromStack(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  for (const line of lines) {
    if (/store\.ts|scheduler\.ts|node:|node_modules|<anonymous>/.test(line)) continue;
    const m = /at (?:async )?(?:([\w$.<>]+) )?\(?(?:.*[\/])?([\w.-]+\.[cm]?[jt]sx?)/.exec(line);
    if (m) return m[1] ? `${m[1]} (${m[2]})` : m[2]!;
  }
  return 'unknown';
}

/** Keeps log_comment printable and short (it is free text in system.query_log). */
const cleanComment = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);

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

  /**
   * The one place every statement passes through: it gets its settings here
   * (`max_execution_time` by kind, `log_comment` naming kind and caller) and, on the embedded
   * engine, its turn from the priority queue (see scheduler.ts).
   */
  private async run<R>(defaultKind: QueryKind, opts: QueryOptions | AbortSignal | undefined, fn: (settings: Record<string, string | number>, signal?: AbortSignal) => Promise<R>): Promise<R> {
    const o: QueryOptions = opts instanceof AbortSignal ? { signal: opts } : (opts ?? {});
    const tag = currentQueryTag();
    const kind = o.kind ?? tag?.kind ?? defaultKind;
    const caller = o.caller ?? tag?.caller ?? callerFromStack();
    const timeoutSec = o.timeoutSec ?? QUERY_TIMEOUT_SEC[kind];
    const settings = { max_execution_time: timeoutSec, log_comment: cleanComment(`plumb ${kind}: ${caller}`) };
    const exec = async () => {
      try {
        return await fn(settings, o.signal);
      } catch (err) {
        if (isTimeout(err)) throw new QueryTimeoutError(kind, caller, timeoutSec, { cause: err });
        throw err;
      }
    };
    return this.embedded ? embeddedQueue().run(kind, exec) : exec();
  }

  async query<T = Record<string, unknown>>(fragment: SqlFragment, opts?: QueryOptions | AbortSignal): Promise<T[]> {
    const { query, params } = render(fragment);
    return this.run('dashboard', opts, async (settings, signal) => {
      const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow', abort_signal: signal, clickhouse_settings: settings });
      return (await result.json()) as T[];
    });
  }

  /**
   * A statement whose text ends in its own `FORMAT` (e.g. RawBLOB), answered as text: the engine
   * formats the rows, so nothing is decoded into objects (the cost export). The whole answer is
   * held once: callers bound it (one page).
   */
  async queryText(fragment: SqlFragment, opts?: QueryOptions | AbortSignal): Promise<string> {
    const { query, params } = render(fragment);
    return this.run('dashboard', opts, async (settings, signal) => {
      const result = await this.client.exec({ query, query_params: params, abort_signal: signal, clickhouse_settings: settings });
      const parts: Buffer[] = [];
      for await (const chunk of result.stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(parts).toString('utf8');
    });
  }

  async command(fragment: SqlFragment, opts?: QueryOptions): Promise<void> {
    const rendered = render(fragment);
    const params = rendered.params;
    // Cluster mode: DELETE / OPTIMIZE of a sharded table go to its local tables ON CLUSTER.
    const query = routeMutation(rendered.query, this.config.cluster);
    await this.run('maintenance', opts, (settings, signal) => this.client.command({ query, query_params: params, abort_signal: signal, clickhouse_settings: settings }));
  }

  /**
   * Inserts pre-serialized rows (one per line) in one INSERT. `client.insert` would re-encode
   * JSON formats row by row, so the body goes as is: chDB's zero-copy raw insert when embedded,
   * else through `exec` (the HTTP body on a server). `via: 'exec'` forces the second path
   * (the ingest bench compares the two).
   */
  async insertRaw(
    table: string,
    columns: readonly string[],
    body: Buffer | string,
    format: RawFormat = 'JSONCompactEachRow',
    opts?: QueryOptions & { via?: 'auto' | 'exec'; settings?: Readonly<Record<string, number>> },
  ): Promise<void> {
    for (const c of [table, ...columns]) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) throw new Error(`invalid identifier ${JSON.stringify(c)}`);
    const values = typeof body === 'string' ? Buffer.from(body) : body;
    await this.run('insert', opts, async (settings, signal) => {
      const raw = (opts?.via ?? 'auto') === 'auto' ? embeddedRawInserter(this.client) : null;
      if (raw) {
        try {
          await raw({ table, columns, format, values, ...(opts?.settings ? { settings: opts.settings } : {}) });
        } catch (err) {
          throw withEngineCode(err);
        }
        return;
      }
      const result = await this.client.exec({
        query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`,
        values: Readable.from([values]),
        abort_signal: signal,
        clickhouse_settings: { ...settings, ...opts?.settings },
      });
      result.stream.resume();
      await new Promise<void>((resolve, reject) => {
        result.stream.once('end', resolve);
        result.stream.once('error', reject);
        result.stream.once('close', resolve);
      });
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
      (await this.query<{ name: string; checksum: string }>(sql`SELECT name, any(checksum) AS checksum FROM schema_migrations GROUP BY name`, { kind: 'maintenance', caller: 'store.migrate' })).map(
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
      for (const statement of m.statements) for (const s of renderClusterStatements(statement, cluster)) await this.exec(s);
      await this.command(sql`INSERT INTO schema_migrations (name, checksum) VALUES (${m.name}, ${m.checksum})`, { caller: 'store.migrate' });
      done.push(m.name);
    }
    await this.applyRetention(this.config.retentionDays);
    return done;
  }

  /** Sets the span and metric point TTL; days is a validated integer, so it is safe as DDL text. */
  async applyRetention(days: number): Promise<void> {
    if (!Number.isInteger(days) || days < 1) throw new Error(`invalid retention days: ${days}`);
    for (const [table, time] of [['spans', 'start_time'], ['metric_points', 'time'], ['request_stages', 'start_time']] as const) {
      const rows = await this.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = ${localTable(table, this.config.cluster)}`);
      if (rows.length === 0 || rows[0]!.q.includes(`toIntervalDay(${days})`)) continue;
      await this.exec(renderForCluster(`ALTER TABLE ${table} MODIFY TTL toDateTime(${time}) + toIntervalDay(${days})`, this.config.cluster));
    }
  }

  private async exec(statement: string): Promise<void> {
    await this.run('maintenance', { caller: 'store.migrate' }, (settings) => this.client.command({ query: statement, clickhouse_settings: settings }));
  }

  async close(): Promise<void> {
    if (this.embedded) await closeEmbedded();
    else await this.client.close();
  }
}
