import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportText } from './export.ts';
import { closeMonth, monthCloseLog, monthExport, monthSpec, reopenMonth } from './month-close.ts';
import { baseSpan, buildFixture, FIXTURE_START, insertFixture, insertSpanRows } from './queries/fixtures.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const month = FIXTURE_START.toISOString().slice(0, 7);
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-month-'))));
  await store.migrate();
  await insertFixture(store, buildFixture());
});
afterAll(async () => store?.close());

const collect = async (g: AsyncGenerator<string>) => {
  let s = '';
  for await (const c of g) s += c;
  return s;
};
const live = () => collect(exportText(store, monthSpec('default', month), 'csv'));

describe('month close', () => {
  it('freezes the export: byte-identical after later changes, until an explicit, logged reopen', async () => {
    const before = await live();
    expect(before.split('\r\n').length).toBeGreaterThan(2);
    const closed = await closeMonth(store, 'default', month, 'cfo@example.com');
    expect(Number(closed.totalUsd)).toBeGreaterThan(0);
    expect(await collect(monthExport(store, 'default', month))).toBe(before);
    await expect(closeMonth(store, 'default', month, 'cfo@example.com')).rejects.toMatchObject({ field: 'month' });

    // A late span (or a reprice) changes the live numbers, not the closed month's export.
    const t = BigInt(FIXTURE_START.getTime()) * 1_000_000n;
    await insertSpanRows(store, [baseSpan({ traceId: 'cd'.repeat(16), spanId: 'cd'.repeat(8), startTimeUnixNano: t, endTimeUnixNano: t + 1_000_000n, tenant: 'acme', provider: 'openai', requestModel: 'gpt-4o', usageCounted: true, inputTokens: 10, costUsd: '1.5', pricingStatus: 'priced', category: 'llm' })]);
    const after = await live();
    expect(after).not.toBe(before);
    expect(await collect(monthExport(store, 'default', month))).toBe(before);

    await expect(reopenMonth(store, 'default', month, 'cfo@example.com', ' ')).rejects.toMatchObject({ field: 'reason' });
    await reopenMonth(store, 'default', month, 'cfo@example.com', 'late usage from acme');
    expect(await collect(monthExport(store, 'default', month))).toBe(after);
    const log = await monthCloseLog(store, 'default');
    expect(log.map((l) => [l.month, l.action, l.by, l.reason])).toEqual([
      [month, 'reopen', 'cfo@example.com', 'late usage from acme'],
      [month, 'close', 'cfo@example.com', ''],
    ]);
  });
});
