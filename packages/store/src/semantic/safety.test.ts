import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { buildFixture, FIXTURE_START, insertFixture } from '../queries/fixtures.ts';
import { queryMetrics, QueryError, topByDimensions } from './index.ts';

// Read-path safety (issue 7 item 6): what a read key can make the process materialize.
let store: Store;
const fixture = buildFixture();
const from = FIXTURE_START;
const to = new Date(FIXTURE_START.getTime() + 2 * 3600_000);

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-safety-'))));
  await store.migrate();
  await insertFixture(store, fixture);
});
afterAll(async () => store?.close());

/** The real store, recording how many rows each query brought back from the engine. */
function counting(returned: number[]): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'query') {
        return async (...args: Parameters<Store['query']>) => {
          const rows = await target.query(...args);
          returned.push(rows.length);
          return rows;
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

describe('read-path safety', () => {
  it('refuses gap filling past the series × buckets cap (400, not millions of rows)', async () => {
    const names = new Set(fixture.spans.map((s) => s.name)).size;
    expect(names * 7200).toBeGreaterThan(50_000); // 1 s buckets over 2 h, one series per span name
    const err = await queryMetrics(store, { projectId: 'default', from, to, intervalMs: 1000, measures: ['spans'], groupBy: ['span_name'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).field).toBe('interval');
    expect((err as QueryError).message).toMatch(/series × .* buckets/);
    // Under the cap it still fills.
    const ok = await queryMetrics(store, { projectId: 'default', from, to, intervalMs: 60_000, measures: ['spans'], groupBy: ['span_name'] });
    expect(ok.rows).toHaveLength(names * 120);
  });

  it('cuts top-N rankings in SQL: the engine returns at most limit rows per dimension', async () => {
    const returned: number[] = [];
    const r = await topByDimensions(counting(returned), { projectId: 'default', from, to, measures: ['spans'], dimensions: ['span_name', 'tenant'], limit: 1, orderBy: 'spans' });
    expect(r.span_name!.rows).toHaveLength(1);
    expect(r.tenant!.rows).toHaveLength(1);
    expect(Math.max(...returned)).toBeLessThanOrEqual(2);
  });
});
