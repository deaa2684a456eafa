import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTable, placementOf, renderClusterStatements, routeMutation, SHARDED } from './cluster.ts';
import { loadMigrations, renderSchema } from './migrations.ts';
import { buildFixture, insertFixture } from './queries/fixtures.ts';
import { testStoreConfig } from './testing.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';

const C = 'plumb';

describe('cluster rendering', () => {
  it('shards spans by trace: a Replicated local table and a Distributed table with the original name', () => {
    const out = renderClusterStatements('CREATE TABLE IF NOT EXISTS spans (a String, trace_id String, v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY (a, trace_id)', C);
    expect(out).toEqual([
      "CREATE TABLE IF NOT EXISTS spans_local ON CLUSTER 'plumb' (a String, trace_id String, v UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/spans_local', '{replica}', v) ORDER BY (a, trace_id)",
      "CREATE TABLE IF NOT EXISTS spans ON CLUSTER 'plumb' AS spans_local ENGINE = Distributed('plumb', currentDatabase(), 'spans_local', cityHash64(trace_id))",
    ]);
  });

  it('replicates mutable state on every node (one Keeper path, a replica per node), no Distributed table', () => {
    expect(renderClusterStatements('CREATE TABLE users (id String, _version UInt64) ENGINE = ReplacingMergeTree(_version) ORDER BY id', C)).toEqual([
      "CREATE TABLE users ON CLUSTER 'plumb' (id String, _version UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/users', '{shard}-{replica}', _version) ORDER BY id",
    ]);
    expect(placementOf('a_table_added_later')).toEqual({ kind: 'everywhere' });
  });

  it('puts materialized views on the local tables (the shard an insert lands on feeds its own aggregates)', () => {
    const [mv] = renderClusterStatements('CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS\nSELECT trace_id FROM spans JOIN projects ON 1 GROUP BY trace_id', C);
    expect(mv).toBe("CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv ON CLUSTER 'plumb' TO trace_index_local AS\nSELECT trace_id FROM spans_local JOIN projects ON 1 GROUP BY trace_id");
  });

  it('applies column changes to both tables, TTL and mutations to the local one only', () => {
    expect(renderClusterStatements('ALTER TABLE spans ADD COLUMN IF NOT EXISTS x UInt8 AFTER a', C)).toEqual([
      "ALTER TABLE spans_local ON CLUSTER 'plumb' ADD COLUMN IF NOT EXISTS x UInt8 AFTER a",
      "ALTER TABLE spans ON CLUSTER 'plumb' ADD COLUMN IF NOT EXISTS x UInt8 AFTER a",
    ]);
    expect(renderClusterStatements('ALTER TABLE spans DROP COLUMN IF EXISTS r SETTINGS mutations_sync = 2', C)).toEqual([
      "ALTER TABLE spans_local ON CLUSTER 'plumb' DROP COLUMN IF EXISTS r SETTINGS mutations_sync = 2",
      "ALTER TABLE spans ON CLUSTER 'plumb' DROP COLUMN IF EXISTS r",
    ]);
    expect(renderClusterStatements('ALTER TABLE spans MATERIALIZE COLUMN host SETTINGS mutations_sync = 2', C)).toEqual([
      "ALTER TABLE spans_local ON CLUSTER 'plumb' MATERIALIZE COLUMN host SETTINGS mutations_sync = 2",
    ]);
    expect(renderClusterStatements('ALTER TABLE spans MODIFY TTL toDateTime(start_time) + toIntervalDay(30)', C)).toEqual([
      "ALTER TABLE spans_local ON CLUSTER 'plumb' MODIFY TTL toDateTime(start_time) + toIntervalDay(30)",
    ]);
    expect(renderClusterStatements('ALTER TABLE users ADD COLUMN x UInt8', C)).toEqual(["ALTER TABLE users ON CLUSTER 'plumb' ADD COLUMN x UInt8"]);
    expect(() => renderClusterStatements('ALTER TABLE spans ADD COLUMN x UInt8, MODIFY TTL y', C)).toThrow(/split/);
    expect(renderClusterStatements('DELETE FROM rollup_hourly WHERE build = 1', C)).toEqual(["DELETE FROM rollup_hourly_local ON CLUSTER 'plumb' WHERE build = 1"]);
    expect(renderClusterStatements("OPTIMIZE TABLE spans PARTITION ID '20260101' FINAL", C)).toEqual([
      "OPTIMIZE TABLE spans_local ON CLUSTER 'plumb' PARTITION ID '20260101' FINAL",
    ]);
  });

  it('leaves single-node statements unchanged and backfills (INSERT … SELECT) as they are', () => {
    const s = 'CREATE TABLE spans (a UInt8) ENGINE = MergeTree ORDER BY a';
    expect(renderClusterStatements(s, '')).toEqual([s]);
    expect(renderClusterStatements('INSERT INTO trace_heads SELECT * FROM spans', C)).toEqual(['INSERT INTO trace_heads SELECT * FROM spans']);
    expect(localTable('spans', '')).toBe('spans');
    expect(localTable('spans', C)).toBe('spans_local');
    expect(localTable('users', C)).toBe('users');
  });

  it('routes run-time mutations of sharded tables to their local tables (rollup rebuilds, compaction)', () => {
    expect(routeMutation('DELETE FROM rollup_hourly WHERE project_id = {p:String}', C)).toBe("DELETE FROM rollup_hourly_local ON CLUSTER 'plumb' WHERE project_id = {p:String}");
    expect(routeMutation("OPTIMIZE TABLE spans PARTITION ID '20260101' FINAL", C)).toBe("OPTIMIZE TABLE spans_local ON CLUSTER 'plumb' PARTITION ID '20260101' FINAL");
    expect(routeMutation("OPTIMIZE TABLE spans_local ON CLUSTER 'plumb' FINAL", C)).toBe("OPTIMIZE TABLE spans_local ON CLUSTER 'plumb' FINAL");
    expect(routeMutation('DELETE FROM users WHERE 1', C)).toBe('DELETE FROM users WHERE 1');
    expect(routeMutation('DELETE FROM rollup_hourly WHERE 1', '')).toBe('DELETE FROM rollup_hourly WHERE 1');
  });

  it('keeps every version of a row on one shard: each sharded table holds the columns of its sharding key', () => {
    const creates = loadMigrations().flatMap((m) => m.statements).filter((s) => /^CREATE TABLE/i.test(s));
    for (const [table, key] of Object.entries(SHARDED)) {
      const create = creates.find((s) => new RegExp(`^CREATE TABLE (IF NOT EXISTS )?${table}\\b`, 'i').test(s));
      expect(create, table).toBeDefined();
      for (const col of key.replace(/^cityHash64\(|\)$/g, '').split(',').map((c) => c.trim())) {
        expect(create, `${table}.${col}`).toMatch(new RegExp(`\\n\\s+${col}\\s`));
      }
    }
  });
});

describe('the rendered schema', () => {
  it('is pinned for single-node mode', async () => {
    await expect(renderSchema('')).toMatchFileSnapshot('../../../clickhouse/rendered/single-node.sql');
  });
  it('is pinned for cluster mode', async () => {
    await expect(renderSchema(C)).toMatchFileSnapshot('../../../clickhouse/rendered/cluster.sql');
  });

  describe('parsed by the engine, statement by statement', () => {
    let store: Store;
    beforeAll(async () => {
      // Parsing only (formatQuery): always the embedded engine, whatever CLICKHOUSE_URL says.
      store = await Store.open({ target: { kind: 'embedded', path: join(mkdtempSync(join(tmpdir(), 'plumb-cluster-')), 'ch') }, cluster: '', retentionDays: 30 });
    });
    afterAll(async () => store?.close());

    for (const cluster of ['', C]) {
      it(`parses every ${cluster ? 'cluster' : 'single-node'} statement`, async () => {
        const statements = loadMigrations().flatMap((m) => m.statements.flatMap((s) => renderClusterStatements(s, cluster)));
        expect(statements.length).toBeGreaterThan(50);
        const failed: string[] = [];
        for (const q of statements) {
          try {
            const [r] = await store.query<{ f: string }>(sql`SELECT formatQuery(${q}) AS f`);
            if (cluster && /^CREATE TABLE/i.test(q)) expect(r!.f).toMatch(/ENGINE = (Replicated\w*MergeTree|Distributed)\(/);
          } catch (err) {
            failed.push(`${(err as Error).message.split('\n')[0]}: ${q.slice(0, 120)}`);
          }
        }
        expect(failed).toEqual([]);
      });
    }
  });
});

/**
 * On a real cluster (CLICKHOUSE_URL naming one of its servers and CLICKHOUSE_CLUSTER its name,
 * e.g. docker-compose.cluster.yml): the rendered schema applies, and a trace's spans land on one
 * shard. Skipped where no server runs (here: no Docker engine, no modern ClickHouse server).
 */
const onCluster = /^https?:/.test(process.env.CLICKHOUSE_URL ?? '') && !!process.env.CLICKHOUSE_CLUSTER;
describe.skipIf(!onCluster)('on a ClickHouse cluster', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open(testStoreConfig(''));
    await store.migrate();
  });
  afterAll(async () => store?.close());

  it('has Distributed tables over Replicated local tables, and keeps each trace on one shard', async () => {
    const engines = new Map(
      (await store.query<{ name: string; engine: string }>(sql`SELECT name, engine FROM system.tables WHERE database = currentDatabase()`)).map((r) => [r.name, r.engine]),
    );
    expect(engines.get('spans')).toBe('Distributed');
    expect(engines.get('spans_local')).toBe('ReplicatedReplacingMergeTree');
    expect(engines.get('users')).toBe('ReplicatedReplacingMergeTree');
    await insertFixture(store, buildFixture({ traces: 50 }));
    const split = await store.query<{ trace_id: string }>(sql`SELECT trace_id FROM spans GROUP BY trace_id HAVING uniqExact(_shard_num) > 1 LIMIT 5`);
    expect(split).toEqual([]);
    const [t] = await store.query<{ n: string }>(sql`SELECT toString(uniqExact(trace_id)) AS n FROM trace_index`);
    expect(Number(t!.n)).toBeGreaterThanOrEqual(50);
  });
});
