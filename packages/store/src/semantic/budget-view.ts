import type { Store } from '../store.ts';
import type { DimensionDef, MeasureDef } from './catalog.ts';
import type { Plan } from './compile.ts';
import type { MeasureInfo, MetricRow, MetricsResult } from './query.ts';

/**
 * Budget measures (issue 9): a third view of the semantic layer, over the `budgets` table and
 * the spend the span view reports (budgets.ts computes both), so alert rules name them like any
 * measure: `budget_forecast_ratio > 1` by tenant is "this tenant's budget will be exceeded this
 * month", `budget_burn > 0.8` is "80 % of the budget is spent".
 *
 * A group is one budget. Values are levels as of the query's `to` (clamped to now): the month
 * containing it, its spend from the month's start to `to`, and the forecast to the month's end
 * (budgets.ts: weekday means of the last 28 complete days, 80 % interval). So the window's
 * `from` does not matter and a time series (interval) is refused. Without `tenant` or
 * `budget_scope` in groupBy the one row is the project budget; grouped by `tenant`, the tenant
 * budgets; grouped by `budget_scope`, both kinds.
 */

const NOT_ON_SPANS = "throwIf(1, 'budget measures are computed by budget-view.ts')";

const budget = (name: string, label: string, unit: MeasureDef['unit'], description: string): MeasureDef => ({
  name, label, unit, description, view: 'budget', spanSet: 'all', additive: false, expr: NOT_ON_SPANS, rollup: NOT_ON_SPANS,
});

export const BUDGET_MEASURES: readonly MeasureDef[] = [
  budget('budget_usd', 'Monthly budget', 'usd', 'The monthly budget (USD) of a project or tenant.'),
  budget('budget_spend_usd', 'Budget spend this month', 'usd', 'Spend from the start of the month containing `to` up to `to` (USD), within the budget\'s scope.'),
  budget('budget_burn', 'Budget burn', 'ratio', 'Month-to-date spend / monthly budget (1 = budget spent).'),
  budget('budget_forecast_usd', 'Forecast month-end spend', 'usd', 'Projected spend at the end of the month containing `to`: month to date + weekday means of the last 28 days for the days left (USD).'),
  budget('budget_forecast_ratio', 'Forecast / budget', 'ratio', 'Projected month-end spend / monthly budget (> 1: the budget will be exceeded at the current pace).'),
  budget('budget_forecast_high_ratio', 'Forecast high / budget', 'ratio', 'Upper bound of the 80 % forecast interval / monthly budget (> 1: at risk).'),
];

/** Dimensions of the budget view: the budget's tenant ('' for the project budget) and its scope. */
export const BUDGET_DIMENSIONS: readonly DimensionDef[] = [
  { name: 'budget_scope', label: 'Budget scope', expr: "throwIf(1, 'budget_scope applies to budget measures')", kind: 'budget', rollup: false },
];

const BUDGET_VIEW_DIMENSIONS = new Set(['tenant', 'budget_scope']);

export const isBudgetMeasure = (m: Pick<MeasureDef, 'view'>): boolean => m.view === 'budget';

/** Why a query mixes the budget view with others, or null (`field` names what to fix). */
export function budgetViewMismatch(measures: readonly MeasureDef[], dimensions: readonly { name: string; field: string }[], intervalMs: number | undefined): { field: string; message: string } | null {
  const own = measures.filter(isBudgetMeasure);
  if (own.length > 0 && own.length < measures.length) {
    return { field: 'measures', message: `budget measures (${own.map((m) => m.name).join(', ')}) cannot be combined with other measures in one query` };
  }
  const onBudget = own.length > 0;
  for (const d of dimensions) {
    if (onBudget && !BUDGET_VIEW_DIMENSIONS.has(d.name)) return { field: d.field, message: `dimension \`${d.name}\` does not apply to budget measures; use tenant, budget_scope` };
    if (!onBudget && d.name === 'budget_scope') return { field: d.field, message: `dimension \`budget_scope\` applies to budget measures only (${BUDGET_MEASURES.map((m) => m.name).join(', ')})` };
  }
  if (onBudget && intervalMs !== undefined) return { field: 'interval', message: 'budget measures are levels as of `to` (month to date and forecast); leave out interval' };
  return null;
}

/** Runs a budget-view plan (see the module comment). */
export async function queryBudgetPlan(store: Store, projectId: string, plan: Plan, exactMoney: boolean): Promise<MetricsResult> {
  // Loaded here: budgets.ts reads spend through queryMetrics, which dispatches to this view.
  const { budgetStatuses } = await import('../budgets.ts');
  const asOf = Math.min(plan.to.getTime(), Date.now());
  const byScope = plan.groupBy.includes('budget_scope');
  const byTenant = plan.groupBy.includes('tenant');
  const filters = new Map(plan.filters);
  const statuses = (await budgetStatuses(store, projectId, asOf)).filter((b) => {
    if (!byScope && (byTenant ? b.scope !== 'tenant' : b.scope !== 'project')) return false;
    if (!(filters.get('tenant')?.includes(b.tenant) ?? true)) return false;
    return filters.get('budget_scope')?.includes(b.scope) ?? true;
  });
  const money = (v: number | string) => (exactMoney ? String(v) : Number(v));
  const rows: MetricRow[] = statuses.map((b) => {
    const amount = Number(b.monthlyUsd);
    const ratio = (v: number) => (amount > 0 ? v / amount : null);
    const values: Record<string, number | string | null> = {
      budget_usd: money(b.monthlyUsd),
      budget_spend_usd: money(b.mtdUsd),
      budget_burn: ratio(b.mtdUsd),
      budget_forecast_usd: money(b.forecastUsd),
      budget_forecast_ratio: ratio(b.forecastUsd),
      budget_forecast_high_ratio: ratio(b.forecastHighUsd),
    };
    const row: MetricRow = {};
    if (byTenant) row.tenant = b.tenant;
    if (byScope) row.budget_scope = b.scope;
    for (const m of plan.measures) row[m.name] = values[m.name] ?? null;
    return row;
  });
  const key = plan.orderBy.name;
  const sign = plan.order === 'asc' ? 1 : -1;
  rows.sort((a, b) => {
    const x = a[key] === null ? NaN : Number(a[key]);
    const y = b[key] === null ? NaN : Number(b[key]);
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    if (x !== y && !Number.isNaN(x)) return sign * (x - y);
    return JSON.stringify(plan.groupBy.map((d) => a[d])) < JSON.stringify(plan.groupBy.map((d) => b[d])) ? -1 : 1;
  });
  const measures: MeasureInfo[] = plan.measures.map(({ name, label, unit }) => ({ name, label, unit, approximate: false }));
  const cut = rows.length > plan.limit ? rows.length - plan.limit : 0;
  return { measures, rows: rows.slice(0, plan.limit), source: 'budgets', leftOut: cut > 0 ? { groups: cut, totals: {} } : null, nextCursor: null };
}
