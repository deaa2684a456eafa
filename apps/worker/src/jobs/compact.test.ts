import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, insertSpanRows, sql, Store, unmergedClosedPartitions } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { compactJob, dayId } from './compact.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-compact-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

describe('compact job', () => {
  it('merges closed day partitions into one part and collapses duplicates', async () => {
    const old = BigInt(Date.now() - 3 * 86_400_000) * 1_000_000n;
    const row = baseSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), startTimeUnixNano: old, endTimeUnixNano: old + 5_000_000n, costUsd: '0.5' });
    for (let i = 0; i < 3; i++) await insertSpanRows(store, [row]); // three parts, same span
    const before = await unmergedClosedPartitions(store, 'spans', dayId(Date.now(), 1));
    expect(before).toEqual([{ table: 'spans', partition: dayId(Date.now(), 3), parts: 3 }]);

    await compactJob(() => {}).run(store, new AbortController().signal);

    expect(await unmergedClosedPartitions(store, 'spans', dayId(Date.now(), 1))).toEqual([]);
    const [r] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans`);
    expect(r!.n).toBe(1); // collapsed without FINAL
  });

  it('leaves yesterday and today alone', () => {
    const now = Date.UTC(2026, 10, 22, 12);
    expect(dayId(now, 1)).toBe('20261121');
    expect(dayId(now, 0)).toBe('20261122');
  });
});
