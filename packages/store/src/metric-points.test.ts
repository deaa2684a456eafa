import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitMetricBatch } from './metric-points.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-metric-points-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

describe('metric_points', () => {
  it('expires with the same retention as spans', async () => {
    await store.applyRetention(9);
    const [row] = await store.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'metric_points'`);
    expect(row!.q).toContain('TTL toDateTime(time) + toIntervalDay(9)');
  });

  it('splits a batch into number rows and distribution rows by their shape byte', () => {
    const { numbers, distributions } = splitMetricBatch(Buffer.from('N[1]\nD[2,3]\nN[4]\n'));
    expect(numbers.toString()).toBe('[1]\n[4]\n');
    expect(distributions.toString()).toBe('[2,3]\n');
  });
});
