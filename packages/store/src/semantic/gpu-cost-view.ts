import { gpuCost } from '../gpu-cost.ts';
import { picoToUsd, usdToPico } from '../gpu-split.ts';
import type { Store } from '../store.ts';
import type { Plan } from './compile.ts';
import { QueryError } from './errors.ts';
import { IDLE_TENANT } from './gpu-catalog.ts';
import type { MetricRow, MetricsResult } from './query.ts';

const HOUR = 3_600_000;

/**
 * Runs a plan of GPU cost measures (queryMetrics dispatches here): the store's exact split
 * (gpu-cost.ts; join by served model, idle as its own line) summed per group and hour bucket in
 * picodollars. Buckets are whole hours (the split is hourly). Money as exact text with exactMoney.
 */
export async function queryGpuCostPlan(store: Store, projectId: string, plan: Plan, exactMoney: boolean): Promise<MetricsResult> {
  if (plan.intervalMs !== undefined && plan.intervalMs % HOUR !== 0) {
    throw new QueryError('interval', 'GPU cost is split per hour: the interval must be a whole number of hours');
  }
  const r = await gpuCost(store, { projectId, from: plan.from, to: plan.to });
  const keep = (dim: string, value: string) => {
    const f = plan.filters.find(([d]) => d === dim);
    return !f || f[1].includes(value);
  };
  const groups = new Map<string, { key: MetricRow; total: bigint; idle: bigint }>();
  for (const l of r.lines) {
    const tenant = l.tenant ?? IDLE_TENANT;
    if (!keep('tenant', tenant) || !keep('host', l.host)) continue;
    const key: MetricRow = {};
    if (plan.intervalMs !== undefined) key.time = new Date(Math.floor(l.hour / plan.intervalMs) * plan.intervalMs).toISOString();
    for (const d of plan.groupBy) key[d] = d === 'tenant' ? tenant : l.host;
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { key, total: 0n, idle: 0n };
    const pico = usdToPico(l.usd);
    g.total += pico;
    if (l.tenant === null) g.idle += pico;
    groups.set(id, g);
  }
  const money = (p: bigint) => (exactMoney ? picoToUsd(p) : Number(picoToUsd(p)));
  let rows: MetricRow[] = [...groups.values()].map((g) => {
    const row: MetricRow = { ...g.key };
    for (const m of plan.measures) row[m.name] = money(m.name === 'gpu_idle_cost_usd' ? g.idle : g.total);
    return row;
  });
  if (plan.groupBy.length === 0 && plan.intervalMs === undefined && rows.length === 0) {
    rows = [Object.fromEntries(plan.measures.map((m) => [m.name, money(0n)]))];
  }
  const by = plan.orderBy.name;
  const sign = plan.order === 'asc' ? 1 : -1;
  rows.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '') || sign * (Number(a[by] ?? 0) - Number(b[by] ?? 0)) || JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const cut = plan.intervalMs === undefined && rows.length > plan.limit ? rows.length - plan.limit : 0;
  return {
    measures: plan.measures.map(({ name, label, unit }) => ({ name, label, unit, approximate: false })),
    rows: cut ? rows.slice(0, plan.limit) : rows,
    source: 'metric_points',
    leftOut: cut ? { groups: cut, totals: {} } : null,
    nextCursor: null,
  };
}
