import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportText } from './export.ts';
import { closeMonth, monthCloseLog, monthExport, monthSpec, reopenMonth } from './month-close.ts';
import { baseSpan, buildFixture, FIXTURE_START, insertFixture, insertSpanRows } from './queries/fixtures.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const month = FIXTURE_START.toISOString().slice(0, 7);
beforeAll(async () => {
  // A long retention: the second test writes spans into the previous month.
  store = await Store.open({ ...testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-month-'))), retentionDays: 400 });
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
    // While closed, every export of the month serves the closed figures (second test).
    expect(await live()).toBe(before);
    expect(await collect(monthExport(store, 'default', month))).toBe(before);

    await expect(reopenMonth(store, 'default', month, 'cfo@example.com', ' ')).rejects.toMatchObject({ field: 'reason' });
    await reopenMonth(store, 'default', month, 'cfo@example.com', 'late usage from acme');
    const after = await live();
    expect(after).not.toBe(before);
    expect(await collect(monthExport(store, 'default', month))).toBe(after);
    const log = await monthCloseLog(store, 'default');
    expect(log.map((l) => [l.month, l.action, l.by, l.reason])).toEqual([
      [month, 'reopen', 'cfo@example.com', 'late usage from acme'],
      [month, 'close', 'cfo@example.com', ''],
    ]);
  });

  it('every export over a closed month serves the closed figures, whatever the grouping and granularity', async () => {
    const m2 = new Date(Date.UTC(FIXTURE_START.getUTCFullYear(), FIXTURE_START.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    const prev = monthSpec('default', m2);
    // Spend in the previous month: one span on its 10th, so the range below spans a closed and a live month.
    const t = BigInt(prev.from.getTime() + 9 * 86_400_000) * 1_000_000n;
    const span = (id: string, cost: string) => baseSpan({ traceId: id.repeat(16), spanId: id.repeat(8), startTimeUnixNano: t, endTimeUnixNano: t + 1_000_000n, tenant: 'globex', provider: 'openai', requestModel: 'gpt-4o', usageCounted: true, inputTokens: 7, costUsd: cost, pricingStatus: 'priced', category: 'llm' });
    await insertSpanRows(store, [span('e1', '2.25')]);
    const range = { projectId: 'default', from: prev.from, to: new Date(Date.UTC(FIXTURE_START.getUTCFullYear(), FIXTURE_START.getUTCMonth() + 1, 1)) };
    const specs = [
      { ...range, groupBy: ['tenant'], granularity: 'day' as const },
      { ...range, groupBy: ['tenant', 'model'], granularity: 'hour' as const },
      { ...range, groupBy: [], granularity: 'month' as const },
      { ...range, groupBy: ['provider'], granularity: 'month' as const, filters: { tenant: ['globex'] } },
    ];
    const before = await Promise.all(specs.map((s) => collect(exportText(store, s, 'csv'))));
    await closeMonth(store, 'default', m2, 'cfo@example.com');
    // A late span and a rewritten cost inside the closed month change live spans, not its export.
    const e1 = span('e1', '9.75');
    await insertSpanRows(store, [span('e2', '5'), { ...e1, version: e1.version + 1 }]);
    for (let i = 0; i < specs.length; i++) expect(await collect(exportText(store, specs[i]!, 'csv')), `spec ${i}`).toBe(before[i]);
    // …and after the month's raw spans are gone (the span TTL).
    await store.command(sql`DELETE FROM spans WHERE start_time < ${prev.to}`);
    expect(await collect(exportText(store, specs[1]!, 'csv'))).toBe(before[1]);
    // Groupings the close did not keep, or a range edge inside an hour of the closed month, are refused by name.
    const fails = async (s: Parameters<typeof exportText>[1]) => collect(exportText(store, s, 'csv')).then(() => null, (e: unknown) => e);
    expect(await fails({ ...range, groupBy: ['route'], granularity: 'day' })).toMatchObject({ field: 'groupBy' });
    expect(await fails({ ...range, groupBy: [], granularity: 'day', filters: { host: ['h'] } })).toMatchObject({ field: 'filter[host]' });
    expect(await fails({ ...range, from: new Date(prev.from.getTime() + 90_000), groupBy: [], granularity: 'day' })).toMatchObject({ field: 'from' });
    // Reopened: live again (the late span shows).
    await reopenMonth(store, 'default', m2, 'cfo@example.com', 'late usage');
    expect(await collect(exportText(store, specs[0]!, 'csv'))).not.toBe(before[0]);
  });
});
