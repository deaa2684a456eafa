import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-prices-sql-'))));
});
afterAll(async () => store?.close());

describe('Date parameters', () => {
  // Found while building repricing: an early Date (an override effective from 1970-01-01 01:00)
  // was sent as "3600.000", which the engine cannot read as DateTime64 (it wants 10 integer digits).
  it('every Date from 1970 on reaches the engine as the same instant', async () => {
    for (const ms of [0, 5000, 3_600_000, 86_400_000 * 400, 1_700_000_000_123]) {
      const [r] = await store.query<{ t: string }>(sql`SELECT toString(toUnixTimestamp64Milli(${new Date(ms)})) AS t`);
      expect(r!.t).toBe(String(ms));
    }
  });
});
