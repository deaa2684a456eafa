import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import { enforceProjectRetention, getProjectRetention, RetentionError, setProjectRetention } from './retention.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open({ ...testStoreConfig(join(mkdtempSync(join(tmpdir(), 'plumb-retention-')), 'ch')), retentionDays: 30 });
  await store.migrate();
});
afterAll(async () => store?.close());

const DAY = 86_400_000;
const span = (projectId: string, daysAgo: number, i: number) => {
  const start = BigInt(Date.now() - daysAgo * DAY) * 1_000_000n;
  return baseSpan({ projectId, traceId: `${projectId.padEnd(8, '0')}${String(daysAgo).padStart(4, '0')}${String(i).padStart(20, '0')}`.slice(0, 32), spanId: `${String(daysAgo).padStart(8, '0')}${String(i).padStart(8, '0')}`, startTimeUnixNano: start, endTimeUnixNano: start + 1_000_000n });
};
const count = async (projectId: string) =>
  Number((await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM spans FINAL WHERE project_id = ${projectId}`))[0]!.n);

describe('retention per project', () => {
  it('follows the instance retention until set; is bounded by it; can go back to the default', async () => {
    expect(await getProjectRetention(store, 'alpha')).toMatchObject({ days: 30, instanceDays: 30, isDefault: true, updatedAt: null });
    const set = await setProjectRetention(store, 'alpha', 7, 'admin@example.com');
    expect(set).toMatchObject({ days: 7, isDefault: false, updatedBy: 'admin@example.com' });
    expect(new Date(set.updatedAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    await expect(setProjectRetention(store, 'alpha', 31, 'x')).rejects.toThrow(RetentionError);
    await expect(setProjectRetention(store, 'alpha', 0, 'x')).rejects.toThrow(/at least 1/);
    expect((await getProjectRetention(store, 'alpha')).days).toBe(7);
    expect(await setProjectRetention(store, 'alpha', null, 'x')).toMatchObject({ days: 30, isDefault: true });
  });

  it("deletes only the rows past a project's shorter retention; other projects keep theirs; a second run deletes nothing", async () => {
    const rows = [1, 5, 12, 20].flatMap((d) => [0, 1, 2].flatMap((i) => [span('short', d, i), span('long', d, i)]));
    await insertSpanRows(store, rows);
    expect([await count('short'), await count('long')]).toEqual([12, 12]);
    await setProjectRetention(store, 'short', 10, 'admin@example.com');

    const deleted = await enforceProjectRetention(store);
    expect(deleted).toEqual([{ projectId: 'short', table: 'spans', rows: 6 }]);
    expect([await count('short'), await count('long')]).toEqual([6, 12]);
    const [oldest] = await store.query<{ d: number }>(sql`SELECT dateDiff('day', min(start_time), now64()) AS d FROM spans FINAL WHERE project_id = 'short'`);
    expect(oldest!.d).toBeLessThanOrEqual(10);
    expect(await enforceProjectRetention(store)).toEqual([]);
  });
});
