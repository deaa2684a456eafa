import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCost, exportText } from './export.ts';
import { toPico } from './prices-sql.ts';
import { buildFixture, FIXTURE_START, insertFixture } from './queries/fixtures.ts';
import { queryMetrics } from './semantic/query.ts';
import { QueryError } from './semantic/errors.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const DAY = 86_400_000;
const from = new Date(Math.floor(FIXTURE_START.getTime() / DAY) * DAY - DAY);
const to = new Date(from.getTime() + 3 * DAY);
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-export-'))));
  await store.migrate();
  // 60 traces over ~3 days of hours, with the fixture's re-delivered duplicates.
  await insertFixture(store, buildFixture({ traces: 60, start: new Date(from.getTime() + DAY + 3_600_000) }));
});
afterAll(async () => store?.close());

async function text(format: 'csv' | 'json', granularity: 'hour' | 'day' | 'month', groupBy = ['tenant', 'model']): Promise<string> {
  let out = '';
  for await (const chunk of exportText(store, { projectId: 'default', from, to, groupBy, granularity }, format)) out += chunk;
  return out;
}

describe('cost export', () => {
  it('CSV rows sum exactly to the semantic-layer total, at every granularity', async () => {
    const total = await queryMetrics(store, { projectId: 'default', measures: ['cost_usd'], from, to, exactMoney: true });
    const want = toPico(String(total.rows[0]!.cost_usd));
    expect(want).toBeGreaterThan(0n);
    for (const g of ['hour', 'day', 'month'] as const) {
      const csv = await text('csv', g);
      const lines = csv.trimEnd().split('\r\n');
      const header = lines[0]!.split(',');
      const at = header.indexOf('BilledCost');
      const sum = lines.slice(1).reduce((a, l) => a + toPico(l.split(',')[at]!), 0n);
      expect(sum, g).toBe(want);
      expect(header.slice(0, 4)).toEqual(['BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd']);
      expect(header).toContain('x_tenant');
    }
  });

  it('full decimal precision, FOCUS values, JSON parses to the same rows as CSV', async () => {
    const rows = JSON.parse(await text('json', 'day')) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]!.BilledCost).toMatch(/^\d+\.\d{12}$|^\d+(\.\d+)?$/);
    expect(rows[0]).toMatchObject({ BillingCurrency: 'USD', ChargeCategory: 'Usage', ServiceCategory: 'AI and Machine Learning', ConsumedUnit: 'Tokens' });
    expect(JSON.parse(rows[0]!.Tags!)).toHaveProperty('tenant');
    const csvRows = (await text('csv', 'day')).trimEnd().split('\r\n').length - 1;
    expect(rows.length).toBe(csvRows);
    // Periods ascend; within a period, groups ascend.
    const keys = rows.map((r) => `${r.ChargePeriodStart}|${r.x_tenant}|${r.x_model}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it('the same export twice is byte-identical', async () => {
    expect(await text('csv', 'hour')).toBe(await text('csv', 'hour'));
  });

  it('pages by time: pages follow each other without overlap, and all rows arrive once', async () => {
    const pages: [string, string][] = [];
    let rows = 0;
    for await (const page of exportCost(store, { projectId: 'default', from, to, groupBy: ['tenant'], granularity: 'hour' })) {
      pages.push([page[0]!.ChargePeriodStart!, page[page.length - 1]!.ChargePeriodStart!]);
      rows += page.length;
    }
    for (let i = 1; i < pages.length; i++) expect(pages[i]![0] > pages[i - 1]![1]).toBe(true);
    const csv = await text('csv', 'hour', ['tenant']);
    expect(csv.trimEnd().split('\r\n').length - 1).toBe(rows);
  });

  it('a backwards range or an unknown dimension is a QueryError naming the field', async () => {
    const bad = async (spec: Parameters<typeof exportCost>[1]) => {
      try {
        for await (const _ of exportCost(store, spec)) void _;
      } catch (e) {
        return e;
      }
      return null;
    };
    expect(await bad({ projectId: 'default', from: to, to: from, groupBy: [], granularity: 'day' })).toMatchObject({ field: 'to' });
    const e = await bad({ projectId: 'default', from, to, groupBy: ['nope'], granularity: 'day' });
    expect(e).toBeInstanceOf(QueryError);
    expect(e).toMatchObject({ field: 'groupBy' });
  });
});
