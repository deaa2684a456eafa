import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestCoverage, budgetStatuses, deleteBudget, forecastDays, listBudgets, saveBudget } from './budgets.ts';
import { buildFixture, FIXTURE_START, insertFixture } from './queries/fixtures.ts';
import { queryMetrics } from './semantic/query.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

const DAY = 86_400_000;
const MONDAY = Date.UTC(2026, 0, 5); // a Monday

describe('forecast (pure)', () => {
  it('a purely weekly pattern is forecast exactly, with a zero-width interval', () => {
    const week = [10, 20, 30, 40, 50, 5, 1]; // Mon..Sun
    const history = Array.from({ length: 28 }, (_, i) => week[i % 7]!);
    const days = Array.from({ length: 10 }, (_, i) => MONDAY + (28 + i) * DAY);
    const f = forecastDays(history, MONDAY, days);
    expect(f.remaining).toBe(10 + 20 + 30 + 40 + 50 + 5 + 1 + 10 + 20 + 30);
    expect(f.high - f.low).toBe(0);
  });

  it('the 80 % interval covers about 80 % of backtests on noisy weekly spend', () => {
    let seed = 7;
    const normal = () => {
      // Box–Muller on a seeded LCG.
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const u = (seed + 1) / 2 ** 31;
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = (seed + 1) / 2 ** 31;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const daily = Array.from({ length: 400 }, (_, i) => [100, 120, 130, 125, 110, 40, 30][i % 7]! + 10 * normal());
    const { coverage, tests } = backtestCoverage(daily, MONDAY);
    expect(tests).toBe(400 - 35 + 1);
    expect(coverage).toBeGreaterThan(0.7);
    expect(coverage).toBeLessThan(0.9);
  });
});

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-budgets-'))));
  await store.migrate();
  await insertFixture(store, buildFixture());
});
afterAll(async () => store?.close());

describe('budgets', () => {
  it('project and tenant budgets: MTD from the semantic layer, burn, status', async () => {
    const now = FIXTURE_START.getTime() + 2 * 3_600_000;
    const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
    const mtd = Number((await queryMetrics(store, { projectId: 'default', measures: ['cost_usd'], from: new Date(monthStart), to: new Date(now) })).rows[0]!.cost_usd);
    const acme = Number((await queryMetrics(store, { projectId: 'default', measures: ['cost_usd'], from: new Date(monthStart), to: new Date(now), filters: { tenant: ['acme'] } })).rows[0]!.cost_usd);
    expect(mtd).toBeGreaterThan(acme);
    await saveBudget(store, 'default', { id: 'p', scope: 'project', tenant: '', monthlyUsd: String(mtd / 2), createdBy: 'cfo' });
    await saveBudget(store, 'default', { id: 'acme', scope: 'tenant', tenant: 'acme', monthlyUsd: '1000000', createdBy: 'cfo' });
    const s = await budgetStatuses(store, 'default', now);
    const p = s.find((b) => b.id === 'p')!;
    const a = s.find((b) => b.id === 'acme')!;
    expect(p.mtdUsd).toBeCloseTo(mtd, 9);
    expect(p.status).toBe('over');
    expect(p.burn).toBeCloseTo(2, 9);
    expect(a.mtdUsd).toBeCloseTo(acme, 9);
    expect(a.status).toBe('on track');
    expect(a.forecastLowUsd).toBeLessThanOrEqual(a.forecastUsd);
    expect(a.forecastHighUsd).toBeGreaterThanOrEqual(a.forecastUsd);
    await deleteBudget(store, 'default', 'p');
    expect((await listBudgets(store, 'default')).map((b) => b.id)).toEqual(['acme']);
  });
});
