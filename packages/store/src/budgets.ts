import { queryMetrics } from './semantic/query.ts';
import { param, sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Monthly budgets per project or per tenant, month-to-date spend from the semantic layer, and a
 * forecast to month end with an 80 % interval.
 *
 * Forecast method (stated in the UI): the daily spend of the last 28 complete days (UTC), with
 * weekday seasonality — each remaining day of the month is forecast as the mean spend of the
 * same weekday in those 28 days; the 80 % interval adds ±1.2816 × σ × √n, σ being the standard
 * deviation of the daily residuals (day − its weekday mean) and n the remaining days (residuals
 * taken as independent and normal). The interval's coverage is backtested on the stored history
 * (backtestCoverage) and quoted beside it.
 */

export interface Budget {
  id: string;
  scope: 'project' | 'tenant';
  tenant: string;
  monthlyUsd: string;
  createdBy: string;
}

const DAY = 86_400_000;
const Z80 = 1.2815515655446004;

export async function saveBudget(store: Store, projectId: string, b: Budget): Promise<void> {
  await store.command(sql`
    INSERT INTO budgets (project_id, id, scope, tenant, monthly_usd, created_by, _version)
    VALUES (${projectId}, ${b.id}, ${b.scope}, ${b.tenant}, ${param(b.monthlyUsd, 'Decimal(38, 12)')}, ${b.createdBy}, ${Date.now()})`);
}

export async function deleteBudget(store: Store, projectId: string, id: string): Promise<void> {
  await store.command(sql`
    INSERT INTO budgets (project_id, id, scope, tenant, monthly_usd, created_by, deleted, _version)
    SELECT project_id, id, scope, tenant, monthly_usd, created_by, true, ${Date.now()} FROM budgets FINAL WHERE project_id = ${projectId} AND id = ${id}`);
}

export async function listBudgets(store: Store, projectId: string): Promise<Budget[]> {
  const rows = await store.query<{ id: string; scope: string; tenant: string; usd: string; created_by: string }>(sql`
    SELECT id, scope, tenant, toString(monthly_usd) AS usd, created_by FROM budgets FINAL WHERE project_id = ${projectId} AND NOT deleted ORDER BY scope, tenant`);
  return rows.map((r) => ({ id: r.id, scope: r.scope === 'tenant' ? 'tenant' : 'project', tenant: r.tenant, monthlyUsd: r.usd, createdBy: r.created_by }));
}

export interface Forecast {
  /** Point forecast of the remaining days (USD). */
  remaining: number;
  low: number;
  high: number;
}

/**
 * Pure: forecast `days` (epoch ms of each remaining UTC day start) from `history` (daily spend
 * of the 28 days before, oldest first, `historyStart` = first day's start).
 */
export function forecastDays(history: readonly number[], historyStart: number, days: readonly number[]): Forecast {
  const byWeekday: number[][] = Array.from({ length: 7 }, () => []);
  history.forEach((v, i) => byWeekday[new Date(historyStart + i * DAY).getUTCDay()]!.push(v));
  const mean = byWeekday.map((xs) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : 0));
  const residuals = history.map((v, i) => v - mean[new Date(historyStart + i * DAY).getUTCDay()]!);
  const dof = Math.max(1, residuals.length - 7);
  const sigma = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / dof);
  const remaining = days.reduce((a, d) => a + mean[new Date(d).getUTCDay()]!, 0);
  const half = Z80 * sigma * Math.sqrt(days.length);
  return { remaining, low: Math.max(0, remaining - half), high: remaining + half };
}

/**
 * Pure: share of backtests whose actual total fell inside the 80 % interval. Each backtest
 * takes 28 days of `daily` as history and forecasts the next `horizon` days.
 */
export function backtestCoverage(daily: readonly number[], firstDay: number, horizon = 7): { coverage: number; tests: number } {
  let hit = 0;
  let tests = 0;
  for (let s = 0; s + 28 + horizon <= daily.length; s++) {
    const hist = daily.slice(s, s + 28);
    const days = Array.from({ length: horizon }, (_, i) => firstDay + (s + 28 + i) * DAY);
    const f = forecastDays(hist, firstDay + s * DAY, days);
    const actual = daily.slice(s + 28, s + 28 + horizon).reduce((a, b) => a + b, 0);
    tests++;
    if (actual >= f.low && actual <= f.high) hit++;
  }
  return { coverage: tests > 0 ? hit / tests : NaN, tests };
}

export interface BudgetStatus extends Budget {
  monthStart: string;
  monthEnd: string;
  mtdUsd: number;
  forecastUsd: number;
  forecastLowUsd: number;
  forecastHighUsd: number;
  /** MTD / budget. */
  burn: number;
  status: 'on track' | 'at risk' | 'over';
  backtest: { coverage: number; tests: number };
}

async function dailySpend(store: Store, projectId: string, tenant: string | null, from: number, to: number): Promise<number[]> {
  const r = await queryMetrics(store, {
    projectId, measures: ['cost_usd'], from: new Date(from), to: new Date(to), intervalMs: DAY,
    ...(tenant !== null ? { filters: { tenant: [tenant] } } : {}),
  });
  const byDay = new Map(r.rows.map((x) => [Date.parse(String(x.time)), Number(x.cost_usd ?? 0)]));
  return Array.from({ length: Math.round((to - from) / DAY) }, (_, i) => byDay.get(from + i * DAY) ?? 0);
}

/** Status of every budget of the project at `nowMs`: MTD, forecast with its interval, burn, status, backtest. */
export async function budgetStatuses(store: Store, projectId: string, nowMs = Date.now()): Promise<BudgetStatus[]> {
  const now = new Date(nowMs);
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const today = Math.floor(nowMs / DAY) * DAY;
  const out: BudgetStatus[] = [];
  for (const b of await listBudgets(store, projectId)) {
    const tenant = b.scope === 'tenant' ? b.tenant : null;
    const [mtd] = (await queryMetrics(store, { projectId, measures: ['cost_usd'], from: new Date(monthStart), to: new Date(nowMs), ...(tenant !== null ? { filters: { tenant: [tenant] } } : {}) })).rows;
    // 90 days of history: the last 28 for the forecast, all of it for the backtest.
    const historyFrom = today - 90 * DAY;
    const daily = await dailySpend(store, projectId, tenant, historyFrom, today);
    const last28 = daily.slice(-28);
    // The rest of today counts as a remaining day, scaled by the part of it still to come.
    const todayFraction = (today + DAY - nowMs) / DAY;
    const remainingDays = Array.from({ length: Math.round((monthEnd - today) / DAY) }, (_, i) => today + i * DAY);
    const full = forecastDays(last28, today - 28 * DAY, remainingDays.slice(1));
    const first = remainingDays.length > 0 ? forecastDays(last28, today - 28 * DAY, [today]) : { remaining: 0, low: 0, high: 0 };
    const mtdUsd = Number(mtd?.cost_usd ?? 0);
    const f = {
      remaining: full.remaining + first.remaining * todayFraction,
      low: full.low + first.low * todayFraction,
      high: full.high + first.high * todayFraction,
    };
    const budget = Number(b.monthlyUsd);
    const forecastUsd = mtdUsd + f.remaining;
    const status = mtdUsd > budget ? 'over' : mtdUsd + f.high > budget ? 'at risk' : 'on track';
    const firstNonZero = daily.findIndex((v) => v > 0);
    const history = firstNonZero < 0 ? [] : daily.slice(firstNonZero);
    out.push({
      ...b,
      monthStart: new Date(monthStart).toISOString(),
      monthEnd: new Date(monthEnd).toISOString(),
      mtdUsd,
      forecastUsd,
      forecastLowUsd: mtdUsd + f.low,
      forecastHighUsd: mtdUsd + f.high,
      burn: budget > 0 ? mtdUsd / budget : 0,
      status,
      backtest: backtestCoverage(history, historyFrom + Math.max(0, firstNonZero) * DAY),
    });
  }
  return out;
}
