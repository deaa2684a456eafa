import type { MeasureDef } from './catalog.ts';
import type { Plan } from './compile.ts';
import { dimAlias, measureAlias, moneyAlias } from './compile.ts';
import type { MetricRow } from './query.ts';

/**
 * THE row decoder: one engine row → a MetricRow (`time` when bucketed, one key per dimension,
 * one per measure). `set` picks the measure columns of one grouped set. Additive measures of an
 * empty group are 0, the others null; money is a JSON number unless `exactMoney`.
 */
export function decodeRow(r: Record<string, unknown>, p: Plan, dims: readonly string[], exactMoney: boolean, set?: number): MetricRow {
  const row: MetricRow = {};
  if (p.intervalMs !== undefined) row.time = new Date(Number(r.__bucket)).toISOString();
  for (const d of dims) row[d] = String(r[dimAlias(d)] ?? '');
  for (const m of p.measures) row[m.name] = toValue(r[m.unit === 'usd' ? moneyAlias(m.name, set) : measureAlias(m.name, set)], m, exactMoney);
  return row;
}

function toValue(v: unknown, m: MeasureDef, exactMoney: boolean): string | number | null {
  if (v === null || v === undefined) return m.additive ? 0 : null;
  if (m.unit === 'usd') return exactMoney ? String(v) : Number(v);
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
