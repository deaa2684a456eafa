import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from './store.ts';
import { sql } from './sql.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-store-'))));
});
afterAll(async () => store?.close());

describe('Store', () => {
  it('applies migrations once and records them', async () => {
    const first = await store.migrate();
    expect(first).toContain('0001_spans');
    expect(await store.migrate()).toEqual([]);
    const tables = await store.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['spans', 'trace_index', 'api_keys', 'projects', 'schema_migrations']));
  });

  it('sets retention as a TTL and changes it when asked', async () => {
    await store.applyRetention(7);
    const [row] = await store.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'spans'`);
    expect(row!.q).toContain('toIntervalDay(7)');
  });

  it('round-trips parameters through the engine', async () => {
    const rows = await store.query<{ a: string; b: number; c: number[] }>(sql`SELECT ${"it's"} AS a, ${41} + 1 AS b, ${[1, 2]} AS c`);
    expect(rows).toEqual([{ a: "it's", b: 42, c: [1, 2] }]);
  });
});
