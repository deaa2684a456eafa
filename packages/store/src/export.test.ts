import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPages, exportText, sliceCoverage } from './export.ts';
import { toPico } from './prices-sql.ts';
import { buildFixture, FIXTURE_START, insertFixture } from './queries/fixtures.ts';
import { queryMetrics } from './semantic/query.ts';
import { QueryError } from './semantic/errors.ts';
import { buildRollupHour } from './semantic/rollup-build.ts';
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
    const pages: [number, number][] = [];
    let rows = 0;
    for await (const page of exportPages(store, { projectId: 'default', from, to, groupBy: ['tenant'], granularity: 'hour' }, 'csv')) {
      const starts = page.text.trimEnd().split('\r\n').map((l) => Date.parse(l.split(',')[2]!));
      expect(Math.min(...starts)).toBeGreaterThanOrEqual(page.fromMs);
      expect(Math.max(...starts)).toBeLessThan(page.toMs);
      pages.push([page.fromMs, page.toMs]);
      rows += page.rows;
    }
    expect(pages.length).toBeGreaterThan(0);
    for (let i = 1; i < pages.length; i++) expect(pages[i]![0]).toBeGreaterThanOrEqual(pages[i - 1]![1]);
    const csv = await text('csv', 'hour', ['tenant']);
    expect(csv.trimEnd().split('\r\n').length - 1).toBe(rows);
  });

  it('a backwards range or an unknown dimension is a QueryError naming the field', async () => {
    const bad = async (spec: Parameters<typeof exportPages>[1]) => {
      try {
        for await (const _ of exportPages(store, spec, 'csv')) void _;
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

  it('built rollup hours and raw edges give the same bytes as raw spans (coverage read once, cut per page)', async () => {
    const odd = { projectId: 'default', from: new Date(from.getTime() + 1234), to: new Date(to.getTime() - 777), groupBy: ['tenant', 'model'], granularity: 'hour' as const };
    const collect = async (g: AsyncGenerator<string>) => {
      let out = '';
      for await (const c of g) out += c;
      return out;
    };
    const raw = await collect(exportText(store, odd, 'csv'));
    for (let h = from.getTime(); h < to.getTime(); h += 3_600_000) await buildRollupHour(store, 'default', h, 10_000);
    expect(await collect(exportText(store, odd, 'csv'))).toBe(raw);
    expect(await collect(exportText(store, { ...odd, granularity: 'day' }, 'json'))).toBe(await collect(exportText(store, { ...odd, granularity: 'day' }, 'json')));
  });

  it('sliceCoverage keeps whole hours inside the page and reads cut hours and raw ranges raw', () => {
    const H = 3_600_000;
    const c = { builds: [1, 2, 3], hours: [0, H, 2 * H], rawRanges: [[new Date(3 * H), new Date(4 * H)]] as [Date, Date][] };
    expect(sliceCoverage(c, 0.5 * H, 3.5 * H)).toEqual({
      builds: [2, 3], hours: [H, 2 * H],
      rawRanges: [[new Date(0.5 * H), new Date(H)], [new Date(3 * H), new Date(3.5 * H)]],
    });
    expect(sliceCoverage(c, 3 * H, 4 * H)).toBeUndefined();
    expect(sliceCoverage(undefined, 0, H)).toBeUndefined();
  });
});
