import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestCoverage, budgetStatuses, deleteBudget, forecastDays, listBudgets, saveBudget } from './budgets.ts';
import { buildFixture, FIXTURE_START, insertFixture } from './queries/fixtures.ts';
import { queryMetrics } from './semantic/query.ts';
import { sql } from './sql.ts';
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

  it('budget burn and forecast are semantic-layer measures (alert rules: "budget will be exceeded")', async () => {
    const now = FIXTURE_START.getTime() + 2 * 3_600_000;
    const window = { projectId: 'default', from: new Date(now - DAY), to: new Date(now) };
    const mtdOf = async (tenant?: string) => {
      const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
      return Number((await queryMetrics(store, { projectId: 'default', measures: ['cost_usd'], from: new Date(monthStart), to: new Date(now), ...(tenant ? { filters: { tenant: [tenant] } } : {}) })).rows[0]!.cost_usd);
    };
    const globex = await mtdOf('globex');
    await saveBudget(store, 'default', { id: 'p2', scope: 'project', tenant: '', monthlyUsd: '1000', createdBy: 'cfo' });
    await saveBudget(store, 'default', { id: 'globex', scope: 'tenant', tenant: 'globex', monthlyUsd: String(globex / 4), createdBy: 'cfo' });
    const measures = ['budget_burn', 'budget_forecast_ratio', 'budget_forecast_high_ratio', 'budget_usd', 'budget_spend_usd', 'budget_forecast_usd'];
    const statuses = await budgetStatuses(store, 'default', now);

    const byTenant = await queryMetrics(store, { ...window, measures, groupBy: ['tenant'] });
    expect(byTenant.source).toBe('budgets');
    expect(byTenant.rows.map((r) => r.tenant)).toEqual(['globex', 'acme']); // by burn, descending
    const g = byTenant.rows[0]!;
    const gs = statuses.find((b) => b.id === 'globex')!;
    expect(g.budget_burn).toBeCloseTo(4, 9);
    expect(g.budget_spend_usd).toBeCloseTo(globex, 9);
    expect(g.budget_forecast_usd).toBeCloseTo(gs.forecastUsd, 9);
    expect(g.budget_forecast_ratio).toBeGreaterThan(1);
    expect(g.budget_forecast_high_ratio).toBeCloseTo(gs.forecastHighUsd / (globex / 4), 9);

    // Ungrouped: the project budget; by scope: every budget; filters pick budgets.
    const project = await queryMetrics(store, { ...window, measures: ['budget_burn', 'budget_spend_usd'] });
    expect(project.rows).toHaveLength(1);
    expect(project.rows[0]!.budget_spend_usd).toBeCloseTo(await mtdOf(), 9);
    expect(project.rows[0]!.budget_burn).toBeCloseTo((await mtdOf()) / 1000, 9);
    const all = await queryMetrics(store, { ...window, measures: ['budget_usd'], groupBy: ['budget_scope', 'tenant'], exactMoney: true });
    expect(all.rows.map((r) => `${r.budget_scope}/${r.tenant}=${r.budget_usd}`).sort()).toEqual(['project/=1000', 'tenant/acme=1000000', `tenant/globex=${gs.monthlyUsd}`]);
    const one = await queryMetrics(store, { ...window, measures: ['budget_forecast_ratio'], groupBy: ['tenant'], filters: { tenant: ['acme'] } });
    expect(one.rows.map((r) => r.tenant)).toEqual(['acme']);

    // Mixing views, other dimensions and intervals are refused by field.
    const bad = (q: Partial<Parameters<typeof queryMetrics>[1]>) => queryMetrics(store, { ...window, measures: ['budget_burn'], ...q }).then(() => null, (e: unknown) => e);
    expect(await bad({ measures: ['budget_burn', 'cost_usd'] })).toMatchObject({ field: 'measures' });
    expect(await bad({ groupBy: ['model'] })).toMatchObject({ field: 'groupBy' });
    expect(await bad({ intervalMs: 3_600_000 })).toMatchObject({ field: 'interval' });
    expect(await bad({ measures: ['cost_usd'], groupBy: ['budget_scope'] })).toMatchObject({ field: 'groupBy' });
  });

  it('"tenant Y spent over $500 today" is cost_usd filtered by tenant over the day (exact)', async () => {
    const day = Math.floor(FIXTURE_START.getTime() / DAY) * DAY;
    const r = await queryMetrics(store, { projectId: 'default', measures: ['cost_usd'], filters: { tenant: ['acme'] }, from: new Date(day), to: new Date(day + DAY), exactMoney: true });
    const [{ s = '' } = {}] = await store.query<{ s: string }>(sql`SELECT toString(sum(cost_usd)) AS s FROM spans FINAL WHERE tenant = 'acme' AND usage_counted AND start_time >= ${new Date(day)} AND start_time < ${new Date(day + DAY)}`);
    expect(r.rows[0]!.cost_usd).toBe(s);
  });
});
