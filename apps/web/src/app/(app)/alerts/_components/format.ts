import { dashboardLink, formatDuration, formatValue, type AlertState } from '@plumb/alerts';

/** Presentation helpers of the alerts page. */

export const STATE_BADGE: Record<AlertState, { cls: string; text: string }> = {
  firing: { cls: 'badge is-error', text: 'firing' },
  pending: { cls: 'badge is-pending', text: 'pending' },
  error: { cls: 'badge is-error', text: 'error' },
  nodata: { cls: 'badge is-warn', text: 'no data' },
  resolved: { cls: 'badge is-ok', text: 'resolved' },
  inactive: { cls: 'badge', text: 'ok' },
};

export interface RuleLike {
  type: 'threshold' | 'slo' | 'anomaly';
  query: { measure: string; filters: Record<string, string[]>; groupBy: string[] };
  windowMs: number;
  forMs: number;
  condition?: { op: string; warning: number | null; critical: number | null } | undefined;
  slo?: { total: string; bad?: string | undefined; good?: string | undefined; target: number } | undefined;
  anomaly?: { weeks: number; k: number; direction: string } | undefined;
}

export function describeQuery(r: RuleLike): string {
  const filters = Object.entries(r.query.filters).map(([k, v]) => `${k}=${v.join('|')}`).join(', ');
  const what = r.type === 'slo' && r.slo ? `${r.slo.bad ?? `not ${r.slo.good ?? ''}`} / ${r.slo.total}` : r.query.measure;
  return `${what}${r.query.groupBy.length ? ` by ${r.query.groupBy.join(', ')}` : ''}${filters ? ` where ${filters}` : ''} over ${formatDuration(r.windowMs)}`;
}

export function describeCondition(r: RuleLike): string {
  if (r.type === 'slo' && r.slo) return `SLO ${(r.slo.target * 100).toFixed(2).replace(/\.?0+$/, '')} % · multi-window burn rate`;
  if (r.type === 'anomaly' && r.anomaly) return `outside median ± ${r.anomaly.k}·MAD of ${r.anomaly.weeks} weeks (${r.anomaly.direction})`;
  const c = r.condition;
  if (!c) return '';
  const parts = [c.warning !== null ? `warn ${c.op} ${formatValue(c.warning)}` : '', c.critical !== null ? `crit ${c.op} ${formatValue(c.critical)}` : ''].filter(Boolean);
  return `${parts.join(' · ')}${r.forMs > 0 ? ` for ${formatDuration(r.forMs)}` : ''}`;
}

/** The traces behind an instance: the explorer filtered to its group over the rule's window. */
export function tracesHref(r: RuleLike, group: Record<string, string>, evaluatedAt: number): string {
  return dashboardLink('', r.query, group, evaluatedAt - r.windowMs, evaluatedAt);
}

export { formatDuration, formatValue };
